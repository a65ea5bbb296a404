import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export type AwsSecretRequest = { secretName: string; region: string };
export type AwsSecretReader = (request: AwsSecretRequest) => Promise<string>;

/**
 * Reads secret strings from AWS Secrets Manager with the SDK's default credentials chain (the
 * Lambda or ECS task role, or AWS_* variables). One client per region, made on first use. The SDK
 * is loaded on the first read too: most workers never read a secret, and it costs memory.
 */
export function createAwsSecretReader(makeClient?: (region: string) => SecretsManagerClient): AwsSecretReader {
  const clients = new Map<string, SecretsManagerClient>();
  return async ({ secretName, region }) => {
    const sdk = await import('@aws-sdk/client-secrets-manager');
    let client = clients.get(region);
    if (!client) {
      client = makeClient ? makeClient(region) : new sdk.SecretsManagerClient({ region });
      clients.set(region, client);
    }
    const answer = await client.send(new sdk.GetSecretValueCommand({ SecretId: secretName }));
    if (answer.SecretString === undefined) throw new Error('the secret holds binary data; only secret strings can be used');
    return answer.SecretString;
  };
}
