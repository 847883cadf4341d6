import { Module } from '@nestjs/common';
import { EnrollmentCacheExpiryJob } from './enrollment-cache-expiry.job.js';
import { EnrollmentCacheRepository } from './enrollment-cache.repository.js';
import { EnrollmentCacheService } from './enrollment-cache.service.js';

@Module({
  providers: [EnrollmentCacheRepository, EnrollmentCacheService, EnrollmentCacheExpiryJob],
  exports: [EnrollmentCacheService, EnrollmentCacheRepository],
})
export class CacheModule {}
