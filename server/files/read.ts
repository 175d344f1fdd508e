/**
 * Reading one AWS file with every check that protects it: only a regular file of sane size, valid
 * UTF-8 text without binary data, that parses without error. Any failure is a TorqueError naming
 * the file (and line when there is one) and what to do; the file itself is never touched.
 */
import { lstat, readFile, stat } from 'node:fs/promises';
import { TorqueError } from '../errors.js';
import { type FileKind, type IniDocument, parseIni, throwIfInvalid } from './ini.js';

/** AWS files are a few KB; 2,000 profiles are about 300 KB. Anything this big is not one. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface ReadResult {
  doc: IniDocument;
  exists: boolean;
}

export async function readAwsFile(path: string, kind: FileKind): Promise<ReadResult> {
  const buffer = await readChecked(path);
  if (buffer === null) return { doc: parseIni('', path, kind), exists: false };
  const text = decode(buffer, path);
  const doc = parseIni(text, path, kind);
  throwIfInvalid(doc);
  return { doc, exists: true };
}

/** The file's bytes, or null when there is no file. */
async function readChecked(path: string): Promise<Buffer | null> {
  let link;
  try {
    link = await lstat(path);
  } catch (error) {
    if (errno(error) === 'ENOENT') return null;
    throw readError(path, error);
  }
  let info = link;
  if (link.isSymbolicLink()) {
    try {
      info = await stat(path);
    } catch (error) {
      if (errno(error) === 'ENOENT') {
        throw new TorqueError('FILE_READ', `${path} is a symbolic link to a file that does not exist; fix or remove the link`, {
          file: path,
          cause: error,
        });
      }
      throw readError(path, error);
    }
  }
  if (!info.isFile()) {
    const what = info.isDirectory() ? 'a directory' : 'not a regular file';
    throw new TorqueError('FILE_NOT_REGULAR', `${path} is ${what}; move it away or point Torque at the right file (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE)`, {
      file: path,
    });
  }
  if (info.size > MAX_FILE_BYTES) {
    throw new TorqueError(
      'FILE_TOO_LARGE',
      `${path} is ${(info.size / 1024 / 1024).toFixed(1)} MB, too large to be an AWS file (limit ${MAX_FILE_BYTES / 1024 / 1024} MB); check that it is the right file`,
      { file: path },
    );
  }
  try {
    return await readFile(path);
  } catch (error) {
    throw readError(path, error);
  }
}

function decode(buffer: Buffer, path: string): string {
  if ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff)) {
    throw parseError(path, 1, 'the file is UTF-16 text; save it as UTF-8');
  }
  const nul = buffer.indexOf(0);
  if (nul !== -1) throw parseError(path, lineAt(buffer, nul), 'binary data (a NUL byte); this is not a text file');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buffer);
  } catch {
    const bad = firstInvalidUtf8(buffer);
    throw parseError(path, lineAt(buffer, bad), 'the text is not valid UTF-8');
  }
}

function firstInvalidUtf8(buffer: Buffer): number {
  // Grow a prefix until it no longer decodes; files are small and this runs only on a broken one.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lineStart = 0;
  for (let i = 0; i <= buffer.length; i++) {
    if (i === buffer.length || buffer[i] === 0x0a) {
      try {
        decoder.decode(buffer.subarray(lineStart, i));
      } catch {
        return lineStart;
      }
      lineStart = i + 1;
    }
  }
  return 0;
}

function lineAt(buffer: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (buffer[i] === 0x0a) line++;
  return line;
}

function parseError(path: string, line: number, reason: string): TorqueError {
  return new TorqueError('FILE_PARSE', `${path} line ${line}: ${reason}. Torque has not changed the file.`, { file: path, line });
}

export function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function readError(path: string, error: unknown): TorqueError {
  const code = errno(error);
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? `permission denied; make it readable by you (chmod 600 ${path}, and check its owner)`
      : code === 'ELOOP'
        ? 'a loop of symbolic links; fix the link'
        : code === 'EISDIR'
          ? 'a directory'
          : `${code ?? 'unknown error'}`;
  return new TorqueError('FILE_READ', `cannot read ${path}: ${reason}`, { file: path, cause: error });
}
