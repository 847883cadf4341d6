import type { SqlRunner } from './migrations.js';

/**
 * Work the database start does after the migrations, on the same connection, before anything is
 * served: the gallery's check that its vectors are the configured embedder's. Declared here, and
 * provided by the gallery, so that the database module need not know the gallery. A failure stops
 * the start for good (it is not retried like an unreachable server).
 */
export abstract class DatabaseStartCheck {
  abstract afterMigrations(runner: SqlRunner): Promise<void>;
}
