import { Module, OnModuleInit, Optional } from '@nestjs/common';
import { Metrics } from '../metrics/metrics.js';
import { EnrollmentCacheExpiryJob } from './enrollment-cache-expiry.job.js';
import { EnrollmentCacheRepository } from './enrollment-cache.repository.js';
import { EnrollmentCacheService } from './enrollment-cache.service.js';

@Module({
  providers: [EnrollmentCacheRepository, EnrollmentCacheService, EnrollmentCacheExpiryJob],
  exports: [EnrollmentCacheService, EnrollmentCacheRepository],
})
export class CacheModule implements OnModuleInit {
  constructor(
    private readonly repository: EnrollmentCacheRepository,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onModuleInit(): void {
    this.metrics?.countOnScrape(
      'face_matrix_enrollment_cache_entries',
      'Face vectors parked under an enrollment key (expired ones until the purge)',
      () => this.repository.count(),
    );
  }
}
