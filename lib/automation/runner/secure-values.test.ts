import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsSecretReader } from '../../secrets/aws-secrets-manager.js';
import { createOnePasswordReader, type OnePasswordSdk } from '../../secrets/one-password.js';
import { checkTaskParameters } from '../check-task-parameters.js';
import { parseAutomation } from '../../schemas/automation/parse-automation.js';
import { totp } from '../variables/totp.js';
import { BASE_CAPABILITIES } from '../worker-capabilities.js';
import { resolveSecureValues } from './secure-values.js';

const secretsManager = mockClient(SecretsManagerClient);
afterEach(() => secretsManager.reset());

const aws = (fields: Record<string, unknown>) => ({ amazon_secrets_manager: { secret_name: 'portal/login', region_name: 'eu-west-1', ...fields } });

describe('AWS Secrets Manager secure parameters', () => {
  it('reads the secret string, or one key of a JSON secret, through the SDK', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: 'portal/login' }).resolves({ SecretString: '{"password":"s3cret","user":"ann"}' });
    secretsManager.on(GetSecretValueCommand, { SecretId: 'plain' }).resolves({ SecretString: 'just-text' });
    const values = await resolveSecureValues(
      { secure_parameters: { password: [aws({ key: 'password' })], whole: [aws({ secret_name: 'plain' })] } },
      { awsSecretsManager: createAwsSecretReader() },
    );
    expect(values).toEqual({ password: ['s3cret'], whole: ['just-text'] });
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input.SecretId).sort()).toEqual(['plain', 'portal/login']);
  });

  it('uses a client in the region the parameter names', async () => {
    const regions: string[] = [];
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'x' });
    await resolveSecureValues(
      { secure_parameters: { a: [aws({})], b: [aws({ region_name: 'us-east-2' })] } },
      { awsSecretsManager: createAwsSecretReader((region) => (regions.push(region), new SecretsManagerClient({ region }))) },
    );
    expect(regions.sort()).toEqual(['eu-west-1', 'us-east-2']);
  });

  it('turns a totp_secret secret into a current code each time it is read', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{"seed":"JBSWY3DPEHPK3PXP"}' });
    const values = await resolveSecureValues({ secure_parameters: { code: [aws({ key: 'seed', type: 'totp_secret', digits: 8 })] } }, { awsSecretsManager: createAwsSecretReader() });
    const before = totp('JBSWY3DPEHPK3PXP', { digits: 8 });
    const read = values.code?.[0];
    expect([before, totp('JBSWY3DPEHPK3PXP', { digits: 8 })]).toContain(read);
    expect(read).toMatch(/^\d{8}$/);
  });

  it('names the parameter and the secret when it cannot be read, never a value', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{"user":"ann-the-secret-user"}' });
    const failure = resolveSecureValues({ secure_parameters: { password: [aws({ key: 'password' })] } }, { awsSecretsManager: createAwsSecretReader() });
    await expect(failure).rejects.toThrow('secure parameter password[0] (AWS secret "portal/login" in eu-west-1) could not be read: the secret has no key "password"');
    await failure.catch((error: Error) => expect(error.message).not.toContain('ann-the-secret-user'));
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException: not allowed'));
    await expect(resolveSecureValues({ secure_parameters: { password: [aws({})] } }, { awsSecretsManager: createAwsSecretReader() })).rejects.toThrow(
      'secure parameter password[0] (AWS secret "portal/login" in eu-west-1) could not be read: AccessDeniedException: not allowed',
    );
  });
});

describe('1Password secure parameters', () => {
  const entry = { onepassword: { vault_name: 'Portals', item_name: 'Acme', field_name: 'password' } };

  it('resolve op://vault/item/field with the service-account token, loading the SDK once', async () => {
    const seen: string[] = [];
    let clients = 0;
    const sdk: OnePasswordSdk = {
      async createClient(config) {
        clients += 1;
        seen.push(`auth ${config.auth}`);
        return { secrets: { resolve: async (reference) => (seen.push(reference), 'hunter2') } };
      },
    };
    const reader = createOnePasswordReader('ops_token', async () => sdk);
    const values = await resolveSecureValues({ secure_parameters: { password: [entry], again: [entry] } }, { onePassword: reader });
    expect(values).toEqual({ password: ['hunter2'], again: ['hunter2'] });
    expect(clients).toBe(1);
    expect(seen).toEqual(['auth ops_token', 'op://Portals/Acme/password', 'op://Portals/Acme/password']);
  });

  it('are refused when the task arrives at a worker without a token', () => {
    const parsed = parseAutomation({ url: 'http://127.0.0.1/', parameters: { input_parameters: {}, generated_parameters: {}, secure_parameters: { password: [entry] } }, nodes: [] });
    if (!parsed.ok) throw new Error('fixture must parse');
    const task = { input_parameters: {}, secure_parameters: { password: [entry] } };
    expect(checkTaskParameters(parsed.automation, task, BASE_CAPABILITIES)).toEqual([
      { path: 'secure_parameters.password[0]', message: '1Password secure parameters need a 1Password service account: set OP_SERVICE_ACCOUNT_TOKEN on the worker' },
    ]);
    expect(checkTaskParameters(parsed.automation, task, { ...BASE_CAPABILITIES, onePassword: true })).toEqual([]);
  });
});
