/**
 * One rotation job at a time, followed live: POST /api/rotate starts it, its server-sent events give
 * each key's steps, and the final `done` event its results. If the event stream fails for good,
 * GET /api/jobs/:id is polled instead (it holds the same events and results).
 */
import type { JobEvent, JobState, RotateRequest, RotateResult } from '../../../shared/api';
import { api, messageOf } from './api';

const LABELS: Record<string, string> = {
  queued: 'queued',
  start: 'starting',
  mfa: 'MFA session',
  keys: 'checking keys',
  create: 'creating key',
  write: 'writing files',
  verify: 'waiting for AWS',
  retire: 'retiring old key',
  cleanup: 'cleaning up',
  done: 'rotated',
  failed: 'failed',
  skipped: 'skipped',
};

export function stepLabel(step: string): string {
  return LABELS[step] ?? step;
}

/** How a step looks: still going, ended well, or ended badly. */
export function stepTone(step: string): 'busy' | 'ok' | 'bad' | 'idle' {
  if (step === 'done') return 'ok';
  if (step === 'failed') return 'bad';
  if (step === 'skipped') return 'idle';
  return 'busy';
}

export class Rotation {
  running = $state(false);
  /** The latest event of each profile in the current (or last) job. */
  steps = $state<Record<string, JobEvent>>({});
  /** The latest event of each key group (profiles sharing a key), in the order they appeared. */
  groups = $state<JobEvent[]>([]);
  results = $state<RotateResult[]>([]);
  /** Why the job could not start or be followed. */
  error = $state<string | null>(null);

  readonly #onDone: (results: RotateResult[]) => void;
  #job: string | null = null;

  constructor(onDone: (results: RotateResult[]) => void) {
    this.#onDone = onDone;
  }

  /** Starts a job; resolves once it is started (true) or refused (false, with `error` set). */
  async start(request: RotateRequest): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    this.error = null;
    this.results = [];
    this.groups = [];
    this.steps = Object.fromEntries(request.profiles.map((p) => [p, { profiles: [p], step: 'queued', message: 'waiting to start' }]));
    try {
      const { id } = await api.rotate(request);
      this.#job = id;
      this.#follow(id);
      return true;
    } catch (error) {
      this.error = messageOf(error);
      this.steps = {};
      this.running = false;
      return false;
    }
  }

  #follow(id: string): void {
    const source = api.jobEvents(id);
    source.addEventListener('step', (event) => this.#step(id, JSON.parse((event as MessageEvent<string>).data) as JobEvent));
    source.addEventListener('done', (event) => {
      source.close();
      this.#finish(id, (JSON.parse((event as MessageEvent<string>).data) as { results: RotateResult[] }).results);
    });
    source.addEventListener('error', () => {
      // CONNECTING: the browser retries by itself (the server replays the events). CLOSED: it gave up.
      if (source.readyState === EventSource.CLOSED) void this.#poll(id);
    });
  }

  async #poll(id: string): Promise<void> {
    while (this.#job === id && this.running) {
      let state: JobState;
      try {
        state = await api.job(id);
      } catch (error) {
        this.error = `lost track of the rotation: ${messageOf(error)}. Reload the page to see the files as they are now`;
        this.running = false;
        return;
      }
      for (const event of state.events) this.#step(id, event);
      if (state.state === 'done') return this.#finish(id, state.results);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  #step(id: string, event: JobEvent): void {
    if (this.#job !== id) return;
    for (const profile of event.profiles) this.steps[profile] = event;
    // Replayed events (after a reconnect) land on the same group line.
    const key = event.profiles.join(',');
    const at = this.groups.findIndex((g) => g.profiles.join(',') === key);
    if (at === -1) this.groups.push(event);
    else this.groups[at] = event;
  }

  #finish(id: string, results: RotateResult[]): void {
    if (this.#job !== id || !this.running) return;
    this.results = results;
    this.running = false;
    this.#onDone(results);
  }
}
