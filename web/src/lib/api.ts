/**
 * The page's only way to the server. Writes are POSTs with `Content-Type: application/json` exactly
 * and the page's own Origin (the browser adds it): the server refuses anything else (CSRF). The
 * session cookie is HttpOnly, so the page never holds a secret of its own.
 */
import type {
  AuthRequest,
  AuthResponse,
  DemoResponse,
  ErrorBody,
  JobStarted,
  JobState,
  KeyAgesResponse,
  ProfilesResponse,
  RotateRequest,
} from '../../../shared/api';

/** An error the page can show: `message` says what to do next. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

const NOT_ANSWERING = 'Torque is not answering: is `torque serve` still running? Start it again and open the link it prints';

async function send<T>(path: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError('NETWORK', NOT_ANSWERING, 0);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body as Partial<ErrorBody> | null)?.error;
    throw new ApiError(error?.code ?? `HTTP_${response.status}`, error?.message ?? `Torque answered ${response.status}; see the terminal running it`, response.status);
  }
  return body as T;
}

function get<T>(path: string): Promise<T> {
  return send<T>(path, { headers: { Accept: 'application/json' } });
}

function post<T>(path: string, body: unknown): Promise<T> {
  return send<T>(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

export const api = {
  profiles: () => get<ProfilesResponse>('/api/profiles'),
  demo: () => get<DemoResponse>('/api/demo'),
  keyAges: () => get<KeyAgesResponse>('/api/key-ages'),
  auth: (request: AuthRequest) => post<AuthResponse>('/api/auth', request),
  rotate: (request: RotateRequest) => post<JobStarted>('/api/rotate', request),
  job: (id: string) => get<JobState>(`/api/jobs/${encodeURIComponent(id)}`),
  jobEvents: (id: string) => new EventSource(`/api/jobs/${encodeURIComponent(id)}/events`),
};

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const SERIAL = /arn:aws:iam::\d+:mfa\/[\w+=,.@-]+/;

/** The MFA device a MFA_CODE_NEEDED error names (IAM knew it; the files did not). */
export function serialIn(message: string): string | null {
  return SERIAL.exec(message)?.[0] ?? null;
}

/** "mfa/alice" for "arn:aws:iam::123456789012:mfa/alice": the part a person recognises. */
export function deviceName(serial: string): string {
  const slash = serial.indexOf(':mfa/');
  return slash === -1 ? serial : serial.slice(slash + 1);
}
