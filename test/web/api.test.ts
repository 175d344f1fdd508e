/** Every route through `app.inject` against the sandbox: success and error. */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, it } from 'node:test';
import { AuthResponse, DemoResponse, ErrorBody, JobStarted, JobState, KeyAgesResponse, ProfilesResponse } from '../../shared/api.js';
import { ORIGIN, PORT, TOKEN, assertShape, jobResult, webApp, type WebApp } from '../helpers/web.js';

const user = (web: WebApp, name: string) => web.sandbox.users.find((u) => u.name === name)!;

async function noSecrets(web: WebApp) {
  const text = web.bodies.join('\n') + web.logs.join('\n');
  for (const secret of await web.secrets()) assert.ok(!text.includes(secret), 'no secret in any response or log line');
  assert.ok(!text.includes(TOKEN), 'the launch token is never logged or echoed');
}

describe('GET /api/profiles', () => {
  it('lists the profiles with session state, no secret', async () => {
    const web = await webApp();
    const response = await web.get('/api/profiles');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'no-store');
    assertShape(ProfilesResponse, response.json());
    const body = response.json() as { profiles: { name: string; kind: string; sessionValid: boolean; lastRotatedAt: string | null }[]; files: { credentials: string } };
    assert.deepEqual(body.profiles.map((p) => p.name).slice(0, 5), ['alice', 'bob', 'carol', 'carol-ci', 'dave']);
    assert.equal(body.files.credentials, web.credentialsPath);
    assert.ok(body.profiles.every((p) => p.sessionValid === false && p.lastRotatedAt === null));
    await noSecrets(web);
  });

  it('answers 422 with the file, line and reason when a file cannot be read', async () => {
    const web = await webApp();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(web.credentialsPath, '[broken\n');
    const response = await web.get('/api/profiles');
    assert.equal(response.statusCode, 422);
    assertShape(ErrorBody, response.json());
    assert.equal(response.json().error.code, 'FILE_PARSE');
    assert.match(response.json().error.message, /credentials line 1: section header/);
  });
});

describe('GET /api/key-ages', () => {
  it('answers from IAM where no MFA code is needed: keys without a device, and users with a stored session', async () => {
    const web = await webApp();
    const ages = async () => {
      const response = await web.get('/api/key-ages');
      assert.equal(response.statusCode, 200);
      assertShape(KeyAgesResponse, response.json());
      return new Map((response.json() as KeyAgesResponse).keys.map((k) => [k.accessKeyId, k]));
    };
    const first = await ages();
    for (const name of ['bob', 'carol', 'dave']) {
      const key = web.sandbox.keys(name).find((k) => k.accessKeyId === user(web, name).accessKeyId)!;
      // IAM states dates to the second.
      assert.equal(first.get(key.accessKeyId)?.createdAt, new Date(Math.floor(key.createdAt.getTime() / 1000) * 1000).toISOString(), name);
    }
    assert.equal(first.has(user(web, 'alice').accessKeyId!), false, 'alice needs an MFA code: not asked');
    const calls = web.sandbox.calls('ListAccessKeys');
    await ages();
    assert.equal(web.sandbox.calls('ListAccessKeys'), calls, 'kept for a minute while the files are unchanged');

    const auth = await web.post('/api/auth', { profile: 'alice', code: web.sandbox.freshCode(user(web, 'alice').mfaSerial!) });
    assert.equal(auth.statusCode, 200, auth.body);
    assert.ok((await ages()).has(user(web, 'alice').accessKeyId!), 'with her stored session, alice is asked too');
    await noSecrets(web);
  });
});

describe('POST /api/auth', () => {
  it('writes the session profile and answers without the secret', async () => {
    const web = await webApp();
    const response = await web.post('/api/auth', { profile: 'alice', code: web.sandbox.freshCode(user(web, 'alice').mfaSerial!) });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as Record<string, unknown>;
    assertShape(AuthResponse, body);
    assert.deepEqual(Object.keys(body), ['profile', 'sessionProfile', 'expiresAt', 'arn', 'reused']);
    assert.equal(body['sessionProfile'], 'alice-mfa');
    assert.equal(body['reused'], false);
    assert.match((await web.profiles()).get('alice-mfa')!['aws_session_token']!, /.+/);
    const profiles = (await web.get('/api/profiles')).json() as { profiles: { name: string; sessionValid: boolean }[] };
    assert.equal(profiles.profiles.find((p) => p.name === 'alice')!.sessionValid, true);
    await noSecrets(web);
  });

  const errors: [string, (web: WebApp) => unknown, number, string][] = [
    ['a wrong code', () => ({ profile: 'alice', code: '000000' }), 422, 'MFA_CODE_WRONG'],
    ['no code where one is needed', () => ({ profile: 'alice' }), 422, 'MFA_CODE_NEEDED'],
    ['an unknown profile', () => ({ profile: 'nobody', code: '123456' }), 404, 'PROFILE_NOT_FOUND'],
    ['a user without an MFA device', () => ({ profile: 'bob' }), 422, 'MFA_DEVICE_NOT_FOUND'],
    ['a duration out of range', () => ({ profile: 'admin', durationSeconds: 100_000, code: '123456' }), 400, 'USAGE'],
  ];
  for (const [name, body, status, code] of errors) {
    it(`refuses ${name}: ${status} ${code}`, async () => {
      const web = await webApp();
      const before = await web.profiles();
      const response = await web.post('/api/auth', body(web));
      assert.equal(response.statusCode, status, response.body);
      assertShape(ErrorBody, response.json());
      assert.equal(response.json().error.code, code);
      assert.deepEqual(await web.profiles(), before);
      await noSecrets(web);
    });
  }
});

describe('POST /api/rotate and jobs', () => {
  it('rotates in a job; GET /api/jobs/:id and its event stream report each step', async () => {
    const web = await webApp();
    const carol = user(web, 'carol');
    const started = await web.post('/api/rotate', {
      profiles: ['carol', 'bob'],
      codes: { [carol.mfaSerial!]: web.sandbox.freshCode(carol.mfaSerial!) },
      oldKey: 'delete',
      deleteUnused: false,
    });
    assert.equal(started.statusCode, 202, started.body);
    assertShape(JobStarted, started.json());
    const { id } = started.json() as { id: string };
    const state = await jobResult(web, id);
    assertShape(JobState, state);
    assert.deepEqual(state.results.map((r) => [r.profiles, r.status]), [[['carol', 'carol-ci'], 'rotated'], [['bob'], 'rotated']]);
    const files = await web.profiles();
    assert.equal(files.get('carol-ci')!['aws_access_key_id'], state.results[0]!.newAccessKeyId);

    const stream = await web.get(`/api/jobs/${id}/events`);
    assert.equal(stream.statusCode, 200);
    assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
    assert.match(String(stream.headers['content-security-policy']), /frame-ancestors 'none'/);
    const steps = [...stream.body.matchAll(/^event: step\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as { profiles: string[]; step: string });
    for (const step of ['start', 'keys', 'create', 'write', 'verify', 'retire', 'done']) {
      assert.ok(steps.some((s) => s.step === step && s.profiles.includes('bob')), `bob's ${step} step`);
    }
    assert.match(stream.body, /^event: done\ndata: \{"results":/m);
    const profiles = (await web.get('/api/profiles')).json() as { profiles: { name: string; lastRotatedAt: string | null }[] };
    assert.ok(profiles.profiles.find((p) => p.name === 'carol-ci')!.lastRotatedAt, 'last rotation from the audit log');
    await noSecrets(web);
  });

  it('streams steps live over real HTTP while the job runs', async () => {
    const web = await webApp({ sandbox: { propagationMs: 600 } });
    await web.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (web.app.server.address() as { port: number }).port;
    // The app was built for port 7878; this check is about the stream, so speak as that host.
    const { id } = (await web.post('/api/rotate', { profiles: ['bob'], codes: {}, oldKey: 'deactivate', deleteUnused: false })).json() as { id: string };
    const seen: string[] = [];
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: `/api/jobs/${id}/events`, headers: { host: `127.0.0.1:${PORT}`, cookie: web.cookie } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          seen.push(chunk);
        });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    assert.ok(seen.length > 2, 'the events arrived in several pieces, as they happened');
    assert.match(body, /"step":"verify"/);
    assert.match(body, /event: done/);
    assert.match(body, /"oldKey":"deactivated"/);
  });

  it('reports the two-key case and deletes the unused key when asked', async () => {
    const web = await webApp();
    const first = await jobResult(web, ((await web.post('/api/rotate', { profiles: ['dave'], codes: {}, oldKey: 'delete', deleteUnused: false })).json() as { id: string }).id);
    assert.equal(first.results[0]!.error!.code, 'KEY_LIMIT');
    assert.match(first.results[0]!.error!.message, /Inactive, last used .*in no profile/);
    const second = await jobResult(web, ((await web.post('/api/rotate', { profiles: ['dave'], codes: {}, oldKey: 'delete', deleteUnused: true })).json() as { id: string }).id);
    assert.equal(second.results[0]!.status, 'rotated');
  });

  it('a missing code fails the job with MFA_CODE_NEEDED naming the device', async () => {
    const web = await webApp();
    const state = await jobResult(web, ((await web.post('/api/rotate', { profiles: ['alice'], codes: {}, oldKey: 'delete', deleteUnused: false })).json() as { id: string }).id);
    assert.equal(state.results[0]!.error!.code, 'MFA_CODE_NEEDED');
    assert.ok(state.results[0]!.error!.message.includes(user(web, 'alice').mfaSerial!));
  });

  it('unknown and malformed job ids', async () => {
    const web = await webApp();
    assert.equal((await web.get(`/api/jobs/${'0'.repeat(32)}`)).statusCode, 404);
    assert.equal((await web.get(`/api/jobs/${'0'.repeat(32)}/events`)).statusCode, 404);
    assert.equal((await web.get('/api/jobs/not-an-id')).statusCode, 400);
  });
});

describe('the page and the demo', () => {
  it('exchanges the token for a cookie and redirects to drop it from the address bar', async () => {
    const web = await webApp();
    const signIn = await web.app.inject({ method: 'GET', url: `/?token=${TOKEN}`, headers: { host: `localhost:${PORT}` } });
    assert.equal(signIn.statusCode, 303);
    assert.equal(signIn.headers.location, '/');
    assert.match(String(signIn.headers['set-cookie']), /^torque_session=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    assert.ok(!String(signIn.headers['set-cookie']).includes(TOKEN), 'the cookie is not the token');
    const page = await web.get('/');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<div id="app">/);
    const bad = await web.app.inject({ method: 'GET', url: '/?token=wrong', headers: { host: `127.0.0.1:${PORT}` } });
    assert.equal(bad.statusCode, 401);
    const none = await web.app.inject({ method: 'GET', url: '/', headers: { host: `127.0.0.1:${PORT}` } });
    assert.equal(none.statusCode, 401);
    assert.match(none.body, /Open the link that `torque serve` printed/);
  });

  it('GET /api/demo: 404 outside the demo, the devices and codes in it', async () => {
    const web = await webApp();
    assert.equal((await web.get('/api/demo')).statusCode, 404);
    const demo = await webApp({ deps: { demo: { devices: () => [{ serial: 'arn:aws:iam::1:mfa/x', user: 'x', code: '123456', secondsLeft: 12 }] } } });
    assertShape(DemoResponse, (await demo.get('/api/demo')).json());
    assert.deepEqual((await demo.get('/api/demo')).json(), { devices: [{ serial: 'arn:aws:iam::1:mfa/x', user: 'x', code: '123456', secondsLeft: 12 }] });
  });

  it('unknown routes answer a JSON 404', async () => {
    const web = await webApp();
    const response = await web.get('/api/nothing');
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.code, 'NOT_FOUND');
    assert.equal(ORIGIN, `http://127.0.0.1:${PORT}`);
  });
});
