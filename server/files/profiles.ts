/**
 * The profile model: what each profile of the two files is, merged the way the AWS SDK merges them
 * (a profile's settings from both files, credentials-file keys winning). Holds no secret: secrets
 * are read from the documents only by the code that sends them to AWS.
 */
import type { IniDocument } from './ini.js';
import { profileValues } from './ini.js';

export type ProfileKind = 'static' | 'session' | 'role' | 'sso' | 'process' | 'incomplete';

export interface Profile {
  name: string;
  kind: ProfileKind;
  accessKeyId: string | null;
  mfaSerial: string | null;
  roleArn: string | null;
  sourceProfile: string | null;
  region: string | null;
  /** Where this profile's session goes (DESIGN.md section 3); null for profiles that have no session of their own. */
  sessionProfile: string | null;
  /** When this profile's session credentials expire: its own for a session profile, else its session profile's. */
  expiresAt: string | null;
  /** Other profiles holding the same long-term access key. */
  sharesKeyWith: string[];
  warnings: string[];
}

export interface ProfileSet {
  profiles: Profile[];
  /** Problems of the files that belong to no profile (an ignored section, a duplicate sso-session). */
  warnings: string[];
}

export const SESSION_SUFFIX = '-mfa';
export const LONG_TERM_SUFFIX = '-long-term';

/** The merged settings of every profile, credentials-file keys winning. Order: credentials file, then config-only. */
export function mergedSettings(credentials: IniDocument, config: IniDocument): Map<string, Record<string, string>> {
  const fromCredentials = profileValues(credentials);
  const fromConfig = profileValues(config);
  const merged = new Map<string, Record<string, string>>();
  for (const name of new Set([...fromCredentials.keys(), ...fromConfig.keys()])) {
    merged.set(name, Object.assign(Object.create(null) as Record<string, string>, fromConfig.get(name), fromCredentials.get(name)));
  }
  return merged;
}

/** The session profile a profile writes to: `torque_session_profile`, the `-long-term` layout, else `<name>-mfa`. */
export function sessionProfileName(name: string, settings: Record<string, string>): string {
  const chosen = settings['torque_session_profile'];
  if (chosen) return chosen;
  if (name.endsWith(LONG_TERM_SUFFIX) && name.length > LONG_TERM_SUFFIX.length) {
    return name.slice(0, -LONG_TERM_SUFFIX.length);
  }
  return `${name}${SESSION_SUFFIX}`;
}

/**
 * AWS access key ids: AKIA… (long-term) or ASIA… (temporary), upper-case letters and digits. Anything
 * else in aws_access_key_id is never shown (it may be a secret pasted into the wrong line).
 */
export function isAccessKeyId(value: string): boolean {
  return /^A[KS]IA[A-Z0-9]{12,124}$/.test(value);
}

export function profileKind(settings: Record<string, string>): ProfileKind {
  // Same precedence as the SDK's credential chain for a profile (fromIni): role, keys, process, sso.
  if (settings['role_arn'] && (settings['source_profile'] || settings['credential_source'] || settings['web_identity_token_file'])) {
    return 'role';
  }
  if (settings['aws_access_key_id'] && settings['aws_secret_access_key'] && isAccessKeyId(settings['aws_access_key_id'])) {
    return settings['aws_session_token'] ? 'session' : 'static';
  }
  if (settings['credential_process']) return 'process';
  if (settings['sso_session'] || settings['sso_start_url'] || settings['sso_account_id']) return 'sso';
  return 'incomplete';
}

export function buildProfiles(credentials: IniDocument, config: IniDocument): ProfileSet {
  const merged = mergedSettings(credentials, config);
  const profiles: Profile[] = [];
  const { byProfile, unowned } = attributeWarnings(merged, credentials, config);

  for (const [name, settings] of merged) {
    const kind = profileKind(settings);
    const warnings = byProfile.get(name) ?? [];
    warnings.push(...settingsWarnings(name, kind, settings, merged));
    const hasSession = kind === 'static' || kind === 'role';
    const sessionProfile = hasSession ? sessionProfileName(name, settings) : null;
    const expiresAt =
      kind === 'session'
        ? expiration(settings)
        : sessionProfile !== null
          ? expiration(merged.get(sessionProfile))
          : null;
    profiles.push({
      name,
      kind,
      accessKeyId: kind === 'static' || kind === 'session' ? settings['aws_access_key_id']! : null,
      mfaSerial: mfaSerialOf(name, merged),
      roleArn: settings['role_arn'] ?? null,
      // A session profile's source is the profile Torque made it from.
      sourceProfile: settings['source_profile'] ?? (kind === 'session' ? settings['torque_source_profile'] ?? null : null),
      region: settings['region'] ?? null,
      sessionProfile,
      expiresAt,
      sharesKeyWith: [],
      warnings,
    });
  }

  const byKey = new Map<string, string[]>();
  for (const profile of profiles) {
    if (profile.kind !== 'static' || profile.accessKeyId === null) continue;
    byKey.set(profile.accessKeyId, [...(byKey.get(profile.accessKeyId) ?? []), profile.name]);
  }
  for (const profile of profiles) {
    if (profile.kind !== 'static' || profile.accessKeyId === null) continue;
    profile.sharesKeyWith = byKey.get(profile.accessKeyId)!.filter((other) => other !== profile.name);
  }
  return { profiles, warnings: unowned };
}

/** The MFA device of a profile: its own `mfa_serial`, else that of its `source_profile` chain. */
export function mfaSerialOf(name: string, merged: Map<string, Record<string, string>>): string | null {
  const seen = new Set<string>();
  for (let current: string | undefined = name; current !== undefined && !seen.has(current); ) {
    seen.add(current);
    const settings = merged.get(current);
    if (!settings) return null;
    if (settings['mfa_serial']) return settings['mfa_serial'];
    current = settings['source_profile'];
  }
  return null;
}

function expiration(settings: Record<string, string> | undefined): string | null {
  const raw = settings?.['expiration'] ?? settings?.['aws_expiration'];
  if (!raw) return null;
  const time = Date.parse(raw);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function settingsWarnings(
  name: string,
  kind: ProfileKind,
  settings: Record<string, string>,
  merged: Map<string, Record<string, string>>,
): string[] {
  const out: string[] = [];
  const keyId = settings['aws_access_key_id'];
  if (keyId && !settings['aws_secret_access_key']) out.push('has aws_access_key_id but no aws_secret_access_key');
  if (!keyId && settings['aws_secret_access_key']) out.push('has aws_secret_access_key but no aws_access_key_id');
  if (keyId && !isAccessKeyId(keyId)) {
    out.push('aws_access_key_id is not an AWS access key id (AKIA… or ASIA…), so Torque neither shows nor rotates it');
  } else if (kind === 'static' && keyId?.startsWith('ASIA')) {
    out.push('holds a temporary key (ASIA…) without aws_session_token');
  }
  if (settings['role_arn'] && kind !== 'role') out.push('has role_arn but no source_profile or credential_source');
  const source = settings['source_profile'];
  if (source !== undefined) {
    if (!merged.has(source)) out.push(`source_profile "${source}" does not exist`);
    else if (sourceLoops(name, merged)) out.push(`source_profile chain loops back to "${name}"`);
  }
  if (settings['expiration'] && Number.isNaN(Date.parse(settings['expiration']))) {
    out.push(`expiration "${settings['expiration']}" is not a date`);
  }
  return out;
}

function sourceLoops(name: string, merged: Map<string, Record<string, string>>): boolean {
  const seen = new Set<string>();
  let current: string | undefined = name;
  while (current !== undefined) {
    if (seen.has(current)) return true;
    seen.add(current);
    const next: string | undefined = merged.get(current)?.['source_profile'];
    // A profile that sources itself with static keys is the SDK's allowed self-reference.
    if (next === current && merged.get(current)?.['aws_access_key_id']) return false;
    current = next;
  }
  return false;
}

/** Gives each file warning to the profile whose section holds the line; the rest stay file-level. */
function attributeWarnings(
  merged: Map<string, Record<string, string>>,
  credentials: IniDocument,
  config: IniDocument,
): { byProfile: Map<string, string[]>; unowned: string[] } {
  const byProfile = new Map<string, string[]>();
  const unowned: string[] = [];
  for (const doc of [credentials, config]) {
    const owner = new Map<number, string>();
    doc.sections.forEach((section, index) => {
      const name = sectionProfile(doc, section.sdkName);
      if (name !== undefined && merged.has(name)) owner.set(index, name);
    });
    for (const warning of doc.warnings) {
      const line = doc.lines[warning.line - 1];
      const text = `${doc.file} line ${warning.line}: ${warning.message}`;
      const name = line ? owner.get(line.section) : undefined;
      if (name === undefined) unowned.push(text);
      else byProfile.set(name, [...(byProfile.get(name) ?? []), text]);
    }
  }
  return { byProfile, unowned };
}

/** The profile a section defines, by the SDK's naming (the inverse of profileSections). */
function sectionProfile(doc: IniDocument, sdkName: string | undefined): string | undefined {
  if (sdkName === undefined || doc.kind === 'credentials') return sdkName;
  if (sdkName === 'default') return 'default';
  return sdkName.startsWith('profile.') ? sdkName.slice('profile.'.length) : undefined;
}
