import { DatabaseStartup } from './database-startup.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });

describe('DatabaseStartup', () => {
  it('retries an unreachable database until it answers, saying meanwhile what it waits for', async () => {
    const startup = new DatabaseStartup(30_000);
    let attempts = 0;
    const descriptions: string[] = [];
    await startup.run(async () => {
      descriptions.push(startup.describe());
      if (++attempts < 3) throw refused();
    });
    expect(attempts).toBe(3);
    expect(descriptions[2]).toMatch(
      /^starting: connecting and applying migrations; attempt 2 failed: cannot connect \(ECONNREFUSED\); retrying until /,
    );
    expect(startup.ready).toBe(true);
    expect(() => startup.assertReady()).not.toThrow();
  });

  it('fails at once on a setup mistake, and refuses queries meanwhile', async () => {
    const startup = new DatabaseStartup(30_000);
    expect(() => startup.assertReady()).toThrow(/database not ready \(starting/);
    const denied = Object.assign(new Error('permission denied for schema public'), { code: '42501', severity: 'ERROR' });
    let attempts = 0;
    await expect(
      startup.run(async () => {
        attempts++;
        throw denied;
      }),
    ).rejects.toBe(denied);
    expect(attempts).toBe(1);
    expect(startup.describe()).toBe('gave up; attempt 1 failed: SQLSTATE 42501: permission denied for schema public');
  });

  it('gives up at the deadline with the last reason', async () => {
    const startup = new DatabaseStartup(1000);
    const started = Date.now();
    await expect(startup.run(async () => Promise.reject(refused()))).rejects.toThrow(
      'Database not reachable within DATABASE_START_TIMEOUT_MS (1000 ms): cannot connect (ECONNREFUSED)',
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('stops retrying when the app closes', async () => {
    const startup = new DatabaseStartup(60_000);
    const running = startup.run(async () => Promise.reject(refused()));
    setTimeout(() => startup.cancel(), 50);
    await expect(running).rejects.toThrow(/abandoned: the app is closing/);
  });
});
