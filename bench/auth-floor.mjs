// The floor for `torque auth`: the same AWS calls from a bare Node script with the SDK, nothing else.
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';

const [endpoint, accessKeyId, secretAccessKey, serial, code] = process.argv.slice(2);
const sts = new STSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey } });
const { Credentials: c } = await sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: code }));
const session = new STSClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
});
await session.send(new GetCallerIdentityCommand({}));
