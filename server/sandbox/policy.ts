/**
 * What a caller may do. The sandbox models the policies a Torque user meets: each user manages only
 * their own keys and devices; roles may act on any user; AWS's force-MFA policy ("deny everything
 * except managing your own MFA device unless aws:MultiFactorAuthPresent") on the users that carry it;
 * and AWS's fixed rule that session credentials made without MFA cannot call IAM.
 */
import { invalidClientTokenId, notAuthorized } from './aws-error.js';
import type { Caller } from './auth.js';

/** The NotAction list of AWS's documented force-MFA policy (DenyAllExceptListedIfNoMFA). */
export const ALLOWED_WITHOUT_MFA: ReadonlySet<string> = new Set([
  'iam:CreateVirtualMFADevice',
  'iam:EnableMFADevice',
  'iam:GetMFADevice',
  'iam:GetUser',
  'iam:ListMFADevices',
  'iam:ListVirtualMFADevices',
  'iam:ResyncMFADevice',
  'sts:GetSessionToken',
]);

export interface Authorization {
  /** `iam:ListAccessKeys`, `sts:AssumeRole`, … */
  action: string;
  /** As AWS names it in a refusal: `user alice`, a role ARN. */
  resource: string;
  /** The IAM user acted on, for the "own keys only" rule. */
  targetUser?: string;
  /** MFA present for this request even if the credentials lack it (AssumeRole with a valid code). */
  mfa?: boolean;
}

/** Throws the error AWS would answer with, or returns when the call is allowed. */
export function authorize(caller: Caller, { action, resource, targetUser, mfa }: Authorization): void {
  // AWS answers GetCallerIdentity for any valid credentials, even under an explicit deny.
  if (action === 'sts:GetCallerIdentity') return;
  const mfaPresent = caller.mfa || mfa === true;
  // GetSessionToken credentials without MFA cannot call IAM at all; AWS says the token is invalid.
  if (caller.kind === 'session' && !caller.mfa && action.startsWith('iam:')) throw invalidClientTokenId();
  if (caller.kind === 'role') return;
  if (caller.user.forceMfa && !mfaPresent && !ALLOWED_WITHOUT_MFA.has(action)) {
    throw notAuthorized(caller.arn, action, resource, true);
  }
  if (targetUser !== undefined && targetUser !== caller.user.name) {
    throw notAuthorized(caller.arn, action, resource, false);
  }
}
