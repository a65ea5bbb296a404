import type { Problem } from '../errors.js';
import { actionKindOf } from '../schemas/automation/action-kind.js';
import type { ActionNode } from '../schemas/automation/action-node.js';
import type { Automation } from '../schemas/automation/automation.js';
import type { SecureParameter } from '../schemas/automation/parameters.js';
import { REFUSED_ACTIONS } from './action-support.js';
import { pythonActionAdvice } from './python-code-advice.js';
import { playwrightKey } from './runner/interaction/key-names.js';
import { walkWithLoops } from './walk-with-loops.js';
import type { WorkerCapabilities } from './worker-capabilities.js';

/** Keys written as literals must exist in a browser; a key written as a placeholder is checked when pressed. */
function keyPressProblems(node: ActionNode, path: string): Problem[] {
  const keyPress = node.interaction_action?.key_press;
  if (!keyPress) return [];
  const keys = typeof keyPress.type === 'string' ? [keyPress.type] : keyPress.type;
  const problems: Problem[] = [];
  keys.forEach((key, index) => {
    if (!key.includes('{') && playwrightKey(key) === undefined) {
      problems.push({ path: `${path}.interaction_action.key_press.type${typeof keyPress.type === 'string' ? '' : `[${index}]`}`, message: `the key ${JSON.stringify(key)} cannot be pressed in a browser` });
    }
  });
  return problems;
}

function actionProblems(node: ActionNode, path: string, capabilities: WorkerCapabilities): Problem[] {
  const kind = actionKindOf(node);
  if (kind === 'python_script_action' && node.python_script_action) {
    return [{ path: `${path}.python_script_action`, message: pythonActionAdvice(node.python_script_action.execution_code) }];
  }
  if (kind === 'javascript_action' && !capabilities.allowCodeSteps) {
    return [{ path: `${path}.javascript_action`, message: 'runs JavaScript from the recording, which this worker only does when its operator sets ALLOW_CODE_STEPS=true' }];
  }
  const refusal = REFUSED_ACTIONS[kind];
  if (refusal) return [{ path: `${path}.${kind}`, message: refusal }];
  return keyPressProblems(node, path);
}

/**
 * Refuses, up front and by name, every part of a recording this worker cannot run. Steps that
 * only need something at run time (an LLM, a person) are accepted: see recording-requirements.ts.
 */
export function checkSupportedFeatures(automation: Automation, capabilities: WorkerCapabilities): Problem[] {
  const problems: Problem[] = [];
  walkWithLoops(automation, (node, path) => {
    if (node.type === 'private_node') {
      if (!capabilities.privateNodes.get(node.handler)) {
        const known = capabilities.privateNodes.names();
        problems.push({
          path: `${path}.handler`,
          message: `no private node handler named ${JSON.stringify(node.handler)} is registered in this worker (registered: ${known.length > 0 ? known.join(', ') : 'none'})`,
        });
      }
      return;
    }
    if (node.type === 'action_node') problems.push(...actionProblems(node, path, capabilities));
  });
  return problems;
}

/** Why a secure parameter cannot be resolved by this worker, or null when it can. */
export function secureParameterProblem(entry: SecureParameter, capabilities: WorkerCapabilities): string | null {
  if (entry.onepassword && !capabilities.onePassword) {
    return '1Password secure parameters need a 1Password service account: set OP_SERVICE_ACCOUNT_TOKEN on the worker';
  }
  return null;
}
