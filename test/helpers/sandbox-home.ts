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
  const issued = new Set<string>(sandbox.users.flatMap((u) => (u.secretAccessKey ? [u.secretAccessKey] : [])));
  // Every secret the sandbox issues from now on, even of keys deleted before the test looks.
  watch(sandbox.state.keys, (key) => issued.add(key.secret));
  watch(sandbox.state.sessions, (session) => {
    issued.add(session.secret);
    issued.add(session.token);
  });
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

function watch<V>(map: Map<string, V>, see: (value: V) => void): void {
  for (const value of map.values()) see(value);
  const set = map.set.bind(map);
  map.set = (key: string, value: V) => {
    see(value);
    return set(key, value);
  };
}
