/**
 * Who is calling: the signature is checked against the secret the sandbox holds, then the key's
 * state (unknown, inactive, not yet propagated, expired session) is refused the way AWS refuses it.
 * Every authenticated use of a long-term key is recorded as its last use.
 */
import { timingSafeEqual } from 'node:crypto';
import { AwsError, expiredToken, invalidClientTokenId, signatureDoesNotMatch } from './aws-error.js';
import { checkDates, type IncomingSigned, parseAuthorization, signatureMatches } from './sigv4.js';
import type { AccessKey, Role, SandboxState, Session, User } from './state.js';

export type Caller =
  | { kind: 'user'; arn: string; user: User; key: AccessKey; mfa: false }
  | { kind: 'session'; arn: string; user: User; session: Session; mfa: boolean }
  | { kind: 'role'; arn: string; role: Role; session: Session; sessionName: string; mfa: boolean };

/** `service` is the signing name the action belongs to (`iam` or `sts`). */
export async function authenticate(state: SandboxState, incoming: IncomingSigned, service: string): Promise<Caller> {
  const parts = parseAuthorization(incoming);
  if (parts instanceof AwsError) throw parts;
  const dateError = checkDates(parts, Date.now());
  if (dateError) throw dateError;
  if (parts.service !== service) {
    throw signatureDoesNotMatch(`Credential should be scoped to correct service: '${service}'. `);
  }
  const token = incoming.headers['x-amz-security-token'];
  const key = state.keys.get(parts.accessKeyId);
  if (key) {
    // A long-term key is refused, not ignored, when it arrives with a session token.
    if (key.status !== 'Active' || !state.propagated(key) || token !== undefined) throw invalidClientTokenId();
    if (!(await signatureMatches(incoming, parts, key.secret))) throw signatureDoesNotMatch();
    key.lastUsed = { at: state.clock.now(), service: parts.service, region: parts.region };
    const user = state.users.get(key.userName)!;
    return { kind: 'user', arn: user.arn, user, key, mfa: false };
  }
  const session = state.sessions.get(parts.accessKeyId);
  if (!session || typeof token !== 'string' || !sameSecret(token, session.token)) throw invalidClientTokenId();
  if (state.clock.now() >= session.expiresAt) throw expiredToken();
  if (!(await signatureMatches(incoming, parts, session.secret))) throw signatureDoesNotMatch();
  const principal = session.principal;
  if (principal.kind === 'user') {
    const user = state.users.get(principal.userName);
    if (!user) throw invalidClientTokenId();
    return { kind: 'session', arn: user.arn, user, session, mfa: session.mfa };
  }
  const role = state.roles.get(principal.roleName);
  if (!role) throw invalidClientTokenId();
  const arn = `arn:aws:sts::${state.accountId}:assumed-role/${role.name}/${principal.sessionName}`;
  return { kind: 'role', arn, role, session, sessionName: principal.sessionName, mfa: session.mfa };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
