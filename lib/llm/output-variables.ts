import type { LlmAnswer } from './extraction-format-schema.js';

/** Generated variables are always lists, so that `{name[0]}` and for-loops work on any of them. */
export type GeneratedVariables = Record<string, unknown[]>;

/** An answer value the original refuses to store as a generated variable (an object). */
export class OutputVariableError extends Error {
  override name = 'OutputVariableError';
  readonly variable: string;

  // The value itself is left out: answers can hold personal data read off a page.
  constructor(variable: string) {
    super(
      `Output variable ${JSON.stringify(variable)} must be a string, number, boolean, null or a list of them; the LLM answered an object`,
    );
    this.variable = variable;
  }
}

/**
 * The generated variables an LLM extraction stores for its `output_variable_names`: a list is
 * kept as is, a scalar is wrapped as `[v]`, null (or a key the answer lacks) becomes `[null]`,
 * and anything else (an object) fails the step, naming the variable.
 */
export function outputVariablesOf(answer: LlmAnswer, names: readonly string[] | null): GeneratedVariables {
  const variables: GeneratedVariables = {};
  for (const name of names ?? []) {
    const value = Object.hasOwn(answer, name) ? answer[name] : null;
    if (Array.isArray(value)) {
      variables[name] = value;
    } else if (value === null || value === undefined) {
      variables[name] = [null];
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      variables[name] = [value];
    } else {
      throw new OutputVariableError(name);
    }
  }
  return variables;
}
