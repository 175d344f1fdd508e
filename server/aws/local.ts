/**
 * What the local files say about a profile's credentials: the long-term key (with its secret, kept
 * in memory only), where it lives, the profile's MFA device and a stored session of the same user.
 */
import type { AwsFilesSnapshot } from '../files/store.js';
import { profileValues } from '../files/ini.js';
import { mergedSettings, mfaSerialOf, profileKind, sessionProfileName } from '../files/profiles.js';
import type { AwsCredentials, ProfileTarget } from './clients.js';

/** A session with less than this left is not worth using: it could expire mid-work. */
export const SESSION_MARGIN_MS = 5 * 60 * 1000;

export class LocalProfiles {
  readonly snapshot: AwsFilesSnapshot;
  readonly merged: Map<string, Record<string, string>>;
  readonly #credentialsFile: Map<string, Record<string, string>>;
  readonly #services: Map<string, Record<string, string>>;

  constructor(snapshot: AwsFilesSnapshot) {
    this.snapshot = snapshot;
    this.merged = mergedSettings(snapshot.credentials, snapshot.config);
    this.#credentialsFile = profileValues(snapshot.credentials);
    this.#services = new Map();
    for (const [name, values] of snapshot.config.values) {
      if (name.startsWith('services.')) this.#services.set(name.slice('services.'.length), values);
    }
  }

  has(profile: string): boolean {
    return this.merged.has(profile);
  }

  settings(profile: string): Record<string, string> {
    return this.merged.get(profile) ?? (Object.create(null) as Record<string, string>);
  }

  kind(profile: string) {
    return profileKind(this.settings(profile));
  }

  target(profile: string): ProfileTarget {
    return { settings: this.settings(profile), services: this.#services };
  }

  /** The profile's keys as the SDK would use them (no session token: a long-term key). */
  credentials(profile: string): AwsCredentials | null {
    const s = this.settings(profile);
    const accessKeyId = s['aws_access_key_id'];
    const secretAccessKey = s['aws_secret_access_key'];
    if (!accessKeyId || !secretAccessKey) return null;
    return { accessKeyId, secretAccessKey, ...(s['aws_session_token'] ? { sessionToken: s['aws_session_token'] } : {}) };
  }

  /** The profiles the credentials file defines, in file order. */
  credentialsFileProfiles(): string[] {
    return [...this.#credentialsFile.keys()];
  }

  /** True when the key lines of the profile are in the credentials file (where Torque writes keys). */
  keyInCredentialsFile(profile: string): boolean {
    return Boolean(this.#credentialsFile.get(profile)?.['aws_access_key_id']);
  }

  mfaSerial(profile: string): string | null {
    return mfaSerialOf(profile, this.merged);
  }

  sessionProfile(profile: string): string {
    return sessionProfileName(profile, this.settings(profile));
  }

  /** Static profiles of the credentials file holding this access key id. */
  holdersOf(accessKeyId: string): string[] {
    const out: string[] = [];
    for (const [name, values] of this.#credentialsFile) {
      if (values['aws_access_key_id'] === accessKeyId && this.kind(name) === 'static') out.push(name);
    }
    return out;
  }

  /** Profiles whose key lines for this key id are in the config file, where rotation does not write. */
  configHoldersOf(accessKeyId: string): string[] {
    return [...profileValues(this.snapshot.config)]
      .filter(([name, values]) => values['aws_access_key_id'] === accessKeyId && !this.keyInCredentialsFile(name))
      .map(([name]) => name);
  }

  /** Every access key id any profile holds. */
  heldKeyIds(): Set<string> {
    const out = new Set<string>();
    for (const values of this.merged.values()) if (values['aws_access_key_id']) out.add(values['aws_access_key_id']);
    return out;
  }

  /**
   * A stored session of the user behind these profiles with more than 5 minutes left: the session
   * profile of one of them, or any session profile Torque wrote for one of them.
   */
  storedSession(profiles: string[], now: number): (AwsCredentials & { expiration: Date; profile: string }) | null {
    const owners = new Set(profiles);
    const candidates = new Set(profiles.map((p) => this.sessionProfile(p)));
    for (const [name, values] of this.merged) {
      if (values['torque_source_profile'] && owners.has(values['torque_source_profile'])) candidates.add(name);
    }
    for (const name of candidates) {
      const s = this.settings(name);
      const expires = Date.parse(s['expiration'] ?? '');
      if (this.kind(name) !== 'session' || Number.isNaN(expires) || expires - now <= SESSION_MARGIN_MS) continue;
      return {
        accessKeyId: s['aws_access_key_id']!,
        secretAccessKey: s['aws_secret_access_key']!,
        sessionToken: s['aws_session_token']!,
        expiration: new Date(expires),
        profile: name,
      };
    }
    return null;
  }
}
