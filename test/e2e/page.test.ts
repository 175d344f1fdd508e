/**
 * The page in a real browser, on the very setup `torque demo` runs (server/demo.ts), in-process so
 * the test can read the sandbox's MFA codes and the credentials file. Needs the built page
 * (`npm run build`; `npm test` builds first) and Chromium at /usr/bin/chromium.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Response } from 'playwright-core';
import { type Demo, startDemo } from '../../server/demo.js';
import { parseIni, profileValues } from '../../server/files/ini.js';
import { collectIssuedSecrets } from '../helpers/sandbox-home.js';
import { launchBrowser, newPage, screenshot, SKIP, watchProblems } from './browser.js';

/** Key ids per profile of a credentials file. */
function keyIds(text: string): Record<string, string> {
  const ids: Record<string, string> = {};
  let section = '';
  for (const line of text.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line.trim());
    if (header) section = header[1]!;
    const key = /^aws_access_key_id\s*=\s*(\S+)/.exec(line.trim());
    if (key) ids[section] = key[1]!;
  }
  return ids;
}

describe('the page in a browser', { skip: SKIP }, () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  let before0: Record<string, string>;
  const serialOf = (user: string) => demo.sandbox.users.find((u) => u.name === user)!.mfaSerial!;
  const shot = (name: string) => screenshot(page, name);
  const fileKeys = async () => keyIds(await readFile(demo.paths.credentials, 'utf8'));
  /** An expression run in the page (a string: this file is type-checked without the DOM's types). */
  const inPage = (expression: string) => page.evaluate<unknown>(expression);
  const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });

  /** Every secret the test knows of: the sandbox users' first keys, the file's secrets and tokens, all the sandbox issued. */
  const secrets = new Set<string>();
  /** What the browser received: the body of every same-origin response, by URL. */
  const received: { url: string; body: Promise<string> }[] = [];
  /** The rotation jobs the page started (from POST /api/rotate): their event streams are read again at the end. */
  const jobs: string[] = [];
  const fileSecrets = async () => {
    const profiles = profileValues(parseIni(await readFile(demo.paths.credentials, 'utf8'), demo.paths.credentials, 'credentials'));
    for (const values of profiles.values()) {
      for (const key of ['aws_secret_access_key', 'aws_session_token']) if (values[key]) secrets.add(values[key]);
    }
  };

  before(async () => {
    demo = await startDemo({ port: 0, propagationMs: 2000, log: () => undefined });
    before0 = await fileKeys();
    await fileSecrets();
    // Every key and session the sandbox issues, even one deleted before the last test looks.
    collectIssuedSecrets(demo.sandbox, secrets);
    browser = await launchBrowser();
    page = await newPage(browser);
    // A CSP violation (inline style or script) shows up as a console error: every one fails the suite.
    watchProblems(page, problems);
    page.on('response', (response) => keep(response));
  });

  const origin = () => new URL(demo.serving.url).origin;
  /** Bodies the browser received that the test could not read back: each fails the last test. */
  const unread: string[] = [];
  function keep(response: Response): void {
    const url = new URL(response.url());
    if (url.origin !== origin()) return;
    // A redirect has no body to read (the launch link's answer is one: it sets the cookie and drops the token).
    if (response.status() >= 300 && response.status() < 400) return;
    // An event stream's body is whole only when its job is done; the job's events are read from GET /api/jobs/:id instead.
    if (url.pathname.endsWith('/events')) return;
    const body = response.text().catch((error: Error) => {
      unread.push(`${url.pathname}: ${error.message}`);
      return '';
    });
    received.push({ url: url.href, body });
    if (url.pathname === '/api/rotate' && response.status() === 202) {
      void body.then((text) => jobs.push((JSON.parse(text) as { id: string }).id));
    }
  }

  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  test('the launch link signs in, then leaves the address bar', async () => {
    assert.match(demo.serving.url, /\?token=/);
    await page.goto(demo.serving.url);
    await page.getByRole('table', { name: /Profiles in your AWS files/ }).waitFor();
    assert.ok(!page.url().includes('token'), `the token is still in the address bar: ${page.url()}`);
    for (const name of ['alice', 'bob', 'carol', 'carol-ci', 'dave', 'admin']) {
      await page.getByRole('rowheader', { name, exact: true }).waitFor();
    }
    // The demo banner shows the sandbox devices' codes.
    const banner = page.getByRole('complementary', { name: 'Demo mode.' });
    await banner.getByText(/alice \(mfa\/alice\)/).waitFor();
    assert.match((await banner.locator(`code[data-serial="${serialOf('carol')}"]`).textContent()) ?? '', /^\d{6}$/);
    // Key age: from IAM where that needs no code (bob has no MFA device), else from the audit log (alice).
    await row('bob').getByText(/^created \d+d \d+h ago$/).waitFor();
    await row('alice').getByText('never rotated by Torque').waitFor();
    await shot('01-table');
  });

  test('keyboard focus is visible', async () => {
    await page.getByRole('checkbox', { name: 'Select all profiles with an access key' }).focus();
    await page.keyboard.press('Tab');
    assert.equal(await inPage('document.activeElement.type'), 'checkbox');
    assert.equal(await inPage('getComputedStyle(document.activeElement).outlineStyle'), 'solid');
  });

  test('Auth makes a session for a role and counts down to its expiry', async () => {
    await page.getByRole('button', { name: 'Auth admin' }).click();
    const form = page.getByRole('form', { name: 'Session for admin' });
    await form.getByLabel('MFA code (mfa/alice)').fill(demo.sandbox.freshCode(serialOf('alice')));
    await form.getByRole('button', { name: 'Get session' }).click();
    await form.getByText('Session stored in profile admin-mfa').waitFor();
    const timer = form.getByRole('timer');
    const first = await timer.textContent();
    await page.waitForTimeout(1500);
    const second = await timer.textContent();
    assert.match(first ?? '', /\(\d+:\d\d:\d\d left\)/);
    assert.notEqual(first, second, 'the countdown does not move');
    await form.getByText(/expires in \d+m/).waitFor();
    // The table reloaded: the stored session is a profile of its own now.
    await page.getByRole('rowheader', { name: 'admin-mfa', exact: true }).waitFor();
    await shot('02-auth');
    await form.getByRole('button', { name: 'Close' }).click();
    assert.equal(await inPage('document.activeElement.id'), 'auth-open-admin');
  });

  test('a device IAM knows but the files do not gets a code field after the first try', async () => {
    for (const name of ['bob', 'carol', 'carol-ci']) await page.getByRole('checkbox', { name: `Select ${name}`, exact: true }).check();
    const panel = page.getByRole('region', { name: 'Rotate access keys' });
    assert.equal(await panel.getByRole('textbox').count(), 0, 'no device is known yet, so no code field');
    await panel.getByRole('button', { name: 'Rotate 3 profiles' }).click();
    await panel.getByText(/carol, carol-ci.*failed: enter the current code of MFA device arn:aws:iam::\d+:mfa\/carol/).waitFor();
    await panel.getByText(/bob.*rotated AKIA\w+ → AKIA\w+, old key deleted/).waitFor();
    const field = panel.getByLabel('Code for mfa/carol (carol, carol-ci)');
    await field.waitFor();
    // The next thing to do is to type that code: focus is there already.
    assert.equal(await inPage('document.activeElement.id'), await field.getAttribute('id'));
    await shot('03-mfa-code-needed');
    const keys = await fileKeys();
    assert.notEqual(keys['bob'], before0['bob']);
    assert.equal(keys['carol'], before0['carol']);
  });

  test('two users, two codes, one rotation, followed live', async () => {
    // bob left the selection once rotated; carol and carol-ci stay selected for another try.
    assert.equal(await page.getByRole('checkbox', { name: 'Select bob', exact: true }).isChecked(), false);
    await page.getByRole('checkbox', { name: 'Select alice', exact: true }).check();
    const panel = page.getByRole('region', { name: 'Rotate access keys' });
    assert.equal(await panel.getByRole('textbox').count(), 2, 'one field per device');
    await panel.getByLabel('Code for mfa/alice (alice)').fill(demo.sandbox.freshCode(serialOf('alice')));
    await panel.getByLabel('Code for mfa/carol (carol, carol-ci)').fill(demo.sandbox.freshCode(serialOf('carol')));
    await shot('04-two-codes');
    await panel.getByRole('button', { name: 'Rotate 3 profiles' }).click();
    // New keys take 2 s to work in this sandbox: the page shows Torque waiting for them.
    await panel.getByRole('listitem').filter({ hasText: 'waiting for AWS' }).first().waitFor();
    await row('carol-ci').getByText(/^waiting for AWS:/).waitFor();
    await shot('05-progress');
    await panel.getByText(/^\s*alice\s*:\s*rotated/).waitFor({ timeout: 20_000 });
    await panel.getByText(/carol, carol-ci\s*:\s*rotated/).waitFor({ timeout: 20_000 });

    const keys = await fileKeys();
    for (const name of ['alice', 'carol', 'carol-ci']) assert.notEqual(keys[name], before0[name], `${name} has a new key`);
    assert.equal(keys['carol'], keys['carol-ci'], 'the shared key stays shared');
    assert.equal(keys['dave'], before0['dave'], 'dave was not asked for');
    assert.deepEqual(demo.sandbox.keys('alice').map((k) => k.accessKeyId), [keys['alice']], 'the old key was deleted');
    // The table reloads with the new key and its age from the audit log.
    await row('alice').getByText(keys['alice']!, { exact: true }).waitFor();
    await row('alice').getByText('last rotated just now').waitFor();
    await shot('06-rotated');
  });

  test('two keys: the unused one is deleted only after a confirm', async () => {
    const daveKeys = demo.sandbox.keys('dave');
    assert.equal(daveKeys.length, 2);
    await page.getByRole('checkbox', { name: 'Select dave', exact: true }).check();
    const panel = page.getByRole('region', { name: 'Rotate access keys' });
    await panel.getByRole('button', { name: 'Rotate dave' }).click();
    await panel.getByText(/already has two access keys/).waitFor();
    await panel.getByRole('button', { name: 'Delete the unused key and rotate' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the unused key?' });
    const unused = daveKeys.find((k) => k.status === 'Inactive')!.accessKeyId;
    await dialog.getByText(unused).waitFor();
    await shot('07-confirm');
    await dialog.getByRole('button', { name: 'Delete it and rotate' }).click();
    await panel.getByText(/dave\s*:\s*rotated/).waitFor({ timeout: 20_000 });
    await panel.getByText(`deleted the unused key ${unused}`, { exact: false }).waitFor();
    const keys = await fileKeys();
    assert.notEqual(keys['dave'], before0['dave']);
    assert.deepEqual(demo.sandbox.keys('dave').map((k) => k.accessKeyId), [keys['dave']]);
    await shot('08-two-keys-done');
  });

  test('Auth asks for a code when IAM names a device the files do not, and the session spares the next one', async () => {
    await page.reload(); // forget the devices the page learnt so far
    await page.getByRole('button', { name: 'Auth carol', exact: true }).click();
    const form = page.getByRole('form', { name: 'Session for carol' });
    assert.equal(await form.getByRole('textbox').count(), 0);
    await form.getByRole('button', { name: 'Get session' }).click();
    await form.getByText(/enter the current code of MFA device arn:aws:iam::\d+:mfa\/carol/).waitFor();
    const field = form.getByLabel('MFA code (mfa/carol)');
    await field.waitFor();
    assert.equal(await inPage('document.activeElement.id'), await field.getAttribute('id'));
    await field.fill(demo.sandbox.freshCode(serialOf('carol')));
    await form.getByRole('button', { name: 'Get session' }).click();
    await form.getByText('Session stored in profile carol-mfa').waitFor();
    await page.getByRole('checkbox', { name: 'Select carol', exact: true }).check();
    const panel = page.getByRole('region', { name: 'Rotate access keys' });
    await panel.getByText('No code needed for carol: a stored MFA session is still valid.').waitFor();
    assert.equal(await panel.getByRole('textbox').count(), 0);
    await shot('09-auth-code-needed');
  });

  test('dark mode, and no console errors (CSP) along the way', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const background = await inPage('getComputedStyle(document.body).backgroundColor');
    assert.equal(background, 'rgb(13, 17, 23)');
    await shot('10-dark');
    assert.deepEqual(problems, []);
  });

  test('no secret ever reached the browser', async () => {
    await fileSecrets();
    for (const key of demo.sandbox.state.keys.values()) secrets.add(key.secret);
    for (const session of demo.sandbox.state.sessions.values()) {
      secrets.add(session.secret);
      secrets.add(session.token);
    }
    await Promise.all(received.map(({ body }) => body));
    // The events as the page's streams carried them (the job keeps them all), read with the page's own cookie.
    assert.ok(jobs.length >= 3, `the page started ${jobs.length} rotations, not the scenario's 3 or more`);
    for (const id of jobs) {
      const answer = await page.request.get(`${origin()}/api/jobs/${id}`);
      assert.equal(answer.status(), 200);
      received.push({ url: answer.url(), body: answer.text() });
    }
    const bodies = await Promise.all(received.map(async ({ url, body }) => ({ url, body: await body })));
    assert.deepEqual(unread, [], 'answers whose bodies could not be read back');
    const paths = new Set(bodies.map(({ url }) => new URL(url).pathname));
    for (const path of ['/', '/api/profiles', '/api/key-ages', '/api/auth', '/api/rotate', '/api/demo']) {
      assert.ok(paths.has(path), `no answer to ${path} was seen: ${[...paths].join(', ')}`);
    }
    assert.ok(secrets.size > 10, `only ${secrets.size} secrets known`);
    for (const { url, body } of bodies) {
      for (const secret of secrets) assert.ok(!body.includes(secret), `${url} sent the browser the secret ${secret.slice(0, 4)}…`);
    }
  });
});
