import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { rmSync } from 'node:fs';
import pg from 'pg';
import request from 'supertest';
import { startTestApp } from './support/test-app.js';
import { makeTestCertificates, TestCertificates, TlsPostgresFront } from './support/tls-postgres-front.js';
import { WirePostgres } from './support/wire-postgres.js';

/*
 * docs/deployment.md "PostgreSQL over TLS: the CA": both documented ways of trusting a database's
 * own CA, against a PostgreSQL that speaks TLS with a certificate from a throwaway CA, and the
 * failure they fix. The host is `localhost`, which the certificate names, since verify-full
 * checks the name too.
 */

/** What Node's TLS says when no trusted CA signed the server's certificate. */
const CERTIFICATE_NOT_TRUSTED = /unable to verify the first certificate|self[- ]signed certificate/i;

const certificates = makeTestCertificates();
const describeWithOpenssl = certificates ? describe : describe.skip;
if (!certificates) console.log('openssl is not installed: the PostgreSQL TLS tests are skipped');

describeWithOpenssl('PostgreSQL over TLS with a private CA', () => {
  let postgres: WirePostgres;
  let front: TlsPostgresFront;
  const certs = certificates as TestCertificates;
  const url = (query: string) => `postgresql://postgres@localhost:${front.port}/postgres?${query}`;

  beforeAll(async () => {
    postgres = await WirePostgres.start();
    front = await TlsPostgresFront.start(postgres.port, certs);
  });
  afterAll(async () => {
    await front?.close();
    await postgres?.close();
    rmSync(certs.dir, { recursive: true, force: true });
  });

  it('connects with sslmode=verify-full&sslrootcert=<the CA file>, as secret.example.yaml does', async () => {
    const t = await startTestApp({ DATABASE_URL: url(`sslmode=verify-full&sslrootcert=${certs.caFile}`), DATABASE_POOL_MAX: '1' });
    try {
      await request(t.http).get('/health/ready').expect(200);
      await request(t.http).get('/api/v1/users').expect(200);
      expect(front.tlsSessions).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  }, 120_000);

  it('is refused without the CA: sslmode=require verifies the certificate like verify-full', async () => {
    // The driver the app connects with, in this process (an app whose start fails is left half
    // built, with its ONNX workers running; main.ts exits in that case, a test cannot).
    const client = new pg.Client({ connectionString: url('sslmode=require') });
    await expect(client.connect()).rejects.toThrow(CERTIFICATE_NOT_TRUSTED);
    await client.end().catch(() => undefined);
  }, 60_000);

  it('connects with NODE_EXTRA_CA_CERTS and sslmode=verify-full, and not without it', async () => {
    // NODE_EXTRA_CA_CERTS is read when Node starts: a new process, with the driver the app uses.
    // Asynchronous: the database and its TLS front live in this process.
    const script =
      "new (require('pg').Client)(process.argv[1]).connect().then(() => console.log('connected'), (e) => console.log(e.message)).then(() => process.exit())";
    const connectWith = async (extraCa?: string) =>
      (
        await promisify(execFile)(process.execPath, ['--input-type=commonjs', '-e', script, url('sslmode=verify-full')], {
          env: { PATH: process.env.PATH, ...(extraCa ? { NODE_EXTRA_CA_CERTS: extraCa } : {}) },
          timeout: 30_000,
        })
      ).stdout.trim();
    expect(await connectWith(certs.caFile)).toBe('connected');
    expect(await connectWith()).toMatch(CERTIFICATE_NOT_TRUSTED);
  }, 60_000);
});
