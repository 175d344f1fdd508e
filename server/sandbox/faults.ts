/**
 * Faults a test injects to see Torque survive what real networks and AWS do: an AWS error, a
 * connection dropped without an answer, a call that never answers, or a slow one. A fault can strike
 * before the action (nothing happened) or after it (the key was made, the answer was lost), which is
 * the case that loses keys when handled badly.
 */
export type FaultKind = 'error' | 'drop' | 'hang' | 'delay';

export interface FaultSpec {
  /** The action to disturb, e.g. `CreateAccessKey`; omitted: every action. */
  action?: string;
  /** Which matching call is hit first, counting from 1 at injection time (default 1). */
  call?: number;
  /** How many matching calls in a row are hit from there (default 1; `Infinity` for all). */
  times?: number;
  kind: FaultKind;
  /** For `error`: AWS's code, HTTP status and message (default `ServiceUnavailable`, 503). */
  error?: { code: string; status: number; message?: string };
  /** For `delay`: how long the call is held, in ms. */
  delayMs?: number;
  /** `before` (default): the action does not run. `after`: it runs, then the answer is replaced. */
  when?: 'before' | 'after';
}

export type Fault = Required<Pick<FaultSpec, 'kind' | 'when'>> & Pick<FaultSpec, 'error' | 'delayMs'>;

export class Faults {
  #active: { spec: FaultSpec; seen: number }[] = [];

  inject(spec: FaultSpec): void {
    if (spec.kind === 'delay' && !(Number(spec.delayMs) >= 0)) throw new Error('sandbox: a delay fault needs delayMs');
    this.#active.push({ spec, seen: 0 });
  }

  clear(): void {
    this.#active = [];
  }

  /** Counts this call against every matching fault and returns the first that strikes it. */
  next(action: string): Fault | undefined {
    let hit: Fault | undefined;
    for (const entry of this.#active) {
      const { spec } = entry;
      if (spec.action !== undefined && spec.action !== action) continue;
      entry.seen += 1;
      const first = spec.call ?? 1;
      const last = first + (spec.times ?? 1) - 1;
      if (!hit && entry.seen >= first && entry.seen <= last) {
        hit = { kind: spec.kind, when: spec.when ?? 'before', error: spec.error, delayMs: spec.delayMs };
      }
    }
    return hit;
  }
}
