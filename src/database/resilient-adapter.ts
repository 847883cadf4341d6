import type { IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlResultSet, Transaction } from '@prisma/driver-adapter-utils';
import { isBrokenConnection } from './database-errors.js';
import type { DatabaseStartup } from './database-startup.js';

/** A statement that only reads: running it twice is harmless. Anything that might write is not retried. */
export function isReadOnlyStatement(sql: string): boolean {
  return (
    /^\s*(SELECT|WITH)\b/i.test(sql) &&
    !/\b(INSERT|UPDATE|DELETE|MERGE|nextval|setval|set_config|pg_advisory\w*)\b|\bFOR\s+(UPDATE|SHARE|NO KEY|KEY)\b/i.test(sql)
  );
}

/** Runs `work`, and once more (on another pooled connection) when the first try's connection died under it. */
export async function retryOnBrokenConnection<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isBrokenConnection(error)) throw error;
    return work();
  }
}

/**
 * Wraps the pg driver adapter (a decorator with the same interface): nothing reaches the database
 * before it is migrated (a 503 meanwhile, not a "relation does not exist" 500), and a read that
 * met a connection killed under it (failover, pg_terminate_backend, a restart) is tried once more.
 * Statements inside a transaction are never retried here: the transaction died with its connection.
 */
export class ResilientAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider: SqlDriverAdapterFactory['provider'];
  readonly adapterName: string;

  constructor(
    private readonly inner: SqlDriverAdapterFactory,
    private readonly startup: DatabaseStartup,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return new ResilientAdapter(await this.inner.connect(), this.startup);
  }
}

class ResilientAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter['provider'];
  readonly adapterName: string;

  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly startup: DatabaseStartup,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    this.startup.assertReady();
    return isReadOnlyStatement(query.sql) ? retryOnBrokenConnection(() => this.inner.queryRaw(query)) : this.inner.queryRaw(query);
  }

  executeRaw(query: SqlQuery): Promise<number> {
    this.startup.assertReady();
    return this.inner.executeRaw(query);
  }

  executeScript(script: string): Promise<void> {
    this.startup.assertReady();
    return this.inner.executeScript(script);
  }

  /** Nothing has run yet when BEGIN fails, so a second try on a fresh connection is safe. */
  startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    this.startup.assertReady();
    return retryOnBrokenConnection(() => this.inner.startTransaction(isolationLevel));
  }

  getConnectionInfo(): ReturnType<NonNullable<SqlDriverAdapter['getConnectionInfo']>> {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: false };
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}
