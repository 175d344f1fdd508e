/** The profile model: kinds, merging across files, shared keys, session profile names, MFA devices, warnings. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIni } from '../../server/files/ini.js';
import { buildProfiles, type Profile } from '../../server/files/profiles.js';

function profiles(credentials: string, config = ''): Map<string, Profile> {
  const set = buildProfiles(parseIni(credentials, 'credentials', 'credentials'), parseIni(config, 'config', 'config'));
  return new Map(set.profiles.map((p) => [p.name, p]));
}

const KEY = 'aws_access_key_id = AKIAEXAMPLEKEY000001\naws_secret_access_key = s3cr3t';

describe('profile kinds', () => {
  const cases: [string, string, string, Profile['kind']][] = [
    ['long-term key', `[p]\n${KEY}\n`, '', 'static'],
    ['session token', `[p]\n${KEY}\naws_session_token = tok\n`, '', 'session'],
    ['role with source_profile', '', '[profile p]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = q\n[profile q]\nregion = x\n', 'role'],
    ['role with credential_source', '', '[profile p]\nrole_arn = arn:aws:iam::1:role/R\ncredential_source = Environment\n', 'role'],
    ['role wins over keys, as in the SDK', `[p]\n${KEY}\n`, '[profile p]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = p\n', 'role'],
    ['credential_process', '', '[profile p]\ncredential_process = /bin/creds\n', 'process'],
    ['sso session', '', '[profile p]\nsso_session = corp\nsso_account_id = 1\n', 'sso'],
    ['legacy sso', '', '[profile p]\nsso_start_url = https://x\n', 'sso'],
    ['key id without secret', '[p]\naws_access_key_id = AKIAEXAMPLEKEY000001\n', '', 'incomplete'],
    ['only a region', '', '[profile p]\nregion = eu-west-1\n', 'incomplete'],
    ['a secret in the key id line', '[p]\naws_access_key_id = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\naws_secret_access_key = AKIAIOSFODNN7EXAMPLE\n', '', 'incomplete'],
    ['role_arn alone', '', '[profile p]\nrole_arn = arn:aws:iam::1:role/R\n', 'incomplete'],
  ];
  for (const [name, credentials, config, kind] of cases) {
    it(`${name} → ${kind}`, () => assert.equal(profiles(credentials, config).get('p')!.kind, kind));
  }
});

describe('merging and relations', () => {
  it('merges a profile across both files, credentials-file keys winning', () => {
    const p = profiles('[dev]\nregion = from-credentials\n' + KEY + '\n', '[profile dev]\nregion = from-config\nmfa_serial = arn:aws:iam::1:mfa/dev\n').get('dev')!;
    assert.equal(p.region, 'from-credentials');
    assert.equal(p.mfaSerial, 'arn:aws:iam::1:mfa/dev');
    assert.equal(p.kind, 'static');
  });

  it('finds the profiles that share one key', () => {
    const all = profiles(`[a]\n${KEY}\n[b]\n${KEY}\n[c]\naws_access_key_id = AKIAOTHER00000000001\naws_secret_access_key = x\n`);
    assert.deepEqual(all.get('a')!.sharesKeyWith, ['b']);
    assert.deepEqual(all.get('b')!.sharesKeyWith, ['a']);
    assert.deepEqual(all.get('c')!.sharesKeyWith, []);
  });

  it('names the session profile: <name>-mfa, torque_session_profile, or the -long-term layout', () => {
    const all = profiles(`[a]\n${KEY}\n[b-long-term]\n${KEY}\n[c]\n${KEY}\n`, '[profile c]\ntorque_session_profile = c-session\n');
    assert.equal(all.get('a')!.sessionProfile, 'a-mfa');
    assert.equal(all.get('b-long-term')!.sessionProfile, 'b');
    assert.equal(all.get('c')!.sessionProfile, 'c-session');
  });

  it('reports when a session expires, on the session and on its owner', () => {
    const all = profiles(`[a]\n${KEY}\n[a-mfa]\n${KEY}\naws_session_token = t\nexpiration = 2030-01-02T03:04:05Z\n`);
    assert.equal(all.get('a-mfa')!.expiresAt, '2030-01-02T03:04:05.000Z');
    assert.equal(all.get('a')!.expiresAt, '2030-01-02T03:04:05.000Z');
    assert.equal(all.get('a-mfa')!.sessionProfile, null);
  });

  it('finds the MFA device through the source_profile chain', () => {
    const all = profiles(`[base]\n${KEY}\n`, '[profile base]\nmfa_serial = arn:aws:iam::1:mfa/me\n[profile admin]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = base\n[profile chained]\nrole_arn = arn:aws:iam::2:role/B\nsource_profile = admin\n');
    assert.equal(all.get('chained')!.mfaSerial, 'arn:aws:iam::1:mfa/me');
    assert.equal(all.get('chained')!.sourceProfile, 'admin');
    assert.equal(all.get('chained')!.roleArn, 'arn:aws:iam::2:role/B');
  });

  it('warns about what will not work', () => {
    const all = profiles(
      '[temp]\naws_access_key_id = ASIATEMP000000000001\naws_secret_access_key = x\n[half]\naws_access_key_id = AKIAHALF000000000001\n',
      '[profile orphan]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = missing\n[profile loop1]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = loop2\n[profile loop2]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = loop1\n',
    );
    assert.match(all.get('temp')!.warnings.join(), /temporary key/);
    assert.match(all.get('half')!.warnings.join(), /no aws_secret_access_key/);
    assert.match(all.get('orphan')!.warnings.join(), /source_profile "missing" does not exist/);
    assert.match(all.get('loop1')!.warnings.join(), /loops/);
  });

  it('never shows what is in aws_access_key_id unless it is shaped like a key id', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const p = profiles(`[swapped]\naws_access_key_id = ${secret}\naws_secret_access_key = AKIAIOSFODNN7EXAMPLE\n`).get('swapped')!;
    assert.equal(p.accessKeyId, null);
    assert.ok(!JSON.stringify(p).includes(secret));
    assert.match(p.warnings.join(), /not an AWS access key id/);
  });

  it('attributes file warnings to the profile whose section holds them', () => {
    const set = buildProfiles(parseIni('[a]\nx = 1\nx = 2\n[b]\ny = 1\n', 'creds', 'credentials'), parseIni('[odd one]\nx = 1\n', 'cfg', 'config'));
    const a = set.profiles.find((p) => p.name === 'a')!;
    assert.match(a.warnings.join(), /creds line 3: duplicate key "x"/);
    assert.match(set.warnings.join(), /cfg line 1: section \[odd one\] is ignored/);
  });
});
