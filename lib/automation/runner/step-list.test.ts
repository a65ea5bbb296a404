import { describe, expect, it } from 'vitest';
import { maskSecureValues } from './mask-secure-values.js';
import { actionCommand } from './step-list.js';

describe('the step list', () => {
  it('masks every secure value of 3 characters or more, longest first', () => {
    const secure = { password: ['hunter22'], pin: ['42'], code: ['hunter'] };
    expect(maskSecureValues('get_by_text("hunter22 or hunter, not 42")', secure)).toBe('get_by_text("******** or ********, not 42")');
    expect(maskSecureValues('locator("#q")', {})).toBe('locator("#q")');
  });

  it("reads the command of the action's sub-action, or null", () => {
    const node = { interaction_action: { click_element: { command: 'locator("#go")' } }, sleep_action: { sleep_time: 1 } };
    expect(actionCommand(node, 'interaction_action.click_element')).toBe('locator("#go")');
    expect(actionCommand(node, 'sleep_action')).toBeNull();
    expect(actionCommand(node, 'extraction_action.llm')).toBeNull();
  });
});
