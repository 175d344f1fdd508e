/** Where the AWS shared files and Torque's own folder are, as the AWS SDK finds them. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface AwsPaths {
  credentials: string;
  config: string;
  /** `$TORQUE_HOME`, default `~/.torque`: backups, audit log, pending rotations. */
  torqueHome: string;
}

export function homeDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['HOME'] || env['USERPROFILE'] || homedir();
}

function expand(path: string, home: string): string {
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): AwsPaths {
  const home = homeDir(env);
  return {
    credentials: expand(env['AWS_SHARED_CREDENTIALS_FILE'] || join(home, '.aws', 'credentials'), home),
    config: expand(env['AWS_CONFIG_FILE'] || join(home, '.aws', 'config'), home),
    torqueHome: expand(env['TORQUE_HOME'] || join(home, '.torque'), home),
  };
}
