/**
 * AWS shared files for the sandbox's users and roles, so the AWS CLI, the SDKs and Torque itself can
 * be tried on it: every profile carries `endpoint_url`, so its calls go to the sandbox, never to AWS.
 */
import { lstat, mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { TorqueError } from '../errors.js';
import type { Sandbox, SandboxRole, SandboxUser } from './index.js';

/** First line of every file the sandbox writes; only such a file may be overwritten. */
export const MARKER = '# Written by `torque sandbox`';

export interface ProfileFiles {
  credentials: string;
  config: string;
}

export function profileFiles({ endpoint, users, roles }: Pick<Sandbox, 'endpoint' | 'users' | 'roles'>): ProfileFiles {
  const header = [
    `${MARKER} for the sandbox AWS at ${endpoint}.`,
    '# These keys work only there, and only while that sandbox runs.',
    '',
  ];
  const credentials = [...header];
  const config = [...header, '# endpoint_url sends every call of a profile to the sandbox instead of AWS.', ''];
  const where = [`region = us-east-1`, `endpoint_url = ${endpoint}`];

  for (const user of users) {
    if (user.accessKeyId === null || user.secretAccessKey === null) continue;
    const [first, ...others] = user.profiles;
    if (first === undefined) continue;
    if (others.length) credentials.push(`# ${user.name}'s key is held by ${user.profiles.join(' and ')}: rotating one must update all.`);
    for (const name of user.profiles) {
      credentials.push(`[${name}]`, `aws_access_key_id = ${user.accessKeyId}`, `aws_secret_access_key = ${user.secretAccessKey}`, '');
      config.push(...userComment(user, name), `[profile ${name}]`, ...where);
      if (user.mfaRequired && user.mfaSerial) config.push(`mfa_serial = ${user.mfaSerial}`);
      config.push('');
    }
  }
  for (const role of roles) {
    const source = roleSource(role, users);
    if (!source) continue;
    config.push(...roleComment(role, source), `[profile ${role.name}]`, `role_arn = ${role.arn}`, `source_profile = ${source.profile}`);
    if (role.mfaRequired && source.mfaSerial) config.push(`mfa_serial = ${source.mfaSerial}`);
    if (role.externalId !== null) config.push(`external_id = ${role.externalId}`);
    config.push(...where, '');
  }
  return { credentials: credentials.join('\n'), config: config.join('\n') };
}

interface RoleSource {
  profile: string;
  mfaSerial: string | null;
  chained: boolean;
}

/** The profile whose credentials assume the role: a trusted user's, else a trusted role's (a chain). */
function roleSource(role: SandboxRole, users: SandboxUser[]): RoleSource | undefined {
  const user = users.find((u) => role.trustedUsers.includes(u.name) && u.profiles.length && u.accessKeyId);
  if (user) return { profile: user.profiles[0]!, mfaSerial: user.mfaSerial, chained: false };
  const via = role.trustedRoles[0];
  return via === undefined ? undefined : { profile: via, mfaSerial: null, chained: true };
}

function userComment(user: SandboxUser, profile: string): string[] {
  if (profile !== user.profiles[0]) return [`# Same key as ${user.profiles[0]}.`];
  if (user.mfaRequired) return [`# ${user.name} is under the force-MFA policy: most calls need an MFA session first.`];
  if (user.mfaSerial) return [`# ${user.name} has an MFA device; no mfa_serial here, Torque finds it with ListMFADevices.`];
  return [];
}

function roleComment(role: SandboxRole, source: RoleSource): string[] {
  if (source.chained) return [`# A role chain: ${role.name} is assumed with ${source.profile}'s role credentials (1 hour at most).`];
  const needs = [role.mfaRequired ? 'an MFA code' : '', role.externalId !== null ? 'an external ID' : ''].filter(Boolean);
  return [`# ${role.name} trusts ${source.profile}${needs.length ? ` and needs ${needs.join(' and ')}` : ''}.`];
}

/** Writes DIR/credentials and DIR/config (0600); refuses to replace files the sandbox did not write. */
export async function writeProfiles(dir: string, files: ProfileFiles): Promise<{ credentials: string; config: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths = { credentials: join(dir, 'credentials'), config: join(dir, 'config') };
  // Checked for both before writing either, so a refusal leaves the folder as it was.
  for (const path of Object.values(paths)) await ensureReplaceable(path);
  for (const [kind, path] of Object.entries(paths) as ['credentials' | 'config', string][]) {
    await writeFile(path, files[kind], { mode: 0o600 });
    await chmod(path, 0o600);
  }
  return paths;
}

async function ensureReplaceable(path: string): Promise<void> {
  const stat = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!stat) return;
  // Real AWS keys may live there (`--write-profiles ~/.aws`); never overwrite what the sandbox did not write.
  const text = stat.isFile() ? await readFile(path, 'utf8') : '';
  if (!text.startsWith(MARKER)) {
    throw new TorqueError('FILE_WRITE', `${path} exists and was not written by \`torque sandbox\`; choose an empty folder for --write-profiles`, { file: path });
  }
}
