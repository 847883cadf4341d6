import type { INestApplication } from '@nestjs/common';
import { Agent, createServer, get as httpGet, request, ServerResponse } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { closeConnectionsAfterResponse, drainAndClose } from './graceful-shutdown.js';

/** A real HTTP server whose requests wait until the test answers them, behind a fake app that records when it is closed. */
async function fakeApp() {
  const events: string[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((_req, res) => {
    res.on('finish', () => events.push('response sent'));
    held.push(res);
  });
  const app = { getHttpServer: () => server, close: async () => void events.push('app closed') } as unknown as INestApplication;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const send = () =>
    new Promise<string>((resolve) => {
      const call = request({ port, host: '127.0.0.1', path: '/' }, (response) => {
        response.resume();
        response.on('end', () => resolve(`status ${response.statusCode}`));
      });
      call.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      call.end();
    });
  return { app, events, held, send };
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('drainAndClose', () => {
  it('stops accepting, lets the request in flight finish, and only then closes the app', async () => {
    const { app, events, held, send } = await fakeApp();
    const inFlight = send();
    await until(() => held.length === 1);

    const exitCode = drainAndClose(app, 5_000);
    expect(await send()).toBe('ECONNREFUSED');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual([]);

    held[0].end('done');
    expect(await inFlight).toBe('status 200');
    await expect(exitCode).resolves.toBe(0);
    expect(events).toEqual(['response sent', 'app closed']);
  });

  it('gives up waiting after the drain budget, cuts the connection and still closes', async () => {
    const { app, events, held, send } = await fakeApp();
    const stuck = send();
    await until(() => held.length === 1);
    const started = Date.now();
    await expect(drainAndClose(app, 200)).resolves.toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(events).toEqual(['app closed']);
    expect(await stuck).toBe('ECONNRESET');
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
    await expect(new Promise((resolve, reject) => connect(port, '127.0.0.1', () => resolve('connected')).on('error', reject))).rejects.toThrow(
      /ECONNREFUSED/,
    );
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
