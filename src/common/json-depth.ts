import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error.js';

/**
 * Request bodies here are flat objects; 32 leaves room for any honest client and stays far below
 * the depth at which recursive code (class-transformer, validation) overflows the stack.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * True when objects and arrays nest deeper than `maxDepth` (`{}` and `[]` are depth 1). It walks
 * with its own stack, so a hostile depth cannot overflow the call stack here either.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (pending.length > 0) {
    const { node, depth } = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Object.values(node)) pending.push({ node: child, depth: depth + 1 });
  }
  return false;
}

/** Runs right after the JSON parser: a too-deep body is a 400 before anything else walks it. */
export function refuseDeepJson(maxDepth = MAX_JSON_DEPTH) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.body !== null && typeof req.body === 'object' && nestsDeeperThan(req.body, maxDepth)) {
      next(ApiError.malformedRequest(`JSON body nested deeper than ${maxDepth} levels`));
      return;
    }
    next();
  };
}
