/**
 * Key ages from IAM, where asking costs no MFA code: with a stored MFA session of the key's user, or
 * with the key itself when no profile names an MFA device for it. Keys that cannot be asked about
 * are left out (the page then shows the last rotation from Torque's audit log).
 */
import type { AwsClients, AwsCredentials } from './clients.js';
import { LocalProfiles } from './local.js';
import type { AwsFiles } from '../files/store.js';

export interface KeyAge {
  accessKeyId: string;
  createdAt: string;
  status: 'Active' | 'Inactive';
}

const AT_ONCE = 8;

export async function keyAgesFromIam(store: AwsFiles, aws: AwsClients, now = Date.now()): Promise<KeyAge[]> {
  const local = new LocalProfiles(await store.read());
  const keyIds = new Set(local.credentialsFileProfiles().filter((p) => local.kind(p) === 'static').map((p) => local.settings(p)['aws_access_key_id']!));
  const asks: { keyId: string; credentials: AwsCredentials; profile: string }[] = [];
  for (const keyId of keyIds) {
    const profiles = local.holdersOf(keyId);
    const stored = local.storedSession(profiles, now);
    const device = profiles.some((p) => local.mfaSerial(p) !== null);
    const credentials = stored ?? (device ? null : local.credentials(profiles[0]!));
    if (credentials) asks.push({ keyId, credentials, profile: profiles[0]! });
  }
  const { ListAccessKeysCommand } = await import('@aws-sdk/client-iam');
  const found = new Map<string, KeyAge>();
  for (let i = 0; i < asks.length; i += AT_ONCE) {
    await Promise.all(
      asks.slice(i, i + AT_ONCE).map(async ({ keyId, credentials, profile }) => {
        try {
          const iam = await aws.iam(credentials, local.target(profile));
          const answer = await iam.send(new ListAccessKeysCommand({}));
          for (const key of answer.AccessKeyMetadata ?? []) {
            if (key.AccessKeyId !== keyId || !key.CreateDate) continue;
            found.set(keyId, { accessKeyId: keyId, createdAt: key.CreateDate.toISOString(), status: key.Status === 'Inactive' ? 'Inactive' : 'Active' });
          }
        } catch {
          // Not allowed (force-MFA without a session), unknown key, no network: the audit log stands in.
        }
      }),
    );
  }
  return [...found.values()];
}
