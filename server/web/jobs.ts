/** Rotation jobs of the web app: each runs the one rotation engine; its events replay to late listeners. */
import { randomBytes } from 'node:crypto';
import type { JobEvent, JobState, RotateResult } from '../../shared/api.js';

type Listener = (event: { type: 'event'; event: JobEvent } | { type: 'done'; results: RotateResult[] }) => void;

interface Job {
  id: string;
  events: JobEvent[];
  results: RotateResult[];
  done: boolean;
  listeners: Set<Listener>;
}

const KEPT = 50;

export class Jobs {
  readonly #jobs = new Map<string, Job>();

  /** Starts `work`, which reports through `emit`, and returns the job's id at once. */
  start(work: (emit: (event: JobEvent) => void) => Promise<RotateResult[]>): string {
    const id = randomBytes(16).toString('hex');
    const job: Job = { id, events: [], results: [], done: false, listeners: new Set() };
    this.#jobs.set(id, job);
    // Forget the oldest finished jobs; a running one is kept until it ends.
    const finished = [...this.#jobs.values()].filter((j) => j.done);
    for (const old of finished.slice(0, Math.max(0, this.#jobs.size - KEPT))) this.#jobs.delete(old.id);
    const emit = (event: JobEvent) => {
      job.events.push(event);
      for (const listener of job.listeners) listener({ type: 'event', event });
    };
    void work(emit)
      .catch((error: unknown) => {
        const message = (error as Error)?.message ?? String(error);
        const code = (error as { code?: string })?.code ?? 'INTERNAL';
        return [{ profiles: [], status: 'failed' as const, oldAccessKeyId: null, newAccessKeyId: null, oldKey: null, error: { code, message }, notes: [] }];
      })
      .then((results) => {
        job.results = results;
        job.done = true;
        for (const listener of job.listeners) listener({ type: 'done', results });
        job.listeners.clear();
      });
    return id;
  }

  state(id: string): JobState | undefined {
    const job = this.#jobs.get(id);
    return job && { id, state: job.done ? 'done' : 'running', events: job.events, results: job.results };
  }

  /** Replays what happened so far, then follows the job; returns an unsubscribe function. */
  follow(id: string, listener: Listener): (() => void) | undefined {
    const job = this.#jobs.get(id);
    if (!job) return undefined;
    for (const event of job.events) listener({ type: 'event', event });
    if (job.done) {
      listener({ type: 'done', results: job.results });
      return () => undefined;
    }
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /** Resolves when every running job has ended (for a clean shutdown). */
  async settle(): Promise<void> {
    const running = [...this.#jobs.values()].filter((j) => !j.done);
    await Promise.all(running.map((job) => new Promise<void>((resolve) => job.listeners.add((e) => e.type === 'done' && resolve()))));
  }
}
