/** The two services the sandbox speaks, told apart by `Action` and `Version` on one endpoint. */
import type { ActionHandler } from './action.js';
import { IAM_ACTIONS } from './iam.js';
import { STS_ACTIONS } from './sts.js';

export interface Service {
  /** The SigV4 signing name, which the credential scope must carry. */
  signingName: 'iam' | 'sts';
  version: string;
  namespace: string;
  actions: Record<string, ActionHandler>;
}

export const IAM: Service = {
  signingName: 'iam',
  version: '2010-05-08',
  namespace: 'https://iam.amazonaws.com/doc/2010-05-08/',
  actions: IAM_ACTIONS,
};

export const STS: Service = {
  signingName: 'sts',
  version: '2011-06-15',
  namespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
  actions: STS_ACTIONS,
};

export function findService(action: string, version: string): Service | undefined {
  return [IAM, STS].find((s) => s.version === version && Object.hasOwn(s.actions, action));
}

/** The namespace an error answer is written in when the action itself is unknown. */
export const namespaceFor = (version: string) => (version === STS.version ? STS.namespace : IAM.namespace);
