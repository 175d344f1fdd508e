/** POST /api/auth: a session for one profile, by the same engine as `torque auth`. Never returns the secret. */
import type { FastifyInstance } from 'fastify';
import type { AuthRequest, AuthResponse } from '../../shared/api.js';
import { schemas } from '../web/schemas.js';
import { authenticate } from '../aws/session.js';
import { TorqueError } from '../errors.js';
import type { AppDeps } from '../app.js';

export function authRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Body: AuthRequest }>(
    '/api/auth',
    { schema: { body: schemas.AuthRequest } },
    async (request) => {
      const { profile, code, durationSeconds, sessionProfile, force } = request.body;
      const result = await authenticate(
        {
          store: deps.store,
          aws: deps.aws,
          codes: async ({ serial }) => {
            if (code === undefined) throw new TorqueError('MFA_CODE_NEEDED', `enter the current code of MFA device ${serial}`);
            return code;
          },
        },
        {
          profile,
          ...(durationSeconds !== undefined ? { durationSeconds } : {}),
          ...(sessionProfile !== undefined ? { sessionProfile } : {}),
          force: force === true,
        },
      );
      // Picked field by field: the session's credentials stay on this side.
      const answer: AuthResponse = { profile: result.profile, sessionProfile: result.sessionProfile, expiresAt: result.expiresAt, arn: result.arn, reused: result.reused };
      return answer;
    },
  );
}
