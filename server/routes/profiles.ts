/** GET /api/profiles: the profile table, with session state and last rotation; no secret. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ProfilesResponse, ProfileView } from '../../shared/api.js';
import { SESSION_MARGIN_MS } from '../aws/local.js';
import { lastRotations } from '../aws/rotation/audit.js';
import type { AppDeps } from '../app.js';

export function profileRoutes(app: FastifyInstance, deps: AppDeps): void {
  // The answer is kept while the AWS files and the audit log are unchanged and no session crosses
  // its 5-minute margin: a page polling it costs two stats, not a parse of every profile.
  let cache: { version: string; until: number; body: Buffer } | undefined;

  app.get('/api/profiles', async (_request, reply) => {
    const now = Date.now();
    const auditLog = join(deps.store.paths.torqueHome, 'audit.log');
    const audit = statSync(auditLog, { bigint: true, throwIfNoEntry: false });
    const auditVersion = audit ? `${audit.size}:${audit.mtimeNs}` : 'none';
    const version = `${await deps.store.version()}|${auditVersion}`;
    if (cache && cache.version === version && now < cache.until) {
      return reply.type('application/json; charset=utf-8').send(cache.body);
    }
    const [{ profiles, warnings }, rotated] = await Promise.all([deps.store.profiles(), lastRotations(deps.store.paths.torqueHome)]);
    let until = Infinity;
    const views: ProfileView[] = profiles.map((p) => {
      const margin = p.expiresAt === null ? -Infinity : Date.parse(p.expiresAt) - SESSION_MARGIN_MS;
      if (margin > now) until = Math.min(until, margin);
      return { ...p, sessionValid: margin > now, lastRotatedAt: rotated.get(p.name) ?? null };
    });
    const body: ProfilesResponse = { profiles: views, warnings, files: { credentials: deps.store.paths.credentials, config: deps.store.paths.config } };
    cache = { version, until, body: Buffer.from(JSON.stringify(body)) };
    return reply.type('application/json; charset=utf-8').send(cache.body);
  });
}
