import { runValidate } from './run-validate.js';

/** `npm run validate -- FILE.json ...`: checks recordings offline; reads no settings, starts no server. */
process.exitCode = runValidate(process.argv.slice(2), {
  write: (text) => process.stdout.write(text),
  writeError: (text) => process.stderr.write(text),
});
