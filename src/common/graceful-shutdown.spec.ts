import type { INestApplication } from '@nestjs/common';
import { Agent, createServer, get as httpGet } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { closeConnectionsAfterResponse, drainAndClose } from './graceful-shutdown.js';

/** A real HTTP server (nothing in flight) behind a fake app that records when it is closed. */
function fakeApp() {
  const server = createServer();
  const events: string[] = [];
  const app = { getHttpServer: () => server, close: async () => void events.push('app closed') } as unknown as INestApplication;
  return { app, events, listening: new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)) };
}

describe('drainAndClose', () => {
  it('closes the app (and so the models) only after the pipeline has settled', async () => {
    const { app, events, listening } = fakeApp();
    await listening;
    let settled!: () => void;
    const settle = () => new Promise<void>((resolve) => (settled = resolve)).then(() => void events.push('pipeline idle'));
    const exitCode = drainAndClose(app, 5_000, { settle });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual([]);
    settled();
    await expect(exitCode).resolves.toBe(0);
    expect(events).toEqual(['pipeline idle', 'app closed']);
  });

  it('gives up waiting after the drain budget and still closes', async () => {
    const { app, events, listening } = fakeApp();
    await listening;
    const started = Date.now();
    await expect(drainAndClose(app, 200, { settle: () => new Promise<void>(() => {}) })).resolves.toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(events).toEqual(['app closed']);
  });
});

describe('closeConnectionsAfterResponse with drainAndClose', () => {
  /** A server whose responses wait for `release()`, behind a fake app, and a keep-alive client of one socket. */
  async function setUp() {
    let release!: () => void;
    let gate = new Promise<void>((resolve) => (release = resolve));
    const server = createServer((_request, response) => void gate.then(() => response.end('ok')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endKeepAlive = closeConnectionsAfterResponse(server);
    const app = { getHttpServer: () => server, close: async () => undefined } as unknown as INestApplication;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const port = (server.address() as AddressInfo).port;
    const get = () =>
      new Promise<{ connection?: string; body: string }>((resolve, reject) => {
        httpGet({ host: '127.0.0.1', port, agent, path: '/' }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ connection: response.headers.connection, body }));
        }).on('error', reject);
      });
    const open = () => {
      release();
      gate = Promise.resolve();
    };
    return { server, app, agent, endKeepAlive, get, open, port };
  }

  it('keeps idle keep-alive connections open, answers the next request on them with Connection: close, and marks in-flight ones', async () => {
    const { app, agent, endKeepAlive, get, open, port } = await setUp();
    const events: string[] = [];
    const first = get();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The drain starts while `first` is in flight on the client's only socket.
    const exitCode = drainAndClose(app, 5_000, { onDrainStart: () => events.push('draining'), endKeepAlive });
    expect(events).toEqual(['draining']);
    open();
    expect(await first).toEqual({ connection: 'close', body: 'ok' });
    // A new connection is refused: the listener is closed.
    await expect(new Promise((resolve, reject) => connect(port, '127.0.0.1', () => resolve('connected')).on('error', reject))).rejects.toThrow(/ECONNREFUSED/);
    await expect(exitCode).resolves.toBe(0);
    agent.destroy();
  });

  it('serves a request that arrives on an idle keep-alive connection after the drain started', async () => {
    const { app, agent, endKeepAlive, get, open } = await setUp();
    open();
    expect((await get()).connection).toBe('keep-alive');
    let drained = false;
    const exitCode = drainAndClose(app, 10_000, { endKeepAlive }).then((code) => ((drained = true), code));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The idle socket was not cut: the next request on it is answered, then the socket ends.
    expect(drained).toBe(false);
    expect(await get()).toEqual({ connection: 'close', body: 'ok' });
    await expect(exitCode).resolves.toBe(0);
    agent.destroy();
  });
});
