/** The rotation's inputs and results, shared by the CLI and the web routes. */
export type OldKeyAction = 'delete' | 'deactivate';

export interface RotateOptions {
  /** Profile names, or every static profile of the credentials file. */
  profiles: string[] | 'all';
  oldKey: OldKeyAction;
  /** Delete a second key no local profile holds and not used in 30 days, when it blocks the rotation. */
  deleteUnused: boolean;
}

export interface RotateResult {
  profiles: string[];
  status: 'rotated' | 'failed' | 'skipped';
  oldAccessKeyId: string | null;
  newAccessKeyId: string | null;
  oldKey: 'deleted' | 'deactivated' | 'kept' | null;
  error: { code: string; message: string } | null;
  /** What else happened that the user should know: a cleaned-up orphan key, a deleted unused key. */
  notes: string[];
}

export type RotateStep = 'start' | 'mfa' | 'keys' | 'create' | 'write' | 'verify' | 'retire' | 'done' | 'failed' | 'skipped' | 'cleanup';

export interface RotateEvent {
  profiles: string[];
  step: RotateStep;
  message: string;
}
