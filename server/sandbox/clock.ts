/**
 * The sandbox's sense of time. Session expiry, key propagation, MFA codes and the dates in answers
 * all read this clock, so a test can move hours ahead in a millisecond instead of sleeping.
 */
export interface SandboxClock {
  /** Milliseconds since the epoch, as the sandbox sees them. */
  now(): number;
  /** Moves the clock forward (or back, with a negative value). */
  advance(ms: number): void;
}

export interface ClockOptions {
  /** Where the clock starts (default: the real time). */
  start?: number | Date;
  /** A frozen clock moves only with `advance`; a running one follows real time from `start`. */
  frozen?: boolean;
}

export function createClock(options: ClockOptions = {}): SandboxClock {
  const start = options.start === undefined ? Date.now() : Number(options.start);
  const realStart = Date.now();
  let offset = 0;
  return {
    now: () => (options.frozen ? start : start + (Date.now() - realStart)) + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}
