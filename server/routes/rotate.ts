/** POST /api/rotate starts a rotation job; GET /api/jobs/:id and its event stream follow it. */
import type { FastifyInstance } from 'fastify';
import type { JobStarted, RotateRequest } from '../../shared/api.js';
import { schemas } from '../web/schemas.js';
import { rotate } from '../aws/rotation/engine.js';
import { TorqueError } from '../errors.js';
import type { AppDeps } from '../app.js';
import { SECURITY_HEADERS } from '../web/guard.js';
import type { Jobs } from '../web/jobs.js';

export function rotateRoutes(app: FastifyInstance, deps: AppDeps, jobs: Jobs): void {
  app.post<{ Body: RotateRequest }>(
    '/api/rotate',
    { schema: { body: schemas.RotateRequest } },
    async (request, reply) => {
      const { profiles, codes, oldKey, deleteUnused } = request.body;
      const id = jobs.start(async (emit) => {
        const { results } = await rotate(
          {
            store: deps.store,
            aws: deps.aws,
            codes: async ({ serial }) => {
              const code = codes[serial];
              if (code === undefined) throw new TorqueError('MFA_CODE_NEEDED', `enter the current code of MFA device ${serial} and rotate again`);
              return code;
            },
            onEvent: emit,
            ...deps.rotation,
          },
          { profiles, oldKey, deleteUnused },
        );
        return results;
      });
      const started: JobStarted = { id };
      return reply.code(202).send(started);
    },
  );

  app.get<{ Params: { id: string } }>('/api/jobs/:id', { schema: { params: schemas.JobParams } }, async (request) => {
    const state = jobs.state(request.params.id);
    if (!state) throw new TorqueError('PROFILE_NOT_FOUND', 'no such job; it may have ended long ago');
    return state;
  });

  app.get<{ Params: { id: string } }>('/api/jobs/:id/events', { schema: { params: schemas.JobParams } }, async (request, reply) => {
    if (!jobs.state(request.params.id)) throw new TorqueError('PROFILE_NOT_FOUND', 'no such job; it may have ended long ago');
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    const stop = jobs.follow(request.params.id, (message) => {
      if (message.type === 'event') {
        raw.write(`event: step\ndata: ${JSON.stringify(message.event)}\n\n`);
      } else {
        raw.write(`event: done\ndata: ${JSON.stringify({ results: message.results })}\n\n`);
        raw.end();
      }
    });
    request.raw.on('close', () => stop?.());
  });
}
