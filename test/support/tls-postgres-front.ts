import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TLSSocket } from 'node:tls';

/** PostgreSQL's SSLRequest: length 8, then the code 80877103. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

export interface TestCertificates {
  dir: string;
  /** The CA that signed the server certificate: what a client must be given. */
  caFile: string;
  key: Buffer;
  cert: Buffer;
}

/**
 * A throwaway CA and a server certificate it signed for localhost and 127.0.0.1, made with the
 * openssl CLI; undefined when openssl is not installed.
 */
export function makeTestCertificates(): TestCertificates | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'face-matrix-tls-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Face Matrix test CA', '-days', '1');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    openssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '1',
      '-extfile',
      'san.ext',
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return { dir, caFile: path.join(dir, 'ca.pem'), key: readFileSync(path.join(dir, 'server.key')), cert: readFileSync(path.join(dir, 'server.pem')) };
}

/**
 * A PostgreSQL server as a managed database presents it: TLS only, with a certificate from a CA of
 * its own. It answers the client's SSLRequest, terminates TLS, and passes the plain protocol on to
 * `backendPort` (a WirePostgres). A client that does not ask for TLS is hung up on.
 */
export class TlsPostgresFront {
  tlsSessions = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(backendPort: number, certificates: TestCertificates): Promise<TlsPostgresFront> {
    const front: TlsPostgresFront = new TlsPostgresFront(createServer((client) => front.accept(client, backendPort, certificates)));
    await new Promise<void>((resolve) => front.server.listen(0, '127.0.0.1', resolve));
    return front;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, backendPort: number, { key, cert }: TestCertificates): void {
    client.once('data', (first: Buffer) => {
      if (!first.subarray(0, 8).equals(SSL_REQUEST)) return void client.destroy();
      client.write('S');
      const secure = new TLSSocket(client, { isServer: true, key, cert });
      secure.once('secure', () => this.tlsSessions++);
      const backend = connect(backendPort, '127.0.0.1');
      for (const socket of [client, backend]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
      }
      secure.pipe(backend).pipe(secure);
      for (const [one, other] of [
        [secure, backend],
        [backend, secure],
      ] as const) {
        one.on('error', () => other.destroy());
        one.on('close', () => other.destroy());
      }
    });
  }
}
