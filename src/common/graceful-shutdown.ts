import { INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:http';

const logger = new Logger('Shutdown');

/**
 * SIGTERM/SIGINT: stop accepting, let in-flight requests finish (up to `drainMs`), then close the
 * app. Nest's own shutdown hooks free the ONNX sessions, so the HTTP server drains before
 * app.close(); inside app.close() the pipeline's admission gate waits for work the server no longer
 * tracks (requests whose client hung up) before the models go (PipelineAdmission.onModuleDestroy).
 */
export function installGracefulShutdown(app: INestApplication, drainMs: number): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining in-flight requests (up to ${drainMs} ms)`);
    process.exit(await drainAndClose(app, drainMs));
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/** The shutdown itself, without the signals and the exit: resolves to the process exit code. */
export async function drainAndClose(app: INestApplication, drainMs: number): Promise<number> {
  const server = app.getHttpServer() as Server;
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive sockets with no request in flight would hold close() open: shut them as they go idle.
  const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  server.closeIdleConnections();
  const timedOut = await Promise.race([drained.then(() => false), delay(drainMs).then(() => true)]);
  clearInterval(idleSweep);
  if (timedOut) {
    logger.warn(`Drain took longer than ${drainMs} ms: closing the remaining connections`);
    server.closeAllConnections();
  }
  try {
    await app.close();
    return 0;
  } catch (error) {
    logger.error(`Shutdown failed: ${(error as Error).message}`);
    return 1;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
