import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ApiProblem } from './problem';

/**
 * Idempotency-Key for writes. Two layers:
 * - the command or event id the API derives from the key is deterministic, so the journey
 *   workflow (which ignores a repeated id) changes nothing on a repeat, whatever process answers;
 * - this process remembers the first answer for a day and replays it, so the caller sees the
 *   same status and body again (a fresh process answers a repeat from the workflow's state).
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

interface Entry {
  fingerprint: string;
  answer: Promise<StoredAnswer>;
  expiresAt: number;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A stable id for the command or event a keyed write sends, scoped to the staff member and the operation. */
export const idFromKey = (prefix: string, scope: string, key: string): string =>
  `${prefix}-${sha256(`${scope}\n${key}`).slice(0, 40)}`;

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 24 * 60 * 60 * 1000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

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
    this.evictExpired();
    const id = `${scope}\n${key}`;
    const fingerprint = sha256(JSON.stringify(request ?? null));
    const existing = this.entries.get(id);
    if (existing) {
      if (existing.fingerprint !== fingerprint)
        throw new ApiProblem(
          422,
          'idempotency-key-reused',
          'Idempotency-Key reused',
          'This Idempotency-Key was already used for a different request: send a new key for a new request.',
        );
      return { ...(await existing.answer), replayed: true };
    }
    const answer = run();
    this.entries.set(id, { fingerprint, answer, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    try {
      const settled = await answer;
      if (settled.status >= 500) this.entries.delete(id);
      return { ...settled, replayed: false };
    } catch (error) {
      this.entries.delete(id);
      throw error;
    }
  }

  private evictExpired(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(id);
    }
  }
}
