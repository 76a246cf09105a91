import { componentLogger } from '@lightbridge/telemetry';
import { DEFAULT_METRICS_PORT, loadStreamConfig, StreamConfigError, StreamService, TopicSetupError } from '@lightbridge/stream';
import { DEFAULT_MODEL_FOLDER } from '../classify/run.ts';
import { type Command } from '../command.ts';
import { parseServeArguments, usage } from '../serve/options.ts';

const log = componentLogger('serve');

/**
 * Runs the stream service until SIGTERM or SIGINT, then shuts it down gracefully. A second signal
 * during shutdown exits at once with 130 (SIGINT) or 143 (SIGTERM), without committing.
 */
async function run(args: string[]): Promise<number> {
  const { configFile, overrides } = parseServeArguments(args);

  let service: StreamService;
  try {
    const config = loadStreamConfig({
      file: configFile,
      env: process.env,
      overrides,
      defaultModelDir: DEFAULT_MODEL_FOLDER,
      defaultMetricsPort: DEFAULT_METRICS_PORT,
    });
    service = new StreamService(config);
    await service.start();
  } catch (error) {
    if (error instanceof StreamConfigError || error instanceof TopicSetupError) {
      process.stderr.write(`lightbridge serve: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal during shutdown; exiting without a graceful stop');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stopping = true;
    log.info({ signal }, 'signal received; stopping');
    service.stop().catch((error: unknown) => log.error({ err: (error as Error).message }, 'graceful stop failed'));
  };
  let stopping = false;
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  try {
    await service.done;
    return 0;
  } catch (error) {
    log.error({ err: (error as Error).message }, 'serve stopped after a consumer crash');
    await service.stop().catch(() => {});
    return 1;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

export const command: Command = { usage, run };
