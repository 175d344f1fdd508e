/** GET /api/demo: the demo devices' current codes, for the banner of `torque demo` (404 otherwise). */
import type { FastifyInstance } from 'fastify';
import { DemoResponse, ErrorBody } from '../../shared/api.js';
import type { AppDeps } from '../app.js';

export function demoRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/demo', { schema: { response: { 200: DemoResponse, '4xx': ErrorBody } } }, async (_request, reply) => {
    if (!deps.demo) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'not running torque demo' } });
    return { devices: deps.demo.devices() };
  });
}
