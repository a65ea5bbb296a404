import { DEV_DEFAULTS, loadSettings, type LoadedSettings } from '../../lib/config/settings.js';
import { AppError, errorMessage } from '../../lib/errors.js';
import { chooseLogFormat, createLogger, type Logger } from '../../lib/log/logger.js';

/**
 * What every local entry point does first: parse its flags (exit 2 with the usage on a bad
 * one), answer --help, read the settings (exit 1 listing every problem), and say loudly when
 * the built-in development settings are in use.
 */
export function prepareEntryPoint<A extends { help: boolean }>(
  options: { parse: (argv: string[]) => A; usage: string; component: string },
): { args: A; loaded: LoadedSettings; logger: Logger } | undefined {
  let args: A;
  try {
    args = options.parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n\n${options.usage}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${options.usage}\n`);
    return undefined;
  }
  let loaded: LoadedSettings;
  try {
    loaded = loadSettings();
  } catch (error) {
    process.stderr.write(`${error instanceof AppError ? error.message : errorMessage(error)}\n`);
    process.exit(1);
  }
  const logger = createLogger({ level: loaded.settings.LOG_LEVEL, format: chooseLogFormat(loaded.settings.LOG_FORMAT) });
  if (loaded.usedDevDefaults) {
    logger.warn(
      `ENV_PATH is not set: using built-in DEVELOPMENT settings (API_KEY=${DEV_DEFAULTS.API_KEY}, DEPLOYMENT=dev). ` +
        `Do not expose this ${options.component}; set ENV_PATH to an env file for real use.`,
    );
  }
  if (loaded.settings.ALLOW_CODE_STEPS) {
    logger.warn('ALLOW_CODE_STEPS is on: javascript_action steps run code from recordings in this process; accept recordings only from authors you trust.');
  }
  return { args, loaded, logger };
}
