/**
 * Everything the sandbox AWS knows: one account's users, their access keys and MFA devices, roles
 * and the session credentials STS handed out. Handlers change it; tests read it to check what
 * happened on the AWS side (which keys exist, when each was last used).
 */
import type { SandboxClock } from './clock.js';
import * as ids from './ids.js';
import { type MfaDevice, newSeed } from './mfa.js';

export type KeyStatus = 'Active' | 'Inactive';

export interface AccessKey {
  id: string;
  secret: string;
  userName: string;
  status: KeyStatus;
  createdAt: number;
  lastUsed: { at: number; service: string; region: string } | null;
}

export interface User {
  name: string;
  id: string;
  arn: string;
  createdAt: number;
  /** Carries AWS's force-MFA policy: without MFA only a handful of actions are allowed. */
  forceMfa: boolean;
  keys: AccessKey[];
  mfa: MfaDevice | null;
  profiles: string[];
}

export interface Role {
  name: string;
  id: string;
  arn: string;
  createdAt: number;
  /** The trust policy: who may assume the role, and on what conditions. */
  trust: { users: string[]; roles: string[]; mfaRequired: boolean; externalId: string | null };
  maxSessionSeconds: number;
}

export type SessionPrincipal =
  | { kind: 'user'; userName: string }
  | { kind: 'role'; roleName: string; sessionName: string; chained: boolean };

export interface Session {
  accessKeyId: string;
  secret: string;
  token: string;
  expiresAt: number;
  /** Made with an MFA code (or from credentials that had one): `aws:MultiFactorAuthPresent`. */
  mfa: boolean;
  principal: SessionPrincipal;
}

/** A user to create. Everything but the name has a default. */
export interface UserSeed {
  name: string;
  /** Put the user under AWS's force-MFA policy (needs `mfa`). */
  forceMfa?: boolean;
  /** Give the user a virtual MFA device; a seed (base32) may be fixed, else it is random. */
  mfa?: boolean | { seed?: string };
  /** The user's keys (at most 2, as in AWS); default one active key made long ago. */
  keys?: KeySeed[];
  /** Profiles that hold the user's first key when the sandbox writes AWS files (default: the user's name). */
  profiles?: string[];
}

export interface KeySeed {
  accessKeyId?: string;
  secretAccessKey?: string;
  status?: KeyStatus;
  /** When the key was made, ms since the epoch (default 90 days before the sandbox started). */
  createdAt?: number;
  lastUsed?: { at: number; service: string; region?: string } | null;
}

export interface RoleSeed {
  name: string;
  /** Users (by name) and roles (by name, for role chains) the trust policy names. */
  trust: { users?: string[]; roles?: string[] };
  /** The trust policy's `aws:MultiFactorAuthPresent` condition. */
  mfaRequired?: boolean;
  /** The trust policy's `sts:ExternalId` condition. */
  externalId?: string;
  /** AWS allows 3600 to 43200; default 3600. */
  maxSessionSeconds?: number;
}

export interface SandboxData {
  accountId?: string;
  users: UserSeed[];
  roles?: RoleSeed[];
}

export const MAX_KEYS_PER_USER = 2;
const DAY_MS = 86_400_000;

export class SandboxState {
  readonly accountId: string;
  readonly clock: SandboxClock;
  /** How long a new key answers InvalidClientTokenId, as IAM's eventual consistency does. */
  propagationMs: number;
  readonly users = new Map<string, User>();
  readonly roles = new Map<string, Role>();
  readonly keys = new Map<string, AccessKey>();
  readonly sessions = new Map<string, Session>();
  readonly devices = new Map<string, MfaDevice>();

  constructor(clock: SandboxClock, data: SandboxData, propagationMs = 0) {
    this.clock = clock;
    this.propagationMs = propagationMs;
    this.accountId = data.accountId ?? '123456789012';
    for (const user of data.users) this.addUser(user);
    for (const role of data.roles ?? []) this.addRole(role);
  }

  addUser(seed: UserSeed): User {
    if (this.users.has(seed.name)) throw new Error(`sandbox: user ${seed.name} already exists`);
    if (seed.forceMfa && !seed.mfa) throw new Error(`sandbox: user ${seed.name} is under the force-MFA policy but has no MFA device`);
    const longAgo = this.clock.now() - 90 * DAY_MS;
    const user: User = {
      name: seed.name,
      id: ids.userId(),
      arn: `arn:aws:iam::${this.accountId}:user/${seed.name}`,
      createdAt: longAgo - 30 * DAY_MS,
      forceMfa: seed.forceMfa ?? false,
      keys: [],
      mfa: null,
      profiles: seed.profiles ?? [seed.name],
    };
    this.users.set(user.name, user);
    if (seed.mfa) {
      const serial = `arn:aws:iam::${this.accountId}:mfa/${seed.name}`;
      const fixed = typeof seed.mfa === 'object' ? seed.mfa.seed : undefined;
      user.mfa = { serial, seed: fixed ?? newSeed(), userName: user.name, enabledAt: longAgo, usedSteps: new Set() };
      this.devices.set(serial, user.mfa);
    }
    const keys = seed.keys ?? [{}];
    if (keys.length > MAX_KEYS_PER_USER) throw new Error(`sandbox: user ${seed.name} has more than ${MAX_KEYS_PER_USER} keys`);
    for (const key of keys) {
      this.#storeKey({
        id: key.accessKeyId ?? ids.accessKeyId(),
        secret: key.secretAccessKey ?? ids.secretAccessKey(),
        userName: user.name,
        status: key.status ?? 'Active',
        createdAt: key.createdAt ?? longAgo,
        lastUsed: key.lastUsed ? { region: 'us-east-1', ...key.lastUsed } : null,
      });
    }
    return user;
  }

  addRole(seed: RoleSeed): Role {
    if (this.roles.has(seed.name)) throw new Error(`sandbox: role ${seed.name} already exists`);
    const role: Role = {
      name: seed.name,
      id: ids.roleId(),
      arn: `arn:aws:iam::${this.accountId}:role/${seed.name}`,
      createdAt: this.clock.now() - 120 * DAY_MS,
      trust: {
        users: seed.trust.users ?? [],
        roles: seed.trust.roles ?? [],
        mfaRequired: seed.mfaRequired ?? false,
        externalId: seed.externalId ?? null,
      },
      maxSessionSeconds: seed.maxSessionSeconds ?? 3600,
    };
    this.roles.set(role.name, role);
    return role;
  }

  /** A new active key for the user, as CreateAccessKey makes it (the caller checks the limit). */
  createKey(user: User): AccessKey {
    return this.#storeKey({
      id: ids.accessKeyId(),
      secret: ids.secretAccessKey(),
      userName: user.name,
      status: 'Active',
      createdAt: this.clock.now(),
      lastUsed: null,
    });
  }

  deleteKey(key: AccessKey): void {
    const user = this.users.get(key.userName);
    if (user) user.keys = user.keys.filter((k) => k.id !== key.id);
    this.keys.delete(key.id);
  }

  /** A key still inside its propagation delay does not authenticate yet. */
  propagated(key: AccessKey): boolean {
    return this.clock.now() >= key.createdAt + this.propagationMs;
  }

  addSession(session: Omit<Session, 'accessKeyId' | 'secret' | 'token'>): Session {
    const full: Session = { accessKeyId: ids.sessionKeyId(), secret: ids.secretAccessKey(), token: ids.sessionToken(), ...session };
    this.sessions.set(full.accessKeyId, full);
    return full;
  }

  #storeKey(key: AccessKey): AccessKey {
    if (this.keys.has(key.id)) throw new Error(`sandbox: access key ${key.id} already exists`);
    this.keys.set(key.id, key);
    this.users.get(key.userName)!.keys.push(key);
    return key;
  }
}
