import { PostgresCluster, realPostgresSkipReason } from './real-postgres.js';
import { WirePostgres } from './wire-postgres.js';

/** Where a suite's app keeps its data: PGlite in-process, or a database of its own on a real PostgreSQL. */
export type DatabaseEngine = 'embedded' | 'postgres';

if (realPostgresSkipReason) console.warn(`Skipping the real-PostgreSQL variants: ${realPostgresSkipReason}`);

/**
 * Declares a suite once per engine: `describeEachEngine('users API', (engine) => { ... startTestApp(env, { engine }) })`.
 * The PostgreSQL variant is skipped, with the reason printed, where no test cluster is configured.
 */
export function describeEachEngine(title: string, body: (engine: DatabaseEngine) => void): void {
  describe(`${title} [embedded]`, () => body('embedded'));
  (realPostgresSkipReason ? describe.skip : describe)(`${title} [postgres]`, () => body('postgres'));
}

/** For suites that only make sense on a real server (sessions, replicas, outages). */
export const onRealPostgres = realPostgresSkipReason ? describe.skip : describe;

/** A database server a test may stop and start again on the same address, and the env that points an app at it. */
export interface StoppableDatabase {
  url: string;
  /** For apps on it: pglite-socket shares one session across connections, so one pooled connection keeps it honest. */
  env: Record<string, string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** `embedded`: PGlite served over the wire (pglite-socket); `postgres`: a real cluster of the suite's own. */
export async function startStoppableDatabase(engine: DatabaseEngine): Promise<StoppableDatabase> {
  if (engine === 'embedded') {
    const wire = await WirePostgres.start();
    return {
      url: wire.url,
      env: { DATABASE_URL: wire.url, DATABASE_POOL_MAX: '1' },
      stop: () => wire.stop(),
      start: () => wire.start(),
      close: () => wire.close(),
    };
  }
  const cluster = await PostgresCluster.start();
  const { url } = await cluster.createDatabase();
  return { url, env: { DATABASE_URL: url }, stop: () => cluster.stop(), start: () => cluster.start(), close: () => cluster.destroy() };
}
