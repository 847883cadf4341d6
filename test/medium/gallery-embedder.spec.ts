import type { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { EnrollmentCacheRepository } from '../../src/cache/enrollment-cache.repository.js';
import { pgliteRunner } from '../../src/database/embedded-postgres.js';
import { applyMigrations, Migration, readMigrations } from '../../src/database/migrations.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import { SHIPPED_EMBEDDER_ID } from '../../src/gallery/embedder-thresholds.js';
import { FacesRepository } from '../../src/gallery/faces.repository.js';
import { claimGallery, GalleryEmbedderMismatchError } from '../../src/gallery/gallery-embedder.js';
import { EmbedderContract } from '../../src/inference/embedder-contract.js';
import { syntheticEmbedder } from '../support/embedders.js';
import { freshDatabase, migrationsDir } from '../support/migrated-database.js';
import { randomUnitVector } from '../support/test-app.js';

const box = { x: 1, y: 2, width: 30, height: 40 };
const metadata = { detection_score: 0.9, box, face_size_px: 40, quality: 0.8 };

describe('the gallery claimed for one embedder at start (claimGallery) on the embedded database', () => {
  let db: PGlite;
  let prisma: PrismaService;
  let migrations: Migration[];
  const a512 = syntheticEmbedder(512, 'a');
  const b256 = syntheticEmbedder(256, 'b');

  beforeAll(async () => {
    migrations = await readMigrations(migrationsDir);
    db = await freshDatabase();
    prisma = new PrismaService({ adapter: new PrismaPGlite(db) });
  });
  beforeEach(async () => {
    await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await applyMigrations(pgliteRunner(db), migrations);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.close();
  });

  const claim = (embedder: EmbedderContract) => claimGallery(pgliteRunner(db), embedder);
  const columnTypes = async () =>
    (
      await db.query<{ table: string; type: string }>(
        `SELECT c.relname AS table, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE c.relname IN ('faces', 'vectors_cache') AND a.attname = 'embedding' ORDER BY 1`,
      )
    ).rows.map((row) => `${row.table} ${row.type}`);
  const enrollOne = async (embedder: EmbedderContract, seed: number) => {
    const user = await prisma.user.create({ data: { name: `P${seed}`, birthdate: new Date('1990-01-01') } });
    return new FacesRepository(prisma, embedder).insert(user.id, {
      embedding: randomUnitVector(seed, embedder.dimension),
      detectionScore: 0.9,
      box,
      quality: 0.8,
    });
  };

  it("on an empty gallery: declares the vector columns with the embedder's dimension, rebuilds the HNSW index and records the embedder once", async () => {
    expect(await claim(b256)).toEqual({ resized: true });
    expect(await columnTypes()).toEqual(['faces vector(256)', 'vectors_cache vector(256)']);
    expect(await claim(b256)).toEqual({ resized: false });
    const recorded = (await db.query<{ id: string; model: string; dimension: number }>('SELECT id, model, dimension FROM embedders')).rows;
    expect(recorded).toEqual([{ id: b256.id, model: b256.model, dimension: 256 }]);
    // 256-D faces go in and the k-NN statement is served by the rebuilt index.
    await enrollOne(b256, 1);
    const faces = new FacesRepository(prisma, b256);
    expect((await faces.nearestUsers([randomUnitVector(1, 256)], 1))[0][0].similarity).toBeCloseTo(1, 5);
    expect(await faces.explainNearestUsers([randomUnitVector(2, 256)], 1)).toMatch(/Index Scan using faces_embedding_hnsw_idx/);
  });

  it("refuses a gallery holding another embedder's faces, naming both and the ways out, and changes nothing", async () => {
    await claim(b256);
    await enrollOne(b256, 1);
    await enrollOne(b256, 2);
    const refusal = await claim(a512).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(GalleryEmbedderMismatchError);
    const message = (refusal as Error).message;
    expect(message.split('\n')[0]).toBe(
      `The gallery holds vectors of embedder "${b256.model}", not of the configured EMBEDDER_MODEL "${a512.model}": not starting.`,
    );
    expect(message).toMatch(/in the gallery: 2 face\(s\) made by "synthetic_256_b" \(256-D, model\.onnx sha256 bbbbbbbbbbbb…/);
    expect(message).toMatch(/configured: +"synthetic_512_a" \(512-D/);
    expect(message).toMatch(/they differ in: weights \(model\.onnx sha256\), dimension \(256 vs 512\)/);
    expect(message).toMatch(/set EMBEDDER_MODEL=synthetic_256_b/);
    expect(message).toMatch(/a new DATA_DIR or DATABASE_URL/);
    expect(await columnTypes()).toEqual(['faces vector(256)', 'vectors_cache vector(256)']);
    expect((await db.query('SELECT 1 FROM faces')).rows).toHaveLength(2);
    expect((await db.query('SELECT 1 FROM embedders')).rows).toHaveLength(1);
  });

  it("counts live enrollment keys as the gallery's vectors, but not expired ones, which go when the columns change", async () => {
    await claim(b256);
    const keys = new EnrollmentCacheRepository(prisma, b256);
    await keys.put('live', randomUnitVector(3, 256), metadata, new Date(Date.now() + 600_000));
    await expect(claim(a512)).rejects.toThrow(/in the gallery: 0 face\(s\) and 1 enrollment key\(s\) expiring by 20\d\d-/);
    await prisma.$executeRawUnsafe(`UPDATE vectors_cache SET expires_at = now() - interval '1 second'`);
    expect(await claim(a512)).toEqual({ resized: true });
    expect(await columnTypes()).toEqual(['faces vector(512)', 'vectors_cache vector(512)']);
    expect((await db.query('SELECT 1 FROM vectors_cache')).rows).toHaveLength(0);
  });

  it('takes the same weights and preprocessing under another folder name for the same embedder', async () => {
    await claim(a512);
    await enrollOne(a512, 4);
    const renamed = new EmbedderContract('renamed_copy', 'input', 'output', 16, 512, a512.outputSha256, a512.preprocessing);
    expect(renamed.id).toBe(a512.id);
    expect(await claim(renamed)).toEqual({ resized: false });
  });

  it('refuses the same weights fed another way: the preprocessing is part of the embedder', async () => {
    await claim(a512);
    await enrollOne(a512, 5);
    await expect(claim(a512.withPreprocessing({ colourOrder: 'RGB', flipAugmentation: false }))).rejects.toThrow(
      /they differ in: colourOrder \("BGR" vs "RGB"\), flipAugmentation \(true vs false\)/,
    );
  });

  it('labels the vectors stored before the gallery knew its model with the shipped embedder, keeping every one', async () => {
    await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    const [init, ...later] = migrations;
    await applyMigrations(pgliteRunner(db), [init]);
    await db.exec(`
      INSERT INTO users (id, name, birthdate) VALUES ('00000000-0000-4000-8000-000000000001', 'Old', '1980-01-01');
      INSERT INTO faces (id, user_id, embedding, detection_score, box, quality)
        VALUES (gen_random_uuid(), '00000000-0000-4000-8000-000000000001', '[${Array.from(randomUnitVector(9)).join(',')}]', 0.9, '{}', 0.8);
      INSERT INTO vectors_cache (key, embedding, metadata, expires_at) VALUES ('old-key', '[${Array.from(randomUnitVector(10)).join(',')}]', '{}', now() + interval '1 hour');`);
    expect(await applyMigrations(pgliteRunner(db), [init, ...later])).toEqual(later.map((migration) => migration.name));
    const labels = await db.query<{ embedder_id: string }>('SELECT embedder_id FROM faces UNION ALL SELECT embedder_id FROM vectors_cache');
    expect(labels.rows).toEqual([{ embedder_id: SHIPPED_EMBEDDER_ID }, { embedder_id: SHIPPED_EMBEDDER_ID }]);
    await expect(claim(a512)).rejects.toThrow(
      /1 face\(s\) and 1 enrollment key\(s\) .* made by "face_embedder" \(512-D, model\.onnx sha256 beb70cbd2970…, BGR \(x-127\)\/128 NCHW 112x112, flip on\)/,
    );
  });
});
