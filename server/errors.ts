/**
 * Domain errors: a stable code, a message that says what to do next, and the original error as cause.
 * The CLI prints `message`; the web app maps `code` to an HTTP status. Messages never carry secrets.
 */
export type ErrorCode =
  | 'FILE_PARSE'
  | 'FILE_READ'
  | 'FILE_WRITE'
  | 'FILE_LOCKED'
  | 'FILE_TOO_LARGE'
  | 'FILE_NOT_REGULAR'
  | 'INVALID_EDIT'
  | 'USAGE'
  | 'PORT_IN_USE'
  // Profiles and keys as found locally
  | 'PROFILE_NOT_FOUND'
  | 'NO_LONG_TERM_KEY'
  | 'KEY_IN_CONFIG'
  | 'FILE_CHANGED'
  // MFA
  | 'MFA_CODE_NEEDED'
  | 'MFA_CODE_INVALID'
  | 'MFA_CODE_WRONG'
  | 'MFA_CODE_REUSED'
  | 'MFA_DEVICE_NOT_FOUND'
  // AWS
  | 'ACCESS_DENIED'
  | 'KEY_LIMIT'
  | 'KEY_NOT_IN_IAM'
  | 'INVALID_KEY'
  | 'WRONG_SECRET'
  | 'SESSION_EXPIRED'
  | 'AWS_VALIDATION'
  | 'NETWORK'
  | 'AWS_ERROR'
  // Rotation
  | 'VERIFY_FAILED'
  | 'OLD_KEY_NOT_RETIRED'
  | 'INTERRUPTED_ROTATION'
  | 'ROTATION_IN_PROGRESS';

export interface ErrorDetails {
  file?: string;
  line?: number;
  cause?: unknown;
}

export class TorqueError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TorqueError';
    this.code = code;
    this.file = details.file;
    this.line = details.line;
  }
}

export function isTorqueError(error: unknown, code?: ErrorCode): error is TorqueError {
  return error instanceof TorqueError && (code === undefined || error.code === code);
}
