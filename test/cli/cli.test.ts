/** The command line as a user meets it: help, version, usage errors, exit statuses. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../server/cli/commands.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };

describe('torque help', () => {
  for (const args of [[], ['help'], ['--help'], ['-h']]) {
    it(`\`torque ${args.join(' ')}\` lists every command and exits 0`, async () => {
      const { env } = await tempHome();
      const result = await runCli(args, env);
      assert.equal(result.code, 0);
      assert.equal(result.stderr, '');
      for (const command of COMMANDS) assert.match(result.stdout, new RegExp(`^  ${command.name} `, 'm'));
      assert.match(result.stdout, /Usage: torque <command>/);
    });
  }

  it('`torque help list` and `torque list --help` describe the command and its options', async () => {
    const { env } = await tempHome();
    for (const args of [['help', 'list'], ['list', '--help']]) {
      const result = await runCli(args, env);
      assert.equal(result.code, 0);
      assert.match(result.stdout, /^Usage: torque list/);
      assert.match(result.stdout, /--json/);
    }
  });

  it('`torque --version` prints the package version', async () => {
    const { env } = await tempHome();
    const result = await runCli(['--version'], env);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `torque ${pkg.version}\n`);
  });
});

describe('usage errors: one line on stderr, exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['unknown top-level flag', ['--frob'], /unknown option "--frob"/],
    ['unknown flag of a command', ['list', '--frob'], /unknown option '--frob'/i],
    ['unexpected argument', ['list', 'extra'], /unexpected argument 'extra'/],
    ['value for a boolean flag', ['list', '--json=yes'], /--json/],
    ['missing profile', ['auth'], /missing a profile name/],
    ['help for an unknown command', ['help', 'nope'], /unknown command "nope"/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const { env } = await tempHome();
      const result = await runCli(args, env);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.trim().split('\n').length, 1);
      assert.match(result.stderr, /^torque: /);
      assert.match(result.stderr, message);
    });
  }
});
