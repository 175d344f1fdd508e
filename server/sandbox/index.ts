/**
 * The sandbox: a local IAM and STS endpoint that behaves like AWS for everything Torque uses.
 * `torque sandbox` and `torque demo` run it; tests start one per case with `startSandbox` and point
 * the real AWS SDK at `endpoint`.
 */
import { setMaxListeners } from 'node:events';
import type { Server } from 'node:http';
import { type ClockOptions, createClock, type SandboxClock } from './clock.js';
import { defaultData } from './defaults.js';
import { Faults } from './faults.js';
import { codeForStep, PERIOD_MS, stepAt, unusedCode } from './mfa.js';
import { createSandboxServer } from './server.js';
import { type AccessKey, type Role, type RoleSeed, type SandboxData, SandboxState, type User, type UserSeed } from './state.js';

export type { SandboxClock, ClockOptions } from './clock.js';
export type { FaultKind, FaultSpec } from './faults.js';
export type { KeySeed, RoleSeed, SandboxData, SandboxState, UserSeed } from './state.js';
export { defaultData } from './defaults.js';

export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 (default) lets the system pick a free one. */
  port?: number;
  /** Added to every call before it is handled, in ms (default 0). */
  latencyMs?: number;
  /** How long a new access key answers InvalidClientTokenId, in sandbox-clock ms (default 0). */
  propagationMs?: number;
  /** The account's users and roles (default: `defaultData`). */
  data?: SandboxData;
  /** A clock to share, or how to make one (default: real time, movable with `advance`). */
  clock?: SandboxClock | ClockOptions;
  /** Where unexpected errors go (default: stderr). Never given a secret. */
  log?: (line: string) => void;
}

/** A user as the sandbox started it: the key its profiles hold, and its MFA device. */
export interface SandboxUser {
  name: string;
  arn: string;
  accessKeyId: string | null;
  secretAccessKey: string | null;
  mfaSerial: string | null;
  /** Base32 TOTP seed of the virtual device, for an authenticator app. */
  mfaSeed: string | null;
  /** Under the force-MFA policy. */
  mfaRequired: boolean;
  /** Profiles that hold `accessKeyId` in written AWS files. */
  profiles: string[];
}

export interface SandboxRole {
  name: string;
  arn: string;
  /** The trust policy requires MFA. */
  mfaRequired: boolean;
  externalId: string | null;
  trustedUsers: string[];
  trustedRoles: string[];
  maxSessionSeconds: number;
}

/** An access key as IAM sees it now, for assertions. */
export interface KeyView {
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  createdAt: Date;
  lastUsed: { at: Date; service: string; region: string } | null;
}

export interface Sandbox {
  /** `http://127.0.0.1:PORT`: give it to SDK clients as `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  readonly accountId: string;
  /** The users at start (and any added), with their first key. */
  readonly users: SandboxUser[];
  readonly roles: SandboxRole[];
  readonly clock: SandboxClock;
  readonly faults: Pick<Faults, 'inject' | 'clear'>;
  /** The live account, for assertions a view below does not cover. */
  readonly state: SandboxState;
  /** The code an authenticator app shows now for the device. */
  currentCode(serial: string): string;
  /**
   * A code AWS would accept now and that was not used yet: the current one, else the next step's.
   * When both were used, the sandbox clock moves on one step (30 s), as a person waits for the next code.
   */
  freshCode(serial: string): string;
  /** The user's keys now. */
  keys(userName: string): KeyView[];
  /** Calls received for an action (all actions when omitted), refused ones included. */
  calls(action?: string): number;
  /** Changes latency or propagation while serving. */
  configure(settings: { latencyMs?: number; propagationMs?: number }): void;
  addUser(seed: UserSeed): SandboxUser;
  addRole(seed: RoleSeed): SandboxRole;
  /** Stops serving and drops every open connection (hung calls included). */
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = isClock(options.clock) ? options.clock : createClock(options.clock);
  const state = new SandboxState(clock, options.data ?? defaultData(clock.now()), options.propagationMs ?? 0);
  const faults = new Faults();
  const settings = { latencyMs: options.latencyMs ?? 0 };
  const calls = new Map<string, number>();
  const abort = new AbortController();
  // Every call waiting out its latency listens on this one signal; many at once is expected, not a leak.
  setMaxListeners(0, abort.signal);
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const server = createSandboxServer({ state, faults, settings, calls, signal: abort.signal, log });
  const port = await listen(server, options.port ?? 0);

  const device = (serial: string) => {
    const found = state.devices.get(serial);
    if (!found) throw new Error(`sandbox: no MFA device ${serial}`);
    return found;
  };
  const users = [...state.users.values()].map(userView);
  const roles = [...state.roles.values()].map(roleView);
  let closing: Promise<void> | undefined;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    accountId: state.accountId,
    users,
    roles,
    clock,
    faults,
    state,
    currentCode: (serial) => codeForStep(device(serial).seed, stepAt(clock.now())),
    freshCode(serial) {
      const found = device(serial);
      let code = unusedCode(found, clock.now());
      if (code === undefined) {
        clock.advance(PERIOD_MS);
        code = unusedCode(found, clock.now())!;
      }
      return code;
    },
    keys(userName) {
      const user = state.users.get(userName);
      if (!user) throw new Error(`sandbox: no user ${userName}`);
      return user.keys.map(keyView);
    },
    calls: (action) => (action === undefined ? [...calls.values()].reduce((a, b) => a + b, 0) : calls.get(action) ?? 0),
    configure(next) {
      if (next.latencyMs !== undefined) settings.latencyMs = next.latencyMs;
      if (next.propagationMs !== undefined) state.propagationMs = next.propagationMs;
    },
    addUser(seed) {
      const view = userView(state.addUser(seed));
      users.push(view);
      return view;
    },
    addRole(seed) {
      const view = roleView(state.addRole(seed));
      roles.push(view);
      return view;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        abort.abort();
        server.close(() => resolve());
        // A hung call or an idle keep-alive socket would otherwise keep the process alive.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function isClock(clock: SandboxOptions['clock']): clock is SandboxClock {
  return typeof (clock as SandboxClock | undefined)?.now === 'function';
}

/** Loopback only: the sandbox holds secrets and answers anyone who can reach it. */
function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function userView(user: User): SandboxUser {
  const key = user.keys[0];
  return {
    name: user.name,
    arn: user.arn,
    accessKeyId: key?.id ?? null,
    secretAccessKey: key?.secret ?? null,
    mfaSerial: user.mfa?.serial ?? null,
    mfaSeed: user.mfa?.seed ?? null,
    mfaRequired: user.forceMfa,
    profiles: user.profiles,
  };
}

function roleView(role: Role): SandboxRole {
  return {
    name: role.name,
    arn: role.arn,
    mfaRequired: role.trust.mfaRequired,
    externalId: role.trust.externalId,
    trustedUsers: role.trust.users,
    trustedRoles: role.trust.roles,
    maxSessionSeconds: role.maxSessionSeconds,
  };
}

function keyView(key: AccessKey): KeyView {
  return {
    accessKeyId: key.id,
    status: key.status,
    createdAt: new Date(key.createdAt),
    lastUsed: key.lastUsed && { at: new Date(key.lastUsed.at), service: key.lastUsed.service, region: key.lastUsed.region },
  };
}
