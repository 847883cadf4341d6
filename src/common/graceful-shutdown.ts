import { INestApplication, Logger } from '@nestjs/common';
import { Server as NetServer } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

const logger = new Logger('Shutdown');

export interface ShutdownHooks {
  /** Called first, so readiness fails while the drain runs. */
  onDrainStart?: () => void;
}

/**
 * SIGTERM/SIGINT: stop accepting, let in-flight requests finish (up to `drainMs`), then close the
 * app. Nest's own shutdown hooks free the ONNX sessions, so the HTTP server drains before
 * app.close(); inside app.close() the pipeline's admission gate waits for work the server no longer
 * tracks (requests whose client hung up) before the models go (PipelineAdmission.onModuleDestroy).
 */
export function installGracefulShutdown(app: INestApplication, drainMs: number, hooks: ShutdownHooks = {}): void {
  const endKeepAlive = closeConnectionsAfterResponse(app.getHttpServer() as Server);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining in-flight requests (up to ${drainMs} ms)`);
    process.exit(await drainAndClose(app, drainMs, { ...hooks, endKeepAlive }));
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/**
 * Keep-alive connections are ended by the server only right after a response, never while idle:
 * closing an idle connection races with a request the client may be sending on it at that moment,
 * which the client sees as a connection error. From the call of the returned function on, every
 * response, including those already being worked on, says `Connection: close`, so each client
 * opens its next connection elsewhere (the load balancer has moved new connections away).
 * Connections that stay idle are closed by Node's keepAliveTimeout, which clients learn from the
 * Keep-Alive header and undercut.
 */
export function closeConnectionsAfterResponse(server: Server): () => void {
  const open = new Set<ServerResponse>();
  let closing = false;
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (closing) return void response.setHeader('Connection', 'close');
    open.add(response);
    response.once('close', () => open.delete(response));
  });
  return () => {
    closing = true;
    for (const response of open) if (!response.headersSent) response.setHeader('Connection', 'close');
    open.clear();
  };
}

/** The shutdown itself, without the signals and the exit: resolves to the process exit code. */
export async function drainAndClose(
  app: INestApplication,
  drainMs: number,
  { onDrainStart = () => {}, endKeepAlive = () => {} }: ShutdownHooks & { endKeepAlive?: () => void } = {},
): Promise<number> {
  const server = app.getHttpServer() as Server;
  onDrainStart();
  endKeepAlive();
  // net.Server's close stops accepting new connections; http.Server's would also cut the idle
  // keep-alive ones at once, which is the race closeConnectionsAfterResponse avoids.
  const drained = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
  const timedOut = await Promise.race([drained.then(() => false), delay(drainMs).then(() => true)]);
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
