import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { PrismaService } from '../database/prisma.service.js';

@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly prisma: PrismaService,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(key = 'database'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    // Still connecting or migrating at start (or given up): say what it waits for.
    if (!this.prisma.startup.ready) return indicator.down({ message: this.prisma.startup.describe() });
    try {
      await this.prisma.ping();
      return indicator.up();
    } catch {
      return indicator.down({ message: 'database did not answer' });
    }
  }
}
