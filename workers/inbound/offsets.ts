/**
 * Which offset of one partition's batch may be committed while its records are handled out of order
 * (each client's in order, clients side by side). A commit says "everything below is handled", so it
 * may only cover the contiguous handled prefix: a record still in flight, or abandoned, holds it back,
 * however many records after it are done. Offsets are strings, as Kafka clients give them.
 */
export class HandledOffsets {
  private readonly offsets: bigint[];
  private readonly known: Set<bigint>;
  private readonly handled = new Set<bigint>();
  /** How many of `offsets`, from the first, are handled. */
  private prefix = 0;
  private committed: bigint | undefined;

  /** The batch's offsets, ascending (as a fetch returns them). */
  constructor(offsets: readonly string[]) {
    this.offsets = offsets.map((offset) => BigInt(offset));
    this.known = new Set(this.offsets);
    for (let i = 1; i < this.offsets.length; i++)
      if (this.offsets[i]! <= this.offsets[i - 1]!) throw new RangeError('offsets must ascend');
  }

  /** Marks a record handled: applied, a redelivery, or dead-lettered. */
  done(offset: string): void {
    const value = BigInt(offset);
    if (!this.known.has(value)) throw new RangeError(`offset ${offset} is not in this batch`);
    this.handled.add(value);
    while (this.prefix < this.offsets.length && this.handled.has(this.offsets[this.prefix]!)) this.prefix++;
  }

  /**
   * The offset to commit now (one past the last record of the handled prefix), or undefined when the
   * prefix has not grown since the last call that returned one.
   */
  takeCommit(): string | undefined {
    if (this.prefix === 0) return undefined;
    const next = this.offsets[this.prefix - 1]! + 1n;
    if (this.committed !== undefined && next <= this.committed) return undefined;
    this.committed = next;
    return next.toString();
  }

  /** Every record of the batch is handled. */
  get complete(): boolean {
    return this.prefix === this.offsets.length;
  }
}
