import { z } from 'zod';
import { SecureParameter } from '../../schemas/automation/parameters.js';
import type { Task } from '../../schemas/wire/task.js';
import { totp } from '../variables/totp.js';

export const SecureParameters = z.record(z.string(), z.array(SecureParameter));

/**
 * The task's secure parameters as the strings substituted into steps. A TOTP code is computed
 * each time it is read (a getter), so a step late in a long run still gets a current code.
 * Acceptance has refused the kinds this worker cannot resolve.
 */
export function resolveSecureValues(task: Pick<Task, 'secure_parameters'>): Record<string, string[]> {
  const parsed = SecureParameters.parse(task.secure_parameters);
  const values: Record<string, string[]> = {};
  for (const [name, entries] of Object.entries(parsed)) {
    Object.defineProperty(values, name, {
      enumerable: true,
      get: () =>
        entries.map((entry) => {
          if (entry.totp) return totp(entry.totp.totp_secret, { digits: entry.totp.digits });
          throw new Error(`secure parameter "${name}": only totp secrets can be resolved by this worker`);
        }),
    });
  }
  return values;
}
