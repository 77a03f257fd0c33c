/**
 * At most `size` operations at once; the others wait their turn in the order they asked. The
 * bridge bounds its load on Temporal with it, however many clients a batch holds; the journeys
 * client bounds its queries with it (`QueryLimiter`).
 */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('at least one slot');
    this.free = size;
  }

  /** Whether an operation run now would have to wait. */
  get full(): boolean {
    return this.free === 0;
  }

  /** Operations waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await operation();
    } finally {
      // The slot passes straight to the next in line, so none can be taken out of turn.
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
