/**
 * The rotation engine (DESIGN.md section 4), used by the CLI and the web app.
 *
 * Per access key (profiles sharing one are rotated once): credentials for IAM → ListAccessKeys and
 * the two-key rule → pending record → CreateAccessKey → one locked atomic write to every profile
 * that held the old key → verify the new key → retire the old key → audit line. Each step that can
 * fail undoes what came before it, so the file always holds a key that works and no key is left in
 * IAM that is neither in the file nor reported.
 */
import type { AccessKeyMetadata } from '@aws-sdk/client-iam';
import { TorqueError, isTorqueError } from '../../errors.js';
import type { AwsFiles } from '../../files/store.js';
import type { AwsClients, AwsCredentials, ProfileTarget } from '../clients.js';
import { call } from '../errors.js';
import { LocalProfiles } from '../local.js';
import { type CodeProvider, MfaBroker } from '../mfa.js';
import { appendAudit } from './audit.js';
import { PendingRotations, type PendingRotation } from './pending.js';
import { type KeyGroup, planRotation } from './plan.js';
import type { RotateEvent, RotateOptions, RotateResult } from './types.js';

export interface RotateDeps {
  store: AwsFiles;
  aws: AwsClients;
  codes: CodeProvider;
  onEvent?: (event: RotateEvent) => void;
  /** How long a new key may take to start working (AWS: seconds; default 60 s). */
  verifyTimeoutMs?: number;
  /** How long to keep trying to delete or deactivate the old key (default 20 s). */
  retireTimeoutMs?: number;
  /** Independent keys rotated at once. */
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
}

const DAY = 24 * 60 * 60 * 1000;
const UNUSED_DAYS = 30;

export interface RotateRun {
  results: RotateResult[];
  /** What needs the user's attention beyond these results (an unfinished earlier rotation). */
  warnings: string[];
  /** Every AWS call made, in order of completion (for the benchmark's call count). */
  calls: string[];
}

export async function rotate(deps: RotateDeps, options: RotateOptions): Promise<RotateRun> {
  const local = new LocalProfiles(await deps.store.read());
  const plan = planRotation(local, options.profiles);
  const emit = deps.onEvent ?? (() => undefined);
  for (const result of plan.early) {
    emit({ profiles: result.profiles, step: result.status === 'skipped' ? 'skipped' : 'failed', message: result.error!.message });
  }
  const mfa = new MfaBroker(deps.aws, deps.codes);
  const calls: string[] = mfa.calls;
  const pending = await new PendingRotations(deps.store.paths.torqueHome).list();
  const results = await mapLimited(plan.groups, deps.concurrency ?? 64, (group) =>
    new KeyRotation(deps, options, local, mfa, group, pending, calls, emit).run(),
  );
  // Interrupted rotations of profiles this run did not touch: said, so they are not forgotten.
  const touched = new Set(plan.groups.flatMap((g) => g.profiles));
  const warnings: string[] = [];
  for (const record of await new PendingRotations(deps.store.paths.torqueHome).list()) {
    if (record.profiles.some((p) => touched.has(p))) continue;
    const message = `a rotation of ${record.profiles.join(', ')} was interrupted on ${record.startedAt.slice(0, 19).replace('T', ' ')}; rotate ${record.profiles[0]} again to finish or clean it up`;
    warnings.push(message);
    emit({ profiles: record.profiles, step: 'cleanup', message });
  }
  return { results: [...plan.early, ...results], calls, warnings };
}

async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One access key's rotation, step by step. */
class KeyRotation {
  readonly #deps: RotateDeps;
  readonly #options: RotateOptions;
  readonly #local: LocalProfiles;
  readonly #mfa: MfaBroker;
  readonly #group: KeyGroup;
  readonly #pending: PendingRotation[];
  readonly #calls: string[];
  readonly #emit: (event: RotateEvent) => void;
  readonly #records: PendingRotations;
  readonly #target: ProfileTarget;
  readonly #notes: string[] = [];
  #newKeyId: string | null = null;

  constructor(
    deps: RotateDeps,
    options: RotateOptions,
    local: LocalProfiles,
    mfa: MfaBroker,
    group: KeyGroup,
    pending: PendingRotation[],
    calls: string[],
    emit: (event: RotateEvent) => void,
  ) {
    this.#deps = deps;
    this.#options = options;
    this.#local = local;
    this.#mfa = mfa;
    this.#group = group;
    this.#pending = pending;
    this.#calls = calls;
    this.#emit = emit;
    this.#records = new PendingRotations(deps.store.paths.torqueHome);
    this.#target = local.target(group.profiles[0]!);
  }

  get #profiles(): string[] {
    return this.#group.profiles;
  }

  #event(step: RotateEvent['step'], message: string): void {
    this.#emit({ profiles: this.#profiles, step, message });
  }

  #result(status: RotateResult['status'], oldKey: RotateResult['oldKey'], error: TorqueError | null): RotateResult {
    return {
      profiles: this.#profiles,
      status,
      oldAccessKeyId: this.#group.accessKeyId,
      newAccessKeyId: this.#newKeyId,
      oldKey,
      error: error ? { code: error.code, message: error.message } : null,
      notes: this.#notes,
    };
  }

  async run(): Promise<RotateResult> {
    this.#event('start', `rotating ${this.#group.accessKeyId}`);
    let release: (() => Promise<void>) | undefined;
    try {
      // One rotation of a key at a time, across every Torque process and web job: a second one working
      // from the same old key could take the first one's new key for a leftover and delete it.
      release = await this.#records.lock(this.#group.accessKeyId, this.#profiles);
      // Waiting for the lock may have taken a while: another run may have rotated this key meanwhile.
      if (!(await this.#heldNow()).has(this.#group.accessKeyId)) {
        const message = `${this.#profiles.join(', ')} no longer hold ${this.#group.accessKeyId}: another Torque rotated it meanwhile; nothing to do`;
        this.#event('skipped', message);
        return this.#result('skipped', null, new TorqueError('FILE_CHANGED', message));
      }
      return await this.#rotate();
    } catch (error) {
      const failure = isTorqueError(error) ? error : new TorqueError('AWS_ERROR', `unexpected error: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      this.#event('failed', failure.message);
      return this.#result('failed', 'kept', failure);
    } finally {
      await release?.();
    }
  }

  async #rotate(): Promise<RotateResult> {
    const longTerm = this.#local.credentials(this.#profiles[0]!)!;
    const iamCredentials = await this.#iamCredentials(longTerm);

    this.#event('keys', 'listing the user’s access keys');
    let keys = await this.#listKeys(iamCredentials);
    const userName = keys[0]?.UserName ?? '';
    if (!keys.some((k) => k.AccessKeyId === this.#group.accessKeyId)) {
      throw new TorqueError(
        'KEY_NOT_IN_IAM',
        `${this.#group.accessKeyId} is not one of IAM user ${userName}'s keys; the profile and its MFA session belong to different users`,
      );
    }

    const recovery = await this.#recover(iamCredentials, keys, longTerm);
    if (recovery.finished) return recovery.finished;
    if (recovery.deleted) keys = await this.#listKeys(iamCredentials);
    await this.#makeRoom(iamCredentials, keys, userName);

    const record: PendingRotation = {
      oldAccessKeyId: this.#group.accessKeyId,
      userName,
      profiles: this.#profiles,
      knownKeyIds: keys.map((k) => k.AccessKeyId!),
      startedAt: new Date().toISOString(),
    };
    await this.#records.save(record);

    this.#event('create', 'creating the new key');
    let created: AwsCredentials;
    try {
      created = await this.#createKey(iamCredentials);
    } catch (error) {
      if (unclear(error)) {
        // AWS may have made the key before its answer was lost: look once, else the record stays for the next run.
        await this.#sweepLostKey(iamCredentials, record);
      } else {
        // A clear refusal: AWS made nothing.
        await this.#records.remove(record.oldAccessKeyId);
      }
      throw error;
    }
    this.#newKeyId = created.accessKeyId;
    await this.#records.save({ ...record, newAccessKeyId: created.accessKeyId });

    this.#event('write', `writing ${created.accessKeyId} to ${this.#profiles.join(', ')}`);
    try {
      await this.#writeKeys(this.#group.accessKeyId, created);
    } catch (error) {
      // Delete the new key only if the file surely does not hold it: a write can fail after its rename.
      const holds = await this.#fileHolds(created.accessKeyId);
      if (holds === false) {
        await this.#discardNewKey(iamCredentials, created.accessKeyId, record.oldAccessKeyId);
        throw error;
      }
      if (holds === undefined) {
        // Neither key may go while nobody knows which one the file holds; the pending record stays.
        this.#notes.push(
          `could not read the file back to see whether it holds the new key ${created.accessKeyId}: both keys were kept; the next rotation of this profile sorts it out`,
        );
        throw error;
      }
      this.#notes.push(`the write reported an error but the file holds the new key (${isTorqueError(error) ? error.message : String(error)})`);
    }

    this.#event('verify', 'waiting for AWS to accept the new key');
    let userArn: string;
    try {
      userArn = await this.#verify(created, userName);
    } catch (error) {
      await this.#restoreOldKey(longTerm, created.accessKeyId);
      await this.#discardNewKey(iamCredentials, created.accessKeyId, record.oldAccessKeyId);
      throw error;
    }

    // For a user without MFA the new key is the surest credential left once the old one goes.
    const retireWith = iamCredentials === longTerm ? created : iamCredentials;
    return this.#retireAndRecord(retireWith, this.#group.accessKeyId, created.accessKeyId, userArn);
  }

  async #retireAndRecord(credentials: AwsCredentials, oldKeyId: string, newKeyId: string, userArn: string, note?: string): Promise<RotateResult> {
    this.#event('retire', `${this.#options.oldKey === 'delete' ? 'deleting' : 'deactivating'} the old key ${oldKeyId}`);
    let oldKey: 'deleted' | 'deactivated' | 'kept';
    let problem: TorqueError | null = null;
    try {
      oldKey = await this.#retire(credentials, oldKeyId);
    } catch (error) {
      oldKey = 'kept';
      const cause = isTorqueError(error) ? error.message : String(error);
      problem = new TorqueError(
        'OLD_KEY_NOT_RETIRED',
        `the new key ${newKeyId} is saved and works, but the old key ${oldKeyId} could not be ${this.#options.oldKey === 'delete' ? 'deleted' : 'deactivated'} (${cause}); run the rotation again or remove it in the IAM console`,
        { cause: error },
      );
    }
    try {
      await appendAudit(this.#deps.store.paths.torqueHome, {
        time: new Date().toISOString(),
        profiles: this.#profiles,
        userArn,
        oldAccessKeyId: oldKeyId,
        newAccessKeyId: newKeyId,
        oldKey,
        ...(note ? { note } : {}),
      });
    } catch (error) {
      // The rotation itself is done; a missing audit line must not make it look undone.
      this.#notes.push(`could not write the audit log (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    await this.#records.remove(oldKeyId);
    if (problem) {
      this.#event('failed', problem.message);
      return this.#result('failed', oldKey, problem);
    }
    this.#event('done', `rotated: ${oldKeyId} → ${newKeyId} (old key ${oldKey})`);
    return this.#result('rotated', oldKey, null);
  }

  /** Step 2: the long-term key, or an MFA session where the user has a device. */
  async #iamCredentials(longTerm: AwsCredentials): Promise<AwsCredentials> {
    const profiles = this.#profiles;
    const configured = profiles.map((p) => this.#local.mfaSerial(p)).find((s) => s !== null) ?? null;
    const serial = configured ?? (await this.#mfa.device(longTerm, this.#target, profiles));
    if (serial === null) return longTerm;
    this.#event('mfa', `MFA session for ${serial}`);
    const stored = this.#local.storedSession(profiles, Date.now());
    return this.#mfa.session(serial, longTerm, this.#target, profiles, { stored });
  }

  async #iam(credentials: AwsCredentials) {
    return this.#deps.aws.iam(credentials, this.#target);
  }

  async #send<T>(action: string, credentials: AwsCredentials, work: () => Promise<T>): Promise<T> {
    this.#calls.push(action);
    return call({ action, accessKeyId: credentials.accessKeyId, profiles: this.#profiles, endpoint: this.#deps.aws.endpoint(action.startsWith('sts') ? 'sts' : 'iam', this.#target) }, work);
  }

  async #listKeys(credentials: AwsCredentials): Promise<AccessKeyMetadata[]> {
    const { ListAccessKeysCommand } = await import('@aws-sdk/client-iam');
    const iam = await this.#iam(credentials);
    const answer = await this.#send('iam:ListAccessKeys', credentials, () => iam.send(new ListAccessKeysCommand({})));
    return answer.AccessKeyMetadata ?? [];
  }

  async #lastUsed(credentials: AwsCredentials, keyId: string): Promise<Date | null> {
    const { GetAccessKeyLastUsedCommand } = await import('@aws-sdk/client-iam');
    const iam = await this.#iam(credentials);
    const answer = await this.#send('iam:GetAccessKeyLastUsed', credentials, () => iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: keyId })));
    return answer.AccessKeyLastUsed?.LastUsedDate ?? null;
  }

  async #deleteKey(credentials: AwsCredentials, keyId: string): Promise<void> {
    const { DeleteAccessKeyCommand } = await import('@aws-sdk/client-iam');
    const iam = await this.#iam(credentials);
    await this.#send('iam:DeleteAccessKey', credentials, () => iam.send(new DeleteAccessKeyCommand({ AccessKeyId: keyId })));
  }

  async #createKey(credentials: AwsCredentials): Promise<AwsCredentials> {
    const { CreateAccessKeyCommand } = await import('@aws-sdk/client-iam');
    const iam = await this.#iam(credentials);
    const answer = await this.#send('iam:CreateAccessKey', credentials, () => iam.send(new CreateAccessKeyCommand({})));
    const key = answer.AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  }

  /** Step 3: with two keys, the one no local profile holds may go, if asked and unused for 30 days. */
  async #makeRoom(credentials: AwsCredentials, keys: AccessKeyMetadata[], userName: string): Promise<void> {
    if (keys.length < 2) return;
    const other = keys.find((k) => k.AccessKeyId !== this.#group.accessKeyId)!;
    const otherId = other.AccessKeyId!;
    const holders = [...this.#local.merged.keys()].filter((p) => this.#local.settings(p)['aws_access_key_id'] === otherId);
    if (holders.length > 0) {
      throw new TorqueError(
        'KEY_LIMIT',
        `IAM user ${userName} already has two keys and both are in your files: ${this.#group.accessKeyId} (${this.#profiles.join(', ')}) and ${otherId} (${holders.join(', ')}). Move those profiles to one key, delete the other key, then rotate`,
      );
    }
    const lastUsed = await this.#lastUsed(credentials, otherId);
    const used = lastUsed ? `last used ${lastUsed.toISOString().slice(0, 10)}` : 'never used';
    const describe = `the other key ${otherId} (${other.Status ?? 'Active'}, ${used}, in no profile)`;
    if (!this.#options.deleteUnused) {
      throw new TorqueError(
        'KEY_LIMIT',
        `IAM user ${userName} already has two access keys, the most AWS allows; ${describe} blocks the rotation. Rotate again with --delete-unused to delete it`,
      );
    }
    if (lastUsed && Date.now() - lastUsed.getTime() < UNUSED_DAYS * DAY) {
      throw new TorqueError(
        'KEY_LIMIT',
        `IAM user ${userName} already has two access keys; ${describe} was used in the last ${UNUSED_DAYS} days, so Torque will not delete it. Find who uses it, or delete it in the IAM console`,
      );
    }
    await this.#deleteKey(credentials, otherId);
    this.#notes.push(`deleted the unused key ${otherId} (${used}) to make room`);
    this.#event('keys', `deleted the unused key ${otherId}`);
  }

  /** Step 5: the new key into every profile that holds the old one, in one locked write. */
  async #writeKeys(expectedKeyId: string, key: AwsCredentials): Promise<void> {
    await this.#deps.store.update('credentials', (editor) => {
      const now = new LocalProfiles({ credentials: editor.document, config: this.#local.snapshot.config });
      for (const profile of this.#profiles) {
        const held = now.settings(profile)['aws_access_key_id'];
        if (held !== expectedKeyId) {
          throw new TorqueError(
            'FILE_CHANGED',
            `${this.#deps.store.paths.credentials} changed while Torque worked: profile "${profile}" no longer holds ${expectedKeyId}; nothing was written, run the rotation again`,
          );
        }
        editor.setKeys(profile, { aws_access_key_id: key.accessKeyId, aws_secret_access_key: key.secretAccessKey });
      }
    });
  }

  /** Whether any profile of the credentials file, read now, holds the key; undefined when it cannot be read. */
  async #fileHolds(keyId: string): Promise<boolean | undefined> {
    try {
      return new LocalProfiles({ credentials: await this.#deps.store.readFile('credentials'), config: this.#local.snapshot.config }).heldKeyIds().has(keyId);
    } catch {
      return undefined;
    }
  }

  /** Step 6: the new key works and belongs to the same user; retried while AWS propagates it. */
  async #verify(key: AwsCredentials, userName: string): Promise<string> {
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const sts = await this.#deps.aws.sts(key, this.#target);
    const sleep = this.#deps.sleep ?? defaultSleep;
    const deadline = Date.now() + (this.#deps.verifyTimeoutMs ?? 60_000);
    let delay = 250;
    let last: unknown;
    for (;;) {
      try {
        const identity = await this.#send('sts:GetCallerIdentity', key, () => sts.send(new GetCallerIdentityCommand({})));
        const arn = identity.Arn ?? '';
        if (arn.split('/').pop() !== userName) {
          throw new TorqueError('VERIFY_FAILED', `the new key ${key.accessKeyId} belongs to ${arn}, not to IAM user ${userName}; the old key was put back`);
        }
        return arn;
      } catch (error) {
        if (isTorqueError(error, 'VERIFY_FAILED')) throw error;
        last = error;
      }
      if (Date.now() + delay > deadline) break;
      await sleep(delay);
      delay = Math.min(delay * 2, 5000);
    }
    const why = isTorqueError(last) ? last.message : String(last);
    throw new TorqueError(
      'VERIFY_FAILED',
      `AWS did not accept the new key ${key.accessKeyId} within ${Math.round((this.#deps.verifyTimeoutMs ?? 60_000) / 1000)} s (${why}); the old key was put back and the new one deleted. Try again later`,
      { cause: last },
    );
  }

  /** After a failed verify: the old key back into the profiles that now hold the new one. */
  async #restoreOldKey(old: AwsCredentials, newKeyId: string): Promise<void> {
    await this.#deps.store.update('credentials', (editor) => {
      const now = new LocalProfiles({ credentials: editor.document, config: this.#local.snapshot.config });
      for (const profile of this.#profiles) {
        if (now.settings(profile)['aws_access_key_id'] !== newKeyId) continue;
        editor.setKeys(profile, { aws_access_key_id: old.accessKeyId, aws_secret_access_key: old.secretAccessKey });
      }
    });
  }

  /** After a failed CreateAccessKey: a key AWS made anyway is in no profile and was never used; delete it. */
  async #sweepLostKey(credentials: AwsCredentials, record: PendingRotation): Promise<void> {
    try {
      for (const id of await this.#leftovers(credentials, record, await this.#listKeys(credentials))) {
        await this.#deleteKey(credentials, id);
        this.#notes.push(`deleted key ${id}, which AWS made although its answer was lost`);
      }
      await this.#records.remove(record.oldAccessKeyId);
    } catch {
      this.#notes.push('if AWS made a key before the call failed, the next rotation of this profile deletes it');
    }
  }

  /**
   * Keys a rotation (this one, or one that died) may have made and nobody has: the key it recorded,
   * or, when it died before recording one, a key created while its CreateAccessKey was under way.
   * Never a key some profile holds now, nor one that was ever used.
   */
  async #leftovers(credentials: AwsCredentials, record: PendingRotation, keys: AccessKeyMetadata[]): Promise<string[]> {
    const held = await this.#heldNow();
    const started = Date.parse(record.startedAt);
    const out: string[] = [];
    for (const key of keys) {
      const id = key.AccessKeyId!;
      if (record.knownKeyIds.includes(id) || held.has(id)) continue;
      if (record.newAccessKeyId !== undefined ? id !== record.newAccessKeyId : !madeDuring(key, started)) continue;
      if (await this.#lastUsed(credentials, id)) {
        this.#notes.push(`key ${id} may come from an interrupted rotation but has been used, so Torque left it alone`);
        continue;
      }
      out.push(id);
    }
    return out;
  }

  /** Key ids the files hold now (read again: another group of this run may have written since). */
  async #heldNow(): Promise<Set<string>> {
    const now = await this.#deps.store.read();
    return new LocalProfiles(now).heldKeyIds();
  }

  /** Deletes a new key that never made it into use; if that fails too, says so loudly. */
  async #discardNewKey(credentials: AwsCredentials, newKeyId: string, oldKeyId: string): Promise<void> {
    try {
      await this.#withRetry(() => this.#deleteKey(credentials, newKeyId));
      await this.#records.remove(oldKeyId);
      this.#newKeyId = null;
    } catch (error) {
      this.#notes.push(
        `the new key ${newKeyId} could not be deleted (${isTorqueError(error) ? error.message : String(error)}); the next rotation of this profile removes it, or delete it in the IAM console`,
      );
    }
  }

  /** Step 7: delete or deactivate the old key, retried for a while. */
  async #retire(credentials: AwsCredentials, keyId: string): Promise<'deleted' | 'deactivated'> {
    if (this.#options.oldKey === 'delete') {
      await this.#withRetry(async () => {
        try {
          await this.#deleteKey(credentials, keyId);
        } catch (error) {
          // A retry after a lost answer finds the key already gone: that is success.
          if (!isTorqueError(error, 'KEY_NOT_IN_IAM')) throw error;
        }
      });
      return 'deleted';
    }
    const { UpdateAccessKeyCommand } = await import('@aws-sdk/client-iam');
    const iam = await this.#iam(credentials);
    await this.#withRetry(() =>
      this.#send('iam:UpdateAccessKey', credentials, () => iam.send(new UpdateAccessKeyCommand({ AccessKeyId: keyId, Status: 'Inactive' }))),
    );
    return 'deactivated';
  }

  async #withRetry(work: () => Promise<unknown>): Promise<void> {
    const sleep = this.#deps.sleep ?? defaultSleep;
    const deadline = Date.now() + (this.#deps.retireTimeoutMs ?? 20_000);
    let delay = 250;
    for (;;) {
      try {
        await work();
        return;
      } catch (error) {
        const retryable = isTorqueError(error, 'NETWORK') || isTorqueError(error, 'AWS_ERROR') || isTorqueError(error, 'INVALID_KEY');
        if (!retryable || Date.now() + delay > deadline) throw error;
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 4000);
    }
  }

  /**
   * Crash recovery for this key's profiles. A record whose old key the file still holds: delete the
   * key the dead run made (in no profile, never used). A record whose new key the file holds: the key
   * was saved, so finish the job by retiring the old key. Returns a result when it finished one.
   */
  async #recover(
    credentials: AwsCredentials,
    keys: AccessKeyMetadata[],
    longTerm: AwsCredentials,
  ): Promise<{ finished?: RotateResult; deleted: boolean }> {
    let deleted = false;
    const mine = this.#pending.filter(
      (r) => r.oldAccessKeyId === this.#group.accessKeyId || r.newAccessKeyId === this.#group.accessKeyId || r.profiles.some((p) => this.#profiles.includes(p)),
    );
    for (const record of mine) {
      const when = record.startedAt.slice(0, 19).replace('T', ' ');
      if (record.newAccessKeyId === this.#group.accessKeyId) {
        // The file holds the new key: the interrupted run got as far as saving it.
        this.#event('cleanup', `finishing the rotation interrupted on ${when}`);
        let identity: string;
        try {
          identity = await this.#verify(longTerm, record.userName);
        } catch (error) {
          throw new TorqueError(
            'VERIFY_FAILED',
            `the key in the file, ${this.#group.accessKeyId}, saved by a rotation interrupted on ${when}, does not work yet (${isTorqueError(error) ? error.message : String(error)}); the old key ${record.oldAccessKeyId} was kept. Try again in a minute`,
            { cause: error },
          );
        }
        this.#newKeyId = this.#group.accessKeyId;
        const note = `finished a rotation interrupted on ${when}: the file already held the new key ${this.#group.accessKeyId}`;
        this.#notes.push(note);
        const held = await this.#heldNow();
        if (!keys.some((k) => k.AccessKeyId === record.oldAccessKeyId) || held.has(record.oldAccessKeyId)) {
          await this.#records.remove(record.oldAccessKeyId);
          continue;
        }
        const result = await this.#retireAndRecord(credentials, record.oldAccessKeyId, this.#group.accessKeyId, identity, note);
        return { finished: { ...result, oldAccessKeyId: record.oldAccessKeyId }, deleted };
      }
      for (const id of await this.#leftovers(credentials, record, keys)) {
        await this.#deleteKey(credentials, id);
        deleted = true;
        this.#notes.push(`deleted key ${id}, left without a profile by a rotation interrupted on ${when}`);
        this.#event('cleanup', `deleted orphan key ${id}`);
      }
      await this.#records.remove(record.oldAccessKeyId);
    }
    return { deleted };
  }
}

/** Failures after which AWS may still have done the work: no answer, or a server-side error. */
function unclear(error: unknown): boolean {
  return isTorqueError(error, 'NETWORK') || isTorqueError(error, 'AWS_ERROR');
}

/** CreateAccessKey of a run that started at `started` cannot have made a key long before or after. */
function madeDuring(key: AccessKeyMetadata, started: number): boolean {
  const created = key.CreateDate?.getTime();
  return created !== undefined && created >= started - 60_000 && created <= started + 15 * 60_000;
}
