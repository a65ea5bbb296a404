/**
 * Recordings name keys as pyautogui does (lowercase: "enter", "esc", "pgdn", "f5", "a"); the
 * original handed those names to Playwright unchanged, so only digits and "/" ever worked.
 * We translate them to Playwright's key names instead.
 */
const NAMED_KEYS: Readonly<Record<string, string>> = {
  '\t': 'Tab', '\n': 'Enter', '\r': 'Enter', ' ': 'Space',
  enter: 'Enter', return: 'Enter', tab: 'Tab', space: 'Space', esc: 'Escape', escape: 'Escape',
  backspace: 'Backspace', del: 'Delete', delete: 'Delete', insert: 'Insert',
  up: 'ArrowUp', down: 'ArrowDown', left: 'ArrowLeft', right: 'ArrowRight',
  home: 'Home', end: 'End', pageup: 'PageUp', pgup: 'PageUp', pagedown: 'PageDown', pgdn: 'PageDown',
  shift: 'Shift', shiftleft: 'Shift', shiftright: 'Shift', ctrl: 'Control', ctrlleft: 'Control', ctrlright: 'Control',
  alt: 'Alt', altleft: 'Alt', altright: 'Alt', option: 'Alt', optionleft: 'Alt', optionright: 'Alt',
  win: 'Meta', winleft: 'Meta', winright: 'Meta', command: 'Meta',
  capslock: 'CapsLock', numlock: 'NumLock', scrolllock: 'ScrollLock', pause: 'Pause',
  print: 'PrintScreen', printscreen: 'PrintScreen', prntscrn: 'PrintScreen', prtsc: 'PrintScreen', prtscr: 'PrintScreen',
  add: 'NumpadAdd', subtract: 'NumpadSubtract', multiply: 'NumpadMultiply', divide: 'NumpadDivide', decimal: 'NumpadDecimal',
  separator: 'NumpadDecimal', apps: 'ContextMenu', help: 'Help', clear: 'Clear', select: 'Select', execute: 'Execute',
};

/** The Playwright key for a recorded key name, or undefined when the browser has none. */
export function playwrightKey(name: string): string | undefined {
  // Own keys only: a key named `constructor` or `toString` must not find Object.prototype's.
  const named = Object.hasOwn(NAMED_KEYS, name) ? NAMED_KEYS[name] : undefined;
  if (named !== undefined) return named;
  if ([...name].length === 1) return name;
  const fn = /^f([1-9]|1\d|2[0-4])$/.exec(name);
  if (fn) return `F${fn[1]}`;
  const numpad = /^num(\d)$/.exec(name);
  if (numpad) return `Numpad${numpad[1]}`;
  return undefined;
}

export function requirePlaywrightKey(name: string): string {
  const key = playwrightKey(name);
  if (key === undefined) throw new Error(`key_press: the key ${JSON.stringify(name)} cannot be pressed in a browser`);
  return key;
}
