import { ChildProcess, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePort } from './compiled-app.js';

const PGBOUNCER = '/usr/sbin/pgbouncer';

/** Why PgBouncer tests cannot run here; undefined when they can. */
export const pgBouncerSkipReason: string | undefined = existsSync(PGBOUNCER)
  ? undefined
  : `${PGBOUNCER} is not installed (apt-get install pgbouncer)`;

/**
 * PgBouncer in transaction pooling mode in front of one PostgreSQL, as managed platforms put it:
 * a server connection belongs to a client only for one transaction, and startup options such as
 * `-c hnsw.ef_search=...` are refused. It refuses to run as root, so as root it runs as `postgres`.
 */
export class PgBouncer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
    readonly output: () => string,
  ) {}

  static async start(postgresUrl: string): Promise<PgBouncer> {
    const upstream = new URL(postgresUrl);
    const dir = mkdtempSync(path.join(tmpdir(), 'face-matrix-pgbouncer-'));
    const port = await freePort();
    writeFileSync(path.join(dir, 'userlist.txt'), `"${upstream.username}" ""\n`);
    writeFileSync(
      path.join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=${upstream.hostname} port=${upstream.port}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${path.join(dir, 'userlist.txt')}`,
        'pool_mode = transaction',
        'default_pool_size = 4',
        'max_client_conn = 200',
      ].join('\n'),
    );
    const asRoot = userInfo().uid === 0;
    if (asRoot) for (const file of ['', 'userlist.txt', 'pgbouncer.ini']) chownSync(path.join(dir, file), uidOf('postgres'), gidOf('postgres'));
    const owner = asRoot ? { uid: uidOf('postgres'), gid: gidOf('postgres') } : {};
    const child = spawn(PGBOUNCER, [path.join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'], ...owner });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const bouncer = new PgBouncer(child, dir, port, () => output);
    for (let waited = 0; !/process up|listening on/i.test(output); waited += 100) {
      if (child.exitCode !== null || waited > 10_000) throw new Error(`pgbouncer did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return bouncer;
  }

  /** `url` (a database on the upstream server) as reached through this PgBouncer. */
  through(url: string): string {
    const routed = new URL(url);
    routed.hostname = '127.0.0.1';
    routed.port = String(this.port);
    return routed.toString();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM'); // immediate shutdown (SIGINT would wait for clients)
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function idFromPasswd(user: string, field: 2 | 3): number {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${user}:`));
  if (!line) throw new Error(`no ${user} user`);
  return Number(line.split(':')[field]);
}
const uidOf = (user: string) => idFromPasswd(user, 2);
const gidOf = (user: string) => idFromPasswd(user, 3);
