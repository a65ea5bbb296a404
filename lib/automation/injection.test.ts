import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseCondition } from './expressions/condition.js';
import { evaluatePythonExpression } from './expressions/evaluate-python-expression.js';
import { ExpressionSyntaxError, parsePythonExpression } from './expressions/python-expression.js';
import { LocatorCommandError, parseLocatorCommand } from './locator/locator-command.js';
import { substituteVariables } from './variables/substitute-variables.js';
import { validateRecording } from './validate-recording.js';
import { BASE_CAPABILITIES } from './worker-capabilities.js';

/**
 * Every way a recording or a task's input might try to become code: each is refused when the
 * recording is accepted, or stays inert data. Nothing here is ever evaluated by JavaScript.
 */

const recording = (nodes: unknown[], extra: Record<string, unknown> = {}) => ({
  url: 'https://example.test/',
  parameters: { input_parameters: {}, generated_parameters: {} },
  nodes,
  ...extra,
});
const click = (command: string) => ({ type: 'action_node', interaction_action: { click_element: { command } } });
const problemsOf = (raw: unknown) => {
  const result = validateRecording(raw);
  return result.ok ? [] : result.problems;
};

describe('locator commands that try to run code are refused at acceptance', () => {
  it.each([
    'evaluate("alert(1)")',
    'page.evaluate("alert(1)")',
    'locator("x").evaluate("el => el.remove()")',
    'locator("x").evaluate_all("els => 1")',
    'locator("x").element_handle()',
    'page.context.new_page()',
    "__import__('os').system('id')",
    'constructor.constructor("return process")()',
    'locator.__class__',
    'locator("x").__class__.__mro__',
    'locator(`x${process.exit()}`)',
    'locator("x") # a comment',
    'locator("x") // a comment',
    'locator("x") /* a comment */',
    'locator("x"); evaluate("1")',
    'locator("x"), evaluate("1")',
    'locator("x")\nevaluate("1")',
    'locator(selector=__import__("os"))',
    'locator("x", has=lambda: 1)',
    'locator("x", has_text=[c for c in "ab"])',
    'locator(f"{x}")',
    'locator("x").filter(has=page.evaluate("1"))',
    'get_by_role("button", name=open("/etc/passwd").read())',
  ])('%s', (command) => {
    expect(() => parseLocatorCommand(command)).toThrow(LocatorCommandError);
    const problems = problemsOf(recording([click(command)]));
    expect(problems).toEqual([expect.objectContaining({ path: 'nodes[0].interaction_action.click_element.command' })]);
  });

  it('keeps a quoted payload as selector text, never as code', () => {
    const command = parseLocatorCommand('locator("x\\"); evaluate(\\"1")');
    expect(command.steps).toEqual([expect.objectContaining({ method: 'locator', args: [{ kind: 'string', value: 'x"); evaluate("1' }] })]);
  });
});

describe('conditions and set_variable expressions that try to reach Python objects are refused', () => {
  it.each([
    "__import__('os')",
    "__import__('os').system('id')",
    '().__class__.__bases__[0].__subclasses__()',
    "''.__class__",
    'x.__dict__',
    '[].__class__.__mro__',
    '__builtins__',
    'lambda: 1',
    '(lambda x: x)(1)',
    '[c for c in "ab"]',
    '{c: 1 for c in "ab"}',
    '(c for c in "ab")',
    'getattr(x, "__class__")',
    'eval("1")',
    'exec("1")',
    'open("/etc/passwd")',
    'globals()',
    'x.constructor',
    'x.constructor.constructor("return process")()',
    'x.__proto__',
    '`1`',
    '1; 2',
    'x := 1',
    'print(1)',
    'type(x)',
  ])('%s', (expression) => {
    expect(() => parsePythonExpression(expression)).toThrow(ExpressionSyntaxError);
    expect(() => parseCondition(expression)).toThrow(ExpressionSyntaxError);
    const ifNode = { type: 'if_else_node', condition: expression, if_nodes: [], else_nodes: [] };
    const setNode = { type: 'action_node', misc_action: { set_variable: { name: 'v', expression } } };
    expect(problemsOf(recording([ifNode, setNode])).map((problem) => problem.path)).toEqual(['nodes[0].condition', 'nodes[1].misc_action.set_variable.expression']);
  });

  it('reads only own names: constructor, toString and __proto__ are not found on a prototype', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(() => evaluatePythonExpression(parsePythonExpression(name), {})).toThrow(/NameError/);
      expect(() => evaluateCondition(`${name} == 1`, {})).toThrow(/NameError/);
    }
    expect(() => evaluatePythonExpression(parsePythonExpression('d["constructor"]'), { d: {} })).toThrow(/KeyError/);
    expect(evaluatePythonExpression(parsePythonExpression('d.get("__proto__")'), { d: {} })).toBeNull();
    expect(evaluatePythonExpression(parsePythonExpression('"constructor" in d'), { d: {} })).toBe(false);
  });
});

describe('JSON keys __proto__, constructor and prototype stay plain keys', () => {
  const hostile = () => JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": {"polluted": "yes"}}') as Record<string, unknown>;

  it('in input_parameters, generated parameters, extraction formats and api_call bodies', () => {
    const raw = recording(
      [
        { type: 'action_node', extraction_action: { api_call: { url: 'https://example.test/api', method: 'POST', body: hostile(), headers: { constructor: 'x' } } } },
        {
          type: 'action_node',
          extraction_action: { llm: { source: ['screenshot'], extraction_instructions: 'x', extraction_format: JSON.parse('{"__proto__": "str", "constructor": "str"}') as unknown, output_variable_names: ['constructor'] } },
        },
        { type: 'action_node', misc_action: { set_variable: { name: '__proto__', value: 'x' } } },
      ],
      { parameters: JSON.parse('{"input_parameters": {"__proto__": ["a"], "constructor": ["b"]}, "generated_parameters": {"__proto__": ["c"], "prototype": ["d"]}}') },
    );
    const result = validateRecording(raw);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const parameters = result.automation.parameters.input_parameters;
    // The schema keeps `constructor` as data and drops a `__proto__` key; neither changes a prototype.
    expect(Object.getPrototypeOf(parameters)).toBe(Object.prototype);
    expect(Object.keys(parameters)).toEqual(['constructor']);
    const body = result.automation.nodes[0]?.type === 'action_node' ? result.automation.nodes[0].extraction_action?.api_call?.body : undefined;
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(JSON.stringify(body)).toBe('{"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}}');
    validateRecording(hostile());
    validateRecording({ ...hostile(), ...recording([]) });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

describe('{name[i]} substitution', () => {
  const sources = (input: Record<string, unknown[]>, generated: Record<string, unknown> = {}) => ({ input, secure: { password: ['s3cret'] }, generated });

  it.each([
    ['{__proto__[0]}', '{__proto__[0]}'],
    ['{constructor[0]}', '{constructor[0]}'],
    ['{constructor.name}', '{constructor.name}'],
    ['{toString.length}', '{toString.length}'],
    ['{a[99999999999]}', '{a[99999999999]}'],
    ['{a[-1]}', '{a[-1]}'],
    ['{{a[0]}}', '{x}'],
    ['{a[0]}{a[0]}', 'xx'],
  ])('%s becomes %s', (text, expected) => {
    expect(substituteVariables(text, sources({ a: ['x'] }))).toBe(expected);
  });

  it('does not substitute a value a second time', () => {
    const input = { who: ['{password[0]}'], other: ['{who[0]}'] };
    expect(substituteVariables('{other[0]} and {who[0]}', sources(input))).toBe('{who[0]} and {password[0]}');
    expect(substituteVariables('{api.body}', sources({ q: ['{api.body}'] }, { api: { body: '{q[0]}' } }))).toBe('{q[0]}');
  });

  it('finds __proto__ and constructor only as own keys', () => {
    const input = JSON.parse('{"__proto__": ["p"], "constructor": ["c"]}') as Record<string, unknown[]>;
    expect(substituteVariables('{__proto__[0]}/{constructor[0]}', sources(input))).toBe('p/c');
    expect(substituteVariables('{api.constructor}', sources({}, { api: {} }))).toBe('{api.constructor}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('JavaScript code steps', () => {
  const codeStep = { type: 'action_node', javascript_action: { execution_code: 'async (page) => process.exit(1)' } };

  it('are refused unless ALLOW_CODE_STEPS is set', () => {
    expect(problemsOf(recording([codeStep]))).toEqual([expect.objectContaining({ path: expect.stringContaining('nodes[0]') })]);
    expect(validateRecording(recording([codeStep]), { ...BASE_CAPABILITIES, allowCodeSteps: true }).ok).toBe(true);
  });

  it('Python code steps are refused either way', () => {
    const python = { type: 'action_node', python_script_action: { execution_code: "import os\nos.system('id')" } };
    expect(validateRecording(recording([python]), { ...BASE_CAPABILITIES, allowCodeSteps: true }).ok).toBe(false);
  });
});

describe('names looked up in built-in tables', () => {
  it('find own entries only', async () => {
    const { playwrightKey } = await import('./runner/interaction/key-names.js');
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(playwrightKey(name)).toBeUndefined();
    expect(playwrightKey('enter')).toBe('Enter');
  });
});
