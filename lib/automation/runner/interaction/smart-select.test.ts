import { describe, expect, it } from 'vitest';
import { findSelectOptions, matchSelectOptions } from './smart-select.js';

const options = (...pairs: [string, string][]) => pairs.map(([value, label]) => ({ value, label }));
const states = options(['', 'Choose a state'], ['GA', 'Georgia'], ['NY', 'New York'], ['NJ', 'New Jersey']);

describe('matchSelectOptions', () => {
  it('matches a recorded visible label to its value', () => {
    expect(matchSelectOptions(states, ['New York'])).toEqual(['NY']);
  });

  it('matches an exact value', () => {
    expect(matchSelectOptions(states, ['GA'])).toEqual(['GA']);
  });

  it('treats patterns that look like regexes as regexes over values and labels', () => {
    expect(matchSelectOptions(states, ['^New'])).toEqual(['NY', 'NJ']);
  });

  it('falls back to a fuzzy match on values, then on labels', () => {
    expect(matchSelectOptions(states, ['ny'])).toEqual(['NY']);
    expect(matchSelectOptions(states, ['new jer'])).toEqual(['NJ']);
  });

  it('takes the only real option next to "Select One" and the single option of a one-option select', () => {
    expect(matchSelectOptions(options(['Select One', 'Select One'], ['x1', 'Only']), ['anything'])).toEqual(['x1']);
    expect(matchSelectOptions(options(['solo', 'Solo']), ['other'])).toEqual(['solo']);
  });

  it('passes unmatched patterns through and answers nothing for an empty select', () => {
    expect(matchSelectOptions(states, ['Texas'])).toEqual(['Texas']);
    expect(matchSelectOptions([], ['x'])).toEqual([]);
  });

  it('tells a pattern that matched nothing apart from one that matched, for the model fallback', () => {
    expect(findSelectOptions(states, ['Texas'])).toBeNull();
    expect(findSelectOptions(states, ['GA'])).toEqual(['GA']);
  });
});
