import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defaultIdempotencyMaxBytes } from '../config';
import { logLine } from '../workers/log';
import { ApiProblem } from './problem';

/**
 * Idempotency-Key for writes. Two layers:
 * - the command or event id the API derives from the key is deterministic, so the journey
 *   workflow (which ignores a repeated id) changes nothing on a repeat, whatever process answers;
 * - an answer store (this process's memory, bounded in bytes, unless a shared one is plugged in)
 *   remembers the first answer for a day and replays it, so the caller sees the same status and
 *   body again (a process without it answers a repeat from the workflow's state).
 */

export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, 'expected 1-200 visible ASCII characters, e.g. a UUID')
  .describe(
    'Makes a write safe to retry: a repeat with the same key returns the first answer and changes nothing',
  );

export interface StoredAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** A finished answer as a store keeps it: the request's fingerprint beside the answer. */
export interface RememberedAnswer {
  fingerprint: string;
  answer: StoredAnswer;
}

/**
 * Where finished answers are kept (README, "Idempotency"): this process's memory by default, or a
 * store shared by every API process. Answers are an aid to the caller, not what makes a repeat safe:
 * the event or command id derived from the key is. So a store may forget an answer early (evicted,
 * restarted), and one that fails makes the API answer without it rather than refuse the write.
 */
export interface AnswerStore {
  /** The answer remembered under `id`, or undefined once it expired or was evicted. */
  get(id: string): Promise<RememberedAnswer | undefined>;
  /** Remembers an answer for `ttlMs`; the first answer under an id is the one to keep. */
  put(id: string, remembered: RememberedAnswer, ttlMs: number): Promise<void>;
}

interface Kept {
  remembered: RememberedAnswer;
  bytes: number;
  expiresAt: number;
}

/**
 * Answers in this process's memory, bounded by their size: each is measured as its id and JSON, and
 * the oldest are forgotten once the total would pass `maxBytes`. An answer larger than the whole
 * bound is not kept.
 */
export class MemoryAnswerStore implements AnswerStore {
  private readonly kept = new Map<string, Kept>();
  private total = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Bytes the remembered answers take, as measured against the bound. */
  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.kept.size;
  }

  async get(id: string): Promise<RememberedAnswer | undefined> {
    this.evictExpired();
    const entry = this.kept.get(id);
    if (entry === undefined || entry.expiresAt > this.now()) return entry?.remembered;
    this.forget(id, entry);
    return undefined;
  }

  async put(id: string, remembered: RememberedAnswer, ttlMs: number): Promise<void> {
    this.evictExpired();
    if (this.kept.has(id)) return;
    const bytes = Buffer.byteLength(id, 'utf8') + Buffer.byteLength(JSON.stringify(remembered), 'utf8');
    if (bytes > this.maxBytes) return;
    this.kept.set(id, { remembered, bytes, expiresAt: this.now() + ttlMs });
    this.total += bytes;
    for (const [oldest, entry] of this.kept) {
      if (this.total <= this.maxBytes) break;
      this.forget(oldest, entry);
    }
  }

  private forget(id: string, entry: Kept): void {
    this.kept.delete(id);
    this.total -= entry.bytes;
  }

  // Entries are kept in insertion order, so with one time to live (the API's) the expired come first.
  private evictExpired(): void {
    const now = this.now();
    for (const [id, entry] of this.kept) {
      if (entry.expiresAt > now) break;
      this.forget(id, entry);
    }
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A stable id for the command or event a keyed write sends, scoped to the staff member and the operation. */
export const idFromKey = (prefix: string, scope: string, key: string): string =>
  `${prefix}-${sha256(`${scope}\n${key}`).slice(0, 40)}`;

const dayMs = 24 * 60 * 60 * 1000;

export class IdempotencyStore {
  /** Writes still running in this process: a concurrent repeat waits for the first. */
  private readonly running = new Map<string, { fingerprint: string; answer: Promise<StoredAnswer> }>();
  private readonly store: AnswerStore;
  private readonly ttlMs: number;

  constructor(opts: { store?: AnswerStore; ttlMs?: number } = {}) {
    this.store = opts.store ?? new MemoryAnswerStore(defaultIdempotencyMaxBytes);
    this.ttlMs = opts.ttlMs ?? dayMs;
  }

  /**
   * Answers a keyed write once: a repeat (same scope and key) with the same request gets the first
   * answer, also while the first is still running; a repeat with a different request is refused.
   * Answers of 5xx are not kept, so a retry after an outage runs again.
   */
  async answer(
    scope: string,
    key: string,
    request: unknown,
    run: () => Promise<StoredAnswer>,
  ): Promise<StoredAnswer & { replayed: boolean }> {
    const id = `${scope}\n${key}`;
    const fingerprint = sha256(JSON.stringify(request ?? null));
    const inHand = this.running.get(id);
    if (inHand) {
      refuseOtherRequest(inHand.fingerprint, fingerprint);
      return { ...(await inHand.answer), replayed: true };
    }
    const first = this.firstAnswer(id, fingerprint, run);
    this.running.set(id, { fingerprint, answer: first });
    try {
      return await first;
    } finally {
      this.running.delete(id);
    }
  }

  private async firstAnswer(
    id: string,
    fingerprint: string,
    run: () => Promise<StoredAnswer>,
  ): Promise<StoredAnswer & { replayed: boolean }> {
    const remembered = await this.store.get(id).catch((error: unknown) => storeUnavailable('read', error));
    if (remembered) {
      refuseOtherRequest(remembered.fingerprint, fingerprint);
      return { ...remembered.answer, replayed: true };
    }
    const answer = await run();
    if (answer.status < 500)
      await this.store
        .put(id, { fingerprint, answer }, this.ttlMs)
        .catch((error: unknown) => storeUnavailable('write', error));
    return { ...answer, replayed: false };
  }
}

function refuseOtherRequest(first: string, now: string): void {
  if (first !== now)
    throw new ApiProblem(
      422,
      'idempotency-key-reused',
      'Idempotency-Key reused',
      'This Idempotency-Key was already used for a different request: send a new key for a new request.',
    );
}

// The key-derived ids keep a repeat harmless without the store, so its failure only costs the replay.
function storeUnavailable(operation: 'read' | 'write', error: unknown): undefined {
  logLine('warn', 'idempotency store unavailable; answering without it', {
    kind: operation,
    error: error instanceof Error ? error.name : 'unknown',
  });
  return undefined;
}
