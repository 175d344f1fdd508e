/**
 * The format-preserving editor for the AWS shared files.
 *
 * Every operation rewrites the fewest lines it can: a changed value rewrites only the value on its
 * line (indentation, spacing around "=", a trailing comment stay), a new key is one new line at the end
 * of its section in the style of the keys above it, a new section goes at the end of the file. All
 * other bytes, including CRLF endings, a BOM and a missing final newline, are left as they were.
 * After each operation the text is parsed again and the result checked, so a bug here can never
 * produce a file that reads differently from what was asked.
 */
import { TorqueError } from '../errors.js';
import {
  type Eol,
  type IniDocument,
  type IniLine,
  parseIni,
  profileSections,
  profileValues,
  serialize,
  stripComment,
  throwIfInvalid,
} from './ini.js';

/** Profile names Torque will create: the characters the SDK accepts in `[profile name]`. */
export const PROFILE_NAME = /^[\w\-@+.%:/]+$/;
const KEY_NAME = /^[a-z0-9_]+$/;

export type KeyChanges = Record<string, string | null>;

interface RawLine {
  text: string;
  eol: Eol;
}

export class IniEditor {
  #doc: IniDocument;

  constructor(doc: IniDocument) {
    throwIfInvalid(doc);
    this.#doc = doc;
  }

  get document(): IniDocument {
    return this.#doc;
  }

  toString(): string {
    return serialize(this.#doc);
  }

  /** Sets (string) or removes (null) keys of a profile, creating its section when needed. */
  setKeys(profile: string, changes: KeyChanges): this {
    for (const [key, value] of Object.entries(changes)) {
      checkKey(key);
      if (value === null) this.#removeKey(profile, key);
      else this.#setKey(profile, key, checkValue(key, value));
    }
    return this;
  }

  /** Removes every section of a profile in this file. Lines outside those sections stay. */
  removeProfile(profile: string): this {
    const sections = profileSections(this.#doc, profile, true);
    let lines = rawLines(this.#doc);
    const finalNewline = lines[lines.length - 1]!.text === '';
    for (const index of [...sections].reverse()) {
      const { headerLine, lastContentLine } = this.#doc.sections[index]!;
      const reachesEnd = lastContentLine >= lines.length - 1 || onlyBlankAfter(lines, lastContentLine);
      lines.splice(headerLine, lastContentLine - headerLine + 1);
      if (reachesEnd) {
        lines = trimEnd(lines, finalNewline, this.#doc.eol);
      } else if (isBlank(lines[headerLine]) && (headerLine === 0 || isBlank(lines[headerLine - 1]))) {
        lines.splice(headerLine, 1); // no double blank line where the section was
      }
    }
    this.#reparse(lines);
    if (profileValues(this.#doc).has(profile)) {
      throw internal(`profile ${profile} is still present after removal`);
    }
    return this;
  }

  #setKey(profile: string, key: string, value: string): void {
    const sections = profileSections(this.#doc, profile);
    if (sections.length === 0) {
      this.#appendSection(profile, key, value);
    } else {
      const existing = this.#keyLines(sections, key);
      const lines = rawLines(this.#doc);
      const last = existing[existing.length - 1];
      if (last !== undefined) {
        const line = this.#doc.lines[last]!;
        if (line.opensSubsection && this.#doc.lines[last + 1]?.nested) {
          throw new TorqueError(
            'INVALID_EDIT',
            `${this.#doc.file} line ${last + 1}: "${key}" holds nested settings; edit it by hand`,
            { file: this.#doc.file, line: last + 1 },
          );
        }
        lines[last] = { text: replaceValue(line, key, value), eol: line.eol };
      } else {
        const section = this.#doc.sections[sections[sections.length - 1]!]!;
        const at = section.lastContentLine;
        const text = styledKeyLine(this.#doc, section.headerLine, at, key, value);
        insertAfter(lines, at, [text], this.#doc.eol);
      }
      this.#reparse(lines);
    }
    const now = profileValues(this.#doc).get(profile);
    if (now?.[key] !== value) throw internal(`${key} of ${profile} did not take the new value`);
  }

  #removeKey(profile: string, key: string): void {
    const sections = profileSections(this.#doc, profile, true);
    const doomed = new Set<number>();
    for (const index of this.#keyLines(sections, key)) {
      doomed.add(index);
      // Lines that belong to the key go with it: nested settings and continuation lines.
      for (let next = index + 1; next < this.#doc.lines.length; next++) {
        const line = this.#doc.lines[next]!;
        if (line.nested || line.type === 'continuation') doomed.add(next);
        else break;
      }
    }
    if (doomed.size === 0) return;
    const lines = rawLines(this.#doc);
    const lastIndex = lines.length - 1;
    const kept = lines.filter((_, i) => !doomed.has(i));
    if (doomed.has(lastIndex)) {
      // The file ended on a removed line: the new last line keeps the old "no final newline" shape.
      kept[kept.length - 1] = { ...kept[kept.length - 1]!, eol: '' };
    }
    this.#reparse(kept.length === 0 ? [{ text: '', eol: '' }] : kept);
    const now = profileValues(this.#doc).get(profile);
    if (now !== undefined && key in now) throw internal(`${key} of ${profile} is still present`);
  }

  /** Top-level key lines of the given sections whose key matches case-insensitively. */
  #keyLines(sections: number[], key: string): number[] {
    const wanted = new Set(sections);
    const out: number[] = [];
    this.#doc.lines.forEach((line, index) => {
      if (line.type === 'key' && !line.nested && wanted.has(line.section) && line.key!.toLowerCase() === key) {
        out.push(index);
      }
    });
    return out;
  }

  #appendSection(profile: string, key: string, value: string): void {
    if (!PROFILE_NAME.test(profile) || profile === '__proto__') {
      throw new TorqueError(
        'INVALID_EDIT',
        `"${profile}" is not a usable profile name: use letters, digits and - _ . @ + % : /`,
      );
    }
    const header =
      this.#doc.kind === 'config' && profile !== 'default' ? `[profile ${profile}]` : `[${profile}]`;
    const lines = rawLines(this.#doc);
    const block = [header, `${key} = ${value}`];
    const lastContent = findLastIndex(lines, (line) => line.text.trim() !== '');
    if (lastContent >= 0 && lastContent === lines.length - 1) block.unshift('');
    else if (lastContent >= 0 && lastContent === lines.length - 2 && lines[lines.length - 1]!.text === '') {
      block.unshift('');
    }
    const finalNewline = lines[lines.length - 1]!.text === '';
    if (finalNewline) {
      lines.splice(lines.length - 1, 0, ...block.map((text) => ({ text, eol: this.#doc.eol })));
    } else {
      lines[lines.length - 1] = { ...lines[lines.length - 1]!, eol: this.#doc.eol };
      block.forEach((text, i) => lines.push({ text, eol: i === block.length - 1 ? '' : this.#doc.eol }));
    }
    this.#reparse(lines);
  }

  #reparse(lines: RawLine[]): void {
    const doc = parseIni(serialize({ bom: this.#doc.bom, lines: lines as IniLine[] }), this.#doc.file, this.#doc.kind);
    if (doc.errors.length > 0) throw internal(`the edit made line ${doc.errors[0]!.line} unreadable`);
    this.#doc = doc;
  }
}

function rawLines(doc: IniDocument): RawLine[] {
  return doc.lines.map(({ text, eol }) => ({ text, eol }));
}

function isBlank(line: RawLine | undefined): boolean {
  return line !== undefined && line.text.trim() === '';
}

function onlyBlankAfter(lines: RawLine[], index: number): boolean {
  return lines.slice(index + 1).every((line) => line.text.trim() === '');
}

function trimEnd(lines: RawLine[], finalNewline: boolean, eol: '\n' | '\r\n'): RawLine[] {
  const out = [...lines];
  while (out.length > 0 && out[out.length - 1]!.text.trim() === '') out.pop();
  if (out.length === 0) return [{ text: '', eol: '' }];
  if (finalNewline) {
    out[out.length - 1] = { ...out[out.length - 1]!, eol: out[out.length - 1]!.eol || eol };
    out.push({ text: '', eol: '' });
  } else {
    out[out.length - 1] = { ...out[out.length - 1]!, eol: '' };
  }
  return out;
}

function insertAfter(lines: RawLine[], index: number, texts: string[], eol: '\n' | '\r\n'): void {
  const anchor = lines[index]!;
  if (anchor.eol === '') {
    // Inserting after the last line of a file without a final newline: keep it without one.
    lines[index] = { ...anchor, eol };
    lines.splice(index + 1, 0, ...texts.map((text, i) => ({ text, eol: i === texts.length - 1 ? ('' as Eol) : eol })));
  } else {
    lines.splice(index + 1, 0, ...texts.map((text) => ({ text, eol })));
  }
}

function findLastIndex<T>(items: T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

/** Rewrites the value (and lowercases the key) of a key line, keeping every other character. */
function replaceValue(line: IniLine, key: string, value: string): string {
  const text = line.text;
  const eq = text.indexOf('=');
  const keyAt = text.indexOf(line.key!);
  let valueAt = eq + 1;
  while (valueAt < text.length && /\s/.test(text[valueAt]!)) valueAt++;
  const rest = line.value === '' ? text.slice(valueAt) : text.slice(valueAt + line.value!.length);
  const before = text.slice(0, keyAt) + key + text.slice(keyAt + line.key!.length, valueAt);
  const spacer = line.value === '' && !/\s$/.test(before) ? ' ' : '';
  return before + spacer + value + rest;
}

/** A new key line written like the last key above it (indentation and spacing around "="). */
function styledKeyLine(doc: IniDocument, header: number, after: number, key: string, value: string): string {
  let indent = '';
  let separator = ' = ';
  for (let i = after; i > header; i--) {
    const line = doc.lines[i]!;
    if (line.type !== 'key' || line.nested || line.opensSubsection) continue;
    const text = line.text;
    const keyAt = text.indexOf(line.key!);
    const eq = text.indexOf('=');
    let valueAt = eq + 1;
    while (valueAt < text.length && /\s/.test(text[valueAt]!)) valueAt++;
    indent = text.slice(0, keyAt);
    separator = text.slice(keyAt + line.key!.length, valueAt);
    break;
  }
  const anchor = doc.lines[after]!;
  // An indented line after a sub-section would be read as part of it.
  if (anchor.nested || anchor.opensSubsection || anchor.type === 'continuation') indent = '';
  return `${indent}${key}${separator}${value}`;
}

function checkKey(key: string): void {
  if (!KEY_NAME.test(key)) throw new TorqueError('INVALID_EDIT', `"${key}" is not a valid key name`);
}

function checkValue(key: string, value: string): string {
  if (
    value === '' ||
    value !== value.trim() ||
    /[\r\n\x00-\x1f\x7f]/.test(value) ||
    stripComment(value) !== value
  ) {
    throw new TorqueError(
      'INVALID_EDIT',
      `the value for "${key}" cannot be written safely (empty, spaces at the ends, a control character or a comment marker)`,
    );
  }
  return value;
}

function internal(what: string): TorqueError {
  return new TorqueError('INVALID_EDIT', `internal error in the file editor: ${what}; nothing was written`);
}
