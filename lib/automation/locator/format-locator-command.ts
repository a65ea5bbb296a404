import type { LocatorCommand, LocatorStep, LocatorValue } from './locator-command.js';

/**
 * The canonical Python spelling of a command: double quotes, `, ` between arguments, no `page.`
 * prefix at the top (as recordings write it). Parsing the result gives back the same command.
 */
export function formatLocatorCommand(command: LocatorCommand): string {
  const steps = command.steps.map(formatStep);
  return (command.base ? [command.base.text, ...steps] : steps).join('.');
}

function formatStep(step: LocatorStep): string {
  if (step.kind === 'property') return step.name;
  const args = step.args.map(formatValue);
  const kwargs = step.kwargs.map(({ name, value }) => `${name}=${formatValue(value)}`);
  return `${step.method}(${[...args, ...kwargs].join(', ')})`;
}

function formatValue(value: LocatorValue): string {
  switch (value.kind) {
    case 'string':
      return formatString(value.value);
    case 'int':
      return String(value.value);
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'regex':
      return `re.compile(${formatString(value.source)}${value.ignoreCase ? ', re.IGNORECASE' : ''})`;
    case 'locator':
      return `page.${formatLocatorCommand(value.command)}`;
    case 'placeholder':
      return value.text;
  }
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function formatString(text: string): string {
  // Other control characters as \xNN so that the output stays on one printable line.
  const escaped = text.replace(/[\\"\n\r\t\x00-\x1f\x7f]/g, (ch) => NAMED_ESCAPES[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `"${escaped}"`;
}
