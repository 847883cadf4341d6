import { EnrollmentCacheRepository } from '../../src/cache/enrollment-cache.repository.js';
import { pgliteRunner } from '../../src/database/embedded-postgres.js';
import { EmbeddersRepository } from '../../src/gallery/embedders.repository.js';
import { syntheticEmbedder } from '../support/embedders.js';
import { MigratedDatabase, migratedDatabase } from '../support/migrated-database.js';
import { randomUnitVector } from '../support/test-app.js';

const metadata = { detection_score: 0.98, box: { x: 1, y: 2, width: 3, height: 4 }, face_size_px: 4, quality: 0.7 };

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000);

describe('EnrollmentCacheRepository on the embedded database', () => {
  let db: MigratedDatabase;
  let cache: EnrollmentCacheRepository;
  beforeAll(async () => {
    db = await migratedDatabase();
    cache = new EnrollmentCacheRepository(db.prisma, db.embedder);
  });
  beforeEach(() => db.reset());
  afterAll(() => db.close());

  it('gives back the parked vector, its metadata and expiry once, then never again', async () => {
    const embedding = randomUnitVector(1);
    const expiresAt = inSeconds(600);
    await cache.put('key-1', embedding, metadata, expiresAt);
    const taken = await cache.takeOnce('key-1');
    expect(taken?.metadata).toEqual(metadata);
    expect(taken?.expiresAt.getTime()).toBe(expiresAt.getTime());
    // pgvector stores float4: the same values as the Float32Array.
    expect(taken?.embedding).toEqual(embedding);
    expect(await cache.takeOnce('key-1')).toBeNull();
    expect(await cache.takeOnce('never-issued')).toBeNull();
  });

  it('never hands out an expired entry, even before the purge, and the purge removes only expired ones', async () => {
    await cache.put('expired', randomUnitVector(3), metadata, inSeconds(-1));
    await cache.put('also-expired', randomUnitVector(4), metadata, inSeconds(-3600));
    await cache.put('live', randomUnitVector(5), metadata, inSeconds(600));
    expect(await cache.count()).toBe(3);
    expect(await cache.takeOnce('expired')).toBeNull();
    expect(await cache.purgeExpired()).toBe(2);
    expect(await cache.count()).toBe(1);
    expect(await cache.takeOnce('live')).not.toBeNull();
  });

  it('parks several faces in one statement, each under its own key, each taken once', async () => {
    const expiresAt = inSeconds(600);
    const entries = [7, 8, 9].map((seed, i) => ({
      key: `group-${i}`,
      embedding: randomUnitVector(seed),
      metadata: { ...metadata, face_size_px: 40 + i },
      expiresAt,
    }));
    await cache.putMany(entries);
    await cache.putMany([]);
    expect(await cache.count()).toBe(3);
    for (const entry of [...entries].reverse()) {
      const taken = await cache.takeOnce(entry.key);
      expect(taken).toEqual({ embedding: entry.embedding, metadata: entry.metadata, expiresAt });
    }
    expect(await cache.count()).toBe(0);
  });

  it('refuses a row whose metadata this service did not write, rather than hand it on unchecked', async () => {
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO vectors_cache (key, embedding, metadata, expires_at, embedder_id) VALUES ('odd', $1::vector, '{"quality": "high"}'::jsonb, now() + interval '1 hour', $2)`,
      `[${Array.from(randomUnitVector(6)).join(',')}]`,
      db.embedder.id,
    );
    await expect(cache.takeOnce('odd')).rejects.toThrow(/malformed metadata/);
  });

  it('never lets a key another embedder made be taken: for this embedder it is unknown, and it stays for its own', async () => {
    const other = syntheticEmbedder(512, 'b');
    await new EmbeddersRepository(pgliteRunner(db.pglite)).record(other);
    const othersCache = new EnrollmentCacheRepository(db.prisma, other);
    await othersCache.put('made-by-b', randomUnitVector(7), metadata, inSeconds(600));
    expect(await cache.takeOnce('made-by-b')).toBeNull();
    expect(await cache.count()).toBe(1);
    expect(await othersCache.takeOnce('made-by-b')).not.toBeNull();
  });

  it("refuses a vector of another length than its embedder's, before it reaches SQL", async () => {
    await expect(cache.put('short', randomUnitVector(8, 256), metadata, inSeconds(600))).rejects.toThrow(
      /Embedding has 256 dimensions, expected 512/,
    );
  });
});
