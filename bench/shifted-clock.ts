/**
 * Preloaded (`node --require`) into the services process of the realistic benchmark only. Its
 * journeys live on a time-skipping server whose clock is months ahead of the machine's once their
 * history is built; the bridge refuses events dated ahead of its own clock, so the process reads
 * the server's time instead: the machine's, shifted by `shiftedClockVariable` milliseconds.
 * Durations are unaffected (a constant shift); log timestamps carry the shift.
 */
export const shiftedClockVariable = 'BENCH_CLOCK_SHIFT_MS';

const shift = Number(process.env[shiftedClockVariable] ?? '0');
if (!Number.isSafeInteger(shift))
  throw new Error(`${shiftedClockVariable} is not a whole number of milliseconds`);
if (shift !== 0) {
  // Both ways of reading the time, or code that mixes them (gRPC deadlines) sees a month pass.
  const MachineDate = Date;
  class ShiftedDate extends MachineDate {
    constructor(...args: [] | ConstructorParameters<DateConstructor>) {
      if (args.length === 0) super(MachineDate.now() + shift);
      else super(...args);
    }
    static override now(): number {
      return MachineDate.now() + shift;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}
