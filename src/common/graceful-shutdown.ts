import { INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:http';

/**
 * SIGTERM/SIGINT: stop accepting, let in-flight requests finish (up to `drainMs`), then close the
 * app. Nest's own shutdown hooks run onModuleDestroy first, which frees the ONNX sessions under
 * requests still running; draining the HTTP server before app.close() avoids that.
 */
export function installGracefulShutdown(app: INestApplication, drainMs: number): void {
  const logger = new Logger('Shutdown');
  const server = app.getHttpServer() as Server;
  let stopping = false;

  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining in-flight requests (up to ${drainMs} ms)`);
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
      process.exit(0);
    } catch (error) {
      logger.error(`Shutdown failed: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
