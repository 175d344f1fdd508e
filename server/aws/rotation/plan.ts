/**
 * Which profiles a rotation touches: the asked profiles (or every static profile of the credentials
 * file for `all`), grouped by the access key they hold, so a shared key is rotated once and every
 * profile holding it is updated. What cannot be rotated is refused (named profiles) or skipped (`all`).
 */
import type { LocalProfiles } from '../local.js';
import type { RotateResult } from './types.js';

export interface KeyGroup {
  accessKeyId: string;
  /** Every static profile of the credentials file that holds the key, the asked ones first. */
  profiles: string[];
}

export interface Plan {
  groups: KeyGroup[];
  /** Profiles refused or skipped before any AWS call. */
  early: RotateResult[];
}

function early(profiles: string[], status: 'failed' | 'skipped', code: string, message: string): RotateResult {
  return { profiles, status, oldAccessKeyId: null, newAccessKeyId: null, oldKey: null, error: { code, message }, notes: [] };
}

export function planRotation(local: LocalProfiles, asked: string[] | 'all'): Plan {
  const all = asked === 'all';
  const names = all ? local.credentialsFileProfiles() : [...new Set(asked)];
  const groups = new Map<string, KeyGroup>();
  const out: RotateResult[] = [];

  for (const name of names) {
    if (!local.has(name)) {
      out.push(early([name], 'failed', 'PROFILE_NOT_FOUND', `there is no profile "${name}"; torque list shows the profiles`));
      continue;
    }
    const kind = local.kind(name);
    if (kind !== 'static') {
      out.push(early([name], all ? 'skipped' : 'failed', 'NO_LONG_TERM_KEY', reason(local, name)));
      continue;
    }
    if (!local.keyInCredentialsFile(name)) {
      out.push(
        early([name], 'failed', 'KEY_IN_CONFIG', `the key of "${name}" is in the config file; move aws_access_key_id and aws_secret_access_key to the credentials file, then rotate`),
      );
      continue;
    }
    const keyId = local.settings(name)['aws_access_key_id']!;
    const group = groups.get(keyId);
    if (group) continue;
    const inConfig = local.configHoldersOf(keyId);
    if (inConfig.length > 0) {
      // Rotating would leave those profiles with a deleted key: refuse until the key lives in one place.
      out.push(
        early(
          [name],
          'failed',
          'KEY_IN_CONFIG',
          `the same key is also in the config file for ${inConfig.join(', ')}; move those key lines to the credentials file (or remove them), then rotate`,
        ),
      );
      continue;
    }
    const holders = local.holdersOf(keyId);
    groups.set(keyId, { accessKeyId: keyId, profiles: [name, ...holders.filter((h) => h !== name)] });
  }
  return { groups: [...groups.values()], early: out };
}

function reason(local: LocalProfiles, name: string): string {
  const kind = local.kind(name);
  const settings = local.settings(name);
  switch (kind) {
    case 'session': {
      const owner = settings['torque_source_profile'];
      return `"${name}" holds a temporary session key${owner ? `; rotate "${owner}", the profile it came from` : ''}`;
    }
    case 'role':
      return `"${name}" is a role; rotate its source profile "${settings['source_profile'] ?? '?'}"`;
    case 'sso':
      return `"${name}" uses IAM Identity Center (SSO), which has no access key to rotate`;
    case 'process':
      return `"${name}" gets its keys from credential_process; rotate them where that program keeps them`;
    default:
      return `"${name}" has no complete long-term key (aws_access_key_id and aws_secret_access_key)`;
  }
}
