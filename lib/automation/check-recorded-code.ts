import type { Problem } from '../errors.js';
import type { Automation } from '../schemas/automation/automation.js';
import type { Node } from '../schemas/automation/nodes.js';
import { ExpressionSyntaxError } from './expressions/python-expression.js';
import { parseCondition } from './expressions/condition.js';
import { pollConditionShape } from './expressions/poll-condition.js';
import { LocatorCommandError, parseLocatorCommand } from './locator/locator-command.js';
import { bindLocatorLoop, bindVariableLoop } from './variables/bind-loop-placeholders.js';
import { stripDoubleQuotes } from './variables/substitute-variables.js';
import { walkWithLoops, type LoopScope } from './walk-with-loops.js';

/** Binds the placeholders of the enclosing loops (iteration 0), outermost first, as a run does. */
function bindLoops(text: string, loops: readonly LoopScope[]): string {
  let bound = text;
  loops.forEach((loop, depth) => {
    bound =
      loop.kind === 'variable'
        ? bindVariableLoop(bound, { names: loop.names, indexName: loop.indexName, index: 0 })
        : // A loop's own locator is bound by the loops around it.
          bindLocatorLoop(bound, { locator: bindLoops(loop.locator, loops.slice(0, depth)), indexName: loop.indexName, index: 0 });
  });
  return bound;
}

function checkCommand(text: string, path: string, loops: readonly LoopScope[], problems: Problem[]): void {
  const bound = bindLoops(text, loops);
  try {
    const command = parseLocatorCommand(bound);
    if (command.base) {
      problems.push({ path, message: `${command.base.text} at position ${command.base.position} stands for a whole locator; only {locator[...]} inside a locator loop can` });
    }
  } catch (error) {
    if (!(error instanceof LocatorCommandError)) throw error;
    // A run strips '"' around the whole command whenever variables exist: accept that form too.
    const stripped = stripDoubleQuotes(bound);
    if (stripped !== bound) {
      try {
        parseLocatorCommand(stripped);
        return;
      } catch {
        // Report the problem of the command as written.
      }
    }
    problems.push({ path, message: `locator command cannot be parsed: ${error.message}` });
  }
}

function checkExpression(text: string, path: string, what: string, loops: readonly LoopScope[], problems: Problem[]): void {
  try {
    parseCondition(bindLoops(text, loops));
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    problems.push({ path, message: `${what} cannot be parsed: ${error.message}` });
  }
}

const ELEMENT_ACTIONS = ['click_element', 'input_text', 'select_option', 'check', 'uncheck', 'hover', 'upload_file', 'key_press'] as const;

function checkNode(node: Node, path: string, loops: readonly LoopScope[], problems: Problem[]): void {
  if (node.type === 'for_loop_node') {
    if (node.locator !== null) checkCommand(node.locator, `${path}.locator`, loops, problems);
  } else if (node.type === 'if_else_node') {
    checkExpression(node.condition, `${path}.condition`, 'condition', loops, problems);
  } else if (node.type === 'assert_locator_node') {
    checkCommand(node.locator, `${path}.locator`, loops, problems);
  } else if (node.type === 'action_node') {
    const interaction = node.interaction_action;
    for (const kind of ELEMENT_ACTIONS) {
      const command = interaction?.[kind]?.command;
      if (command != null) checkCommand(command, `${path}.interaction_action.${kind}.command`, loops, problems);
    }
    const locator = node.extraction_action?.locator;
    if (locator) checkCommand(locator.command, `${path}.extraction_action.locator.command`, loops, problems);
    const count = node.misc_action?.count_locator;
    if (count) checkCommand(count.locator, `${path}.misc_action.count_locator.locator`, loops, problems);
    const expression = node.misc_action?.set_variable?.expression;
    if (expression != null) checkExpression(expression, `${path}.misc_action.set_variable.expression`, 'expression', loops, problems);
    const poll = node.extraction_action?.api_call?.poll_condition;
    if (poll != null) checkExpression(pollConditionShape(poll), `${path}.extraction_action.api_call.poll_condition`, 'poll_condition', loops, problems);
  }
}

/**
 * Every locator command and every condition or expression of a recording, through its
 * grammar. Nothing recorded is ever evaluated as code: what the grammar refuses is refused
 * here, with the node's path and the position of the problem.
 */
export function checkCommandsAndConditions(automation: Automation): Problem[] {
  const problems: Problem[] = [];
  walkWithLoops(automation, (node, path, loops) => checkNode(node, path, loops, problems));
  return problems;
}
