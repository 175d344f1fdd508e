/** GET /api/key-ages: when each key was created, from IAM where that needs no MFA code. No secret. */
import type { FastifyInstance } from 'fastify';
import type { KeyAgesResponse } from '../../shared/api.js';
import { keyAgesFromIam } from '../aws/keys.js';
import type { AppDeps } from '../app.js';

/** IAM is asked again after this long, or at once when the files change. */
const KEEP_MS = 60_000;

export function keyRoutes(app: FastifyInstance, deps: AppDeps): void {
  let cache: { version: string; at: number; answer: Promise<KeyAgesResponse> } | undefined;
  app.get('/api/key-ages', async () => {
    const version = await deps.store.version();
    if (!cache || cache.version !== version || Date.now() - cache.at > KEEP_MS) {
      // Kept as a promise: the page's requests while IAM answers share one round of calls.
      cache = { version, at: Date.now(), answer: keyAgesFromIam(deps.store, deps.aws).then((keys) => ({ keys })) };
    }
    return cache.answer;
  });
}
