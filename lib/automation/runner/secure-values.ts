import * as z from 'zod';
import { SecureParameter } from '../../schemas/automation/parameters.js';
import type { Task } from '../../schemas/wire/task.js';
import type { AwsSecretReader } from '../../secrets/aws-secrets-manager.js';
import { onePasswordReference, type OnePasswordReader } from '../../secrets/one-password.js';
import { totp } from '../variables/totp.js';

export const SecureParameters = z.record(z.string(), z.array(SecureParameter));

/** Where secrets are read from; a kind without a reader fails the run naming what is missing. */
export type SecretReaders = { onePassword?: OnePasswordReader; awsSecretsManager?: AwsSecretReader };

type Value = { kind: 'raw'; value: string } | { kind: 'totp'; secret: string; digits: number };

async function resolveEntry(entry: SecureParameter, readers: SecretReaders): Promise<Value> {
  if (entry.totp) return { kind: 'totp', secret: entry.totp.totp_secret, digits: entry.totp.digits };
  let value: string;
  let type: 'raw' | 'totp_secret';
  let digits: number | null;
  if (entry.onepassword) {
    if (!readers.onePassword) throw new Error('1Password is not configured (set OP_SERVICE_ACCOUNT_TOKEN)');
    value = await readers.onePassword(onePasswordReference(entry.onepassword));
    ({ type, digits } = entry.onepassword);
  } else if (entry.amazon_secrets_manager) {
    const aws = entry.amazon_secrets_manager;
    if (!readers.awsSecretsManager) throw new Error('AWS Secrets Manager is not available in this runtime');
    const secret = await readers.awsSecretsManager({ secretName: aws.secret_name, region: aws.region_name });
    value = aws.key === null ? secret : pickKey(secret, aws.key);
    ({ type, digits } = aws);
  } else {
    throw new Error('no kind of secret is set');
  }
  return type === 'totp_secret' ? { kind: 'totp', secret: value, digits: digits ?? 6 } : { kind: 'raw', value };
}

/** `key` names a field of a JSON secret string, as the original reads it. */
function pickKey(secret: string, key: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    throw new Error(`the secret is not JSON, so its key "${key}" cannot be read`);
  }
  if (parsed === null || typeof parsed !== 'object' || !Object.hasOwn(parsed, key)) throw new Error(`the secret has no key "${key}"`);
  const value = (parsed as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function describe(entry: SecureParameter): string {
  if (entry.onepassword) return `1Password ${onePasswordReference(entry.onepassword)}`;
  if (entry.amazon_secrets_manager) return `AWS secret "${entry.amazon_secrets_manager.secret_name}" in ${entry.amazon_secrets_manager.region_name}`;
  return 'totp';
}

/**
 * The task's secure parameters as the strings substituted into steps, read once per run. A TOTP
 * code (from a totp entry or a `totp_secret` secret) is computed each time it is read (a getter),
 * so a step late in a long run still gets a current code. Errors name the parameter and where
 * its secret lives, never a value.
 */
export async function resolveSecureValues(task: Pick<Task, 'secure_parameters'>, readers: SecretReaders = {}): Promise<Record<string, string[]>> {
  const parsed = SecureParameters.parse(task.secure_parameters);
  const values: Record<string, string[]> = {};
  for (const [name, entries] of Object.entries(parsed)) {
    const resolved = await Promise.all(
      entries.map((entry, index) =>
        resolveEntry(entry, readers).catch((error: unknown) => {
          throw new Error(`secure parameter ${name}[${index}] (${describe(entry)}) could not be read: ${error instanceof Error ? error.message : String(error)}`);
        }),
      ),
    );
    Object.defineProperty(values, name, {
      enumerable: true,
      get: () => resolved.map((value) => (value.kind === 'raw' ? value.value : totp(value.secret, { digits: value.digits }))),
    });
  }
  return values;
}
