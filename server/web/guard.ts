/**
 * The security guard of the local web app (DESIGN.md section 7). A server on 127.0.0.1 is reachable
 * by every web page the user visits (through the browser) and by every local process, and it can
 * rotate AWS keys: each check below stops one way of abusing it, and each is enforced here only.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const COOKIE = 'torque_session';

export interface GuardOptions {
  /** The launch token printed in the URL (`?token=`), exchanged once per browser for the cookie. */
  token: string;
  /** The port the page is served on; the Host and Origin allowlists are built from it. */
  port: () => number;
}

/** Headers every answer carries, including the hijacked event streams. */
export const SECURITY_HEADERS: Record<string, string> = {
  // Only our own files run: no inline script, no framing (clickjacking), nothing loaded from elsewhere.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison, so the time of a refusal says nothing about how much of a guess was right. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cookieValue(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function installGuard(app: FastifyInstance, options: GuardOptions): { session: string } {
  // The cookie holds a secret of its own: the launch token, once in the address bar and history, opens nothing else.
  const session = newSecret();
  const allowedHosts = () => {
    const port = options.port();
    return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  };

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // DNS rebinding: a hostile site can point its own name at 127.0.0.1; the Host header still names it.
    if (!allowedHosts().has(request.headers.host ?? '')) {
      return deny(reply, 403, 'BAD_HOST', 'this server answers only to 127.0.0.1, localhost and [::1] on its own port');
    }
    // Decided on the route the router matched, never on the raw URL: `/%61pi/rotate` is routed to
    // /api/rotate after decoding. Only the page route (which checks the token or cookie itself) and the
    // public build files are open; everything else, unknown paths included, needs the cookie.
    if (isPublic(request)) return undefined;
    // A token in the URL is not accepted here (it may sit in history or logs): only the cookie.
    if (!sameSecret(cookieValue(request, COOKIE), session)) {
      return deny(reply, 401, 'NOT_AUTHENTICATED', 'open the link that `torque serve` printed to sign in to this page');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      // CSRF: another site's form or fetch carries its own Origin; only our page may write.
      // The page's own origin is the scheme and the Host it was loaded from (already checked above).
      if (request.headers.origin !== `http://${request.headers.host}`) {
        return deny(reply, 403, 'BAD_ORIGIN', 'requests that change something must come from the Torque page itself');
      }
      // A cross-site form can send text/plain or form bodies without a preflight; only JSON is accepted.
      if (request.headers['content-type'] !== 'application/json') {
        return deny(reply, 415, 'BAD_CONTENT_TYPE', 'send JSON with Content-Type: application/json');
      }
    }
    return undefined;
  });

  app.addHook('onSend', async (request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    if (!isPublic(request)) reply.header('cache-control', 'no-store');
  });

  return { session };
}

/** The page route and the static build files: the only routes open without the cookie. */
export const PUBLIC_ROUTES = new Set(['/', '/*']);

function isPublic(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return route !== undefined && PUBLIC_ROUTES.has(route) && (request.method === 'GET' || request.method === 'HEAD');
}

export function setSessionCookie(reply: FastifyReply, session: string): void {
  reply.header('set-cookie', `${COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`);
}

function deny(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).type('application/json').send({ error: { code, message } });
}
