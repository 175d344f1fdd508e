/**
 * What the browser tests share: Chromium at /usr/bin/chromium (skipped with a loud warning when it is
 * missing, except on CI where that fails), the screenshots folder and the one way to launch it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { defaultWebRoot } from '../../server/app.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = join(import.meta.dirname, 'screenshots');
export const haveChromium = existsSync(CHROMIUM);
export const MISSING = `Chromium is not installed at ${CHROMIUM} (apt-get install chromium): the browser tests of the page cannot run`;

/** The `skip` option of a browser suite: skipped without Chromium, except on CI (where `before` then fails). */
export const SKIP: string | false = haveChromium || process.env['CI'] ? false : MISSING;

if (SKIP) process.stderr.write(`\n!!!!!!!!\n!!! WARNING: ${MISSING}; they are SKIPPED.\n!!!!!!!!\n\n`);

/** Checks what a browser suite needs (Chromium, the built page), then starts Chromium headless. */
export async function launchBrowser(): Promise<Browser> {
  assert.ok(haveChromium, MISSING);
  assert.ok(existsSync(join(defaultWebRoot(), 'index.html')), 'the page is not built: run `npm run build` first');
  await mkdir(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

/** A new page in its own context, as the suites look at it: 1280×900, light colours, 15 s per wait. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** Fails the suite on what should never happen: a console error (CSP violations show up there) or an uncaught page error. */
export function watchProblems(page: Page, problems: string[]): void {
  // Chromium's note on an HTTP error is left out: the API's 4xx answers are expected (the page shows them).
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (response.status() >= 400 && !path.startsWith('/api/')) problems.push(`${response.status()} for ${path}`);
  });
}

export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}
