import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '../common/api-error.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiKeys } from './api-keys.js';
import { Public } from './public-route.js';

class UsersLikeController {
  list(): void {}
}

@Public()
class HealthLikeController {
  live(): void {}
}

class MixedController {
  @Public()
  open(): void {}
  closed(): void {}
}

/** What Nest hands a guard: the handler the router chose, and the request as it came. */
function contextFor(controller: new () => object, handler: string, request: Partial<Request>): ExecutionContext {
  const prototype = controller.prototype as Record<string, () => void>;
  return {
    getClass: () => controller,
    getHandler: () => prototype[handler],
    switchToHttp: () => ({ getRequest: () => ({ headers: {}, query: {}, ...request }), getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
}

const KEY = 'unit-test-key-0123';
const guard = (keys: string[] = [KEY]) => new ApiKeyGuard(new ApiKeys(keys), new Reflector());

function refusal(run: () => unknown): number | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof ApiError ? error.httpStatus : -1;
  }
  return undefined;
}

describe('ApiKeyGuard', () => {
  it.each(['/api/v1/users', '/API/V1/users', '/Api/v1/users/', '/api//v1/users', '/health/live', '/'])(
    'refuses a keyless request to a protected handler whatever its path says (%s)',
    (path) => {
      expect(refusal(() => guard().canActivate(contextFor(UsersLikeController, 'list', { path, url: path })))).toBe(401);
    },
  );

  it.each(['/health/live', '/api/v1/users', '/HEALTH/LIVE'])('lets a keyless request through to a @Public() controller (%s)', (path) => {
    expect(guard().canActivate(contextFor(HealthLikeController, 'live', { path }))).toBe(true);
  });

  it('honours @Public() on one handler only', () => {
    expect(guard().canActivate(contextFor(MixedController, 'open', {}))).toBe(true);
    expect(refusal(() => guard().canActivate(contextFor(MixedController, 'closed', {})))).toBe(401);
  });

  it('accepts the key in the x-api-key header', () => {
    expect(guard().canActivate(contextFor(UsersLikeController, 'list', { headers: { 'x-api-key': KEY } }))).toBe(true);
  });

  it('refuses the key in the query string', () => {
    for (const name of ['x-api-key', 'api_key', 'apiKey', 'key']) {
      const request = { query: { [name]: KEY }, url: `/api/v1/users?${name}=${KEY}` };
      expect(refusal(() => guard().canActivate(contextFor(UsersLikeController, 'list', request)))).toBe(401);
    }
  });

  it('lets everything through when API_KEYS is unset', () => {
    expect(guard([]).canActivate(contextFor(UsersLikeController, 'list', {}))).toBe(true);
  });
});
