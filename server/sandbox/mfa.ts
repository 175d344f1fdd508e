/**
 * Virtual MFA devices: RFC 6238 TOTP (SHA-1, 30 s, 6 digits) through otpauth, as authenticator apps
 * compute it. AWS accepts the codes of the adjacent time steps too (clock drift) and refuses a code
 * it has already accepted for the device, so a code is good for exactly one STS call.
 */
import { timingSafeEqual } from 'node:crypto';
import { HOTP, Secret } from 'otpauth';

export const PERIOD_MS = 30_000;
const DIGITS = 6;
/** Steps on either side of the current one that still count, as AWS allows for drift. */
const WINDOW = 1;

export interface MfaDevice {
  serial: string;
  /** Base32, as `CreateVirtualMFADevice` gives it for the QR code. */
  seed: string;
  userName: string;
  enabledAt: number;
  /** Time steps whose code was accepted; each is refused from then on. */
  usedSteps: Set<number>;
}

/** A fresh seed of 40 random bytes, the size AWS uses (64 base32 characters). */
export const newSeed = () => new Secret({ size: 40 }).base32;

export const stepAt = (now: number) => Math.floor(now / PERIOD_MS);

export function codeForStep(seed: string, step: number): string {
  return HOTP.generate({ secret: Secret.fromBase32(seed), algorithm: 'SHA1', digits: DIGITS, counter: step });
}

export type MfaCheck = 'ok' | 'wrong' | 'reused';

/** Checks `code` against the device at `now`, and marks it used when accepted. */
export function checkCode(device: MfaDevice, code: string, now: number): MfaCheck {
  const current = stepAt(now);
  for (let step = current - WINDOW; step <= current + WINDOW; step++) {
    if (!sameCode(codeForStep(device.seed, step), code)) continue;
    if (device.usedSteps.has(step)) return 'reused';
    device.usedSteps.add(step);
    // Steps that left the window can never match again; forget them so the set stays small.
    for (const old of device.usedSteps) if (old < current - WINDOW) device.usedSteps.delete(old);
    return 'ok';
  }
  return 'wrong';
}

// Constant time, so a caller cannot learn a code digit by digit from response times.
function sameCode(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A code the device has not used yet: the current step's, else the next step's (still inside the
 * window). When both are used, returns undefined; the caller decides whether to wait for the next step.
 */
export function unusedCode(device: MfaDevice, now: number): string | undefined {
  const current = stepAt(now);
  for (const step of [current, current + 1]) {
    if (!device.usedSteps.has(step)) return codeForStep(device.seed, step);
  }
  return undefined;
}
