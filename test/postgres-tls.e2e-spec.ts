import { Logger } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { AppConfig } from '../src/config/app-config.js';
import { validateEnvironment } from '../src/config/environment.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { onRealPostgres } from './support/database-engines.js';
import { PostgresCluster } from './support/real-postgres.js';

const OPENSSL = '/usr/bin/openssl';
if (!existsSync(OPENSSL)) console.warn(`Skipping the TLS tests: ${OPENSSL} is not installed`);

// The refused start below logs its cause; the assertions read it from the error instead.
Logger.overrideLogger(['fatal']);

/** A CA and a server certificate for 127.0.0.1 signed by it, in a folder the cluster's owner can read. */
function certificates(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'face-matrix-tls-'));
  const run = (...args: string[]) => execFileSync(OPENSSL, args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Face Matrix test CA', '-keyout', 'ca.key', '-out', 'ca.crt');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr');
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName = IP:127.0.0.1\n');
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'san.ext',
    '-out',
    'server.crt',
  );
  chmodSync(path.join(dir, 'server.key'), 0o600);
  if (userInfo().uid === 0) {
    const [, , uid, gid] = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((line) => line.startsWith('postgres:'))!
      .split(':');
    for (const file of ['', 'server.key', 'server.crt']) chownSync(path.join(dir, file), Number(uid), Number(gid));
  }
  return dir;
}

/** The service's database start alone: resolves with 'started' or the error it gave up with. */
async function start(url: string): Promise<{ outcome: unknown; ssl?: boolean }> {
  const prisma = await PrismaService.connect(new AppConfig(validateEnvironment({ DATABASE_URL: url, DATABASE_START_TIMEOUT_MS: '10000' })));
  try {
    const outcome = await prisma.started.then(
      () => 'started',
      (error: unknown) => error,
    );
    if (outcome !== 'started') return { outcome };
    const [row] = await prisma.$queryRawUnsafe<{ ssl: boolean }[]>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    return { outcome, ssl: row.ssl };
  } finally {
    await prisma.onApplicationShutdown();
  }
}

(existsSync(OPENSSL) ? onRealPostgres : describe.skip)('DATABASE_URL with TLS (node-postgres: sslmode=require verifies the certificate)', () => {
  let dir: string;
  let cluster: PostgresCluster;
  let url: string;

  beforeAll(async () => {
    dir = certificates();
    cluster = await PostgresCluster.start({ ssl: 'on', ssl_cert_file: path.join(dir, 'server.crt'), ssl_key_file: path.join(dir, 'server.key') });
    url = (await cluster.createDatabase()).url;
  }, 60_000);
  afterAll(async () => {
    await cluster?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an untrusted certificate at once, saying what to do', async () => {
    const started = Date.now();
    const { outcome } = await start(`${url}?sslmode=require`);
    expect(Date.now() - started).toBeLessThan(8000); // a setup mistake: no retrying until the deadline
    expect(String((outcome as Error).message)).toMatch(
      /TLS certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE.*sslrootcert=.*uselibpqcompat=true/,
    );
  });

  it("connects encrypted with libpq's meaning of sslmode=require (uselibpqcompat=true)", async () => {
    expect(await start(`${url}?sslmode=require&uselibpqcompat=true`)).toEqual({ outcome: 'started', ssl: true });
  });

  it('connects encrypted and verified with the CA (sslmode=verify-full, sslrootcert)', async () => {
    expect(await start(`${url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(path.join(dir, 'ca.crt'))}`)).toEqual({
      outcome: 'started',
      ssl: true,
    });
  });
});
