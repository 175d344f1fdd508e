/**
 * The STS actions Torque uses: who am I, an MFA session for a user, and a role's credentials, with
 * AWS's duration limits, trust-policy conditions and MFA checks.
 */
import { type ActionContext, type ActionHandler, integerParam, stringParam } from './action.js';
import type { Caller } from './auth.js';
import { accessDenied, MFA_CODE_REUSED, MFA_INVALID_CODE, MFA_UNKNOWN_SERIAL, validationError } from './aws-error.js';
import { checkCode } from './mfa.js';
import { authorize } from './policy.js';
import type { Session } from './state.js';
import { awsDate } from './xml.js';

/** AWS's limits, in seconds. */
export const SESSION_TOKEN_DURATION = { min: 900, max: 129_600, default: 43_200 };
export const ASSUME_ROLE_DURATION = { min: 900, max: 43_200, default: 3600 };
/** A role assumed with role credentials (a chain) lasts at most an hour, whatever its maximum. */
export const ROLE_CHAIN_MAX_SECONDS = 3600;

const credentialsXml = (s: Session) => ({
  AccessKeyId: s.accessKeyId,
  SecretAccessKey: s.secret,
  SessionToken: s.token,
  Expiration: awsDate(s.expiresAt),
});

/**
 * Checks an MFA code sent with GetSessionToken or AssumeRole against the calling user's device.
 * Returns false when no MFA was sent; a code is consumed once accepted.
 */
function verifyMfa({ state, caller, params }: ActionContext): boolean {
  const serial = stringParam(params, 'SerialNumber', 'serialNumber', { min: 9, max: 256, pattern: /^[\w+=/:,.@-]+$/, patternText: '[\\w+=/:,.@-]*' });
  const code = stringParam(params, 'TokenCode', 'tokenCode', { min: 6, max: 6, pattern: /^\d+$/, patternText: '[\\d]*' });
  if (serial === null && code === null) return false;
  const device = serial === null ? undefined : state.devices.get(serial);
  if (!device || caller.kind === 'role' || device.userName !== caller.user.name) throw accessDenied(MFA_UNKNOWN_SERIAL);
  if (code === null) throw accessDenied(MFA_INVALID_CODE);
  const result = checkCode(device, code, state.clock.now());
  if (result === 'wrong') throw accessDenied(MFA_INVALID_CODE);
  if (result === 'reused') throw accessDenied(MFA_CODE_REUSED);
  return true;
}

const GetCallerIdentity: ActionHandler = ({ state, caller }) => {
  authorize(caller, { action: 'sts:GetCallerIdentity', resource: '*' });
  const userId = caller.kind === 'role' ? `${caller.role.id}:${caller.sessionName}` : caller.user.id;
  return { UserId: userId, Account: state.accountId, Arn: caller.arn };
};

const GetSessionToken: ActionHandler = (ctx) => {
  const { state, caller, params } = ctx;
  const d = SESSION_TOKEN_DURATION;
  const duration = integerParam(params, 'DurationSeconds', 'durationSeconds', d.min, d.max) ?? d.default;
  if (caller.kind !== 'user') throw accessDenied('Cannot call GetSessionToken with session credentials');
  authorize(caller, { action: 'sts:GetSessionToken', resource: '*' });
  const mfa = verifyMfa(ctx);
  const session = state.addSession({
    expiresAt: state.clock.now() + duration * 1000,
    mfa,
    principal: { kind: 'user', userName: caller.user.name },
  });
  return { Credentials: credentialsXml(session) };
};

const AssumeRole: ActionHandler = (ctx) => {
  const { state, caller, params } = ctx;
  const roleArn = stringParam(params, 'RoleArn', 'roleArn', { required: true, min: 20, max: 2048 })!;
  const sessionName = stringParam(params, 'RoleSessionName', 'roleSessionName', { required: true, min: 2, max: 64, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]*' })!;
  const d = ASSUME_ROLE_DURATION;
  const requested = integerParam(params, 'DurationSeconds', 'durationSeconds', d.min, d.max);
  const externalId = stringParam(params, 'ExternalId', 'externalId', { min: 2, max: 1224, pattern: /^[\w+=,.@:/-]+$/, patternText: '[\\w+=,.@:\\/-]*' });
  // A code sent is always checked (and used up), even by credentials that already carry MFA.
  const verified = verifyMfa(ctx);
  const mfa = caller.mfa || verified;
  authorize(caller, { action: 'sts:AssumeRole', resource: roleArn, mfa });

  const match = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(roleArn);
  if (!match) throw validationError(`${roleArn} is invalid`);
  const role = match[1] === state.accountId ? state.roles.get(match[2]!) : undefined;
  // A missing role, an untrusted caller and an unmet condition look the same from outside, as at AWS.
  const refused = accessDenied(`User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  if (!role || !trusts(role.trust, caller)) throw refused;
  if (role.trust.mfaRequired && !mfa) throw refused;
  if (role.trust.externalId !== null && role.trust.externalId !== externalId) throw refused;

  const chained = caller.kind === 'role';
  const duration = requested ?? d.default;
  if (chained && duration > ROLE_CHAIN_MAX_SECONDS) {
    throw validationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (duration > role.maxSessionSeconds) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const session = state.addSession({
    expiresAt: state.clock.now() + duration * 1000,
    mfa,
    principal: { kind: 'role', roleName: role.name, sessionName, chained },
  });
  return {
    Credentials: credentialsXml(session),
    AssumedRoleUser: {
      AssumedRoleId: `${role.id}:${sessionName}`,
      Arn: `arn:aws:sts::${state.accountId}:assumed-role/${role.name}/${sessionName}`,
    },
  };
};

function trusts(trust: { users: string[]; roles: string[] }, caller: Caller): boolean {
  return caller.kind === 'role' ? trust.roles.includes(caller.role.name) : trust.users.includes(caller.user.name);
}

export const STS_ACTIONS: Record<string, ActionHandler> = { GetCallerIdentity, GetSessionToken, AssumeRole };
