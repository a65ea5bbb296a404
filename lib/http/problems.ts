import type * as z from 'zod';
import type { Problem } from '../errors.js';

/** `['input_parameters', 'name', 0]` → `input_parameters.name[0]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Every zod issue as a located problem; an absent field reads "required". */
export function problemsFromZod(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): Problem[] {
  return error.issues.map((issue) => {
    const path = formatPath([...prefix, ...issue.path]) || '(body)';
    const missing = issue.code === 'invalid_type' && issue.message.includes('received undefined');
    return { path, message: missing ? 'required' : issue.message };
  });
}
