import type { Locator, Page } from 'playwright-core';
import { buildLocator } from '../locator/build-locator.js';
import { parseLocatorCommand, type LocatorCommand } from '../locator/locator-command.js';
import { hasAnyVariable, stripDoubleQuotes, substituteVariables, type VariableSources } from '../variables/substitute-variables.js';

// Recordings repeat the same commands (loops especially): parse each text once.
const parsed = new Map<string, LocatorCommand>();
const MAX_CACHED = 2_000;

function parseCached(text: string): LocatorCommand {
  let command = parsed.get(text);
  if (!command) {
    command = parseLocatorCommand(text);
    if (command.base) throw new Error(`${command.base.text} stands for a whole locator: only a locator loop can bind it, and a variable value never may`);
    if (parsed.size >= MAX_CACHED) parsed.clear();
    parsed.set(text, command);
  }
  return command;
}

/**
 * A recorded locator command as a Playwright locator on `page`. The command is parsed by the
 * grammar first and variables are substituted into its string values afterwards, so a value
 * can never change the shape of the locator (the original substituted text, then eval'd it).
 */
export function resolveLocator(page: Page, command: string, sources: VariableSources): Locator {
  // The original strips '"' around the whole command whenever any variable exists.
  const text = hasAnyVariable(sources) ? stripDoubleQuotes(command) : command;
  return buildLocator(page, parseCached(text), (value) => substituteVariables(value, sources));
}
