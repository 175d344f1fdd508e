/** The invariants every rotation must keep, whatever failed: checked against the sandbox and the file. */
import assert from 'node:assert/strict';
import type { CliResult } from '../../helpers/cli.js';
import { keyWorks, type SandboxHome } from '../../helpers/sandbox-home.js';

/** Key ids of every user, as IAM has them now. */
export function allKeyIds(h: SandboxHome): Set<string> {
  const out = new Set<string>();
  for (const user of h.sandbox.state.users.values()) for (const key of h.sandbox.keys(user.name)) out.add(key.accessKeyId);
  return out;
}

/**
 * 1. Every static profile of the file holds a key that works in the sandbox.
 * 2. Every key that did not exist before is in the file or named in the output.
 * 3. No secret the test knows appears in the output.
 */
export async function assertInvariants(h: SandboxHome, before: Set<string>, result: CliResult): Promise<void> {
  const profiles = await h.profiles();
  const held = new Set<string>();
  for (const [name, values] of profiles) {
    if (!values['aws_access_key_id'] || values['aws_session_token']) continue;
    held.add(values['aws_access_key_id']);
    assert.ok(
      await keyWorks(h.sandbox, values['aws_access_key_id'], values['aws_secret_access_key']!),
      `profile ${name} holds a working key (${values['aws_access_key_id']})\n${result.stderr}`,
    );
  }
  const output = result.stdout + result.stderr;
  for (const id of allKeyIds(h)) {
    if (before.has(id) || held.has(id)) continue;
    assert.ok(output.includes(id), `new key ${id} is neither in the file nor reported\n${output}`);
  }
  for (const secret of await h.secrets()) assert.ok(!output.includes(secret), 'no secret in the output');
}
