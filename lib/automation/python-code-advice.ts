/**
 * What to use instead of a Python code step, which this worker cannot run. Recorded Python often
 * does nothing but run JavaScript in the page (`await page.evaluate("""...""")`); for that shape
 * the advice is the exact javascript_action equivalent, written out.
 */

const PY_STRING = String.raw`[rRuU]?(?:"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')`;
const EVALUATE_CALL = new RegExp(String.raw`await\s+page\.evaluate\(\s*(${PY_STRING})\s*,?\s*\)`, 'g');
const HEADER = /^\s*async\s+def\s+code_fn\s*\(\s*page\s*(?:,[^)]*)?\)\s*(?:->\s*[^:]+)?:/;
/** Lines that do nothing a page can observe: blank, comments, `print(...)`, `pass`, `return`. */
const INERT_LINE = /^\s*(?:#.*|print\(.*\)\s*|pass\s*|return(?:\s+None)?\s*)?$/;

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '\n': '' };

/** The value of a Python string literal (the escapes JavaScript snippets use). */
function pythonStringValue(literal: string): string {
  const raw = /^[rR]/.test(literal);
  const body = literal.replace(/^[rRuU]/, '');
  const quote = body.startsWith('"""') || body.startsWith("'''") ? 3 : 1;
  const inner = body.slice(quote, body.length - quote);
  if (raw) return inner;
  return inner.replace(/\\([\s\S])/g, (match, char: string) => ESCAPES[char] ?? match);
}

/** The JavaScript each `page.evaluate` call of `code` runs, or null when `code` does anything else. */
export function evaluateOnlyScripts(code: string): string[] | null {
  const lines = code.split('\n');
  const headerIndex = lines.findIndex((line) => HEADER.test(line));
  if (headerIndex === -1 || lines.slice(0, headerIndex).some((line) => !INERT_LINE.test(line))) return null;
  const body = lines.slice(headerIndex + 1).join('\n');
  const scripts: string[] = [];
  const rest = body.replace(EVALUATE_CALL, (_call, literal: string) => {
    scripts.push(pythonStringValue(literal));
    return '';
  });
  if (scripts.length === 0 || rest.split('\n').some((line) => !INERT_LINE.test(line))) return null;
  return scripts;
}

export function javascriptEquivalent(scripts: readonly string[]): string {
  return `async (page) => {\n${scripts.map((script) => `  await page.evaluate(${JSON.stringify(script)});`).join('\n')}\n}`;
}

const INSTEAD = 'write it as a javascript_action instead: {"javascript_action": {"execution_code": "async (page) => { ... }"}}, an async function of Playwright\'s page in JavaScript (code steps run when the worker has ALLOW_CODE_STEPS=true)';

/** The refusal of a python_script_action, with what to write instead. */
export function pythonActionAdvice(code: string): string {
  const scripts = evaluateOnlyScripts(code);
  if (scripts === null) return `runs Python, which this worker does not run; ${INSTEAD}`;
  const replacement = JSON.stringify({ javascript_action: { execution_code: javascriptEquivalent(scripts) } });
  return `runs Python, which this worker does not run. This code only runs JavaScript in the page, so replace the node's python_script_action with this exact equivalent (code steps run when the worker has ALLOW_CODE_STEPS=true): ${replacement}`;
}

/** The refusal of a Python extraction or assertion script, which has no JavaScript form yet. */
export const PYTHON_SCRIPT_REFUSAL =
  'runs Python, which this worker does not run; read values with a locator, network_call or state extraction, or compute them with misc_action.set_variable';
