/**
 * IAM and STS clients for one set of credentials. The SDK is loaded only when a command talks to
 * AWS. Endpoints and region follow the SDK's own settings, resolved here from the files Torque has
 * already read and the environment it was given (so a test or the web app can hand in its own):
 * AWS_ENDPOINT_URL_IAM / _STS, AWS_ENDPOINT_URL, the profile's `endpoint_url` or its `services`
 * section; region from the profile, AWS_REGION, AWS_DEFAULT_REGION, else us-east-1.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface AwsSettings {
  env: NodeJS.ProcessEnv;
  /** Longest one HTTP call may take before it counts as failed (the SDK then retries). */
  timeoutMs?: number;
  /** The SDK's attempts per call (1 + retries) for throttling and network errors. */
  maxAttempts?: number;
}

/** Settings of a profile that shape its clients: region, endpoint_url, services. */
export interface ProfileTarget {
  settings: Record<string, string>;
  /** The `[services name]` sections of the config file, by name. */
  services?: Map<string, Record<string, string>>;
}

type Service = 'iam' | 'sts';

export class AwsClients {
  readonly #settings: AwsSettings;

  constructor(settings: AwsSettings) {
    this.#settings = settings;
  }

  /**
   * Clients are made once per credentials object and endpoint: building one costs more than a call,
   * and reusing it keeps its connection alive. Keyed by the object, so no secret is ever a map key.
   */
  readonly #made = new WeakMap<AwsCredentials, Map<string, IAMClient | STSClient>>();

  async iam(credentials: AwsCredentials, target?: ProfileTarget): Promise<IAMClient> {
    const { IAMClient } = await import('@aws-sdk/client-iam');
    return this.#reuse(credentials, 'iam', target, () => new IAMClient(this.#config('iam', credentials, target)));
  }

  async sts(credentials: AwsCredentials, target?: ProfileTarget): Promise<STSClient> {
    const { STSClient } = await import('@aws-sdk/client-sts');
    return this.#reuse(credentials, 'sts', target, () => new STSClient(this.#config('sts', credentials, target)));
  }

  #reuse<T extends IAMClient | STSClient>(credentials: AwsCredentials, service: Service, target: ProfileTarget | undefined, make: () => T): T {
    let clients = this.#made.get(credentials);
    if (!clients) this.#made.set(credentials, (clients = new Map()));
    const key = `${service} ${this.endpoint(service, target) ?? ''} ${this.region(target)}`;
    let client = clients.get(key) as T | undefined;
    if (!client) clients.set(key, (client = make()));
    return client;
  }

  region(target?: ProfileTarget): string {
    const env = this.#settings.env;
    return target?.settings['region'] || env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || 'us-east-1';
  }

  endpoint(service: Service, target?: ProfileTarget): string | undefined {
    const env = this.#settings.env;
    if (env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] === 'true') return undefined;
    const services = target?.settings['services'];
    // The SDK's order: service variable, global variable, the profile's services section, its endpoint_url.
    return (
      env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] ||
      env['AWS_ENDPOINT_URL'] ||
      (services ? target?.services?.get(services)?.[`${service}.endpoint_url`] : undefined) ||
      target?.settings['endpoint_url'] ||
      undefined
    );
  }

  #config(service: Service, credentials: AwsCredentials, target?: ProfileTarget) {
    const timeout = this.#settings.timeoutMs ?? 10_000;
    const endpoint = this.endpoint(service, target);
    return {
      region: this.region(target),
      // Always given, so the SDK never looks for credentials in the user's files or environment.
      credentials,
      ...(endpoint ? { endpoint } : {}),
      maxAttempts: this.#settings.maxAttempts ?? 3,
      requestHandler: { connectionTimeout: Math.min(timeout, 5000), requestTimeout: timeout, throwOnRequestTimeout: true },
      // The SDK's own log lines stay off stderr, which carries prompts and progress.
      logger: silentLogger,
    };
  }
}

const silent = () => undefined;
const silentLogger = { debug: silent, info: silent, warn: silent, error: silent, trace: silent };
