import { describe, expect, it } from 'vitest';
import { evaluateOnlyScripts, javascriptEquivalent, pythonActionAdvice } from './python-code-advice.js';

const I94 = `async def code_fn(page):
    print("entering code_fn")
    await page.evaluate(
        """  const el = document.querySelector('mat-dialog-content');  if (el) el.scrollTop = el.scrollHeight;"""
    )
    print("exiting code_fn")
`;

describe('advice for a Python code step', () => {
  it('finds the JavaScript of code that only calls page.evaluate (prints and comments do nothing)', () => {
    expect(evaluateOnlyScripts(I94)).toEqual(["  const el = document.querySelector('mat-dialog-content');  if (el) el.scrollTop = el.scrollHeight;"]);
    expect(evaluateOnlyScripts(`async def code_fn(page):\n    # two calls\n    await page.evaluate('window.a = 1')\n    await page.evaluate("window.b = \\"x\\"\\n")\n`)).toEqual(['window.a = 1', 'window.b = "x"\n']);
    expect(evaluateOnlyScripts(`async def code_fn(page, ctx):\n    await page.evaluate(r'\\d+')\n`)).toEqual(['\\d+']);
  });

  it('gives no exact equivalent for code that does anything else', () => {
    expect(evaluateOnlyScripts(`async def code_fn(page):\n    await page.click("#go")\n`)).toBeNull();
    expect(evaluateOnlyScripts(`async def code_fn(page):\n    x = await page.evaluate("1")\n`)).toBeNull();
    expect(evaluateOnlyScripts(`import os\nasync def code_fn(page):\n    await page.evaluate("1")\n`)).toBeNull();
    expect(evaluateOnlyScripts('def something_else(page):\n    pass\n')).toBeNull();
  });

  it('writes the equivalent javascript_action into the refusal', () => {
    const advice = pythonActionAdvice(I94);
    const replacement = JSON.parse(advice.slice(advice.indexOf('{"javascript_action"'))) as { javascript_action: { execution_code: string } };
    expect(replacement.javascript_action.execution_code).toBe(javascriptEquivalent(evaluateOnlyScripts(I94) ?? []));
    expect(replacement.javascript_action.execution_code).toContain("await page.evaluate(\"  const el = document.querySelector('mat-dialog-content');");
    expect(advice).toContain('ALLOW_CODE_STEPS=true');
    expect(pythonActionAdvice('async def code_fn(page):\n    await page.click("#go")\n')).toContain('write it as a javascript_action instead');
  });
});
