import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Scrapes come every 15-60 s from each Prometheus; a few seconds of staleness keeps COUNTs rare. */
const COUNT_CACHE_MS = 5000;

/**
 * The app's Prometheus metrics, in a registry of its own (not prom-client's global one), so two
 * apps in one process (tests) never clash. Labels hold route templates, never raw paths or ids.
 * It imports no domain: each domain module registers the gauges of what it owns (gaugeOnScrape).
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'face_matrix_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'face_matrix_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly inferenceDuration = new Histogram({
    name: 'face_matrix_inference_duration_seconds',
    help: 'Time of one model call on the inference backend, by model, backend and outcome',
    labelNames: ['model', 'backend', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'face_matrix_' });
  }

  /** A gauge whose value is read when Prometheus scrapes, so nobody has to push updates. */
  gaugeOnScrape(name: string, help: string, read: () => number | Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  /** gaugeOnScrape for a database COUNT: cached for a few seconds, and a failed read keeps the last value. */
  countOnScrape(name: string, help: string, count: () => Promise<number>): void {
    const cached = new CachedCount(count);
    this.gaugeOnScrape(name, help, () => cached.current());
  }
}

/** A count read on scrape, cached; a failed read keeps the last value so a scrape never fails. */
class CachedCount {
  private value = 0;
  private readAt = 0;
  private pending?: Promise<void>;

  constructor(private readonly read: () => Promise<number>) {}

  async current(): Promise<number> {
    if (Date.now() - this.readAt >= COUNT_CACHE_MS) {
      this.pending ??= this.read()
        .then((value) => {
          this.value = value;
          this.readAt = Date.now();
        })
        .catch(() => undefined)
        .finally(() => (this.pending = undefined));
      await this.pending;
    }
    return this.value;
  }
}
