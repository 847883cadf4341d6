import type { Request, Response } from 'express';
import { ApiError } from './api-error.js';
import { MAX_JSON_DEPTH, nestsDeeperThan, refuseDeepJson } from './json-depth.js';

const nestedArrays = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth));
const nestedObjects = (depth: number) => JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));

describe('nestsDeeperThan', () => {
  it('counts each object or array as one level', () => {
    expect(nestsDeeperThan({ name: 'x', tags: ['a'] }, 2)).toBe(false);
    expect(nestsDeeperThan({ name: 'x', tags: ['a'] }, 1)).toBe(true);
    expect(nestsDeeperThan(nestedArrays(32), 32)).toBe(false);
    expect(nestsDeeperThan(nestedArrays(33), 32)).toBe(true);
    expect(nestsDeeperThan(nestedObjects(33), 32)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });

  it('finds a deep branch beside shallow ones', () => {
    expect(nestsDeeperThan({ a: 1, b: [1, 2], c: { d: nestedArrays(40) } }, 32)).toBe(true);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(nestsDeeperThan(nestedArrays(100_000), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(nestedObjects(100_000), 200_000)).toBe(false);
  });
});

describe('refuseDeepJson', () => {
  const run = (body: unknown) => {
    let passed: unknown = 'not called';
    refuseDeepJson()({ body } as Request, {} as Response, (error?: unknown) => (passed = error));
    return passed;
  };

  it('passes flat bodies and requests without a JSON body', () => {
    expect(run({ name: 'Jane', birthdate: '1990-01-01' })).toBeUndefined();
    expect(run(undefined)).toBeUndefined();
  });

  it('refuses 2,000 levels with a 400 before anything else walks the body', () => {
    const error = run({ name: nestedArrays(2_000) });
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).httpStatus).toBe(400);
    expect((error as ApiError).errorCode).toBe(401);
  });
});
