/** The format-preserving editor: every edit changes only the lines it must, over a corpus of real-looking files. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IniEditor } from '../../server/files/edit.js';
import { parseIni, profileSections, profileValues, splitLines } from '../../server/files/ini.js';
import { corpus } from '../helpers/corpus.js';
import { lineDiff } from './diff.js';

function edit(text: string, kind: 'credentials' | 'config', change: (editor: IniEditor) => void): string {
  const editor = new IniEditor(parseIni(text, 'test', kind));
  change(editor);
  return editor.toString();
}

function reread(text: string, kind: 'credentials' | 'config') {
  const doc = parseIni(text, 'test', kind);
  assert.deepEqual(doc.errors, []);
  return profileValues(doc);
}

describe('round trips over the corpus', () => {
  for (const file of corpus()) {
    const profiles = [...profileValues(parseIni(file.text, file.path, file.kind))];
    describe(file.name, () => {
      it('unchanged when nothing is edited', () => {
        assert.equal(edit(file.text, file.kind, () => undefined), file.text);
      });

      for (const [profile, values] of profiles) {
        const key = Object.keys(values).find((k) => !k.includes('.') && k === k.toLowerCase());
        if (key === undefined) continue;
        it(`changing ${key} of [${profile}] changes only that line`, () => {
          const after = edit(file.text, file.kind, (e) => e.setKeys(profile, { [key]: 'NEWVALUE123' }));
          const diff = lineDiff(file.text, after);
          assert.equal(diff.changed.length, 1, `one line changed, got ${JSON.stringify(diff)}`);
          assert.equal(diff.inserted.length + diff.removed.length, 0);
          assert.match(diff.changed[0]!.after, /NEWVALUE123/);
          assert.equal(reread(after, file.kind).get(profile)![key], 'NEWVALUE123');
          assert.equal(after.startsWith('\ufeff'), file.text.startsWith('\ufeff'), 'BOM kept');
        });

        it(`adding a key to [${profile}] inserts one line`, () => {
          const after = edit(file.text, file.kind, (e) => e.setKeys(profile, { torque_test_key: 'added' }));
          const diff = lineDiff(file.text, after);
          // After the last line of a file without a final newline, that line must gain one; nothing else may change.
          const gainedNewline = diff.changed.filter((c) => c.after.startsWith(c.before) && /^\r?\n$/.test(c.after.slice(c.before.length)));
          assert.equal(diff.changed.length, gainedNewline.length, JSON.stringify(diff));
          assert.ok(gainedNewline.length === 0 || !/\n$/.test(file.text), 'only a file without a final newline has a line gaining one');
          assert.equal(diff.inserted.length, 1, JSON.stringify(diff));
          assert.equal(reread(after, file.kind).get(profile)!['torque_test_key'], 'added');
          for (const [other, otherValues] of reread(file.text, file.kind)) {
            if (other !== profile) assert.deepEqual({ ...reread(after, file.kind).get(other) }, { ...otherValues });
          }
        });

        it(`removing ${key} from [${profile}] removes only its line`, () => {
          const after = edit(file.text, file.kind, (e) => e.setKeys(profile, { [key]: null }));
          // Every line that sets the key for this profile goes (a duplicate too, or it would take over); nothing else.
          const doc = parseIni(file.text, file.path, file.kind);
          const sections = new Set(profileSections(doc, profile, true));
          const doomed = new Set(doc.lines.flatMap((l, i) => (l.type === 'key' && !l.nested && sections.has(l.section) && l.key!.toLowerCase() === key ? [i] : [])));
          assert.ok(doomed.size >= 1);
          const kept = doc.lines.filter((_, i) => !doomed.has(i)).map(({ text, eol }) => ({ text, eol }));
          // A file without a final newline keeps that shape when its last line goes.
          if (doomed.has(doc.lines.length - 1)) kept[kept.length - 1] = { ...kept[kept.length - 1]!, eol: '' };
          assert.equal(after, (doc.bom ? '\ufeff' : '') + kept.map((l) => l.text + l.eol).join(''));
          assert.equal(key in (reread(after, file.kind).get(profile) ?? {}), false);
        });
      }

      it('a new profile goes at the end, the rest untouched', () => {
        const after = edit(file.text, file.kind, (e) => e.setKeys('torque-new', { aws_access_key_id: 'AKIANEWKEY0000000001' }));
        const before = splitLines(file.text.replace(/^\ufeff/, ''));
        const now = splitLines(after.replace(/^\ufeff/, ''));
        // Every original line is still there, in order, at the start; only a last line without a newline may gain one.
        const finalLine = before[before.length - 1]!;
        const kept = finalLine.text === '' ? before.slice(0, -1) : before;
        for (let i = 0; i < kept.length - 1; i++) assert.deepEqual(now[i], kept[i]);
        if (kept.length > 0) assert.equal(now[kept.length - 1]!.text, kept[kept.length - 1]!.text);
        if (finalLine.text === '' && kept.length > 0) assert.deepEqual(now[kept.length - 1], kept[kept.length - 1]);
        assert.equal(reread(after, file.kind).get('torque-new')!['aws_access_key_id'], 'AKIANEWKEY0000000001');
        const finalNewline = file.text === '' || /\n$/.test(file.text);
        assert.equal(/\n$/.test(after), finalNewline, 'the final-newline style is kept');
        const crlf = /\r\n/.test(file.text);
        if (crlf) assert.doesNotMatch(after.replace(/\r\n/g, ''), /\n/, 'CRLF file stays CRLF');
      });
    });
  }
});

describe('editor rules', () => {
  it('keeps the spacing style of the section for a new key', () => {
    const after = edit('[a]\nx=1\n', 'credentials', (e) => e.setKeys('a', { y: '2' }));
    assert.equal(after, '[a]\nx=1\ny=2\n');
    const tabbed = edit('[a]\n\tx\t=\t1\n', 'credentials', (e) => e.setKeys('a', { y: '2' }));
    assert.equal(tabbed, '[a]\n\tx\t=\t1\n\ty\t=\t2\n');
  });

  it('puts a new key after the last setting, before the blank lines and comments of the next section', () => {
    const after = edit('[a]\nx = 1\n\n# about b\n[b]\n', 'credentials', (e) => e.setKeys('a', { y: '2' }));
    assert.equal(after, '[a]\nx = 1\ny = 2\n\n# about b\n[b]\n');
  });

  it('keeps an inline comment when a value changes and lowercases a capitalised key', () => {
    assert.equal(edit('[a]\nx = 1 # note\n', 'credentials', (e) => e.setKeys('a', { x: '2' })), '[a]\nx = 2 # note\n');
    assert.equal(
      edit('[a]\nAWS_ACCESS_KEY_ID = OLD\n', 'credentials', (e) => e.setKeys('a', { aws_access_key_id: 'NEW' })),
      '[a]\naws_access_key_id = NEW\n',
    );
  });

  it('writes config profiles as [profile x] and default as [default]', () => {
    assert.equal(edit('', 'config', (e) => e.setKeys('dev', { region: 'eu-west-1' })), '[profile dev]\nregion = eu-west-1\n');
    assert.equal(edit('', 'config', (e) => e.setKeys('default', { region: 'eu-west-1' })), '[default]\nregion = eu-west-1\n');
    assert.equal(edit('', 'credentials', (e) => e.setKeys('dev', { region: 'x' })), '[dev]\nregion = x\n');
  });

  it('separates a new section by one blank line and keeps a missing final newline missing', () => {
    assert.equal(edit('[a]\nx = 1', 'credentials', (e) => e.setKeys('b', { y: '2' })), '[a]\nx = 1\n\n[b]\ny = 2');
    assert.equal(edit('[a]\nx = 1\n\n', 'credentials', (e) => e.setKeys('b', { y: '2' })), '[a]\nx = 1\n\n[b]\ny = 2\n');
    assert.equal(edit('[a]\r\nx = 1\r\n', 'credentials', (e) => e.setKeys('b', { y: '2' })), '[a]\r\nx = 1\r\n\r\n[b]\r\ny = 2\r\n');
  });

  it('edits the value that is in effect when a section or key is duplicated, and creates no duplicate', () => {
    const text = '[a]\nx = 1\n[b]\n[a]\nx = 2\n';
    assert.equal(edit(text, 'credentials', (e) => e.setKeys('a', { x: '3' })), '[a]\nx = 1\n[b]\n[a]\nx = 3\n');
    assert.equal(edit(text, 'credentials', (e) => e.setKeys('a', { y: '9' })), '[a]\nx = 1\n[b]\n[a]\nx = 2\ny = 9\n');
    assert.equal(edit(text, 'credentials', (e) => e.setKeys('a', { x: null })), '[a]\n[b]\n[a]\n');
  });

  it('edits [profile default] when it overrides [default] in config', () => {
    const text = '[default]\nregion = a\n[profile default]\nregion = b\n';
    assert.equal(edit(text, 'config', (e) => e.setKeys('default', { region: 'c' })), '[default]\nregion = a\n[profile default]\nregion = c\n');
  });

  it('adds a key after a sub-section without joining it', () => {
    const text = '[default]\ns3 =\n  max_concurrent_requests = 20\n';
    const after = edit(text, 'config', (e) => e.setKeys('default', { region: 'us-east-1' }));
    assert.equal(after, '[default]\ns3 =\n  max_concurrent_requests = 20\nregion = us-east-1\n');
    assert.deepEqual({ ...reread(after, 'config').get('default') }, { 's3.max_concurrent_requests': '20', region: 'us-east-1' });
  });

  it('removes a profile and the blank line it leaves, keeping the comments of its neighbours', () => {
    const text = '# top\n[a]\nx = 1\n\n[b]\ny = 2\n\n# about c\n[c]\nz = 3\n';
    assert.equal(edit(text, 'credentials', (e) => e.removeProfile('b')), '# top\n[a]\nx = 1\n\n# about c\n[c]\nz = 3\n');
    assert.equal(edit(text, 'credentials', (e) => e.removeProfile('c')), '# top\n[a]\nx = 1\n\n[b]\ny = 2\n\n# about c\n');
    assert.equal(edit('[a]\nx = 1\n\n[b]\ny = 2', 'credentials', (e) => e.removeProfile('b')), '[a]\nx = 1');
  });

  it('refuses values that would not read back the same', () => {
    for (const bad of ['', ' padded', 'two\nlines', 'a #comment', '#start', 'tab\there']) {
      assert.throws(() => edit('[a]\n', 'credentials', (e) => e.setKeys('a', { x: bad })), { code: 'INVALID_EDIT' });
    }
    assert.throws(() => edit('', 'credentials', (e) => e.setKeys('bad name', { x: '1' })), { code: 'INVALID_EDIT' });
    assert.throws(() => edit('', 'credentials', (e) => e.setKeys('__proto__', { x: '1' })), { code: 'INVALID_EDIT' });
    assert.throws(() => edit('', 'credentials', (e) => e.setKeys('a', { 'Bad-Key': '1' })), { code: 'INVALID_EDIT' });
  });

  it('refuses to edit a document that has errors', () => {
    assert.throws(() => new IniEditor(parseIni('[a\nx = 1\n', 'f', 'credentials')), { code: 'FILE_PARSE' });
  });
});
