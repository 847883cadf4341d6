import { AppConfig } from '../src/config/app-config.js';
import { validateEnvironment } from '../src/config/environment.js';
import { withExternalRunner } from '../src/database/external-postgres.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { FacesRepository } from '../src/gallery/faces.repository.js';
import { claimGallery } from '../src/gallery/gallery-embedder.js';
import { shippedEmbedder } from './support/embedders.js';
import { onRealPostgres } from './support/database-engines.js';
import { sharedPostgres, superuserQuery, TestDatabase } from './support/real-postgres.js';
import { randomUnitVector } from './support/test-app.js';

const FACES = 50_000;

/**
 * From about 50k faces the planner prices a sequential scan below the HNSW index at ef_search 100
 * (the 512-D vectors live out of line, so the scan looks small): 110-150 ms instead of 3-4 ms.
 * The k-NN statement must use the index at this size whatever HNSW_EF_SEARCH.
 * Real PostgreSQL only: building this index in PGlite takes a quarter of an hour (docs/benchmarks.md);
 * test/vector-search.e2e-spec.ts checks the same settings on both engines at a small size.
 */
onRealPostgres(`k-NN plan at ${FACES} faces on real PostgreSQL`, () => {
  let database: TestDatabase;
  let prisma: PrismaService;
  let faces: FacesRepository;

  beforeAll(async () => {
    database = await sharedPostgres().createDatabase();
    const embedder = shippedEmbedder();
    await withExternalRunner(database.url, (runner) => claimGallery(runner, embedder));
    // Random vectors made by the server: 50k x 512 floats need not cross the wire.
    await superuserQuery(
      database.url,
      `DROP INDEX faces_embedding_hnsw_idx;
       INSERT INTO users (id, name, birthdate) SELECT gen_random_uuid(), 'Scale ' || g, DATE '1980-01-01' FROM generate_series(1, ${FACES}) g;
       INSERT INTO faces (id, user_id, embedding, detection_score, box, quality, embedder_id)
         SELECT gen_random_uuid(), u.id, (SELECT array_agg(random() - 0.5) FROM generate_series(1, 512) WHERE u.id IS NOT NULL)::vector, 0.99, '{}', 0.9, '${embedder.id}'
         FROM users u;`,
    );
    // The migration's index (same name, m = 16, hence the same size and cost estimate), built with
    // the smallest candidate list pgvector allows (2 m) to build in half the time.
    await superuserQuery(
      database.url,
      `SET max_parallel_maintenance_workers = 2;
       CREATE INDEX faces_embedding_hnsw_idx ON faces USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 32);
       ANALYZE faces; ANALYZE users;`,
    );
    prisma = await PrismaService.connect(new AppConfig(validateEnvironment({ DATABASE_URL: database.url, LOG_LEVEL: 'error' })));
    await prisma.started;
    faces = new FacesRepository(prisma, embedder);
  }, 600_000);

  afterAll(async () => {
    await prisma?.onApplicationShutdown();
    await database?.drop();
  });

  it.each([40, 100, 200, 1000])('uses the HNSW index at ef_search %i', async (ef) => {
    prisma.hnswEfSearch = ef;
    for (const k of [1, 5]) {
      expect(await faces.explainNearestUsers([randomUnitVector(ef * 10 + k)], k)).toMatch(/Index Scan using faces_embedding_hnsw_idx/);
    }
  });
});
