/** `torque list [--json]`: the profiles, for people or for scripts. Never a secret. */
import { describeExpiry } from '../../shared/time.js';
import { AwsFiles } from '../files/store.js';
import { resolvePaths } from '../files/paths.js';
import type { Profile } from '../files/profiles.js';
import type { CommandInput } from './io.js';
import { table } from './table.js';

export async function run({ values, io }: CommandInput): Promise<number> {
  const store = new AwsFiles(resolvePaths(io.env));
  const { profiles, warnings } = await store.profiles();
  if (values['json']) {
    io.stdout.write(`${JSON.stringify({ profiles: profiles.map(toJson), warnings }, null, 2)}\n`);
    return 0;
  }
  if (profiles.length === 0) {
    io.stdout.write(
      `No profiles in ${store.paths.credentials} or ${store.paths.config}.\n` +
        'Add a long-term key with `aws configure`, or try Torque on sandbox data with `torque demo`.\n',
    );
  } else {
    const now = Date.now();
    const rows = profiles.map((p) => [p.name, p.kind, p.accessKeyId ?? '-', device(p.mfaSerial), session(p, now), notes(p)]);
    io.stdout.write(table(['PROFILE', 'KIND', 'ACCESS KEY', 'MFA', 'SESSION', 'NOTES'], rows));
  }
  for (const profile of profiles) {
    for (const warning of profile.warnings) io.stderr.write(`warning: [${profile.name}] ${warning}\n`);
  }
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  return 0;
}

/** The documented JSON shape (DESIGN.md section 5), field for field. */
function toJson(p: Profile) {
  return {
    name: p.name,
    kind: p.kind,
    accessKeyId: p.accessKeyId,
    mfaSerial: p.mfaSerial,
    roleArn: p.roleArn,
    sourceProfile: p.sourceProfile,
    region: p.region,
    sessionProfile: p.sessionProfile,
    expiresAt: p.expiresAt,
    sharesKeyWith: p.sharesKeyWith,
    warnings: p.warnings,
  };
}

function device(serial: string | null): string {
  if (!serial) return '-';
  const slash = serial.lastIndexOf(':mfa/');
  return slash === -1 ? serial : serial.slice(slash + 1);
}

function session(p: Profile, now: number): string {
  if (p.kind === 'session') return p.expiresAt ? describeExpiry(p.expiresAt, now) : 'no expiry recorded';
  if (p.sessionProfile === null) return '-';
  return p.expiresAt ? `${p.sessionProfile}: ${describeExpiry(p.expiresAt, now)}` : '-';
}

function notes(p: Profile): string {
  const out: string[] = [];
  if (p.kind === 'role' && p.sourceProfile) out.push(`from ${p.sourceProfile}`);
  if (p.kind === 'session' && p.sourceProfile) out.push(`session of ${p.sourceProfile}`);
  if (p.sharesKeyWith.length) out.push(`same key as ${p.sharesKeyWith.join(', ')}`);
  if (p.warnings.length) out.push(`${p.warnings.length} warning${p.warnings.length > 1 ? 's' : ''}`);
  return out.join('; ') || '-';
}
