/**
 * A sandbox AWS and a temp HOME whose ~/.aws files hold the sandbox's users and roles (every profile
 * has `endpoint_url`, and AWS_ENDPOINT_URL is set too, so nothing can reach real AWS).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after } from 'node:test';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../server/sandbox/index.js';
import { profileFiles, writeProfiles } from '../../server/sandbox/profiles.js';
import { parseIni, profileValues } from '../../server/files/ini.js';
import { tempHome } from './tmp.js';

export interface SandboxHome {
  sandbox: Sandbox;
  home: string;
  env: NodeJS.ProcessEnv;
  credentialsPath: string;
  configPath: string;
  /** The credentials file's profiles, as the SDK reads them. */
  profiles(): Promise<Map<string, Record<string, string>>>;
  /** Every secret the test knows: the files' secrets and tokens, and every secret the sandbox ever issued. */
  secrets(): Promise<string[]>;
}

export async function sandboxHome(options: SandboxOptions = {}): Promise<SandboxHome> {
  const sandbox = await startSandbox({ log: () => undefined, ...options });
  after(() => sandbox.close());
  const { home, env } = await tempHome();
  const paths = await writeProfiles(join(home, '.aws'), profileFiles(sandbox));
  env['AWS_ENDPOINT_URL'] = sandbox.endpoint;
  const issued = collectIssuedSecrets(sandbox, new Set<string>());
  const profiles = async () => profileValues(parseIni(await readFile(paths.credentials, 'utf8'), paths.credentials, 'credentials'));
  return {
    sandbox,
    home,
    env,
    credentialsPath: paths.credentials,
    configPath: paths.config,
    profiles,
    async secrets() {
      // The files may be gone when a suite's last hook runs; the secrets seen before are kept.
      const now = await profiles().catch(() => new Map<string, Record<string, string>>());
      for (const values of now.values()) {
        for (const key of ['aws_secret_access_key', 'aws_session_token']) if (values[key]) issued.add(values[key]);
      }
      return [...issued];
    },
  };
}

/** True when the key and secret are accepted by the sandbox now. */
export async function keyWorks(sandbox: Sandbox, accessKeyId: string, secretAccessKey: string, sessionToken?: string): Promise<boolean> {
  const sts = new STSClient({
    endpoint: sandbox.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    maxAttempts: 1,
  });
  try {
    await sts.send(new GetCallerIdentityCommand({}));
    return true;
  } catch {
    return false;
  } finally {
    sts.destroy();
  }
}

/**
 * Adds to `into` every secret the sandbox holds now (users' keys, keys, sessions) and every one it
 * issues from now on, even of a key deleted before the test looks. Returns `into`.
 */
export function collectIssuedSecrets(sandbox: Sandbox, into: Set<string>): Set<string> {
  for (const user of sandbox.users) if (user.secretAccessKey) into.add(user.secretAccessKey);
  watch(sandbox.state.keys, (key) => into.add(key.secret));
  watch(sandbox.state.sessions, (session) => {
    into.add(session.secret);
    into.add(session.token);
  });
  return into;
}

/** Calls `see` with every value in the map now and every value set in it from now on. */
function watch<V>(map: Map<string, V>, see: (value: V) => void): void {
  for (const value of map.values()) see(value);
  const set = map.set.bind(map);
  map.set = (key: string, value: V) => {
    see(value);
    return set(key, value);
  };
}
