import type { Problem } from '../errors.js';
import type { Automation } from '../schemas/automation/automation.js';
import { secureParameterProblem } from './check-supported-features.js';
import { BASE_CAPABILITIES, type WorkerCapabilities } from './worker-capabilities.js';
import { SecureParameters } from './runner/secure-values.js';
import { formatPath, problemsFromZod } from '../http/problems.js';

type TaskParameters = { input_parameters: Record<string, unknown>; secure_parameters: Record<string, unknown> };

function keyProblems(field: string, given: Record<string, unknown>, expected: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  for (const name of Object.keys(expected)) {
    if (!Object.hasOwn(given, name)) problems.push({ path: formatPath([field, name]), message: 'is required by the recording' });
  }
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(expected, name)) problems.push({ path: formatPath([field, name]), message: 'is not a parameter of the recording' });
  }
  return problems;
}

/** As the original's Task validator: the input and secure parameter names are exactly the recording's. */
export function parameterNameProblems(automation: Automation, task: TaskParameters): Problem[] {
  return [
    ...keyProblems('input_parameters', task.input_parameters, automation.parameters.input_parameters),
    ...keyProblems('secure_parameters', task.secure_parameters, automation.parameters.secure_parameters),
  ];
}

/** The names as above, and secure values of a kind this worker can resolve. */
export function checkTaskParameters(automation: Automation, task: TaskParameters, capabilities: WorkerCapabilities = BASE_CAPABILITIES): Problem[] {
  const problems = parameterNameProblems(automation, task);
  const secure = SecureParameters.safeParse(task.secure_parameters);
  if (!secure.success) return [...problems, ...problemsFromZod(secure.error, ['secure_parameters'])];
  for (const [name, entries] of Object.entries(secure.data)) {
    entries.forEach((entry, index) => {
      const problem = secureParameterProblem(entry, capabilities);
      if (problem) problems.push({ path: `secure_parameters.${name}[${index}]`, message: problem });
    });
  }
  return problems;
}
