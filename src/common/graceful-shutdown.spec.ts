import type { INestApplication } from '@nestjs/common';
import { createServer, request, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drainAndClose } from './graceful-shutdown.js';

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
