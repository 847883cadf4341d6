import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { EnrollmentCacheRepository } from './enrollment-cache.repository.js';

export const EXPIRY_JOB_NAME = 'enrollment-cache-expiry';

/**
 * Deletes expired enrollment vectors at start and every minute after, so no biometric data
 * outlives its key: vectors left by a crash go at the next start, not a minute into it.
 */
@Injectable()
export class EnrollmentCacheExpiryJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('EnrollmentCacheExpiry');
  private running = false;

  constructor(private readonly repository: EnrollmentCacheRepository) {}

  /** Awaited, so the service takes requests only once the leftovers are gone (a failure is logged, not fatal). */
  async onApplicationBootstrap(): Promise<void> {
    await this.purgeExpired();
  }

  @Interval(EXPIRY_JOB_NAME, 60_000)
  async purgeExpired(): Promise<number> {
    if (this.running) return 0; // a slow purge must not pile up behind itself
    this.running = true;
    try {
      const purged = await this.repository.purgeExpired();
      if (purged > 0) this.logger.log(`Purged ${purged} expired enrollment vectors`);
      return purged;
    } catch (error) {
      // The next tick retries; a database outage is reported by readiness, not here.
      this.logger.warn(`Enrollment cache purge failed: ${(error as Error).name}`);
      return 0;
    } finally {
      this.running = false;
    }
  }
}
