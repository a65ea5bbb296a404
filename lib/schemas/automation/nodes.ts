import * as z from 'zod';
import { ActionNode } from './action-node.js';
import { migrateNodeList } from './migrate-old-nodes.js';
import { EVEN_WITH_NESTED_PROBLEMS, isPythonIdentifier, nullOr } from './schema-helpers.js';

/** Evaluates a locator assertion and stores the boolean under output_variable_name. */
export const AssertLocatorNode = z.object({
  type: z.literal('assert_locator_node'),
  locator: z.string(),
  assertion: z.enum(['to_be_visible', 'to_be_hidden']),
  /** Baked to `node{N}_output` when omitted (bake-output-names.ts), so never null after parsing. */
  output_variable_name: nullOr(z.string()),
  timeout: z.number().default(5.0),
});
export type AssertLocatorNode = z.output<typeof AssertLocatorNode>;

/** Calls a handler contributed by a plugin; `inputs` are validated by that handler. */
export const PrivateNode = z.object({
  type: z.literal('private_node'),
  handler: z.string(),
  inputs: z.record(z.string(), z.unknown()).default(() => ({})),
  output_variable_names: nullOr(z.array(z.string())),
  before_sleep_time: z.number().default(0.0),
  end_sleep_time: z.number().default(0.0),
});
export type PrivateNode = z.output<typeof PrivateNode>;

const ForLoopFields = z.object({
  type: z.literal('for_loop_node'),
  variable_name: nullOr(z.string()),
  locator: nullOr(z.string()),
  index_variable_name: z.string().default('index'),
  locator_timeout: z.number().min(0, 'must not be negative').default(5.0),
  max_iterations: nullOr(z.int().positive('must be greater than 0')),
  on_error_in_loop: z.enum(['continue', 'break', 'raise']).default('raise'),
});

export interface ForLoopNode extends z.output<typeof ForLoopFields> {
  nodes: Node[];
  /** Run between iterations (not after the last one). */
  reset_nodes: Node[];
}

const IfElseFields = z.object({
  type: z.literal('if_else_node'),
  condition: z.string(),
});

export interface IfElseNode extends z.output<typeof IfElseFields> {
  if_nodes: Node[];
  else_nodes: Node[];
}

export type Node = ActionNode | ForLoopNode | IfElseNode | AssertLocatorNode | PrivateNode;

/** Blank counts as unset, as in the original (it strips both sources before checking). */
function stripToNull(value: string | null | undefined): string | null {
  const stripped = value?.trim();
  return stripped ? stripped : null;
}

function loopVariableNames(variableName: string): string[] {
  return variableName
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function checkForLoop(loop: z.input<typeof ForLoopFields>, ctx: z.core.$RefinementCtx): void {
  const variableName = typeof loop.variable_name === 'string' ? stripToNull(loop.variable_name) : null;
  const locator = typeof loop.locator === 'string' ? stripToNull(loop.locator) : null;
  if ((variableName === null) === (locator === null)) {
    const state = variableName === null ? 'neither is set (blank counts as unset)' : 'both are set';
    ctx.addIssue({ code: 'custom', message: `exactly one of variable_name or locator must be set; ${state}` });
  }
  const name = loop.index_variable_name ?? 'index';
  if (typeof name !== 'string') return;
  const problem = !isPythonIdentifier(name)
    ? `${JSON.stringify(name)} must be a valid identifier`
    : name === 'index_of'
      ? '"index_of" is reserved for {index_of(variable)} placeholders'
      : locator !== null && name === 'locator'
        ? 'cannot be "locator" in locator mode; use a distinct name (e.g. "row") with {locator[row]} and {row}'
        : variableName !== null && loopVariableNames(variableName).includes(name)
          ? `${JSON.stringify(name)} must not match a name in variable_name`
          : null;
  if (problem !== null) ctx.addIssue({ code: 'custom', path: ['index_variable_name'], message: problem });
}

/** A node list written in the old format (no `type`) is migrated first. */
const MigratedNodeList: z.ZodType<Node[], unknown> = z.preprocess(
  migrateNodeList,
  z.array(z.lazy(() => NodeSchema)),
);

export const ForLoopNode = ForLoopFields.extend({
  get nodes(): z.ZodType<Node[], unknown> {
    return MigratedNodeList;
  },
  get reset_nodes() {
    return MigratedNodeList.default(() => []);
  },
})
  .superRefine(checkForLoop, EVEN_WITH_NESTED_PROBLEMS)
  .transform(
    (loop): ForLoopNode => ({
      ...loop,
      variable_name: stripToNull(loop.variable_name),
      locator: stripToNull(loop.locator),
    }),
  );

/**
 * `if_nodes` is required in the original's type, but its old-format migration step writes
 * an empty list when the key is absent, so a missing `if_nodes` loads as [].
 */
export const IfElseNode = IfElseFields.extend({
  get if_nodes() {
    return MigratedNodeList.default(() => []);
  },
  get else_nodes() {
    return MigratedNodeList.default(() => []);
  },
});

export const NodeSchema = z.discriminatedUnion('type', [
  ActionNode,
  ForLoopNode,
  IfElseNode,
  AssertLocatorNode,
  PrivateNode,
]);

export const NodeList = MigratedNodeList;

/** post_processing_nodes: no old-format migration, every node must carry `type`. */
export const TypedNodeList = z.array(NodeSchema);
