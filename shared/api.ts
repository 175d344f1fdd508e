/**
 * The HTTP API's schemas (DESIGN.md section 7), used by the routes for validation and by the page for
 * its types (`import type` only, so no schema code reaches the browser bundle). Every object refuses
 * fields it does not name: an unknown field is a 400, never silently dropped.
 */
import { type Static, Type } from 'typebox';

const strict = { additionalProperties: false } as const;
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** An MFA code: exactly 6 digits, as a string (a number would lose leading zeros). */
export const MfaCode = Type.String({ pattern: '^[0-9]{6}$' });
export const ProfileName = Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\w\\-@+.%:/]+$' });

export const ErrorBody = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }, strict) }, strict);
export type ErrorBody = Static<typeof ErrorBody>;

export const ProfileView = Type.Object(
  {
    name: Type.String(),
    kind: Type.Union([Type.Literal('static'), Type.Literal('session'), Type.Literal('role'), Type.Literal('sso'), Type.Literal('process'), Type.Literal('incomplete')]),
    accessKeyId: Nullable(Type.String()),
    mfaSerial: Nullable(Type.String()),
    roleArn: Nullable(Type.String()),
    sourceProfile: Nullable(Type.String()),
    region: Nullable(Type.String()),
    sessionProfile: Nullable(Type.String()),
    expiresAt: Nullable(Type.String()),
    sharesKeyWith: Type.Array(Type.String()),
    warnings: Type.Array(Type.String()),
    /** True when a stored session with more than 5 minutes left spares the MFA code. */
    sessionValid: Type.Boolean(),
    /** When Torque last rotated this profile's key (from its audit log). */
    lastRotatedAt: Nullable(Type.String()),
  },
  strict,
);
export type ProfileView = Static<typeof ProfileView>;

export const ProfilesResponse = Type.Object(
  {
    profiles: Type.Array(ProfileView),
    warnings: Type.Array(Type.String()),
    files: Type.Object({ credentials: Type.String(), config: Type.String() }, strict),
  },
  strict,
);
export type ProfilesResponse = Static<typeof ProfilesResponse>;

export const AuthRequest = Type.Object(
  {
    profile: ProfileName,
    code: Type.Optional(MfaCode),
    durationSeconds: Type.Optional(Type.Integer({ minimum: 900, maximum: 129_600 })),
    sessionProfile: Type.Optional(ProfileName),
    force: Type.Optional(Type.Boolean()),
  },
  strict,
);
export type AuthRequest = Static<typeof AuthRequest>;

export const AuthResponse = Type.Object(
  {
    profile: Type.String(),
    sessionProfile: Type.String(),
    expiresAt: Type.String(),
    arn: Type.String(),
    reused: Type.Boolean(),
  },
  strict,
);
export type AuthResponse = Static<typeof AuthResponse>;

export const RotateRequest = Type.Object(
  {
    profiles: Type.Array(ProfileName, { minItems: 1, maxItems: 500, uniqueItems: true }),
    /** One code per MFA device: serial → code. */
    codes: Type.Record(Type.String({ maxLength: 256 }), MfaCode, { maxProperties: 100 }),
    oldKey: Type.Union([Type.Literal('delete'), Type.Literal('deactivate')]),
    deleteUnused: Type.Boolean(),
  },
  strict,
);
export type RotateRequest = Static<typeof RotateRequest>;

export const RotateResult = Type.Object(
  {
    profiles: Type.Array(Type.String()),
    status: Type.Union([Type.Literal('rotated'), Type.Literal('failed'), Type.Literal('skipped')]),
    oldAccessKeyId: Nullable(Type.String()),
    newAccessKeyId: Nullable(Type.String()),
    oldKey: Nullable(Type.Union([Type.Literal('deleted'), Type.Literal('deactivated'), Type.Literal('kept')])),
    error: Nullable(Type.Object({ code: Type.String(), message: Type.String() }, strict)),
    notes: Type.Array(Type.String()),
  },
  strict,
);
export type RotateResult = Static<typeof RotateResult>;

export const JobEvent = Type.Object(
  {
    profiles: Type.Array(Type.String()),
    step: Type.String(),
    message: Type.String(),
  },
  strict,
);
export type JobEvent = Static<typeof JobEvent>;

export const JobStarted = Type.Object({ id: Type.String() }, strict);
export type JobStarted = Static<typeof JobStarted>;

export const JobState = Type.Object(
  {
    id: Type.String(),
    state: Type.Union([Type.Literal('running'), Type.Literal('done')]),
    events: Type.Array(JobEvent),
    results: Type.Array(RotateResult),
  },
  strict,
);
export type JobState = Static<typeof JobState>;

export const JobParams = Type.Object({ id: Type.String({ pattern: '^[a-f0-9]{32}$' }) }, strict);

export const KeyAgesResponse = Type.Object(
  {
    keys: Type.Array(
      Type.Object(
        {
          accessKeyId: Type.String(),
          createdAt: Type.String(),
          status: Type.Union([Type.Literal('Active'), Type.Literal('Inactive')]),
        },
        strict,
      ),
    ),
  },
  strict,
);
export type KeyAgesResponse = Static<typeof KeyAgesResponse>;

export const DemoResponse = Type.Object(
  {
    devices: Type.Array(
      Type.Object({ serial: Type.String(), user: Type.String(), code: Type.String(), secondsLeft: Type.Integer() }, strict),
    ),
  },
  strict,
);
export type DemoResponse = Static<typeof DemoResponse>;
