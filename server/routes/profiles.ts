/** GET /api/profiles: the profile table, with session state and last rotation; no secret. */
import type { FastifyInstance } from 'fastify';
import { ProfilesResponse, type ProfileView } from '../../shared/api.js';
import { SESSION_MARGIN_MS } from '../aws/local.js';
import { lastRotations } from '../aws/rotation/audit.js';
import type { AppDeps } from '../app.js';

export function profileRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/profiles', { schema: { response: { 200: ProfilesResponse } } }, async () => {
    const [{ profiles, warnings }, rotated] = await Promise.all([deps.store.profiles(), lastRotations(deps.store.paths.torqueHome)]);
    const now = Date.now();
    const views: ProfileView[] = profiles.map((p) => ({
      ...p,
      sessionValid: p.expiresAt !== null && Date.parse(p.expiresAt) - now > SESSION_MARGIN_MS,
      lastRotatedAt: rotated.get(p.name) ?? null,
    }));
    return { profiles: views, warnings, files: { credentials: deps.store.paths.credentials, config: deps.store.paths.config } };
  });
}
