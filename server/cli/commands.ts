/**
 * Every command, its arguments and what they mean. Help text is made from this table, and the
 * parser accepts exactly these options; the work itself lives in each command's module.
 */
import type { CommandModule } from './io.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in help: `--code CODE`. */
  value?: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** The positional part of the usage line. */
  usage: string;
  positionals?: { name: string; min?: number; max?: number };
  options: Record<string, OptionSpec>;
  details?: string;
  /** Absent while the command is not built yet. */
  load?: () => Promise<CommandModule>;
}

const json: OptionSpec = { type: 'boolean', description: 'print one JSON document instead of text' };
const port: OptionSpec = { type: 'string', value: 'N', description: 'port on 127.0.0.1 (default 7878)' };
const noOpen: OptionSpec = { type: 'boolean', description: 'do not open the browser' };

export const COMMANDS: CommandSpec[] = [
  {
    name: 'list',
    summary: 'show the profiles of ~/.aws/credentials and ~/.aws/config',
    usage: '',
    options: { json },
    details:
      'Kinds: static (long-term key), session (has a session token), role, sso, process, incomplete.\n' +
      'No secret is ever printed.',
    load: () => import('./list.js'),
  },
  {
    name: 'rotate',
    summary: 'replace the access key of profiles with a new one, never losing a working key',
    usage: '<profile...>|all',
    positionals: { name: 'a profile name or "all"', min: 1 },
    options: {
      code: { type: 'string', multiple: true, value: 'CODE|SERIAL=CODE', description: 'MFA code (one device) or SERIAL=CODE per device' },
      'old-key': { type: 'string', value: 'delete|deactivate', description: 'what to do with the old key (default delete)' },
      'delete-unused': { type: 'boolean', description: 'delete an unused second key that blocks rotation' },
      json,
    },
    details:
      'Profiles sharing a key are rotated once and all updated. "all" is every static profile of the\n' +
      'credentials file. Without --code, a code is asked per MFA device (a line from stdin when it is not a terminal).',
    load: () => import('./rotate.js'),
  },
  {
    name: 'auth',
    summary: 'turn a profile and an MFA code into session credentials in <profile>-mfa',
    usage: '<profile>',
    positionals: { name: 'a profile name', min: 1, max: 1 },
    options: {
      code: { type: 'string', value: 'CODE', description: 'the 6-digit MFA code (asked for when missing)' },
      duration: { type: 'string', value: 'SECONDS|12h|90m', description: 'how long the session lasts' },
      'session-profile': { type: 'string', value: 'NAME', description: 'profile to write the session to' },
      force: { type: 'boolean', description: 'make a new session even if the stored one is still valid' },
      export: { type: 'boolean', description: 'print export lines for eval (contains the secret)' },
      json,
    },
    details:
      'A static profile gets an MFA session (12h by default, 15m to 36h); a role profile is assumed with its\n' +
      'source profile (1h by default; a role chain at most 1h). The session goes to <profile>-mfa, the\n' +
      'torque_session_profile setting, or X for a profile named X-long-term. A stored session with more than\n' +
      '5 minutes left is kept unless --force. Use it with: eval $(torque auth <profile> --export)',
    load: () => import('./auth.js'),
  },
  {
    name: 'serve',
    summary: 'start the web app on 127.0.0.1 and open it in the browser',
    usage: '',
    options: { port, 'no-open': noOpen },
    details: 'Prints a link with a sign-in token, swapped for a cookie on first use; only 127.0.0.1 is listened on. Ctrl-C stops it.',
    load: () => import('./serve.js'),
  },
  {
    name: 'demo',
    summary: 'the web app on a built-in sandbox AWS and throwaway files',
    usage: '',
    options: { port, 'no-open': noOpen },
    details: 'No AWS account needed: the sandbox behaves like IAM and STS, and the page shows its MFA codes.',
    load: () => import('./demo.js'),
  },
  {
    name: 'sandbox',
    summary: 'run the local IAM/STS sandbox that behaves like AWS',
    usage: '',
    options: {
      port: { type: 'string', value: 'N', description: 'port on 127.0.0.1 (default: any free port)' },
      'write-profiles': { type: 'string', value: 'DIR', description: 'write DIR/credentials and DIR/config for the sandbox users' },
      latency: { type: 'string', value: 'MS', description: 'added latency per call' },
      propagation: { type: 'string', value: 'MS', description: 'delay before a new key works' },
    },
    load: () => import('./sandbox.js'),
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}
