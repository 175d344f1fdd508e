/**
 * The page's states other than the table, in a real browser on `startServer` with files of the
 * test's making: no profiles at all (the files do not exist), and a file Torque cannot read. The
 * loading state lasts one request on loopback and is not caught here. Needs what page.test.ts needs.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AwsClients } from '../../server/aws/clients.js';
import { AwsFiles } from '../../server/files/store.js';
import { type Serving, startServer } from '../../server/serve.js';
import { tempDir } from '../helpers/tmp.js';
import { launchBrowser, newPage, screenshot, SKIP, watchProblems } from './browser.js';

describe('the page without a profile table', { skip: SKIP }, () => {
  let browser: Browser;
  const problems: string[] = [];

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  /** Torque serving files in a new empty folder (AWS sends nowhere: no endpoint, no keys), and a signed-in page on it. */
  async function serve(t: TestContext) {
    const home = await tempDir();
    const paths = { credentials: join(home, 'aws', 'credentials'), config: join(home, 'aws', 'config'), torqueHome: join(home, 'torque') };
    const serving: Serving = await startServer({ store: new AwsFiles(paths), aws: new AwsClients({ env: {} }), port: 0 });
    const page: Page = await newPage(browser);
    watchProblems(page, problems);
    t.after(async () => {
      await page.context().close();
      await serving.close();
    });
    return { home, paths, serving, page };
  }

  test('no AWS files: the empty state names both files', async (t) => {
    const { paths, serving, page } = await serve(t);
    await page.goto(serving.url);
    const empty = page.getByRole('region', { name: 'No AWS profiles found' });
    await empty.waitFor();
    await empty.locator('code', { hasText: paths.credentials }).waitFor();
    await empty.locator('code', { hasText: paths.config }).waitFor();
    assert.equal(await page.getByRole('table').count(), 0, 'no table without profiles');
    await screenshot(page, 'states-01-empty');
    // Reload asks again: the page still finds nothing, and stays usable.
    const asked = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/profiles');
    await empty.getByRole('button', { name: 'Reload' }).click();
    assert.equal((await asked).status(), 200);
    await empty.waitFor();
    assert.deepEqual(problems, []);
  });

  test('a credentials file Torque cannot read: the error names the file and line, with Try again', async (t) => {
    const { home, paths, serving, page } = await serve(t);
    await mkdir(join(home, 'aws'));
    await writeFile(paths.credentials, '[broken\n');
    await page.goto(serving.url);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const message = (await alert.textContent()) ?? '';
    assert.ok(message.includes(`${paths.credentials} line 1: section header`), `the message names the file and line: ${message}`);
    const again = alert.getByRole('button', { name: 'Try again' });
    await again.waitFor();
    await screenshot(page, 'states-02-file-error');

    // Mended, the file is read again on Try again, and the page leaves its error state.
    await writeFile(paths.credentials, '');
    await again.click();
    await page.getByRole('region', { name: 'No AWS profiles found' }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0);
    assert.deepEqual(problems, []);
  });
});
