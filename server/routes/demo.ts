/** GET /api/demo: the demo devices' current codes, for the banner of `torque demo` (404 otherwise). */
import type { FastifyInstance } from 'fastify';
import type { DemoResponse } from '../../shared/api.js';
import type { AppDeps } from '../app.js';

export function demoRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/demo', async (_request, reply) => {
    if (!deps.demo) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'not running torque demo' } });
    const answer: DemoResponse = { devices: deps.demo.devices() };
    return answer;
  });
}
