import type { INestApplication } from '@nestjs/common';
import { createServer } from 'node:http';
import { drainAndClose } from './graceful-shutdown.js';

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
    const exitCode = drainAndClose(app, 5_000, settle);
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
    await expect(drainAndClose(app, 200, () => new Promise<void>(() => {}))).resolves.toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(events).toEqual(['app closed']);
  });
});
