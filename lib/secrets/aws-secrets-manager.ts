import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export type AwsSecretRequest = { secretName: string; region: string };
export type AwsSecretReader = (request: AwsSecretRequest) => Promise<string>;

/**
 * Reads secret strings from AWS Secrets Manager with the SDK's default credentials chain (the
 * Lambda or ECS task role, or AWS_* variables). One client per region, made on first use.
 */
export function createAwsSecretReader(makeClient: (region: string) => SecretsManagerClient = (region) => new SecretsManagerClient({ region })): AwsSecretReader {
  const clients = new Map<string, SecretsManagerClient>();
  return async ({ secretName, region }) => {
    let client = clients.get(region);
    if (!client) {
      client = makeClient(region);
      clients.set(region, client);
    }
    const answer = await client.send(new GetSecretValueCommand({ SecretId: secretName }));
    if (answer.SecretString === undefined) throw new Error('the secret holds binary data; only secret strings can be used');
    return answer.SecretString;
  };
}
