import { ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

const PUBLIC_ROUTE = 'face-matrix:public-route';

/**
 * Marks a controller or handler as open: no API key, no rate limit (health, metrics). Everything
 * else is protected by default, so a new controller cannot be left open by forgetting a path list.
 */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(PUBLIC_ROUTE, true);

/**
 * Decided from the handler the router actually chose, never from the request's path: Express
 * matches paths in ways a second parse would not (letter case, trailing slashes, encodings).
 */
export function isPublicRoute(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]) === true;
}
