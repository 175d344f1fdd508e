/**
 * The web app on a sandbox AWS, for `app.inject`: a signed-in cookie, requests that look like the
 * page's own, every log line and response body kept so a test can scan them for secrets.
 */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { AwsClients } from '../../server/aws/clients.js';
import { buildApp, type AppDeps, type TorqueApp } from '../../server/app.js';
import { resolvePaths } from '../../server/files/paths.js';
import { AwsFiles } from '../../server/files/store.js';
import type { SandboxOptions } from '../../server/sandbox/index.js';
import { sandboxHome, type SandboxHome } from './sandbox-home.js';

export const PORT = 7878;
export const ORIGIN = `http://127.0.0.1:${PORT}`;
export const TOKEN = 'launch-token-for-tests-0123456789abcdefghijk';

export interface WebApp extends SandboxHome {
  app: TorqueApp;
  cookie: string;
  logs: string[];
  bodies: string[];
  /** A request as the signed-in page makes it; `headers` override (undefined removes one). */
  request(options: InjectOptions & { headers?: Record<string, string | undefined> }): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body: unknown): Promise<LightMyRequestResponse>;
}

export async function webApp(options: { sandbox?: SandboxOptions; deps?: Partial<AppDeps> } = {}): Promise<WebApp> {
  const h = await sandboxHome(options.sandbox);
  const logs: string[] = [];
  const bodies: string[] = [];
  const app = buildApp({
    store: new AwsFiles(resolvePaths(h.env)),
    aws: new AwsClients({ env: { AWS_ENDPOINT_URL: h.sandbox.endpoint }, timeoutMs: 2000 }),
    token: TOKEN,
    port: PORT,
    rotation: { verifyTimeoutMs: 3000, retireTimeoutMs: 1000 },
    log: { stream: { write: (line: string) => void logs.push(line) } },
    ...options.deps,
  });
  after(() => app.close());
  const signIn = await app.inject({ method: 'GET', url: `/?token=${TOKEN}`, headers: { host: `127.0.0.1:${PORT}` } });
  const cookie = String(signIn.headers['set-cookie'] ?? '').split(';')[0]!;

  const request: WebApp['request'] = async ({ headers = {}, ...rest }) => {
    const merged: Record<string, string> = {};
    const defaults: Record<string, string> = { host: `127.0.0.1:${PORT}`, cookie, origin: ORIGIN };
    if (rest.method === 'POST') defaults['content-type'] = 'application/json';
    for (const [name, value] of Object.entries({ ...defaults, ...headers })) if (value !== undefined) merged[name] = String(value);
    const response = await app.inject({ ...rest, headers: merged });
    bodies.push(response.body);
    return response;
  };
  return {
    ...h,
    app,
    cookie,
    logs,
    bodies,
    request,
    get: (url) => request({ method: 'GET', url }),
    post: (url, body) => request({ method: 'POST', url, payload: JSON.stringify(body) }),
  };
}

/** Polls GET /api/jobs/:id until the job is done. */
export async function jobResult(web: WebApp, id: string) {
  for (let i = 0; i < 400; i++) {
    const state = (await web.get(`/api/jobs/${id}`)).json() as { state: string; results: { profiles: string[]; status: string; error: { code: string; message: string } | null; newAccessKeyId: string | null }[]; events: unknown[] };
    if (state.state === 'done') return state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('job did not end');
}

/** The answer has exactly the shape shared/api.ts declares (the routes build it from those types). */
export function assertShape(schema: TSchema, body: unknown): void {
  assert.ok(Value.Check(schema, body), `answer does not match its schema: ${JSON.stringify([...Value.Errors(schema, body)].slice(0, 3))}`);
}
