/** The files store: locked, atomic, backed-up writes with the right modes, through symlinks, across processes. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';
import { BACKUPS_KEPT } from '../../server/files/backup.js';
import { resolvePaths } from '../../server/files/paths.js';
import { AwsFiles } from '../../server/files/store.js';
import { profileValues } from '../../server/files/ini.js';
import { tempDir } from '../helpers/tmp.js';

const mode = async (path: string) => (await stat(path)).mode & 0o777;

async function storeIn(home: string, options = {}) {
  return new AwsFiles(resolvePaths({ HOME: home }), options);
}

describe('paths', () => {
  it('follow AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE and TORQUE_HOME, else ~/.aws and ~/.torque', () => {
    assert.deepEqual(resolvePaths({ HOME: '/h' }), {
      credentials: '/h/.aws/credentials',
      config: '/h/.aws/config',
      torqueHome: '/h/.torque',
    });
    assert.deepEqual(
      resolvePaths({ HOME: '/h', AWS_SHARED_CREDENTIALS_FILE: '~/c', AWS_CONFIG_FILE: '/x/config', TORQUE_HOME: '/t' }),
      { credentials: '/h/c', config: '/x/config', torqueHome: '/t' },
    );
  });
});

describe('writes', () => {
  it('create ~/.aws 0700, the file 0600, a backup 0600 in $TORQUE_HOME/backups (0700)', async () => {
    const home = await tempDir();
    const store = await storeIn(home);
    await store.update('credentials', (e) => void e.setKeys('default', { region: 'us-east-1' }));
    assert.equal(await mode(join(home, '.aws')), 0o700);
    assert.equal(await mode(join(home, '.aws/credentials')), 0o600);
    assert.equal(await readFile(join(home, '.aws/credentials'), 'utf8'), '[default]\nregion = us-east-1\n');
    // No backup of a file that did not exist; the next store's first change backs up the file as it was.
    await assert.rejects(readdir(join(home, '.torque/backups')), { code: 'ENOENT' });
    await chmod(join(home, '.aws/credentials'), 0o644);
    const second = await storeIn(home);
    await second.update('credentials', (e) => void e.setKeys('default', { region: 'eu-west-1' }));
    await second.update('credentials', (e) => void e.setKeys('default', { output: 'json' }));
    const backups = await readdir(join(home, '.torque/backups'));
    assert.equal(backups.length, 1, 'one backup per store, before its first change');
    assert.equal(await mode(join(home, '.torque')), 0o700);
    assert.equal(await mode(join(home, '.torque/backups')), 0o700);
    assert.equal(await mode(join(home, '.torque/backups', backups[0]!)), 0o600);
    assert.equal(await readFile(join(home, '.torque/backups', backups[0]!), 'utf8'), '[default]\nregion = us-east-1\n');
    assert.equal(await mode(join(home, '.aws/credentials')), 0o600, 'a rewritten file is 0600 again');
  });

  it(`keep the ${BACKUPS_KEPT} newest backups`, async () => {
    const home = await tempDir();
    await mkdir(join(home, '.aws'));
    await writeFile(join(home, '.aws/credentials'), '[a]\nx = 0\n');
    for (let i = 1; i <= BACKUPS_KEPT + 5; i++) {
      await (await storeIn(home)).update('credentials', (e) => void e.setKeys('a', { x: String(i) }));
    }
    const backups = (await readdir(join(home, '.torque/backups'))).sort();
    assert.equal(backups.length, BACKUPS_KEPT);
    assert.equal(await readFile(join(home, '.torque/backups', backups.at(-1)!), 'utf8'), `[a]\nx = ${BACKUPS_KEPT + 4}\n`);
    assert.equal(await readFile(join(home, '.torque/backups', backups[0]!), 'utf8'), '[a]\nx = 5\n');
  });

  it('write through a symlink to its target and keep the link', async () => {
    const home = await tempDir();
    await mkdir(join(home, '.aws'));
    await mkdir(join(home, 'dotfiles'));
    await writeFile(join(home, 'dotfiles/credentials'), '# mine\n[a]\nx = 1\n');
    await symlink(join(home, 'dotfiles/credentials'), join(home, '.aws/credentials'));
    await (await storeIn(home)).update('credentials', (e) => void e.setKeys('a', { x: '2' }));
    assert.ok((await lstat(join(home, '.aws/credentials'))).isSymbolicLink());
    assert.equal(await readlink(join(home, '.aws/credentials')), join(home, 'dotfiles/credentials'));
    assert.equal(await readFile(join(home, 'dotfiles/credentials'), 'utf8'), '# mine\n[a]\nx = 2\n');
    assert.deepEqual((await readdir(join(home, 'dotfiles'))).sort(), ['credentials'], 'no temp or lock file left behind');
  });

  it('apply the edit to the file as it is under the lock, not as it was read before', async () => {
    const home = await tempDir();
    const store = await storeIn(home);
    await store.update('credentials', (e) => void e.setKeys('a', { x: '1' }));
    const stale = await store.readFile('credentials');
    await writeFile(join(home, '.aws/credentials'), '[a]\nx = 1\n[b]\ny = 2\n');
    await store.update('credentials', (e) => void e.setKeys('a', { x: '3' }));
    assert.equal(stale.lines.length, 3);
    assert.equal(await readFile(join(home, '.aws/credentials'), 'utf8'), '[a]\nx = 3\n[b]\ny = 2\n');
  });

  it('leave the file byte-identical when the edit throws', async () => {
    const home = await tempDir();
    await mkdir(join(home, '.aws'));
    await writeFile(join(home, '.aws/credentials'), '[a]\r\nx = 1');
    await assert.rejects(
      (await storeIn(home)).update('credentials', (e) => {
        e.setKeys('a', { x: '2' });
        throw new Error('stop');
      }),
      /stop/,
    );
    assert.equal(await readFile(join(home, '.aws/credentials'), 'utf8'), '[a]\r\nx = 1');
  });

  it('report FILE_LOCKED when another process holds the lock too long', async () => {
    const home = await tempDir();
    const store = await storeIn(home, { lockWaitMs: 300 });
    await store.update('credentials', (e) => void e.setKeys('a', { x: '1' }));
    const file = join(home, '.aws/credentials');
    const release = await lockfile.lock(file, { realpath: false, lockfilePath: `${file}.torque-lock` });
    try {
      await assert.rejects(store.update('credentials', (e) => void e.setKeys('a', { x: '2' })), { code: 'FILE_LOCKED' });
    } finally {
      await release();
    }
    assert.equal(await readFile(file, 'utf8'), '[a]\nx = 1\n');
  });

  it('lose no edit when two OS processes each make 200 edits to one file at once', async () => {
    const home = await tempDir();
    const file = join(home, 'credentials');
    await writeFile(file, '# shared by two writers\n[shared]\nstart = 1\n', { mode: 0o600 });
    const worker = fileURLToPath(new URL('../fixtures/workers/edit-many.ts', import.meta.url));
    const run = (prefix: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', worker, file, prefix, '200'], { stdio: ['ignore', 'inherit', 'inherit'] });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${prefix} exited ${code}`))));
      });
    await Promise.all([run('a'), run('b')]);
    const store = new AwsFiles({ credentials: file, config: `${file}.config`, torqueHome: `${file}.torque` });
    const values = profileValues(await store.readFile('credentials')).get('shared')!;
    for (const prefix of ['a', 'b']) {
      for (let i = 0; i < 200; i++) assert.equal(values[`${prefix}_${i}`], `value${i}`, `${prefix}_${i}`);
    }
    assert.equal(Object.keys(values).length, 401);
    assert.ok((await readFile(file, 'utf8')).startsWith('# shared by two writers\n[shared]\nstart = 1\n'));
  });
});
