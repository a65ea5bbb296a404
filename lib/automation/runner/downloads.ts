import { mkdir, open } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

/** The download an action was told to expect never came: the step fails at once, no retry. */
export class ExpectedDownloadFailedError extends Error {
  constructor(detail: string) {
    super(`could not download file when expect download is true: ${detail}`);
    this.name = 'ExpectedDownloadFailedError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A file name that stays inside the downloads folder: no folders, no dot-dot, no control
 * characters. Recordings and web servers both choose names; neither may choose a path.
 */
export function safeFileName(name: string, fallback = 'download'): string {
  const cleaned = basename(name.replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? fallback : cleaned;
}

/**
 * The original's naming: an automatic (uuid) name keeps the browser's file name; a requested
 * name without an extension takes the downloaded file's extension.
 */
export function downloadFileName(requested: string | null, suggested: string): string {
  const browserName = safeFileName(suggested);
  if (requested === null || UUID.test(requested)) return browserName;
  const name = safeFileName(requested, browserName);
  return extname(name) === '' ? `${name}${extname(browserName)}` : name;
}

/**
 * `dir/name`, or `stem_1.ext`, `stem_2.ext`… when that name is taken. The (empty) file is
 * created at once, so two downloads finishing together can never pick the same name: the
 * exclusive create is the reservation.
 */
export async function reserveFreePath(dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 0; ; n++) {
    const candidate = join(dir, n === 0 ? name : `${stem}_${n}${ext}`);
    try {
      await (await open(candidate, 'wx')).close();
      return candidate;
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
    }
  }
}
