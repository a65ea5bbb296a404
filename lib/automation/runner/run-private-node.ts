import type { PrivateNode } from '../../schemas/automation/nodes.js';
import { problemsFromZod } from '../../http/problems.js';
import { substituteVariables } from '../variables/substitute-variables.js';
import { currentPage, pageTitle, variableSources, type RunState } from './run-state.js';
import { sleepForPageToLoad } from './wait-after-step.js';
import { writeStepFiles } from './step-files.js';
import { recordStep } from './step-list.js';
import { substituteStrings } from './substitute-action-node.js';
import { stepLabel } from './trace.js';
import { sleep } from './wait.js';

/**
 * A private node, as the original runs it: a step of its own, its inputs with the variables
 * filled in (and checked by the handler's schema), then the handler's result published as
 * generated variables and output data.
 */
export async function runPrivateNode(state: RunState, node: PrivateNode): Promise<void> {
  await sleep(node.before_sleep_time * 1000, state.signal);
  state.stepIndex += 1;
  const stepIndex = state.stepIndex;
  const nodePath = state.nodePath;
  const action = `private_node.${node.handler}`;
  await state.trace.group(stepLabel(stepIndex, action, nodePath));
  try {
    await runPrivateStep(state, node, stepIndex, nodePath, action);
    await sleepForPageToLoad(currentPage(state), node.end_sleep_time, state.signal);
  } finally {
    await state.trace.endGroup();
  }
}

async function runPrivateStep(state: RunState, node: PrivateNode, stepIndex: number, nodePath: string, action: string): Promise<void> {
  const startedAt = new Date();
  const outputsBefore = state.outputData.length;
  const page = currentPage(state);
  let failure: unknown;
  try {
    const handler = state.services.privateNodes.get(node.handler);
    // Acceptance refuses unknown handlers; a worker whose registry changed since fails here.
    if (!handler) throw new Error(`${state.nodePath}: no private node handler named ${JSON.stringify(node.handler)} is registered`);
    const raw = substituteStrings(node.inputs, (text) => substituteVariables(text, variableSources(state)));
    let inputs: unknown = raw;
    if (handler.inputs) {
      const parsed = handler.inputs.safeParse(raw);
      if (!parsed.success) {
        const problems = problemsFromZod(parsed.error, ['inputs']).map((problem) => `${problem.path}: ${problem.message}`);
        throw new Error(`${state.nodePath} (${node.handler}): ${problems.join('; ')}`);
      }
      inputs = parsed.data;
    }
    const result = await handler.run(inputs as never, {
      page,
      context: state.context,
      taskId: state.task.task_id,
      downloadsDirectory: state.paths.downloadsDirectory,
      logger: state.logger,
      signal: state.signal,
    });
    publishResult(state, node, result);
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    const completedAt = new Date();
    const snapshot = { url: page.url(), title: await pageTitle(state, page), screenshot: null };
    writeStepFiles(state, {
      stepIndex,
      tryIndex: 0,
      startedAt,
      completedAt,
      snapshot,
      // The handler name only: inputs may hold secure values once substituted.
      node: { type: 'private_node', handler: node.handler },
      newOutputs: state.outputData.slice(outputsBefore),
    });
    const step = recordStep(state, { stepIndex, nodePath, action, command: null, startedAt, completedAt, failure, url: snapshot.url, title: snapshot.title, screenshot: false });
    state.logger.info('step finished', {
      step_index: stepIndex,
      node_path: nodePath,
      action,
      duration_ms: step.duration_ms,
      outcome: step.outcome,
      ...(step.error === null ? {} : { error: step.error }),
    });
  }
}

/** One name takes the whole result; several need a dict holding each of them, as in the original. */
function publishResult(state: RunState, node: PrivateNode, result: unknown): void {
  const names = node.output_variable_names;
  if (!names || names.length === 0) return;
  let values: [string, unknown][];
  if (names.length === 1) values = [[names[0] as string, result]];
  else if (result !== null && typeof result === 'object' && !Array.isArray(result)) {
    const record = result as Record<string, unknown>;
    const missing = names.filter((name) => !Object.hasOwn(record, name));
    if (missing.length > 0) throw new Error(`${state.nodePath}: private node ${node.handler} did not return ${missing.join(', ')} (it returned ${Object.keys(record).sort().join(', ') || 'no keys'})`);
    values = names.map((name) => [name, record[name]]);
  } else {
    throw new Error(`${state.nodePath}: private node ${node.handler} declares ${names.length} output_variable_names, so it must return an object`);
  }
  for (const [name, value] of values) {
    state.generated[name] = Array.isArray(value) ? value : [value];
    state.outputData.push({ unique_identifier: name, json_data: { [name]: value } });
  }
}
