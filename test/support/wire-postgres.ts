import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { freePort } from './compiled-app.js';

/**
 * An in-memory PostgreSQL with pgvector, reachable over the wire like an external server, so the
 * adapter-pg path runs for real. `stop()` and `start()` take it off and back on the same port,
 * which is how tests simulate a database outage. pglite-socket shares one session across
 * connections, so apps under test should use DATABASE_POOL_MAX=1.
 */
export class WirePostgres {
  private server?: PGLiteSocketServer;

  private constructor(
    readonly db: PGlite,
    readonly port: number,
  ) {}

  static async start(): Promise<WirePostgres> {
    const wire = new WirePostgres(await PGlite.create({ extensions: { vector } }), await freePort());
    await wire.start();
    return wire;
  }

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    this.server = new PGLiteSocketServer({ db: this.db, port: this.port, host: '127.0.0.1' });
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  async close(): Promise<void> {
    await this.stop().catch(() => undefined);
    await this.db.close();
  }
}

/** Polls until `condition` holds; generous by default, since CI machines can be busy. */
export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('condition not met in time');
}
