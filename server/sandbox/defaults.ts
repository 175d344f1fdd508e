/**
 * The sandbox's default account: one of each situation Torque must handle, so `torque demo` and
 * `torque sandbox` show them all without setup.
 */
import type { SandboxData } from './state.js';

const DAY_MS = 86_400_000;

export function defaultData(now: number): SandboxData {
  return {
    accountId: '123456789012',
    users: [
      // Under AWS's force-MFA policy: without an MFA session she can do almost nothing.
      { name: 'alice', forceMfa: true, mfa: true },
      // No MFA at all: rotation with the long-term key alone.
      { name: 'bob' },
      // Has a device but no policy forcing it (found with ListMFADevices); one key held by two profiles.
      { name: 'carol', mfa: true, profiles: ['carol', 'carol-ci'] },
      // Already has two keys; the second is in no profile, inactive and unused for months.
      {
        name: 'dave',
        keys: [
          {},
          { status: 'Inactive', createdAt: now - 400 * DAY_MS, lastUsed: { at: now - 200 * DAY_MS, service: 'sts', region: 'us-east-1' } },
        ],
      },
    ],
    roles: [
      { name: 'admin', trust: { users: ['alice'] }, mfaRequired: true, maxSessionSeconds: 43_200 },
      // Assumed from admin's credentials: a role chain, capped at one hour by AWS.
      { name: 'auditor', trust: { roles: ['admin'] } },
      { name: 'partner', trust: { users: ['bob'] }, externalId: 'torque-demo' },
    ],
  };
}
