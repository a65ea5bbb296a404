/**
 * A recorded locator command that the grammar does not accept. `position` is the 0-based offset
 * in `command` of the first character that is wrong, so a recording editor can point at it.
 */
export class LocatorCommandError extends Error {
  readonly position: number;
  readonly command: string;

  constructor(message: string, position: number, command: string) {
    super(message);
    this.name = 'LocatorCommandError';
    this.position = position;
    this.command = command;
  }
}

/** Builds the error with the house message shape: `<problem> at position <n>: expected <what>`. */
export function commandError(command: string, problem: string, position: number, expected?: string): LocatorCommandError {
  const detail = expected === undefined ? '' : `: expected ${expected}`;
  return new LocatorCommandError(`${problem} at position ${position}${detail}`, position, command);
}
