import { readFileSync } from 'node:fs';
import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from './memory-tuning.js';

const DOCKERFILE = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const DOCKERIGNORE = readFileSync(new URL('../.dockerignore', import.meta.url), 'utf8');

/** Instructions with their continuation lines joined, comments dropped. */
const instructions = DOCKERFILE.replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });

describe('Dockerfile', () => {
  it('passes the dockerfile-utils linter with every rule an error', () => {
    // dockerfile-utils (the validator of the Docker language server) parses the file and checks
    // each instruction's syntax, flags and arguments; its style rules are turned up to errors.
    const settings: ValidatorSettings = {
      deprecatedMaintainer: ValidationSeverity.ERROR,
      directiveCasing: ValidationSeverity.ERROR,
      emptyContinuationLine: ValidationSeverity.ERROR,
      instructionCasing: ValidationSeverity.ERROR,
      instructionCmdMultiple: ValidationSeverity.ERROR,
      instructionEntrypointMultiple: ValidationSeverity.ERROR,
      instructionHealthcheckMultiple: ValidationSeverity.ERROR,
      instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
      instructionWorkdirRelative: ValidationSeverity.ERROR,
    };
    expect(validate(DOCKERFILE, settings).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('pins every base image to a major version, never latest', () => {
    const images = instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args.split(/\s+/)[0] ?? '');
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toMatch(/^node:22-bookworm-slim$/);
  });

  it('runs as a non-root user from before CMD, behind an init process', () => {
    const finalStage = instructions.slice(instructions.map((i) => i.keyword).lastIndexOf('FROM'));
    const user = finalStage.findIndex((i) => i.keyword === 'USER');
    const cmd = finalStage.findIndex((i) => i.keyword === 'CMD');
    expect(user).toBeGreaterThan(-1);
    expect(user).toBeLessThan(cmd);
    expect(finalStage[user]?.args).not.toMatch(/^(root|0)(:|$)/);
    expect(JSON.parse(finalStage[cmd]?.args ?? '[]')).toEqual(['node', ...NODE_FLAGS, 'dist/infra/local/main.js', '--ecs', '--host', '0.0.0.0']);
  });

  it('uses the system Chromium, exposes 9000 and checks /health', () => {
    expect(DOCKERFILE).toMatch(/CHROMIUM_PATH=\/usr\/bin\/chromium/);
    expect(instructions.some((i) => i.keyword === 'EXPOSE' && i.args === '9000')).toBe(true);
    const healthcheck = instructions.find((i) => i.keyword === 'HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/127\.0\.0\.1:9000\/health/);
  });

  it('installs apt packages without recommends and removes the apt lists in the same layer', () => {
    const aptRuns = instructions.filter((i) => i.keyword === 'RUN' && i.args.includes('apt-get install'));
    expect(aptRuns.length).toBeGreaterThan(0);
    for (const run of aptRuns) {
      expect(run.args).toMatch(/apt-get update/);
      expect(run.args).toMatch(/--no-install-recommends/);
      expect(run.args).toMatch(/rm -rf \/var\/lib\/apt\/lists\/\*/);
    }
  });

  it('installs production dependencies with npm ci --omit=dev and builds in a separate stage', () => {
    const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs).toContain('npm ci --omit=dev');
    expect(runs).toContain('npm run build');
    expect(instructions.filter((i) => i.keyword === 'FROM').length).toBeGreaterThanOrEqual(2);
  });

  it('has a .dockerignore that keeps local state and secrets out of the build context', () => {
    const ignored = DOCKERIGNORE.split('\n').map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', '.data', '.env', '.git']) expect(ignored).toContain(entry);
  });
});
