import type { CountLocatorAction, SetVariableAction } from '../../schemas/automation/misc-action.js';
import { evaluatePythonExpression } from '../expressions/evaluate-python-expression.js';
import { parsePythonExpression } from '../expressions/python-expression.js';
import { countLocatorMatches } from './count-locator-matches.js';
import type { RunState } from './run-state.js';

/**
 * `set_variable`: a value, or an expression (already substituted) through the safe evaluator,
 * never eval. As in the original, the expression sees no variables: only literals.
 */
export function setVariable(state: RunState, action: SetVariableAction): void {
  const value = action.expression === null ? action.value : evaluatePythonExpression(parsePythonExpression(action.expression), {});
  store(state, action.name, value, action.output_variable_name);
}

export async function countLocator(state: RunState, action: CountLocatorAction): Promise<void> {
  const count = await countLocatorMatches(state, action.locator, action.locator_timeout);
  store(state, action.name, count, action.output_variable_name);
}

function store(state: RunState, name: string, value: unknown, outputName: string | null): void {
  state.generated[name] = [value];
  if (outputName !== null) state.outputData.push({ unique_identifier: outputName, json_data: { [outputName]: value } });
}
