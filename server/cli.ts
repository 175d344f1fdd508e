/**
 * The `torque` command line: parses arguments against each command's declared options and hands
 * them to the command's module, loaded only when that command runs (so `torque --help` stays fast
 * and never loads the AWS SDK or the web server).
 */
import { parseArgs } from 'node:util';
import { COMMANDS, type CommandSpec, findCommand } from './cli/commands.js';
import { commandHelp, mainHelp } from './cli/help.js';
import type { CliIo } from './cli/io.js';
import { processIo } from './cli/io.js';
import { version } from './version.js';
import { isTorqueError } from './errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic !== undefined) {
      const spec = findCommand(topic);
      if (!spec) return usageError(io, `unknown command "${topic}"`);
      io.stdout.write(commandHelp(spec));
      return EXIT_OK;
    }
    io.stdout.write(mainHelp(COMMANDS));
    return EXIT_OK;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout.write(`torque ${version()}\n`);
    return EXIT_OK;
  }
  const spec = findCommand(first);
  if (!spec) {
    return usageError(io, first.startsWith('-') ? `unknown option "${first}"` : `unknown command "${first}"`);
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(spec));
    return EXIT_OK;
  }
  let parsed;
  try {
    parsed = parse(spec, rest);
  } catch (error) {
    const message = (error as Error).message;
    return usageError(io, message[0]!.toLowerCase() + message.slice(1), spec);
  }
  if (!spec.load) {
    return usageError(io, `"torque ${spec.name}" is not built yet in this version`, spec);
  }
  try {
    const command = await spec.load();
    return await command.run({ ...parsed, io });
  } catch (error) {
    if (isTorqueError(error, 'USAGE')) return usageError(io, error.message, spec);
    if (isTorqueError(error)) {
      // The code lets scripts tell failures apart; with --json the failure is the one JSON document.
      io.stderr.write(`torque: ${error.message} [${error.code}]\n`);
      if (parsed.values['json'] === true) {
        io.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message } }, null, 2)}\n`);
      }
      return EXIT_FAILED;
    }
    // An unexpected error: its message only. A stack could carry values from memory; keep it off screen.
    io.stderr.write(`torque: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
    if (io.env['TORQUE_DEBUG']) io.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    return EXIT_FAILED;
  }
}

function parse(spec: CommandSpec, args: string[]) {
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([name, option]) => [
      name,
      { type: option.type, ...(option.short ? { short: option.short } : {}), ...(option.multiple ? { multiple: true } : {}) },
    ]),
  );
  const { values, positionals } = parseArgs({ args, options, allowPositionals: spec.positionals !== undefined, strict: true });
  const { min = 0, max = Infinity } = spec.positionals ?? {};
  if (positionals.length < min) throw new Error(`missing ${spec.positionals!.name}`);
  if (positionals.length > max) throw new Error(`unexpected argument "${positionals[max]}"`);
  return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
}

function usageError(io: CliIo, message: string, spec?: CommandSpec): number {
  const hint = spec ? `torque help ${spec.name}` : 'torque --help';
  io.stderr.write(`torque: ${message.replace(/\.$/, '')} (see \`${hint}\`)\n`);
  return EXIT_USAGE;
}
