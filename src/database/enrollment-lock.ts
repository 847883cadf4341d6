import { AdvisoryLock } from './advisory-locks.js';
import type { DbClient } from './db-client.js';

/**
 * Holds the enrollment lock until the caller's transaction ends. The duplicate-face check reads,
 * then the enrollment inserts: at READ COMMITTED two concurrent enrollments of one face would both
 * pass the check. A transaction-level advisory lock serialises them across connections and replicas
 * (and costs nothing on the embedded database's single session).
 */
export async function lockEnrollments(tx: DbClient): Promise<void> {
  await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock($1)', AdvisoryLock.ENROLLMENT);
}
