import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

export const API_KEY_HEADER = 'x-api-key';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks `x-api-key` against API_KEYS. Keys are compared as sha256 digests with
 * timingSafeEqual, and every key is compared, so timing reveals neither a key's length nor
 * which key came close.
 */
export class ApiKeys {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** The matching key's digest, or undefined. */
  verify(offered: string | undefined): Buffer | undefined {
    if (offered === undefined || offered.length === 0) return undefined;
    const candidate = digest(offered);
    let match: Buffer | undefined;
    for (const known of this.digests) if (timingSafeEqual(known, candidate)) match = known;
    return match;
  }

  /** Only the header: a key in the query string would end up in access logs and browser history. */
  static offeredBy(request: Request): string | undefined {
    const header = request.headers[API_KEY_HEADER];
    return typeof header === 'string' ? header : undefined;
  }
}
