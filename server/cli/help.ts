import type { CommandSpec, OptionSpec } from './commands.js';

function optionLabel(name: string, option: OptionSpec): string {
  const short = option.short ? `-${option.short}, ` : '';
  return `${short}--${name}${option.value ? ` ${option.value}` : ''}`;
}

function usageLine(spec: CommandSpec): string {
  return `torque ${spec.name}${spec.usage ? ` ${spec.usage}` : ''}${Object.keys(spec.options).length ? ' [options]' : ''}`;
}

export function mainHelp(commands: CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = [
    'Torque keeps AWS access keys safe: it rotates IAM keys and turns a key plus an MFA code into',
    'session credentials in ~/.aws/credentials.',
    '',
    'Usage: torque <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}${c.load ? '' : ' (not built yet)'}`),
    `  ${'help'.padEnd(width)}  this text, or \`torque help <command>\` for one command`,
    '',
    'Options: --version, --help',
    'Files: AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE (default ~/.aws/...), TORQUE_HOME (default ~/.torque)',
    'Exit status: 0 all done, 1 something failed, 2 usage error.',
    '',
  ];
  return lines.join('\n');
}

export function commandHelp(spec: CommandSpec): string {
  const options = Object.entries(spec.options).map(([name, option]) => [optionLabel(name, option), option.description] as const);
  const width = Math.max(0, ...options.map(([label]) => label.length));
  const lines = [
    `Usage: ${usageLine(spec)}`,
    '',
    `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.${spec.load ? '' : ' (Not built yet in this version.)'}`,
    ...(options.length ? ['', 'Options:', ...options.map(([label, text]) => `  ${label.padEnd(width)}  ${text}`)] : []),
    ...(spec.details ? ['', spec.details] : []),
    '',
  ];
  return lines.join('\n');
}
