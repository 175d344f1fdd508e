/**
 * AWS's answers, turned into Torque's error codes with a message that says what to do next.
 * Matching is on the exception name and AWS's wording, which the sandbox reproduces.
 */
import { TorqueError } from '../errors.js';

export interface CallContext {
  /** The AWS action, as `iam:CreateAccessKey`. */
  action: string;
  /** The access key the call was signed with (an id is not a secret). */
  accessKeyId?: string;
  /** Profiles concerned, for the message. */
  profiles?: string[];
  endpoint?: string;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function awsErrorName(error: unknown): string {
  const e = error as { name?: string; Code?: string; code?: string } | undefined;
  return e?.name ?? e?.Code ?? e?.code ?? 'Error';
}

export function isNetworkError(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!e) return false;
  if (e.name === 'TimeoutError' || e.name === 'RequestTimeout' || e.name === 'AbortError') return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (/socket hang up|ECONNRESET|ECONNREFUSED|timed? ?out/i.test(e.message ?? '')) return e.$metadata?.httpStatusCode === undefined;
  return false;
}

export function toTorqueError(error: unknown, context: CallContext): TorqueError {
  if (error instanceof TorqueError) return error;
  const name = awsErrorName(error);
  const message = String((error as Error | undefined)?.message ?? '');
  const who = context.profiles?.length ? ` (profile ${context.profiles.join(', ')})` : '';
  const make = (code: ConstructorParameters<typeof TorqueError>[0], text: string) => new TorqueError(code, text, { cause: error });

  if (isNetworkError(error)) {
    return make(
      'NETWORK',
      `could not reach AWS for ${context.action}${context.endpoint ? ` at ${context.endpoint}` : ''}: ${name === 'TimeoutError' ? 'no answer in time' : message || name}; check the network and try again`,
    );
  }
  if (/unable to validate MFA code\.\s+Please verify your MFA serial number/i.test(message)) {
    return make('MFA_DEVICE_NOT_FOUND', `AWS does not know that MFA device for this user${who}; check mfa_serial (torque list shows it)`);
  }
  if (/MultiFactorAuthentication failed with invalid MFA one time pass code/i.test(message)) {
    return make('MFA_CODE_WRONG', `the MFA code was not accepted${who}; check the device and enter its current code`);
  }
  if (/MultiFactorAuthentication failed, unable to validate MFA code/i.test(message)) {
    return make('MFA_CODE_REUSED', `that MFA code was already used${who}; wait for the next code (up to 30 seconds) and try again`);
  }
  switch (name) {
    case 'AccessDenied':
    case 'AccessDeniedException': {
      const action = /perform: (\S+)/.exec(message)?.[1] ?? context.action;
      return make('ACCESS_DENIED', `AWS denied ${action}${who}: ${message}. Check the user's IAM policy, or use an MFA session if the policy requires MFA`);
    }
    case 'LimitExceededException':
    case 'LimitExceeded':
      return make('KEY_LIMIT', `the IAM user already has two access keys${who}; delete the one no profile uses (--delete-unused) and try again`);
    case 'NoSuchEntityException':
    case 'NoSuchEntity':
      return make('KEY_NOT_IN_IAM', `AWS has no such entity for ${context.action}${who}: ${message}`);
    case 'InvalidClientTokenId':
      return make(
        'INVALID_KEY',
        `AWS does not accept access key ${context.accessKeyId ?? ''}${who}: it is unknown, deleted or inactive (or a session made without MFA); check the profile's key`,
      );
    case 'SignatureDoesNotMatch':
      return make('WRONG_SECRET', `AWS refused the secret key of ${context.accessKeyId ?? 'the key'}${who}: the secret in the file does not match the key id`);
    case 'ExpiredToken':
    case 'ExpiredTokenException':
      return make('SESSION_EXPIRED', `the session credentials expired${who}; make a new session with torque auth`);
    case 'ValidationError':
      return make('AWS_VALIDATION', `AWS refused ${context.action}${who}: ${message}`);
    default:
      return make('AWS_ERROR', `AWS answered ${name} to ${context.action}${who}: ${message || 'no message'}`);
  }
}

/** Runs one AWS call, turning any failure into a TorqueError. */
export async function call<T>(context: CallContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toTorqueError(error, context);
  }
}
