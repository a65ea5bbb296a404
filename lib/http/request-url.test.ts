import { describe, expect, it } from 'vitest';
import { requestUrl } from './request-url.js';

describe('requestUrl', () => {
  it('reads every target as a path on this server', () => {
    expect(requestUrl('/tasks?limit=2')?.pathname).toBe('/tasks');
    expect(requestUrl('/tasks?limit=2')?.searchParams.get('limit')).toBe('2');
    // Not another host: the path stays what was asked for.
    expect(requestUrl('//health')?.pathname).toBe('//health');
    expect(requestUrl('//v[8')?.pathname).toBe('//v[8');
    expect(requestUrl('health')?.pathname).toBe('/health');
    expect(requestUrl(undefined)?.pathname).toBe('/');
  });
});
