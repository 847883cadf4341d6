import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerStorageService } from '@nestjs/throttler';
import type { Request } from 'express';
import { ApiError } from '../common/api-error.js';
import type { AppConfig } from '../config/app-config.js';
import { ApiKeys } from './api-keys.js';
import { Public } from './public-route.js';
import { RateLimitGuard } from './rate-limit.guard.js';

class UsersLikeController {
  list(): void {}
  get(): void {}
}

@Public()
class HealthLikeController {
  live(): void {}
}

function contextFor(controller: new () => object, handler: string, request: Partial<Request>): ExecutionContext {
  const prototype = controller.prototype as Record<string, () => void>;
  const fullRequest = { headers: {}, query: {}, ip: '203.0.113.7', socket: {}, ...request };
  return {
    getClass: () => controller,
    getHandler: () => prototype[handler],
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => fullRequest, getResponse: () => ({ header: () => undefined }) }),
  } as unknown as ExecutionContext;
}

const LIMIT = 6;
const storages: ThrottlerStorageService[] = [];
afterEach(() => {
  for (const storage of storages.splice(0)) storage.onApplicationShutdown(); // clears its expiry timers
});

async function newGuard(perMinute = LIMIT, keys: string[] = []): Promise<RateLimitGuard> {
  const storage = new ThrottlerStorageService();
  const guard = new RateLimitGuard([{ ttl: 60_000, limit: Math.max(1, perMinute) }], storage, new Reflector(), new ApiKeys(keys), {
    rateLimitPerMinute: perMinute,
  } as AppConfig);
  await guard.onModuleInit();
  storages.push(storage);
  return guard;
}

async function statusOf(guard: RateLimitGuard, context: ExecutionContext): Promise<number> {
  try {
    await guard.canActivate(context);
    return 200;
  } catch (error) {
    return error instanceof ApiError ? error.httpStatus : -1;
  }
}

describe('RateLimitGuard', () => {
  it('counts one allowance per client over every handler and every spelling of the path', async () => {
    const guard = await newGuard();
    const spellings = ['/api/v1/users', '/API/V1/users', '/api/v1/users/', '/api//v1/users', '/api/v1/%75sers', '/api/v1/users/x'];
    const statuses: number[] = [];
    for (const [index, path] of spellings.entries())
      statuses.push(await statusOf(guard, contextFor(UsersLikeController, index % 2 ? 'get' : 'list', { path })));
    statuses.push(await statusOf(guard, contextFor(UsersLikeController, 'get', { path: '/aPi/V1/UsErS/x' })));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
  });

  it('never counts a @Public() handler, whatever its path says', async () => {
    const guard = await newGuard();
    for (let i = 0; i < LIMIT * 3; i++) expect(await statusOf(guard, contextFor(HealthLikeController, 'live', { path: '/api/v1/users' }))).toBe(200);
    expect(await statusOf(guard, contextFor(UsersLikeController, 'list', { path: '/health/live' }))).toBe(200);
  });

  it('gives a whole IPv6 /64 one allowance, so rotating addresses buys nothing', async () => {
    const guard = await newGuard();
    const statuses: number[] = [];
    for (let i = 1; i <= LIMIT + 1; i++)
      statuses.push(await statusOf(guard, contextFor(UsersLikeController, 'list', { ip: `2001:db8:1:2::${i.toString(16)}` })));
    expect(statuses.at(-1)).toBe(429);
    expect(await statusOf(guard, contextFor(UsersLikeController, 'list', { ip: '2001:db8:1:3::1' }))).toBe(200);
  });

  it('counts per valid key, apart from the client address', async () => {
    const guard = await newGuard(LIMIT, ['key-a', 'key-b']);
    for (let i = 0; i < LIMIT; i++) await statusOf(guard, contextFor(UsersLikeController, 'list', { headers: { 'x-api-key': 'key-a' } }));
    expect(await statusOf(guard, contextFor(UsersLikeController, 'list', { headers: { 'x-api-key': 'key-a' }, ip: '198.51.100.1' }))).toBe(429);
    expect(await statusOf(guard, contextFor(UsersLikeController, 'list', { headers: { 'x-api-key': 'key-b' } }))).toBe(200);
  });

  it('is off at RATE_LIMIT_PER_MINUTE=0', async () => {
    const guard = await newGuard(0);
    for (let i = 0; i < 20; i++) expect(await statusOf(guard, contextFor(UsersLikeController, 'list', {}))).toBe(200);
  });
});
