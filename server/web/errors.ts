/**
 * One error path for the web app: domain errors keep their code and message (which say what to do),
 * mapped to an HTTP status; request errors become 400/413/415; anything else is a 500 that tells
 * nothing about the inside. No response ever carries a secret: messages never hold one.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { type ErrorCode, isTorqueError } from '../errors.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  USAGE: 400,
  INVALID_EDIT: 400,
  PROFILE_NOT_FOUND: 404,
  NO_LONG_TERM_KEY: 422,
  KEY_IN_CONFIG: 422,
  MFA_CODE_NEEDED: 422,
  MFA_CODE_INVALID: 422,
  MFA_CODE_WRONG: 422,
  MFA_CODE_REUSED: 422,
  MFA_DEVICE_NOT_FOUND: 422,
  FILE_PARSE: 422,
  FILE_NOT_REGULAR: 422,
  FILE_TOO_LARGE: 422,
  FILE_READ: 500,
  FILE_WRITE: 500,
  FILE_LOCKED: 409,
  FILE_CHANGED: 409,
  KEY_LIMIT: 409,
  ROTATION_IN_PROGRESS: 409,
  PORT_IN_USE: 409,
  ACCESS_DENIED: 502,
  KEY_NOT_IN_IAM: 502,
  INVALID_KEY: 502,
  WRONG_SECRET: 502,
  SESSION_EXPIRED: 502,
  AWS_VALIDATION: 502,
  AWS_ERROR: 502,
  NETWORK: 504,
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isTorqueError(error)) {
      return reply.code(STATUS[error.code] ?? 500).send({ error: { code: error.code, message: error.message } });
    }
    if (error.validation) {
      return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: `invalid request: ${error.message}` } });
    }
    const status = error.statusCode ?? 500;
    if (status === 413) return reply.code(413).send({ error: { code: 'TOO_LARGE', message: 'the request body is too large' } });
    if (status === 415) return reply.code(415).send({ error: { code: 'BAD_CONTENT_TYPE', message: 'send JSON with Content-Type: application/json' } });
    if (status >= 400 && status < 500) return reply.code(status).send({ error: { code: 'BAD_REQUEST', message: error.message } });
    request.log.error({ code: error.code ?? 'internal' }, 'unexpected error');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error; see the terminal running torque serve' } });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such page or API route' } }));
}
