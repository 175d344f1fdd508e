/**
 * The web app factory: everything the page and its API need, handed in, and no listening. `torque
 * serve` and `torque demo` listen; tests call `app.inject`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AwsClients } from './aws/clients.js';
import type { AwsFiles } from './files/store.js';
import { authRoutes } from './routes/auth.js';
import { demoRoutes } from './routes/demo.js';
import { keyRoutes } from './routes/keys.js';
import { profileRoutes } from './routes/profiles.js';
import { rotateRoutes } from './routes/rotate.js';
import { installErrorHandler } from './web/errors.js';
import { COOKIE, cookieValue, installGuard, sameSecret, setSessionCookie } from './web/guard.js';
import { Jobs } from './web/jobs.js';

export interface DemoDevice {
  serial: string;
  user: string;
  code: string;
  secondsLeft: number;
}

export interface AppDeps {
  store: AwsFiles;
  aws: AwsClients;
  /** The launch token of the printed URL. */
  token: string;
  /** The port the page is reached on (Host and Origin checks). */
  port: number | (() => number);
  /** The built page (default dist/web beside this file's build). */
  webRoot?: string;
  /** Set by `torque demo`: the sandbox's devices and their current codes. */
  demo?: { devices(): DemoDevice[] };
  /** Engine knobs for tests (how long to wait for a new key, to retire an old one). */
  rotation?: { verifyTimeoutMs?: number; retireTimeoutMs?: number };
  /** Where request logs go (off by default). Logged requests carry method, path and status, never a query or body. */
  log?: { stream: { write(line: string): void }; level?: string };
}

export const BODY_LIMIT = 16 * 1024;

export function defaultWebRoot(): string {
  // dist/server/app.js → dist/web; server/app.ts (tests through tsx) → dist/web too.
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.includes(`${join('dist', 'server')}`) ? join(here, '..', 'web') : join(here, '..', 'dist', 'web');
}

export type TorqueApp = FastifyInstance & { jobs: Jobs };

export function buildApp(deps: AppDeps): TorqueApp {
  const app = Fastify({
    logger: deps.log
      ? {
          level: deps.log.level ?? 'info',
          stream: deps.log.stream,
          // The query may hold the launch token: log the path only. Bodies (MFA codes) are never logged.
          serializers: {
            req: (request: { method: string; url: string }) => ({ method: request.method, path: request.url.split('?')[0] }),
            res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
          },
        }
      : false,
    bodyLimit: BODY_LIMIT,
    // Refuse unknown fields instead of Ajv's default of silently dropping them; never coerce types.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } },
    trustProxy: false,
  });
  // Only JSON bodies: a cross-site form can post text/plain without a preflight.
  app.removeContentTypeParser('text/plain');

  const port = typeof deps.port === 'number' ? () => deps.port as number : deps.port;
  const { session } = installGuard(app, { token: deps.token, port });
  installErrorHandler(app);

  const jobs = new Jobs();
  profileRoutes(app, deps);
  keyRoutes(app, deps);
  authRoutes(app, deps);
  rotateRoutes(app, deps, jobs);
  demoRoutes(app, deps);

  const webRoot = deps.webRoot ?? defaultWebRoot();
  void app.register(fastifyStatic, { root: webRoot, prefix: '/', index: false, wildcard: true });

  app.get<{ Querystring: { token?: string } }>('/', async (request, reply) => {
    const token = request.query.token;
    if (token !== undefined) {
      if (!sameSecret(token, deps.token)) return signInPage(reply, 'This link is not valid (Torque makes a new one each time it starts).');
      // Swap the token for the cookie and drop it from the address bar and history.
      setSessionCookie(reply, session);
      return reply.redirect('/', 303);
    }
    if (!sameSecret(cookieValue(request, COOKIE), session)) return signInPage(reply, 'Open the link that `torque serve` printed in your terminal.');
    if (!existsSync(join(webRoot, 'index.html'))) {
      return reply.code(500).type('text/plain').send('The page is not built: run `npm run build` in the Torque folder.');
    }
    return reply.type('text/html').sendFile('index.html');
  });

  const torque = app as unknown as TorqueApp;
  torque.jobs = jobs;
  return torque;
}

function signInPage(reply: import('fastify').FastifyReply, message: string) {
  const html = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Torque</title><h1>Torque</h1><p>${message}</p></html>`;
  return reply.code(401).type('text/html; charset=utf-8').send(html);
}
