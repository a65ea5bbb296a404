/**
 * The URL of a request target, always read as a path on this server. `new URL('//x', base)`
 * reads `//x` as another host (a different path than the one asked for) and throws on a host it
 * cannot parse: a target from the wire must do neither. Undefined when it still cannot be read.
 */
export function requestUrl(target: string | undefined): URL | undefined {
  const raw = target ?? '/';
  try {
    return new URL(`http://localhost${raw.startsWith('/') ? raw : `/${raw}`}`);
  } catch {
    return undefined;
  }
}
