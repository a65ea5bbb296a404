import { describe, expect, it } from 'vitest';
import { parseDotenv } from './dotenv.js';

describe('parseDotenv', () => {
  it('reads plain, exported, quoted and commented lines', () => {
    const { values, problems } = parseDotenv(
      ['# comment', 'A=1', 'export B = two words ', "C='single # kept'", 'D="line\\nbreak \\"q\\""', 'E=value # trailing comment', ''].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(values).toEqual({ A: '1', B: 'two words', C: 'single # kept', D: 'line\nbreak "q"', E: 'value' });
  });

  it('reports malformed lines and unterminated quotes with their line numbers', () => {
    const { problems } = parseDotenv('GOOD=1\nnot a setting\nBAD="open\n');
    expect(problems).toEqual(['line 2: expected KEY=value', 'line 3: unterminated quoted value for BAD']);
  });
});
