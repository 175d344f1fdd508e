/**
 * MFA for one run: finds each profile's device, asks for one code per device, and turns it into one
 * session that every profile of that user reuses (AWS accepts a code once). A stored session with
 * more than 5 minutes left needs no code. Sessions made here live in memory only.
 */
import { TorqueError } from '../errors.js';
import type { AwsClients, AwsCredentials, ProfileTarget } from './clients.js';
import { call } from './errors.js';

export interface CodeRequest {
  serial: string;
  profiles: string[];
}

/** Where codes come from: `--code`, a prompt, the page's form. */
export type CodeProvider = (request: CodeRequest) => Promise<string>;

export const MFA_CODE = /^\d{6}$/;

export function checkCode(code: string, serial: string): string {
  const trimmed = code.trim();
  if (!MFA_CODE.test(trimmed)) {
    throw new TorqueError('MFA_CODE_INVALID', `the MFA code for ${serial} must be 6 digits`);
  }
  return trimmed;
}

export class MfaBroker {
  readonly #aws: AwsClients;
  readonly #codes: CodeProvider;
  readonly #sessions = new Map<string, Promise<AwsCredentials>>();
  readonly #devices = new Map<string, Promise<string | null>>();
  /** AWS calls made, by action: the benchmarks count them. */
  readonly calls: string[] = [];

  constructor(aws: AwsClients, codes: CodeProvider) {
    this.#aws = aws;
    this.#codes = codes;
  }

  /** The user's MFA device, asked of IAM (ListMFADevices is allowed without MFA). Once per key. */
  device(longTerm: AwsCredentials, target: ProfileTarget, profiles: string[]): Promise<string | null> {
    let found = this.#devices.get(longTerm.accessKeyId);
    if (!found) {
      found = (async () => {
        const { ListMFADevicesCommand } = await import('@aws-sdk/client-iam');
        const iam = await this.#aws.iam(longTerm, target);
        this.calls.push('iam:ListMFADevices');
        const answer = await call({ action: 'iam:ListMFADevices', accessKeyId: longTerm.accessKeyId, profiles, endpoint: this.#aws.endpoint('iam', target) }, () =>
          iam.send(new ListMFADevicesCommand({})),
        );
        return answer.MFADevices?.[0]?.SerialNumber ?? null;
      })();
      this.#devices.set(longTerm.accessKeyId, found);
    }
    return found;
  }

  /**
   * An MFA session for the device: the stored one if given, else GetSessionToken with a code asked
   * once for this device in this run. Every caller for the same device shares the result.
   */
  session(
    serial: string,
    longTerm: AwsCredentials,
    target: ProfileTarget,
    profiles: string[],
    options: { stored?: AwsCredentials | null; durationSeconds?: number } = {},
  ): Promise<AwsCredentials> {
    let session = this.#sessions.get(serial);
    if (!session) {
      session = options.stored
        ? Promise.resolve(options.stored)
        : this.#newSession(serial, longTerm, target, profiles, options.durationSeconds ?? 900);
      this.#sessions.set(serial, session);
    }
    return session;
  }

  async #newSession(serial: string, longTerm: AwsCredentials, target: ProfileTarget, profiles: string[], durationSeconds: number) {
    const code = checkCode(await this.#codes({ serial, profiles }), serial);
    const { GetSessionTokenCommand } = await import('@aws-sdk/client-sts');
    const sts = await this.#aws.sts(longTerm, target);
    this.calls.push('sts:GetSessionToken');
    const answer = await call(
      { action: 'sts:GetSessionToken', accessKeyId: longTerm.accessKeyId, profiles, endpoint: this.#aws.endpoint('sts', target) },
      () => sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: code, DurationSeconds: durationSeconds })),
    );
    const c = answer.Credentials!;
    return {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
      expiration: c.Expiration!,
    };
  }
}
