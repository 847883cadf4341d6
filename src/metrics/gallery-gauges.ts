import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { EnrollmentCacheRepository } from '../cache/enrollment-cache.repository.js';
import { FacesRepository } from '../gallery/faces.repository.js';
import { Metrics } from './metrics.js';

/** Scrapes come every 15-60 s from each Prometheus; a few seconds of staleness keeps COUNTs rare. */
const COUNT_CACHE_MS = 5000;

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

/** Gallery size (enrolled face vectors) and enrollment-cache size, collected on scrape. */
@Injectable()
export class GalleryGauges implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly faces: FacesRepository,
    private readonly enrollmentCache: EnrollmentCacheRepository,
  ) {}

  onModuleInit(): void {
    this.countGauge('face_matrix_gallery_faces', 'Enrolled face vectors (gallery size)', new CachedCount(() => this.faces.count()));
    this.countGauge(
      'face_matrix_enrollment_cache_entries',
      'Face vectors parked under an enrollment key (expired ones until the purge)',
      new CachedCount(() => this.enrollmentCache.count()),
    );
  }

  private countGauge(name: string, help: string, count: CachedCount): void {
    new Gauge({
      name,
      help,
      registers: [this.metrics.registry],
      async collect() {
        this.set(await count.current());
      },
    });
  }
}
