import { Metrics } from './metrics.js';

const value = async (metrics: Metrics, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await metrics.registry.metrics())?.[1]);

describe('Metrics', () => {
  it('reads a gauge registered with gaugeOnScrape at each scrape', async () => {
    const metrics = new Metrics();
    let queued = 3;
    metrics.gaugeOnScrape('test_queued', 'help', () => queued);
    expect(await value(metrics, 'test_queued')).toBe(3);
    queued = 5;
    expect(await value(metrics, 'test_queued')).toBe(5);
  });

  it('caches a count between close scrapes, and keeps the last value when the count fails', async () => {
    const metrics = new Metrics();
    const answers: (() => Promise<number>)[] = [async () => 7, async () => Promise.reject(new Error('database down'))];
    let reads = 0;
    metrics.countOnScrape('test_faces', 'help', () => answers[Math.min(reads++, answers.length - 1)]());
    expect(await value(metrics, 'test_faces')).toBe(7);
    expect(await value(metrics, 'test_faces')).toBe(7);
    expect(reads).toBe(1); // the second scrape came within the cache time

    const realNow = Date.now;
    Date.now = () => realNow() + 60_000;
    try {
      expect(await value(metrics, 'test_faces')).toBe(7); // read again, failed: the last value stays
      expect(reads).toBe(2);
    } finally {
      Date.now = realNow;
    }
  });
});
