/**
 * A line-exact reader for the AWS shared files.
 *
 * What a line means follows the AWS SDK for JavaScript's `parseIni` (@smithy/shared-ini-file-loader):
 * the same comment rule, section-name rule, sub-section rule and "last value wins" merging, so a file
 * reads here exactly as the SDK reads it (test/files/sdk-parity.test.ts checks this against the SDK).
 * Unlike the SDK, which silently skips lines it cannot use, this reader reports them as errors: a file
 * Torque cannot read with certainty is a file Torque must not write. Lines keep their exact bytes and
 * line endings so that the editor (edit.ts) can change one line and leave every other byte alone.
 */

import { TorqueError } from '../errors.js';

export type FileKind = 'credentials' | 'config';
export type Eol = '' | '\n' | '\r\n';

export interface IniIssue {
  line: number; // 1-based
  message: string;
}

export interface IniLine {
  text: string;
  eol: Eol;
  type: 'blank' | 'comment' | 'section' | 'key' | 'continuation' | 'invalid';
  /** Index into `sections` of the section this line belongs to, -1 before the first header. */
  section: number;
  /** For key lines: the key as written, trimmed. */
  key?: string;
  /** For key lines: the SDK's key, `sub.key` inside a sub-section. */
  fullKey?: string;
  value?: string;
  /** Key line with an empty value: the SDK starts a sub-section (`s3 =` followed by indented keys). */
  opensSubsection?: boolean;
  /** Key line that belongs to a sub-section. */
  nested?: boolean;
}

export interface IniSection {
  /** Text between the brackets, as the SDK sees it (comment removed, trimmed line). */
  rawName: string;
  /** The SDK's map key for this section (`profile.dev`, `default`, `sso-session.corp`), or undefined when the SDK ignores it. */
  sdkName: string | undefined;
  headerLine: number; // 0-based index into lines
  /** Index of the last key or continuation line of the section (the header itself when empty). */
  lastContentLine: number;
}

export interface IniDocument {
  file: string;
  kind: FileKind;
  bom: boolean;
  /** The last element always has eol ''; the file ends with a newline when its text is ''. */
  lines: IniLine[];
  sections: IniSection[];
  /** The SDK's view: section map key -> key -> value. Null-prototype objects throughout. */
  values: Map<string, Record<string, string>>;
  /** The line ending used for new lines: CRLF when the file mostly uses it. */
  eol: '\n' | '\r\n';
  errors: IniIssue[];
  warnings: IniIssue[];
}

// The SDK's rules, restated so that the reader can also say where a line is and why it is refused.
const SECTION_PREFIX = /^([\w-]+)\s(["'])?([\w\-@+.%:/]+)\2$/;
const SECTION_TYPES = new Set(['profile', 'sso-session', 'services']);
const COMMENT = /(^|\s)[;#]/;
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const BLOCKED_NAMES = new Set(['__proto__', 'profile __proto__']);

/** Mirrors the SDK: everything from a `#` or `;` at line start or after whitespace is a comment. */
export function stripComment(text: string): string {
  const comment = text.search(COMMENT);
  return (comment === -1 ? text : text.slice(0, comment)).trim();
}

/** The SDK's map key for a section name, or undefined when the SDK ignores the section. */
export function sdkSectionName(rawName: string): string | undefined {
  const match = SECTION_PREFIX.exec(rawName);
  if (!match) return rawName;
  return SECTION_TYPES.has(match[1]!) ? `${match[1]}.${match[3]}` : undefined;
}

export function splitLines(text: string): { text: string; eol: Eol }[] {
  const out: { text: string; eol: Eol }[] = [];
  const re = /\r?\n/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ text: text.slice(start, m.index), eol: m[0] as Eol });
    start = m.index + m[0].length;
  }
  out.push({ text: text.slice(start), eol: '' });
  return out;
}

/** A name for a message: never a long token, which could be a secret pasted in the wrong place. */
export function quote(name: string): string {
  return name.length <= 32 ? `"${name}"` : `(a ${name.length}-character text)`;
}

function isIndented(text: string): boolean {
  return text.trimStart() !== text;
}

function invalid(doc: IniDocument, line: IniLine, lineNo: number, message: string): void {
  line.type = 'invalid';
  doc.errors.push({ line: lineNo, message });
}

/** Parses the text of a file (BOM already removed or not). Never throws: problems land in errors. */
export function parseIni(input: string, file: string, kind: FileKind): IniDocument {
  const bom = input.startsWith('\ufeff');
  const text = bom ? input.slice(1) : input;
  const raw = splitLines(text);
  const hasControl = CONTROL.test(text);
  const doc: IniDocument = {
    file,
    kind,
    bom,
    lines: [],
    sections: [],
    values: new Map(),
    eol: '\n',
    errors: [],
    warnings: [],
  };
  let crlf = 0;
  let lf = 0;
  let subsection: string | undefined;
  const firstHeader = new Map<string, number>();
  const keyLines = new Map<string, Map<string, number>>();

  for (const [i, { text: lineText, eol }] of raw.entries()) {
    if (eol === '\r\n') crlf++;
    else if (eol === '\n') lf++;
    const lineNo = i + 1;
    const sectionIndex = doc.sections.length - 1;
    const line: IniLine = { text: lineText, eol, type: 'blank', section: sectionIndex };
    doc.lines.push(line);

    if (hasControl && CONTROL.test(lineText)) {
      invalid(doc, line, lineNo, 'the line holds control characters or binary data');
      continue;
    }
    const stripped = stripComment(lineText);
    if (stripped === '') {
      line.type = lineText.trim() === '' ? 'blank' : 'comment';
      continue;
    }

    if (stripped.startsWith('[')) {
      if (!stripped.endsWith(']')) {
        invalid(doc, line, lineNo, 
          stripped.includes(']')
            ? `unexpected text after "]" in section header ${quote(stripped)}`
            : `section header ${quote(stripped)} is not closed with "]"`,
        );
        continue;
      }
      const rawName = stripped.slice(1, -1);
      if (rawName.trim() === '') {
        invalid(doc, line, lineNo, 'empty section name "[]"');
        continue;
      }
      if (/[[\]]/.test(rawName)) {
        invalid(doc, line, lineNo, `section name ${quote(rawName)} contains a bracket`);
        continue;
      }
      const sdkName = sdkSectionName(rawName);
      if (BLOCKED_NAMES.has(rawName) || rawName.trim() === '__proto__' || sdkName?.endsWith('.__proto__')) {
        invalid(doc, line, lineNo, `the profile name "__proto__" is not allowed (AWS SDKs refuse it)`);
        continue;
      }
      line.type = 'section';
      line.section = doc.sections.length;
      doc.sections.push({ rawName, sdkName, headerLine: i, lastContentLine: i });
      subsection = undefined;
      if (sdkName === undefined) {
        doc.warnings.push({ line: lineNo, message: `section [${rawName}] is ignored by AWS SDKs (a profile is [name] in credentials, [profile name] in config)` });
      } else {
        const seen = firstHeader.get(sdkName);
        if (seen !== undefined) {
          doc.warnings.push({
            line: lineNo,
            message: `duplicate section [${rawName}] (first on line ${seen}); AWS SDKs merge the two, the AWS CLI refuses the file`,
          });
        } else {
          firstHeader.set(sdkName, lineNo);
        }
      }
      continue;
    }

    const eq = stripped.indexOf('=');
    const section = doc.sections[sectionIndex];
    if (eq === -1) {
      const previous = doc.lines[i - 1];
      if (
        isIndented(lineText) &&
        section &&
        (previous?.type === 'key' || previous?.type === 'continuation')
      ) {
        line.type = 'continuation';
        section.lastContentLine = i;
        doc.warnings.push({ line: lineNo, message: 'indented line without "=" is ignored by AWS SDKs for JavaScript' });
        continue;
      }
      invalid(doc, line, lineNo, 'the line is not a [section] header, a "key = value" setting or a comment');
      continue;
    }
    if (eq === 0) {
      invalid(doc, line, lineNo, 'a setting has no name before "="');
      continue;
    }
    if (!section) {
      invalid(doc, line, lineNo, `setting ${quote(stripped.slice(0, eq).trim())} comes before the first [section] header`);
      continue;
    }
    const key = stripped.slice(0, eq).trim();
    const value = stripped.slice(eq + 1).trim();
    if (key === '__proto__') {
      invalid(doc, line, lineNo, 'the key name "__proto__" is not allowed');
      continue;
    }
    line.type = 'key';
    line.key = key;
    line.value = value;
    section.lastContentLine = i;
    if (value === '') {
      // The SDK treats `name =` as the start of a sub-section and stores nothing for it.
      line.opensSubsection = true;
      line.fullKey = key;
      subsection = key;
      continue;
    }
    if (subsection !== undefined && !isIndented(lineText)) subsection = undefined;
    line.nested = subsection !== undefined;
    const fullKey = subsection === undefined ? key : `${subsection}.${key}`;
    line.fullKey = fullKey;
    if (!line.nested && key !== key.toLowerCase()) {
      doc.warnings.push({
        line: lineNo,
        message: `key ${quote(key)} has capital letters: AWS SDKs for JavaScript ignore it, the AWS CLI reads it in lowercase`,
      });
    }
    if (section.sdkName === undefined) continue;
    let entries = doc.values.get(section.sdkName);
    if (!entries) {
      entries = Object.create(null) as Record<string, string>;
      doc.values.set(section.sdkName, entries);
    }
    let lineOfKey = keyLines.get(section.sdkName);
    if (!lineOfKey) keyLines.set(section.sdkName, (lineOfKey = new Map()));
    const earlier = lineOfKey.get(fullKey);
    if (earlier !== undefined) {
      doc.warnings.push({
        line: lineNo,
        message: `duplicate key ${quote(fullKey)} in [${section.rawName}] (first on line ${earlier}); the last one is used`,
      });
    } else {
      lineOfKey.set(fullKey, lineNo);
    }
    entries[fullKey] = value;
  }
  doc.eol = crlf > lf ? '\r\n' : '\n';
  return doc;
}

/** The bytes of a document, exactly as read when nothing was changed. */
export function serialize(doc: Pick<IniDocument, 'bom' | 'lines'>): string {
  let out = doc.bom ? '\ufeff' : '';
  for (const line of doc.lines) out += line.text + line.eol;
  return out;
}

/**
 * The profiles a file defines, by profile name, the way the SDK's loader names them:
 * credentials sections by their name; config `[default]` and `[profile x]` (a `[profile default]` replaces `[default]`).
 */
export function profileValues(doc: IniDocument): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  if (doc.kind === 'credentials') {
    for (const [name, values] of doc.values) out.set(name, values);
    return out;
  }
  const fallback = doc.values.get('default');
  if (fallback) out.set('default', fallback);
  for (const [name, values] of doc.values) {
    if (name.startsWith('profile.')) out.set(name.slice('profile.'.length), values);
  }
  return out;
}

/**
 * Indexes of the sections of a profile, in file order. By default the sections in effect, where a
 * change must go; with `all`, every section the SDK could read the profile from (in config both
 * `[default]` and `[profile default]`), where a removal must look.
 */
export function profileSections(doc: IniDocument, profile: string, all = false): number[] {
  let names: string[];
  if (doc.kind === 'credentials') names = [profile];
  else if (profile !== 'default') names = [`profile.${profile}`];
  else if (all) names = ['default', 'profile.default'];
  else {
    // The SDK lets [profile default] replace [default] only when it holds a setting.
    const override = doc.values.has('profile.default') || !doc.sections.some((s) => s.sdkName === 'default');
    names = [override ? 'profile.default' : 'default'];
  }
  const out: number[] = [];
  doc.sections.forEach((section, index) => {
    if (section.sdkName !== undefined && names.includes(section.sdkName)) out.push(index);
  });
  return out;
}

/** A document with errors must never be written: this throws the first error, naming file and line. */
export function throwIfInvalid(doc: IniDocument): void {
  if (doc.errors.length === 0) return;
  const first = doc.errors[0]!;
  const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more problem${doc.errors.length > 2 ? 's' : ''})` : '';
  throw new TorqueError(
    'FILE_PARSE',
    `${doc.file} line ${first.line}: ${first.message}${more}. Torque has not changed the file; fix the line and try again.`,
    { file: doc.file, line: first.line },
  );
}
