/**
 * AWS Query protocol answers: `<XResponse><XResult>…</XResult><ResponseMetadata>` on success,
 * `<ErrorResponse><Error><Type><Code><Message>` on failure, in the service's XML namespace.
 * These are the shapes the SDK's awsQuery deserializer reads.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { AwsError } from './aws-error.js';

/** An element's content: text, nested elements, or `{ member: [...] }` for an AWS list. */
export type XmlValue = string | number | boolean | null | undefined | XmlObject | XmlValue[];
export interface XmlObject {
  [name: string]: XmlValue;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false });

/** `result` null: the action answers without a Result element (UpdateAccessKey, DeleteAccessKey). */
export function successXml(action: string, namespace: string, result: XmlObject | null, requestId: string): string {
  return builder.build({
    [`${action}Response`]: {
      '@_xmlns': namespace,
      ...(result === null ? {} : { [`${action}Result`]: result }),
      ResponseMetadata: { RequestId: requestId },
    },
  }) as string;
}

export function errorXml(namespace: string, error: AwsError, requestId: string): string {
  return builder.build({
    ErrorResponse: {
      '@_xmlns': namespace,
      Error: { Type: error.type, Code: error.code, Message: error.message },
      RequestId: requestId,
    },
  }) as string;
}

/** AWS's timestamp form: ISO 8601 in UTC, whole seconds. */
export const awsDate = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
