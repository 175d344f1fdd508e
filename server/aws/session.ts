/**
 * The session engine (DESIGN.md section 3), shared by `torque auth` and the web app: a static
 * profile's MFA session (GetSessionToken), or a role profile's session (AssumeRole with the source
 * profile's credentials, role chains included), written into the profile's session profile so every
 * AWS tool can use it. A stored session with more than 5 minutes left is kept unless forced.
 */
import { TorqueError } from '../errors.js';
import type { AwsFiles } from '../files/store.js';
import type { AwsClients, AwsCredentials } from './clients.js';
import { call } from './errors.js';
import { LocalProfiles, SESSION_MARGIN_MS } from './local.js';
import { type CodeProvider, MfaBroker, checkCode } from './mfa.js';

export const STATIC_DURATION = { min: 900, max: 129_600, default: 43_200 };
export const ROLE_DURATION = { min: 900, max: 43_200, default: 3600 };
export const CHAIN_MAX = 3600;

export interface AuthOptions {
  profile: string;
  durationSeconds?: number;
  sessionProfile?: string;
  force?: boolean;
}

export interface AuthResult {
  profile: string;
  sessionProfile: string;
  expiresAt: string;
  arn: string;
  /** True when a stored session was still good and kept. */
  reused: boolean;
  /** In memory only, for `--export`; never logged or returned by the web API. */
  credentials: AwsCredentials;
}

export interface AuthDeps {
  store: AwsFiles;
  aws: AwsClients;
  codes: CodeProvider;
  now?: () => number;
}

/** Seconds from "3600", "3600s", "90m" or "12h". */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smh]?)$/i.exec(text.trim());
  if (!match) throw new TorqueError('USAGE', `--duration takes seconds, or minutes and hours like 90m or 12h, not "${text}"`);
  const unit = match[2]!.toLowerCase();
  return Number(match[1]) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
}

export async function authenticate(deps: AuthDeps, options: AuthOptions): Promise<AuthResult> {
  const local = new LocalProfiles(await deps.store.read());
  const name = options.profile;
  if (!local.has(name)) throw new TorqueError('PROFILE_NOT_FOUND', `there is no profile "${name}"; torque list shows the profiles`);
  const kind = local.kind(name);
  if (kind !== 'static' && kind !== 'role') {
    throw new TorqueError(
      'NO_LONG_TERM_KEY',
      kind === 'session'
        ? `"${name}" is itself a session; run torque auth on the profile it came from${local.settings(name)['torque_source_profile'] ? ` ("${local.settings(name)['torque_source_profile']}")` : ''}`
        : `"${name}" has neither a long-term key nor a role (kind ${kind}); torque auth works on profiles with aws_access_key_id and aws_secret_access_key, or role_arn`,
    );
  }
  const sessionProfile = options.sessionProfile ?? local.sessionProfile(name);
  checkSessionTarget(local, name, sessionProfile);
  const chain = kind === 'role' ? roleChain(local, name) : [];
  const duration = checkDuration(kind, chain.length, options.durationSeconds, local.settings(name)['duration_seconds']);
  const now = deps.now?.() ?? Date.now();
  const mfa = new MfaBroker(deps.aws, deps.codes);

  if (!options.force) {
    const stored = storedSessionIn(local, sessionProfile, now);
    if (stored) {
      const arn = await callerArn(deps.aws, local, name, stored);
      return { profile: name, sessionProfile, expiresAt: stored.expiration!.toISOString(), arn, reused: true, credentials: stored };
    }
  }

  const credentials =
    kind === 'static'
      ? await staticSession(deps, local, mfa, name, duration)
      : await roleSession(deps, local, name, chain, duration);
  const arn = await callerArn(deps.aws, local, name, credentials);
  const expiresAt = credentials.expiration!.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const region = local.settings(kind === 'role' ? chain[chain.length - 1]! : name)['region'] ?? local.settings(name)['region'];
  await deps.store.update('credentials', (editor) => {
    editor.setKeys(sessionProfile, {
      aws_access_key_id: credentials.accessKeyId,
      aws_secret_access_key: credentials.secretAccessKey,
      aws_session_token: credentials.sessionToken!,
      expiration: expiresAt,
      torque_source_profile: name,
      ...(region ? { region } : {}),
    });
  });
  return { profile: name, sessionProfile, expiresAt, arn, reused: false, credentials };
}

/** The session profile may be new or a session; never a profile holding a long-term key or a role. */
function checkSessionTarget(local: LocalProfiles, profile: string, target: string): void {
  if (target === profile) throw new TorqueError('USAGE', `the session cannot replace the profile "${profile}" itself; choose another --session-profile`);
  if (!local.has(target)) return;
  const kind = local.kind(target);
  const owner = local.settings(target)['torque_source_profile'];
  if (kind === 'session' || (kind === 'incomplete' && !local.credentials(target))) {
    if (owner && owner !== profile) {
      throw new TorqueError('USAGE', `profile "${target}" holds the session of "${owner}"; choose another --session-profile`);
    }
    return;
  }
  throw new TorqueError(
    'USAGE',
    `profile "${target}" is a ${kind} profile, not a session; Torque will not overwrite it. Choose another --session-profile (or set torque_session_profile)`,
  );
}

function checkDuration(kind: 'static' | 'role', chainLength: number, asked: number | undefined, configured: string | undefined): number {
  if (kind === 'static') {
    const seconds = asked ?? STATIC_DURATION.default;
    if (seconds < STATIC_DURATION.min || seconds > STATIC_DURATION.max) {
      throw new TorqueError('USAGE', `a session of a long-term key lasts ${STATIC_DURATION.min} to ${STATIC_DURATION.max} seconds (15m to 36h), not ${seconds}`);
    }
    return seconds;
  }
  const chained = chainLength > 1;
  const seconds = asked ?? (configured ? Number(configured) : ROLE_DURATION.default);
  const max = chained ? CHAIN_MAX : ROLE_DURATION.max;
  if (!Number.isInteger(seconds) || seconds < ROLE_DURATION.min || seconds > max) {
    throw new TorqueError(
      'USAGE',
      chained
        ? `a role reached through another role (a role chain) lasts ${ROLE_DURATION.min} to ${CHAIN_MAX} seconds (AWS caps chains at 1h), not ${seconds}`
        : `a role session lasts ${ROLE_DURATION.min} to ${ROLE_DURATION.max} seconds (15m to 12h, up to the role's maximum), not ${seconds}`,
    );
  }
  return seconds;
}

/** The role profiles from the one nearest the long-term key to the asked one. */
function roleChain(local: LocalProfiles, profile: string): string[] {
  const chain: string[] = [];
  const seen = new Set<string>();
  for (let current = profile; ; ) {
    if (seen.has(current)) throw new TorqueError('PROFILE_NOT_FOUND', `the source_profile chain of "${profile}" loops back to "${current}"; fix source_profile`);
    seen.add(current);
    chain.unshift(current);
    const source = local.settings(current)['source_profile'];
    if (!source) {
      throw new TorqueError('PROFILE_NOT_FOUND', `role profile "${current}" has no source_profile; Torque can only assume roles from a profile with a key`);
    }
    if (!local.has(source)) {
      throw new TorqueError('PROFILE_NOT_FOUND', `source_profile "${source}" of "${current}" does not exist; add it or fix source_profile`);
    }
    // A profile naming itself with keys of its own is the SDK's way to say "my own key".
    if (source === current || local.kind(source) !== 'role') return chain;
    current = source;
  }
}

function storedSessionIn(local: LocalProfiles, sessionProfile: string, now: number): AwsCredentials | null {
  if (local.kind(sessionProfile) !== 'session') return null;
  const s = local.settings(sessionProfile);
  const expires = Date.parse(s['expiration'] ?? '');
  if (Number.isNaN(expires) || expires - now <= SESSION_MARGIN_MS) return null;
  return { accessKeyId: s['aws_access_key_id']!, secretAccessKey: s['aws_secret_access_key']!, sessionToken: s['aws_session_token']!, expiration: new Date(expires) };
}

async function callerArn(aws: AwsClients, local: LocalProfiles, profile: string, credentials: AwsCredentials): Promise<string> {
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const target = local.target(profile);
  const sts = await aws.sts(credentials, target);
  const identity = await call({ action: 'sts:GetCallerIdentity', accessKeyId: credentials.accessKeyId, profiles: [profile], endpoint: aws.endpoint('sts', target) }, () =>
    sts.send(new GetCallerIdentityCommand({})),
  );
  return identity.Arn ?? '';
}

function longTermOf(local: LocalProfiles, profile: string): AwsCredentials {
  const credentials = local.credentials(profile);
  if (!credentials || credentials.sessionToken) {
    throw new TorqueError('NO_LONG_TERM_KEY', `profile "${profile}" has no long-term key (aws_access_key_id and aws_secret_access_key); add one with aws configure`);
  }
  return credentials;
}

async function staticSession(deps: AuthDeps, local: LocalProfiles, mfa: MfaBroker, profile: string, duration: number): Promise<AwsCredentials> {
  const longTerm = longTermOf(local, profile);
  const target = local.target(profile);
  const serial = local.mfaSerial(profile) ?? (await mfa.device(longTerm, target, [profile]));
  if (!serial) {
    throw new TorqueError(
      'MFA_DEVICE_NOT_FOUND',
      `no MFA device found for "${profile}": set mfa_serial in its config section, or assign an MFA device to the IAM user`,
    );
  }
  return mfa.session(serial, longTerm, target, [profile], { durationSeconds: duration });
}

async function roleSession(
  deps: AuthDeps,
  local: LocalProfiles,
  profile: string,
  chain: string[],
  duration: number,
): Promise<AwsCredentials> {
  const base = local.settings(chain[0]!)['source_profile']!;
  const baseKind = local.kind(base);
  let credentials: AwsCredentials;
  let mfaDone = false;
  if (baseKind === 'session') {
    credentials = local.credentials(base)!;
    mfaDone = true;
  } else {
    credentials = longTermOf(local, base);
    // A stored MFA session of the source user carries MFA into AssumeRole without a new code.
    const stored = local.storedSession([base], deps.now?.() ?? Date.now());
    if (stored) {
      credentials = stored;
      mfaDone = true;
    }
  }
  const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  let defaultName: string | undefined;
  for (const [index, hop] of chain.entries()) {
    const settings = local.settings(hop);
    const last = index === chain.length - 1;
    const serial = settings['mfa_serial'] ?? (index === 0 ? local.mfaSerial(hop) : null);
    let tokenCode: string | undefined;
    if (serial && !mfaDone) {
      tokenCode = checkCode(await deps.codes({ serial, profiles: [profile] }), serial);
      mfaDone = true;
    }
    const target = local.target(hop);
    const sts = await deps.aws.sts(credentials, target);
    // The default name says who: the user behind the first hop, kept along the chain.
    const sessionName = settings['role_session_name'] ?? (defaultName ??= await defaultSessionName(deps.aws, local, hop, credentials));
    const answer = await call(
      { action: 'sts:AssumeRole', accessKeyId: credentials.accessKeyId, profiles: [hop], endpoint: deps.aws.endpoint('sts', target) },
      () =>
        sts.send(
          new AssumeRoleCommand({
            RoleArn: settings['role_arn'],
            RoleSessionName: sessionName,
            ...(settings['external_id'] ? { ExternalId: settings['external_id'] } : {}),
            ...(tokenCode ? { SerialNumber: serial!, TokenCode: tokenCode } : {}),
            DurationSeconds: last ? duration : Math.min(ROLE_DURATION.default, CHAIN_MAX),
          }),
        ),
    ).catch((error: unknown) => {
      throw roleError(error, hop, settings['role_arn'] ?? '');
    });
    const c = answer.Credentials!;
    credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!, expiration: c.Expiration! };
  }
  return credentials;
}

/** `<user>-torque` from the caller's ARN: a name that says who and what, never a fixed person. */
async function defaultSessionName(aws: AwsClients, local: LocalProfiles, hop: string, credentials: AwsCredentials): Promise<string> {
  const arn = await callerArn(aws, local, hop, credentials);
  const who = arn.split(/[/:]/).pop() || 'session';
  return `${who}-torque`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

function roleError(error: unknown, profile: string, roleArn: string): TorqueError {
  if (error instanceof TorqueError && error.code === 'ACCESS_DENIED' && /AssumeRole/.test(error.message)) {
    return new TorqueError(
      'ACCESS_DENIED',
      `AWS refused to let "${profile}" assume ${roleArn}: the role's trust policy does not allow this user (or needs MFA or an external_id); check role_arn, external_id and mfa_serial`,
      { cause: error },
    );
  }
  if (error instanceof TorqueError && error.code === 'AWS_VALIDATION' && /DurationSeconds|duration/i.test(error.message)) {
    return new TorqueError(
      'AWS_VALIDATION',
      `${roleArn} does not allow a session that long (${error.message.replace(/\.+$/, '')}); ask for a shorter --duration, at most the role's maximum session duration (1h unless the role was set up for longer)`,
      { cause: error },
    );
  }
  return error as TorqueError;
}
