/** What an action handler receives, and the small parameter helpers both services share. */
import type { Caller } from './auth.js';
import { constraintViolation } from './aws-error.js';
import type { SandboxState } from './state.js';
import type { XmlObject } from './xml.js';

export interface ActionContext {
  state: SandboxState;
  caller: Caller;
  params: URLSearchParams;
}

/** The Result element's content, or null for actions that answer with ResponseMetadata only. */
export type ActionHandler = (ctx: ActionContext) => XmlObject | null;

/** An optional whole number within AWS's declared range, checked the way AWS words the refusal. */
export function integerParam(params: URLSearchParams, name: string, member: string, min: number, max: number): number | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw constraintViolation(raw, member, 'Member must be a whole number');
  }
  if (value < min) throw constraintViolation(raw, member, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraintViolation(raw, member, `Member must have value less than or equal to ${max}`);
  return value;
}

/** A string parameter with AWS's length and pattern constraints; null when absent and optional. */
export function stringParam(
  params: URLSearchParams,
  name: string,
  member: string,
  rule: { required?: boolean; min?: number; max?: number; pattern?: RegExp; patternText?: string },
): string | null {
  const value = params.get(name);
  if (value === null) {
    if (rule.required) throw constraintViolation(null, member, 'Member must not be null');
    return null;
  }
  if (rule.min !== undefined && value.length < rule.min) {
    throw constraintViolation(value, member, `Member must have length greater than or equal to ${rule.min}`);
  }
  if (rule.max !== undefined && value.length > rule.max) {
    throw constraintViolation(value, member, `Member must have length less than or equal to ${rule.max}`);
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    throw constraintViolation(value, member, `Member must satisfy regular expression pattern: ${rule.patternText ?? rule.pattern.source}`);
  }
  return value;
}
