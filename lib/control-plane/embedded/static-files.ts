import { readFile, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { contentTypeOf } from '../../http/content-types.js';
import { pathInside, relativePathOf } from './safe-names.js';

export type StaticLookup =
  | { kind: 'file'; content: Buffer; contentType: string }
  | { kind: 'directory' }
  | { kind: 'missing' };

/**
 * A file below `root` for a URL path (`login/` → `login/index.html`). Refuses `..`, hidden
 * names and anything a symbolic link would take outside `root`.
 */
export async function lookupStaticFile(root: string, urlPath: string): Promise<StaticLookup> {
  const wanted = urlPath === '' || urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath;
  const relative = relativePathOf(wanted);
  if ('problem' in relative || relative.path.split('/').some((segment) => segment.startsWith('.'))) return { kind: 'missing' };
  const candidate = pathInside(root, relative.path);
  if (!candidate) return { kind: 'missing' };
  const [realRoot, realTarget] = await Promise.all([realpath(root).catch(() => undefined), realpath(candidate).catch(() => undefined)]);
  if (!realRoot || !realTarget || !realTarget.startsWith(realRoot + sep)) return { kind: 'missing' };
  const info = await stat(realTarget);
  if (info.isDirectory()) return { kind: 'directory' };
  if (!info.isFile()) return { kind: 'missing' };
  return { kind: 'file', content: await readFile(realTarget), contentType: contentTypeOf(realTarget) };
}
