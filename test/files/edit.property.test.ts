/**
 * Property: over generated files in every style and random edits, the bytes outside the edit are
 * equal, the edited profile reads back exactly as asked, and every other profile reads as before.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IniEditor } from '../../server/files/edit.js';
import { type FileKind, parseIni, profileValues } from '../../server/files/ini.js';
import { iniFile } from './arbitraries.js';
import { lineDiff } from './diff.js';

const snapshot = (text: string, kind: FileKind) =>
  new Map([...profileValues(parseIni(text, 'p', kind))].map(([name, values]) => [name, { ...values }]));

describe('editing generated files', () => {
  it('changes only the edited lines and reads back as asked (property)', () => {
    fc.assert(
      fc.property(
        iniFile(),
        fc.constantFrom<FileKind>('credentials', 'config'),
        fc.nat(),
        fc.nat(),
        fc.oneof(fc.constant(null), fc.stringMatching(/^[A-Za-z0-9/+]{1,40}$/)),
        (file, kind, pickProfile, pickKey, value) => {
          const before = snapshot(file.text, kind);
          const names = [...before.keys(), 'brand-new'];
          const profile = names[pickProfile % names.length]!;
          const keys = [...Object.keys(before.get(profile) ?? {}).filter((k) => /^[a-z0-9_]+$/.test(k)), 'fresh_key'];
          const key = keys[pickKey % keys.length]!;
          const editor = new IniEditor(parseIni(file.text, 'p', kind));
          editor.setKeys(profile, { [key]: value });
          const text = editor.toString();

          const after = snapshot(text, kind);
          const expected = { ...(before.get(profile) ?? {}) };
          if (value === null) delete expected[key];
          else expected[key] = value;
          if (Object.keys(expected).length > 0) assert.deepEqual(after.get(profile), expected);
          for (const [name, values] of before) if (name !== profile) assert.deepEqual(after.get(name), values);

          const diff = lineDiff(file.text, text);
          const existed = key in (before.get(profile) ?? {});
          if (value !== null && existed) {
            assert.equal(diff.inserted.length + diff.removed.length, 0);
            assert.ok(diff.changed.length <= 1);
          } else if (value !== null) {
            assert.equal(diff.removed.length, 0);
            // A new key is one line; a new section adds at most a blank line and its header; a last
            // line without a newline gains one.
            assert.ok(diff.inserted.length + diff.changed.length <= 4, JSON.stringify(diff));
            for (const change of diff.changed) assert.ok(change.after.startsWith(change.before.replace(/\r?\n$/, '')));
          } else if (existed) {
            // A removed key takes its own line only (this generator makes no continuation lines).
            assert.equal(diff.inserted.length, 0);
            assert.equal(diff.removed.length, 1, JSON.stringify(diff));
            for (const change of diff.changed) assert.equal(change.after, change.before.replace(/\r?\n$/, ''));
          } else {
            assert.equal(text, file.text, 'removing a key that is not there changes nothing');
          }
          assert.equal(text.startsWith('\ufeff'), file.text.startsWith('\ufeff'));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
