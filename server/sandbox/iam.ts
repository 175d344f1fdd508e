/**
 * The IAM actions Torque uses. Each acts on the caller's own user when `UserName` is absent, as AWS
 * allows for IAM users; role credentials must name the user.
 */
import { type ActionContext, type ActionHandler, stringParam } from './action.js';
import { constraintViolation, limitExceeded, noSuchEntity, notAuthorized, validationError } from './aws-error.js';
import { authorize } from './policy.js';
import { type AccessKey, MAX_KEYS_PER_USER, type User } from './state.js';
import { awsDate } from './xml.js';

const USER_NAME = { min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' };
const KEY_ID = { required: true, min: 16, max: 128, pattern: /^[\w]+$/, patternText: '[\\w]+' };

/** The user an action is about: authorized first (a refusal must not reveal whether the user exists). */
function targetUser({ state, caller, params }: ActionContext, action: string): User {
  const named = stringParam(params, 'UserName', 'userName', USER_NAME);
  let name: string;
  if (named !== null) name = named;
  else if (caller.kind === 'role') throw validationError('Must specify userName when calling with non-User credentials');
  else name = caller.user.name;
  authorize(caller, { action: `iam:${action}`, resource: `user ${name}`, targetUser: name });
  const user = state.users.get(name);
  if (!user) throw noSuchEntity(`The user with name ${name} cannot be found.`);
  return user;
}

function userKey(user: User, id: string): AccessKey {
  const key = user.keys.find((k) => k.id === id);
  if (!key) throw noSuchEntity(`The Access Key with id ${id} cannot be found.`);
  return key;
}

const keyMetadata = (key: AccessKey) => ({
  UserName: key.userName,
  AccessKeyId: key.id,
  Status: key.status,
  CreateDate: awsDate(key.createdAt),
});

const GetUser: ActionHandler = (ctx) => {
  const user = targetUser(ctx, 'GetUser');
  return { User: { Path: '/', UserName: user.name, UserId: user.id, Arn: user.arn, CreateDate: awsDate(user.createdAt) } };
};

const ListAccessKeys: ActionHandler = (ctx) => {
  const user = targetUser(ctx, 'ListAccessKeys');
  return { AccessKeyMetadata: { member: user.keys.map(keyMetadata) }, IsTruncated: false };
};

const CreateAccessKey: ActionHandler = (ctx) => {
  const user = targetUser(ctx, 'CreateAccessKey');
  if (user.keys.length >= MAX_KEYS_PER_USER) {
    throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${MAX_KEYS_PER_USER}`);
  }
  const key = ctx.state.createKey(user);
  return { AccessKey: { ...keyMetadata(key), SecretAccessKey: key.secret } };
};

const UpdateAccessKey: ActionHandler = (ctx) => {
  const id = stringParam(ctx.params, 'AccessKeyId', 'accessKeyId', KEY_ID)!;
  const status = ctx.params.get('Status');
  if (status !== 'Active' && status !== 'Inactive') {
    throw constraintViolation(status, 'status', 'Member must satisfy enum value set: [Active, Inactive]');
  }
  const key = userKey(targetUser(ctx, 'UpdateAccessKey'), id);
  key.status = status;
  return null;
};

const DeleteAccessKey: ActionHandler = (ctx) => {
  const id = stringParam(ctx.params, 'AccessKeyId', 'accessKeyId', KEY_ID)!;
  ctx.state.deleteKey(userKey(targetUser(ctx, 'DeleteAccessKey'), id));
  return null;
};

const GetAccessKeyLastUsed: ActionHandler = ({ state, caller, params }) => {
  const id = stringParam(params, 'AccessKeyId', 'accessKeyId', KEY_ID)!;
  const key = state.keys.get(id);
  // AWS names no owner for a key it does not hold in this account: the caller is simply not allowed.
  if (!key) throw notAuthorized(caller.arn, 'iam:GetAccessKeyLastUsed', `access key ${id}`, false);
  authorize(caller, { action: 'iam:GetAccessKeyLastUsed', resource: `user ${key.userName}`, targetUser: key.userName });
  const used = key.lastUsed;
  return {
    UserName: key.userName,
    AccessKeyLastUsed: used
      ? { LastUsedDate: awsDate(used.at), ServiceName: used.service, Region: used.region }
      : { ServiceName: 'N/A', Region: 'N/A' },
  };
};

const ListMFADevices: ActionHandler = (ctx) => {
  const user = targetUser(ctx, 'ListMFADevices');
  const devices = user.mfa ? [{ UserName: user.name, SerialNumber: user.mfa.serial, EnableDate: awsDate(user.mfa.enabledAt) }] : [];
  return { MFADevices: { member: devices }, IsTruncated: false };
};

export const IAM_ACTIONS: Record<string, ActionHandler> = {
  GetUser,
  ListAccessKeys,
  CreateAccessKey,
  UpdateAccessKey,
  DeleteAccessKey,
  GetAccessKeyLastUsed,
  ListMFADevices,
};
