/**
 * The guard of the local web app: each attack DESIGN.md section 7 names, refused with the right status.
 * Every response body and log line of this suite is scanned for the secrets the test knows.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BODY_LIMIT } from '../../server/app.js';
import { ORIGIN, PORT, TOKEN, webApp, type WebApp } from '../helpers/web.js';

const web: WebApp = await webApp();

const validRotate = { profiles: ['bob'], codes: {}, oldKey: 'delete', deleteUnused: false };

interface Case {
  name: string;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string | undefined>;
  payload?: string;
  status: number;
  code: string;
}

const json = (body: unknown) => JSON.stringify(body);
const cases: Case[] = [
  // DNS rebinding: evil.example resolves to 127.0.0.1, the browser sends its name as Host.
  { name: 'a foreign Host on the page', method: 'GET', url: '/', headers: { host: `evil.example:${PORT}` }, status: 403, code: 'BAD_HOST' },
  { name: 'a foreign Host on the API', method: 'GET', url: '/api/profiles', headers: { host: 'evil.example' }, status: 403, code: 'BAD_HOST' },
  { name: 'the right name on another port', method: 'GET', url: '/api/profiles', headers: { host: '127.0.0.1:9999' }, status: 403, code: 'BAD_HOST' },
  { name: 'a look-alike name', method: 'GET', url: '/api/profiles', headers: { host: `localhost.evil.example:${PORT}` }, status: 403, code: 'BAD_HOST' },
  { name: 'no Host at all', method: 'GET', url: '/api/profiles', headers: { host: '' }, status: 403, code: 'BAD_HOST' },
  // Authentication: the cookie, and only the cookie.
  { name: 'no cookie', method: 'GET', url: '/api/profiles', headers: { cookie: undefined }, status: 401, code: 'NOT_AUTHENTICATED' },
  { name: 'a wrong cookie', method: 'GET', url: '/api/profiles', headers: { cookie: 'torque_session=guess' }, status: 401, code: 'NOT_AUTHENTICATED' },
  { name: 'the token in the query instead of the cookie', method: 'GET', url: `/api/profiles?token=${TOKEN}`, headers: { cookie: undefined }, status: 401, code: 'NOT_AUTHENTICATED' },
  // Percent-encoded paths reach the same routes after decoding: they must meet the same checks.
  { name: 'an encoded API path without the cookie', method: 'GET', url: '/%61pi/profiles', headers: { cookie: undefined }, status: 401, code: 'NOT_AUTHENTICATED' },
  { name: 'an encoded write path without the cookie', method: 'POST', url: '/%61pi/rotate', headers: { cookie: undefined, origin: undefined }, payload: json(validRotate), status: 401, code: 'NOT_AUTHENTICATED' },
  { name: 'an encoded write path from another origin', method: 'POST', url: '/%61pi/rotate', headers: { origin: 'http://evil.example' }, payload: json(validRotate), status: 403, code: 'BAD_ORIGIN' },
  // An unknown path falls to the static files, which have nothing there.
  { name: 'an unknown API path without the cookie', method: 'GET', url: '/api/not-here', headers: { cookie: undefined }, status: 404, code: 'NOT_FOUND' },
  { name: 'the token as the cookie', method: 'GET', url: '/api/profiles', headers: { cookie: `torque_session=${TOKEN}` }, status: 401, code: 'NOT_AUTHENTICATED' },
  // CSRF: writes only from the page's own origin.
  { name: 'a cross-origin POST', method: 'POST', url: '/api/rotate', headers: { origin: 'http://evil.example' }, payload: json(validRotate), status: 403, code: 'BAD_ORIGIN' },
  { name: 'a POST without Origin', method: 'POST', url: '/api/rotate', headers: { origin: undefined }, payload: json(validRotate), status: 403, code: 'BAD_ORIGIN' },
  { name: 'a POST with Origin null', method: 'POST', url: '/api/rotate', headers: { origin: 'null' }, payload: json(validRotate), status: 403, code: 'BAD_ORIGIN' },
  { name: 'another allowed name as Origin than the Host', method: 'POST', url: '/api/rotate', headers: { origin: `http://localhost:${PORT}` }, payload: json(validRotate), status: 403, code: 'BAD_ORIGIN' },
  { name: 'an https origin of the same host', method: 'POST', url: '/api/rotate', headers: { origin: `https://127.0.0.1:${PORT}` }, payload: json(validRotate), status: 403, code: 'BAD_ORIGIN' },
  // Bodies a cross-site form can send without a preflight.
  { name: 'a text/plain body', method: 'POST', url: '/api/rotate', headers: { 'content-type': 'text/plain' }, payload: json(validRotate), status: 415, code: 'BAD_CONTENT_TYPE' },
  { name: 'a form body', method: 'POST', url: '/api/rotate', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'profiles=bob', status: 415, code: 'BAD_CONTENT_TYPE' },
  { name: 'a multipart body', method: 'POST', url: '/api/rotate', headers: { 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x--', status: 415, code: 'BAD_CONTENT_TYPE' },
  { name: 'JSON with a charset', method: 'POST', url: '/api/rotate', headers: { 'content-type': 'application/json; charset=utf-8' }, payload: json(validRotate), status: 415, code: 'BAD_CONTENT_TYPE' },
  // Size and shape.
  { name: 'an oversized body', method: 'POST', url: '/api/rotate', payload: json({ ...validRotate, profiles: Array.from({ length: 400 }, (_, i) => `profile-name-${i}-${'x'.repeat(40)}`) }), status: 413, code: 'TOO_LARGE' },
  { name: 'an extra field', method: 'POST', url: '/api/rotate', payload: json({ ...validRotate, admin: true }), status: 400, code: 'BAD_REQUEST' },
  { name: 'an extra field in auth', method: 'POST', url: '/api/auth', payload: json({ profile: 'alice', code: '123456', secret: 'x' }), status: 400, code: 'BAD_REQUEST' },
  { name: 'not JSON', method: 'POST', url: '/api/rotate', payload: '{"profiles":', status: 400, code: 'BAD_REQUEST' },
  { name: 'a wrong type', method: 'POST', url: '/api/rotate', payload: json({ ...validRotate, deleteUnused: 'yes' }), status: 400, code: 'BAD_REQUEST' },
  { name: 'a profile name with a newline', method: 'POST', url: '/api/auth', payload: json({ profile: 'a\n[b]' }), status: 400, code: 'BAD_REQUEST' },
  // MFA codes: a string of exactly 6 digits.
  ...[
    ['non-digit', 'abcdef'],
    ['5-digit', '12345'],
    ['7-digit', '1234567'],
    ['spaced', '123 456'],
  ].flatMap(([what, code]) => [
    { name: `a ${what} code for auth`, method: 'POST' as const, url: '/api/auth', payload: json({ profile: 'alice', code }), status: 400, code: 'BAD_REQUEST' },
    { name: `a ${what} code for rotate`, method: 'POST' as const, url: '/api/rotate', payload: json({ ...validRotate, codes: { 'arn:aws:iam::1:mfa/a': code } }), status: 400, code: 'BAD_REQUEST' },
  ]),
  { name: 'a code sent as a number', method: 'POST', url: '/api/auth', payload: json({ profile: 'alice', code: 123456 }), status: 400, code: 'BAD_REQUEST' },
];

describe('the guard refuses', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.status}`, async () => {
      const response = await web.request({ method: c.method, url: c.url, ...(c.payload !== undefined ? { payload: c.payload } : {}), headers: c.headers ?? {} });
      assert.equal(response.statusCode, c.status, response.body);
      assert.equal(response.json().error.code, c.code);
      assert.ok(BODY_LIMIT <= 64 * 1024);
    });
  }
});

describe('what the guard lets through', () => {
  it('the page itself, from 127.0.0.1, localhost and [::1]', async () => {
    for (const host of [`127.0.0.1:${PORT}`, `localhost:${PORT}`, `[::1]:${PORT}`]) {
      const response = await web.request({ method: 'GET', url: '/api/profiles', headers: { host } });
      assert.equal(response.statusCode, 200, host);
    }
    const write = await web.request({ method: 'POST', url: '/api/auth', payload: json({ profile: 'nobody' }), headers: { origin: ORIGIN } });
    assert.equal(write.statusCode, 404, 'a proper write reaches the route');
  });

  it('headers: a strict CSP without upgrade-insecure-requests, no referrer, nosniff, no framing', async () => {
    for (const url of ['/api/profiles', '/']) {
      const response = await web.get(url);
      const csp = String(response.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|upgrade-insecure-requests/);
      assert.equal(response.headers['referrer-policy'], 'no-referrer');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
    }
  });
});

after(async () => {
  // A scan of every response body and log line of this suite.
  const text = `${web.bodies.join('\n')}\n${web.logs.join('\n')}`;
  assert.ok(web.logs.length > 0, 'requests were logged');
  for (const secret of await web.secrets()) assert.ok(!text.includes(secret), 'no secret in a response or log line');
  assert.ok(!web.logs.join('\n').includes(TOKEN), 'the launch token is not logged');
});
