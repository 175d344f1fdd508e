/** fast-check generators of valid AWS files in every style the editor must preserve. */
import fc from 'fast-check';

export interface GeneratedFile {
  text: string;
  /** Section names as written between the brackets. */
  sections: string[];
}

const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);
const keyName = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/).filter((k) => k !== '__proto__');
const value = fc.stringMatching(/^[A-Za-z0-9/+=:.@-][A-Za-z0-9/+=:.@#;-]{0,20}$/);
const space = fc.constantFrom('', ' ', '  ', '\t');
const comment = fc.tuple(fc.constantFrom('#', ';'), fc.stringMatching(/^[ a-z0-9=[\]#;]{0,15}$/)).map(([m, t]) => m + t);

const keyLine = fc
  .tuple(space, keyName, space, space, value, fc.option(comment, { nil: undefined }))
  .map(([indent, k, s1, s2, v, c]) => `${indent}${k}${s1}=${s2}${v}${c === undefined ? '' : ` ${c}`}`);
const filler = fc.oneof(fc.constant(''), comment, space.map((s) => s + ''), space.chain((s) => comment.map((c) => s + c)));

const section = fc
  .tuple(
    fc.constantFrom('', 'profile ', 'sso-session ', 'services '),
    name,
    space,
    fc.option(comment, { nil: undefined }),
    fc.array(fc.oneof({ weight: 3, arbitrary: keyLine }, { weight: 1, arbitrary: filler }), { maxLength: 6 }),
  )
  .map(([prefix, n, trail, c, body]) => ({
    header: `[${prefix}${n}]${trail}${c === undefined ? '' : ` ${c}`}`,
    name: `${prefix}${n}`,
    body,
  }));

export function iniFile(): fc.Arbitrary<GeneratedFile> {
  return fc
    .tuple(
      fc.array(filler, { maxLength: 3 }),
      fc.array(section, { minLength: 1, maxLength: 5 }),
      fc.constantFrom('\n', '\r\n'),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([preamble, sections, eol, bom, finalNewline]) => {
      const lines = [...preamble, ...sections.flatMap((s) => [s.header, ...s.body])];
      const text = (bom ? '\ufeff' : '') + lines.join(eol) + (finalNewline ? eol : '');
      return { text, sections: sections.map((s) => s.name) };
    });
}
