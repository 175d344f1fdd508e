/**
 * Files Torque cannot read with certainty: every one gives a clear error naming the file, the line
 * (where there is one) and the reason; `torque list` exits 1; the file is byte-identical afterwards,
 * and a write through the store is refused the same way.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, readFile, readlink, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolvePaths } from '../../server/files/paths.js';
import { AwsFiles } from '../../server/files/store.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const GOOD = `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${SECRET}\n`;
const asRoot = process.getuid?.() === 0;

interface Case {
  name: string;
  file?: 'credentials' | 'config';
  /** Writes the bad file (path given) into place. */
  make: (path: string) => Promise<void>;
  reason: RegExp;
  line?: number;
  /** Runs the CLI without root's power to read any file. */
  permissions?: boolean;
}

const text = (content: string | Buffer) => (path: string) => writeFile(path, content);

const cases: Case[] = [
  { name: 'unterminated section', make: text('[default\naws_access_key_id = AKIAX\n'), reason: /not closed with "\]"/, line: 1 },
  { name: 'text after the section header', make: text('# keys\n[default] extra\n'), reason: /unexpected text after "\]"/, line: 2 },
  { name: 'empty section name', make: text('[]\nx = 1\n'), reason: /empty section name/, line: 1 },
  { name: 'blank section name', make: text('[   ]\nx = 1\n'), reason: /empty section name/, line: 1 },
  { name: 'bracket inside a section name', make: text('[a]\nx = 1\n[default]]\n'), reason: /contains a bracket/, line: 3 },
  { name: 'setting before any section', make: text(`region = us-east-1\n${GOOD}`), reason: /before the first \[section\]/, line: 1 },
  { name: 'line without "=" (a pasted secret)', make: text(`[default]\naws_secret_access_key ${SECRET}\n`), reason: /not a \[section\] header/, line: 2 },
  { name: 'setting without a name', make: text('[default]\n= value\n'), reason: /no name before "="/, line: 2 },
  { name: 'indented text right under a header', make: text('[default]\n   stray words\n'), reason: /not a \[section\] header/, line: 2 },
  { name: 'binary garbage', make: text(Buffer.from([0x5b, 0x61, 0x5d, 0x0a, 0x00, 0xff, 0x13, 0x37, 0x00])), reason: /binary data/, line: 2 },
  { name: 'a NUL byte inside a value', make: text(Buffer.concat([Buffer.from('[a]\nx = 1\ny = ab'), Buffer.from([0]), Buffer.from('c\n')])), reason: /binary data/, line: 3 },
  { name: 'invalid UTF-8', make: text(Buffer.concat([Buffer.from('[a]\nx = 1\n# caf'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')])), reason: /not valid UTF-8/, line: 3 },
  { name: 'UTF-16 text', make: text(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[default]\n', 'utf16le')])), reason: /UTF-16/, line: 1 },
  { name: 'control characters', make: text('[a]\nx = 1\x1b[31m\n'), reason: /control characters/, line: 2 },
  { name: 'a profile named __proto__', make: text('[__proto__]\nx = 1\n'), reason: /__proto__/, line: 1 },
  { name: '[profile __proto__] in config', file: 'config', make: text('[default]\nregion = a\n[profile __proto__]\nregion = b\n'), reason: /__proto__/, line: 3 },
  { name: 'a key named __proto__', make: text('[a]\n__proto__ = 1\n'), reason: /__proto__/, line: 2 },
  { name: 'a broken config beside a good credentials file', file: 'config', make: text('[profile dev\nregion = eu-west-1\n'), reason: /not closed/, line: 1 },
  { name: 'a directory instead of a file', make: (p) => mkdir(p), reason: /is a directory/ },
  {
    name: 'a FIFO instead of a file',
    make: async (p) => void execFileSync('mkfifo', [p]),
    reason: /not a regular file/,
  },
  { name: 'a 50 MB file', make: async (p) => { await writeFile(p, GOOD); await truncate(p, 50 * 1024 * 1024); }, reason: /too large/ },
  { name: 'a dangling symbolic link', make: (p) => symlink(`${p}.gone`, p), reason: /link to a file that does not exist/ },
  { name: 'a loop of symbolic links', make: async (p) => { await symlink(`${p}.b`, p); await symlink(p, `${p}.b`); }, reason: /loop of symbolic links/ },
  {
    name: 'a file without read permission',
    make: async (p) => {
      await writeFile(p, GOOD);
      await chmod(p, 0o000);
    },
    reason: /permission denied/,
    permissions: true,
  },
];

/** What is at a path, as bytes or as what kind of thing, to show it was not touched. */
async function fingerprint(path: string): Promise<string> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) return `link:${await readlink(path)}`;
  if (!info.isFile()) return `${info.mode}`;
  if (info.size > 1024 * 1024) return `big:${info.size}:${info.mtimeMs}`;
  try {
    return `${info.mode}:${(await readFile(path)).toString('base64')}`;
  } catch {
    return `${info.mode}:unreadable:${info.size}:${info.mtimeMs}`;
  }
}

describe('malformed files', () => {
  assert.ok(cases.length >= 20);
  for (const c of cases) {
    it(c.name, async () => {
      const { home, env } = await tempHome();
      await mkdir(join(home, '.aws'), { mode: 0o755 });
      const which = c.file ?? 'credentials';
      if (which === 'config') await writeFile(join(home, '.aws/credentials'), GOOD);
      const path = join(home, '.aws', which);
      await c.make(path);
      const before = await fingerprint(path);

      const result = await runCli(['list'], env, { withoutRootPowers: c.permissions === true });
      assert.equal(result.code, 1, `exit 1, got ${result.code}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      const message = result.stderr.trim();
      assert.equal(message.split('\n').length, 1, 'one line');
      assert.ok(message.includes(path), `names the file: ${message}`);
      if (c.line !== undefined) assert.ok(message.includes(`line ${c.line}:`), `names line ${c.line}: ${message}`);
      assert.match(message, c.reason);
      assert.ok(!message.includes(SECRET), 'no secret in the message');

      if (!c.permissions || !asRoot) {
        const store = new AwsFiles(resolvePaths(env));
        await assert.rejects(store.update(which, (e) => void e.setKeys('default', { region: 'us-east-1' })));
      }
      assert.equal(await fingerprint(path), before, 'the file is untouched');
    });
  }
});
