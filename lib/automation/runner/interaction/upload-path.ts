import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { uploadPathProblem } from '../../limits/file-names.js';

/**
 * The real path of an upload_file.file_path, which must lie inside `root` (UPLOAD_FILES_DIR)
 * once every symlink is resolved: a recording may hand the page a prepared file, not any file
 * the worker can read. A relative path is taken from `root`.
 */
export async function resolveUploadPath(filePath: string, root: string): Promise<string> {
  const problem = uploadPathProblem(filePath);
  if (problem !== null) throw new Error(`upload_file.file_path ${JSON.stringify(filePath)} ${problem}`);
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    throw new Error(`upload_file.file_path: the uploads folder ${root} (UPLOAD_FILES_DIR) does not exist`);
  }
  let real: string;
  try {
    real = await realpath(resolve(realRoot, filePath));
  } catch {
    throw new Error(`upload_file.file_path ${JSON.stringify(filePath)}: no such file in ${root} (UPLOAD_FILES_DIR)`);
  }
  const inside = relative(realRoot, real);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new Error(`upload_file.file_path ${JSON.stringify(filePath)} is outside ${root} (UPLOAD_FILES_DIR), symlinks resolved`);
  }
  if (!(await stat(real)).isFile()) throw new Error(`upload_file.file_path ${JSON.stringify(filePath)} is not a file`);
  return real;
}
