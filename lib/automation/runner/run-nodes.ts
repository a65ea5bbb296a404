import type { AssertLocatorNode, ForLoopNode, IfElseNode, Node } from '../../schemas/automation/nodes.js';
import type { ForLoopStatus } from '../../schemas/wire/control-plane-requests.js';
import { evaluateCondition } from '../expressions/condition.js';
import type { PyValue } from '../expressions/evaluate-python-expression.js';
import { bindLocatorLoop, bindVariableLoop, loopVariableNames } from '../variables/bind-loop-placeholders.js';
import { substituteVariables } from '../variables/substitute-variables.js';
import { countLocatorMatches } from './count-locator-matches.js';
import { resolveLocator } from './resolve-locator.js';
import { runActionNode } from './run-action-node.js';
import { runPrivateNode } from './run-private-node.js';
import { maskSecureValues } from './mask-secure-values.js';
import { fileLimits } from './file-limits.js';
import { currentPage, expressionScope, throwIfAborted, variableSources, type RunState } from './run-state.js';

/**
 * Runs nodes in order; a node that throws ends the list (loops decide for their own bodies).
 * `path` is the list's JSON path in the recording, so errors can name the node that failed.
 */
export async function runNodes(state: RunState, nodes: readonly Node[], path = 'nodes'): Promise<void> {
  for (const [index, node] of nodes.entries()) {
    throwIfAborted(state);
    await runNode(state, node, `${path}[${index}]`);
  }
}

async function runNode(state: RunState, node: Node, path: string): Promise<void> {
  state.nodePath = path;
  switch (node.type) {
    case 'action_node':
      return runActionNode(state, node);
    case 'for_loop_node':
      return runForLoop(state, node, path);
    case 'if_else_node':
      return runIfElse(state, node, path);
    case 'assert_locator_node':
      return runAssertLocator(state, node);
    case 'private_node':
      return runPrivateNode(state, node);
  }
}

async function runIfElse(state: RunState, node: IfElseNode, path: string): Promise<void> {
  const condition = evaluateCondition(node.condition, expressionScope(state) as Record<string, PyValue>);
  state.logger.info('condition evaluated', { condition: node.condition, result: condition });
  await runNodes(state, condition ? node.if_nodes : node.else_nodes, `${path}.${condition ? 'if_nodes' : 'else_nodes'}`);
}

/**
 * A loop without max_iterations runs once per value or match, which the page or the task's
 * input decides: above MAX_LOOP_ITERATIONS the step fails rather than run a part of the values.
 */
function boundIterations(state: RunState, total: number): number {
  const max = fileLimits(state.services).maxLoopIterations;
  if (total > max) throw new Error(`${state.nodePath}: the loop would run ${total} iterations, above the limit of ${max} (MAX_LOOP_ITERATIONS)`);
  return total;
}

type Iteration = { value: string | number | boolean; bind: <T>(value: T) => T };

/** The iterations of a loop: one per value of its variable, or per element its locator matches. */
async function loopIterations(state: RunState, node: ForLoopNode): Promise<{ label: string; iterations: Iteration[] }> {
  const indexName = node.index_variable_name;
  if (node.locator !== null) {
    const locator = node.locator;
    const count = await countLocatorMatches(state, locator, node.locator_timeout);
    const total = boundIterations(state, node.max_iterations === null ? count : Math.min(count, node.max_iterations));
    const iterations = Array.from({ length: total }, (_, index) => ({
      value: `${locator}.nth(${index})`,
      bind: <T>(value: T) => bindLocatorLoop(value, { locator, indexName, index }),
    }));
    return { label: locator, iterations };
  }
  const variableName = node.variable_name ?? '';
  const names = loopVariableNames(variableName);
  const primary = names[0] ?? '';
  const values = lookUpLoopValues(state, primary);
  const total = boundIterations(state, node.max_iterations === null ? values.length : Math.min(values.length, node.max_iterations));
  const iterations = values.slice(0, total).map((value, index) => ({
    value: value as string | number | boolean,
    bind: <T>(node: T) => bindVariableLoop(node, { names, indexName, index }),
  }));
  return { label: variableName, iterations };
}

function lookUpLoopValues(state: RunState, name: string): unknown[] {
  const input = Object.hasOwn(state.task.input_parameters, name) ? state.task.input_parameters[name] : undefined;
  const generated = Object.hasOwn(state.generated, name) ? state.generated[name] : undefined;
  const values = input ?? generated;
  if (values === undefined) throw new Error(`for_loop_node: variable "${name}" is neither an input parameter nor a generated variable`);
  if (!Array.isArray(values)) throw new Error(`for_loop_node: variable "${name}" is not a list`);
  return values;
}

/**
 * The original's loop: each iteration runs a fresh copy of the body with the loop's
 * placeholders bound; errors follow on_error_in_loop; reset_nodes run between iterations.
 */
async function runForLoop(state: RunState, node: ForLoopNode, path: string): Promise<void> {
  const statuses: ForLoopStatus[] = [];
  state.forLoopStatus.push(statuses);
  const { label, iterations } = await loopIterations(state, node);
  state.logger.info('loop started', { loop: label, iterations: iterations.length });
  for (const [index, iteration] of iterations.entries()) {
    throwIfAborted(state);
    try {
      await runNodes(state, iteration.bind(node.nodes), `${path}.nodes`);
      statuses.push({ variable_name: label, index, value: iteration.value, status: 'success' });
    } catch (error) {
      // The message goes to the log and to the reported for_loop_status: an iteration's error
      // may quote a secure value it was given (an address with a token in it).
      const message = maskSecureValues(error instanceof Error ? error.message : String(error), state.secure);
      statuses.push({ variable_name: label, index, value: iteration.value, status: 'error', error: message });
      if (node.on_error_in_loop === 'raise') throw error;
      state.logger.warn('loop iteration failed', { loop: label, index, error: message, on_error: node.on_error_in_loop });
      if (node.on_error_in_loop === 'break') {
        for (const [rest, skipped] of iterations.slice(index + 1).entries()) {
          statuses.push({ variable_name: label, index: index + 1 + rest, value: skipped.value, status: 'skipped' });
        }
        return;
      }
      // "continue" goes straight to the next iteration: the original skips reset_nodes here.
      continue;
    }
    if (index < iterations.length - 1 && node.reset_nodes.length > 0) await runNodes(state, iteration.bind(node.reset_nodes), `${path}.reset_nodes`);
  }
}

/** Stores whether the locator became visible (or hidden) in time; it never fails the task. */
async function runAssertLocator(state: RunState, node: AssertLocatorNode): Promise<void> {
  state.stepIndex += 1;
  const name = substituteVariables(node.output_variable_name ?? `node${state.stepIndex}_output`, variableSources(state));
  let result = false;
  try {
    const locator = resolveLocator(currentPage(state), node.locator, variableSources(state));
    await locator.waitFor({ state: node.assertion === 'to_be_visible' ? 'visible' : 'hidden', timeout: node.timeout * 1000 });
    result = true;
  } catch (error) {
    state.logger.info('locator assertion is false', { step_index: state.stepIndex, locator: node.locator, assertion: node.assertion, error });
  }
  state.generated[name] = [result];
}
