import { describe, expect, it } from 'vitest';
import { fileNameProblem, pathInside, relativePathOf } from './safe-names.js';

describe('relativePathOf', () => {
  it.each([
    ['report.csv', 'report.csv'],
    ['./a//b/./c.txt', 'a/b/c.txt'],
    ['task/sub/', 'task/sub'],
  ])('accepts %j as %j', (input, expected) => {
    expect(relativePathOf(input)).toEqual({ path: expected });
  });

  it.each([
    ['../evil', 'contains ".."'],
    ['a/../../evil', 'contains ".."'],
    ['/etc/passwd', 'is an absolute path'],
    ['C:/Windows/evil', 'is an absolute path'],
    ['a\\..\\evil', 'contains a backslash'],
    ['a\u0000b', 'contains a NUL character'],
    ['a/\u0007b', 'contains a control character'],
    ['', 'is empty'],
    ['./', 'is empty'],
  ])('refuses %j: %s', (input, problem) => {
    expect(relativePathOf(input)).toEqual({ problem });
  });
});

describe('fileNameProblem', () => {
  it('accepts plain names and refuses separators and dot names', () => {
    expect(fileNameProblem('final_screenshot.png')).toBeNull();
    expect(fileNameProblem('account')).toBeNull();
    expect(fileNameProblem('a/b')).toBe('contains a path separator');
    expect(fileNameProblem('..')).toBe('is not a file name');
    expect(fileNameProblem('x'.repeat(256))).toBe('is longer than 255 characters');
  });
});

describe('pathInside', () => {
  it('answers undefined for anything that resolves outside the root', () => {
    expect(pathInside('/data/tasks', 'a/b.csv')).toBe('/data/tasks/a/b.csv');
    expect(pathInside('/data/tasks', '../x')).toBeUndefined();
    expect(pathInside('/data/tasks', '/etc/passwd')).toBeUndefined();
    expect(pathInside('/data/tasks', '')).toBeUndefined();
  });
});
