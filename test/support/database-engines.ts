import { realPostgresSkipReason } from './real-postgres.js';

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
