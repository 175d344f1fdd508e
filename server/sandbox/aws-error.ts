/**
 * The errors the sandbox answers with, worded as AWS words them. The SDK turns `code` into the
 * exception's name (through its error registry, e.g. `LimitExceeded` into `LimitExceededException`),
 * so a code or status that differs from AWS's would make Torque handle a different error than it
 * meets in real life.
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, status: number, message: string) {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = status;
  }

  /** AWS's `<Type>`: the caller's fault or the service's. */
  get type(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

const INVALID_TOKEN = 'The security token included in the request is invalid.';

/** Unknown, deleted, inactive or not yet propagated key; session token that does not match. */
export const invalidClientTokenId = () => new AwsError('InvalidClientTokenId', 403, INVALID_TOKEN);

export const signatureDoesNotMatch = (
  message = 'The request signature we calculated does not match the signature you provided. ' +
    'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
) => new AwsError('SignatureDoesNotMatch', 403, message);

export const expiredToken = () => new AwsError('ExpiredToken', 403, 'The security token included in the request is expired');

export const missingAuthenticationToken = () =>
  new AwsError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');

export const incompleteSignature = (message: string) => new AwsError('IncompleteSignature', 400, message);

export const accessDenied = (message: string) => new AwsError('AccessDenied', 403, message);

/** The wording of an identity-policy refusal; `explicit` for a Deny statement (the force-MFA policy). */
export function notAuthorized(callerArn: string, action: string, resource: string, explicit: boolean): AwsError {
  const why = explicit
    ? 'with an explicit deny in an identity-based policy'
    : `because no identity-based policy allows the ${action} action`;
  return accessDenied(`User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`);
}

export const noSuchEntity = (message: string) => new AwsError('NoSuchEntity', 404, message);

export const validationError = (message: string) => new AwsError('ValidationError', 400, message);

/** AWS's wording for a parameter outside its declared range or pattern. */
export function constraintViolation(value: string | null, member: string, constraint: string): AwsError {
  const shown = value === null ? 'null' : `'${value}'`;
  return validationError(`1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`);
}

export const limitExceeded = (message: string) => new AwsError('LimitExceeded', 409, message);

export const invalidAction = (action: string, version: string) =>
  new AwsError('InvalidAction', 400, `Could not find operation ${action} for version ${version}`);

export const MFA_INVALID_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code. ';
export const MFA_CODE_REUSED = 'MultiFactorAuthentication failed, unable to validate MFA code.';
export const MFA_UNKNOWN_SERIAL =
  'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.';
