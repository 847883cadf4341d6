import { rm } from 'node:fs/promises';
import { EnrollmentCacheExpiryJob } from '../src/cache/enrollment-cache-expiry.job.js';
import { EnrollmentCacheRepository } from '../src/cache/enrollment-cache.repository.js';
import { EnrollmentCacheService } from '../src/cache/enrollment-cache.service.js';
import type { EnrollmentKeyMetadata } from '../src/cache/enrollment-key.js';
import { describeEachEngine } from './support/database-engines.js';
import { randomUnitVector, startTestApp, TestApp } from './support/test-app.js';

const metadata: EnrollmentKeyMetadata = { detection_score: 0.99, box: { x: 1, y: 2, width: 30, height: 40 }, face_size_px: 40, quality: 0.8 };

describeEachEngine('enrollment cache', (engine) => {
  let t: TestApp;
  let cache: EnrollmentCacheService;
  let repository: EnrollmentCacheRepository;

  beforeAll(async () => {
    t = await startTestApp({ ENROLLMENT_TTL_SECONDS: '60' }, { engine });
    cache = t.app.get(EnrollmentCacheService);
    repository = t.app.get(EnrollmentCacheRepository);
  });
  afterAll(() => t.close());

  it('issues an unguessable key that expires after the configured TTL', async () => {
    const before = Date.now();
    const key = await cache.issue(randomUnitVector(1), metadata);
    expect(key.reqId).toMatch(/^[A-Za-z0-9_-]{22}$/); // 128 bits, base64url
    expect(key.expiresAt.getTime() - before).toBeGreaterThanOrEqual(59_000);
    expect(key.expiresAt.getTime() - before).toBeLessThanOrEqual(61_000);
    const taken = await cache.take(key.reqId);
    expect(taken?.metadata).toEqual(metadata);
    expect(Array.from(taken!.embedding.slice(0, 4))).toEqual(Array.from(randomUnitVector(1).slice(0, 4)).map((v) => expect.closeTo(v, 6)));
  });

  it('lets a key be taken once, even by concurrent takers', async () => {
    const key = await cache.issue(randomUnitVector(2), metadata);
    const results = await Promise.all(Array.from({ length: 12 }, () => cache.take(key.reqId)));
    expect(results.filter((result) => result !== null)).toHaveLength(1);
    expect(await cache.take(key.reqId)).toBeNull();
  });

  it('refuses an expired key before the purge has removed it', async () => {
    await repository.put('expired-key', randomUnitVector(3), metadata, new Date(Date.now() - 1000));
    expect(await cache.take('expired-key')).toBeNull();
    expect(await repository.count()).toBeGreaterThanOrEqual(1);
  });

  it('purges expired vectors and keeps live ones', async () => {
    await repository.put('expired-2', randomUnitVector(4), metadata, new Date(Date.now() - 5000));
    const live = await cache.issue(randomUnitVector(5), metadata);
    const purged = await t.app.get(EnrollmentCacheExpiryJob).purgeExpired();
    expect(purged).toBeGreaterThanOrEqual(2);
    expect(await cache.take('expired-2')).toBeNull();
    expect(await cache.take(live.reqId)).not.toBeNull();
  });

  it('registers the purge as a scheduled job every minute', async () => {
    const { SchedulerRegistry } = await import('@nestjs/schedule');
    const registry = t.app.get(SchedulerRegistry);
    expect(registry.getIntervals()).toContain('enrollment-cache-expiry');
  });
});

describe('enrollment cache purge at start', () => {
  it('removes vectors that expired while the service was down before it serves anything', async () => {
    const first = await startTestApp();
    const dataDir = first.dataDir;
    try {
      const repository = first.app.get(EnrollmentCacheRepository);
      await repository.put('left-by-a-crash', randomUnitVector(6), metadata, new Date(Date.now() - 1000));
      await repository.put('still-live', randomUnitVector(7), metadata, new Date(Date.now() + 600_000));
      await first.close({ keepData: true });
      // The next start purges at once, not a minute into its life (nor never, if it dies sooner).
      const second = await startTestApp({ DATA_DIR: dataDir });
      try {
        expect(await second.app.get(EnrollmentCacheRepository).count()).toBe(1);
        expect(await second.app.get(EnrollmentCacheService).take('still-live')).not.toBeNull();
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
