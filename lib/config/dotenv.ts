/**
 * Parses a dotenv file: `KEY=value`, optional `export ` prefix, `#` comments, single- or
 * double-quoted values (double quotes understand \n, \t, \" and \\). Returns the problems it
 * met instead of throwing, so start-up can report every problem at once.
 */
export function parseDotenv(text: string): { values: Record<string, string>; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      problems.push(`line ${index + 1}: expected KEY=value`);
      return;
    }
    const [, key = '', rawValue = ''] = match;
    const value = parseValue(rawValue);
    if (value === undefined) problems.push(`line ${index + 1}: unterminated quoted value for ${key}`);
    else values[key] = value;
  });
  return { values, problems };
}

function parseValue(raw: string): string | undefined {
  const quote = raw[0];
  if (quote === "'" ) {
    const end = raw.indexOf("'", 1);
    return end === -1 ? undefined : raw.slice(1, end);
  }
  if (quote === '"') {
    let out = '';
    for (let i = 1; i < raw.length; i++) {
      const ch = raw[i];
      if (ch === '"') return out;
      if (ch === '\\' && i + 1 < raw.length) {
        const next = raw[++i];
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
      } else out += ch;
    }
    return undefined;
  }
  // Unquoted: an inline comment needs whitespace before '#', as in most dotenv readers.
  return raw.replace(/\s+#.*$/, '').trim();
}
