import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { cpuSeconds } from './process-stats.js';

/** What the benchmarks report of a PostgreSQL server on this machine: all its processes together. */
export interface PostgresProcesses {
  /** User + system CPU seconds of the postmaster and every process it started (backends, writers). */
  cpuSeconds(): number;
  /** Proportional set size, so that shared buffers count once, not once per backend. */
  memoryMiB(): number;
}

function parentOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
}

function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (parentOf(Number(entry)) === parent) children.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return children;
}

function sumOver(pids: number[], read: (pid: number) => number): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += read(pid);
    } catch {
      // a backend that ended meanwhile
    }
  }
  return total;
}

const pssMiB = (pid: number) => Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024;

/**
 * The server behind `databaseUrl` when it runs on this machine and /proc lets us read it (same
 * user, or root); undefined otherwise (a remote or managed database: measure it there).
 */
export async function localPostgres(databaseUrl: string): Promise<PostgresProcesses | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    const postmaster = parentOf(pid);
    const members = () => [postmaster, ...childrenOf(postmaster)];
    cpuSeconds(postmaster);
    return { cpuSeconds: () => sumOver(members(), cpuSeconds), memoryMiB: () => sumOver(members(), pssMiB) };
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

/** host:port/database of a URL, never its credentials: for benchmark headers. */
export function describeDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}
