// `npm run bench:scale [-- --faces 100000 --probes 300 --ef 40,100,200 --keep-data-dir DIR [--reuse]]`
// Fills a fresh embedded database with real-looking face vectors (real LFW dev embeddings from the
// bench:accuracy cache, lookalikes of them and random vectors), builds the HNSW index, then measures
// the k-NN query the API runs (FacesRepository.nearestUsers): latency, and recall@1 against exact
// search for real probes. --keep-data-dir leaves the filled database for `bench:load --prefilled DIR`;
// with --reuse, a database kept earlier is measured again without refilling (the fill is deterministic).
// With DATABASE_URL set it fills and measures that PostgreSQL database instead (it must be empty, or
// filled earlier by bench:scale with --reuse), which `bench:load` can then run on with the same DATABASE_URL.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { toVectorLiteral } from '../src/common/embedding.js';
import { projectRoot } from '../src/common/paths.js';
import { AppConfig } from '../src/config/app-config.js';
import { validateEnvironment } from '../src/config/environment.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { describeDatabaseUrl } from './lib/postgres-stats.js';
import { FacesRepository } from '../src/gallery/faces.repository.js';
import { GalleryEmbedderCheck } from '../src/gallery/gallery-embedder.js';
import { readEmbedderContract } from '../src/inference/embedder-contract.js';
import { FACE_MODELS } from '../src/inference/model-repository.js';
import { loadRealEmbeddings } from './lib/real-embeddings.js';
import { realLookingDataset, syntheticDataset } from './lib/scale-dataset.js';
import { ms, summarise } from './lib/stats.js';
import { seededRandom } from './lib/vectors.js';

const { values: args } = parseArgs({
  options: {
    faces: { type: 'string', default: '100000' },
    probes: { type: 'string', default: '300' },
    ef: { type: 'string', default: '40,60,100' },
    'probe-similarity': { type: 'string', default: '0.7' },
    synthetic: { type: 'boolean', default: false },
    'keep-data-dir': { type: 'string' },
    reuse: { type: 'boolean', default: false },
  },
});
const faceCount = Number(args.faces);
const probeCount = Number(args.probes);
const efValues = args.ef.split(',').map(Number);
const BATCH = 500;
const log = (message: string) => process.stdout.write(`${message}\n`);

const databaseUrl = process.env.DATABASE_URL || undefined;
if (databaseUrl && args['keep-data-dir'])
  throw new Error('--keep-data-dir is for the embedded database; with DATABASE_URL the data stays in that database');
const keptDir = args['keep-data-dir'] && path.resolve(args['keep-data-dir']);
if (keptDir) await mkdir(keptDir, { recursive: true });
const dataDir = keptDir ?? (await mkdtemp(path.join(tmpdir(), 'face-matrix-scale-')));
// The shipped embedder's: the real-looking vectors are its embeddings of LFW (the bench:accuracy cache).
const embedder = readEmbedderContract(path.join(projectRoot(), 'model_repository'), FACE_MODELS.embedder);
const prisma = await PrismaService.connect(
  new AppConfig(validateEnvironment({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl })),
  new GalleryEmbedderCheck(embedder),
);
await prisma.started;
const engine = databaseUrl ? `PostgreSQL at ${describeDatabaseUrl(databaseUrl)}` : 'embedded PGlite + pgvector, one process';
const faces = new FacesRepository(prisma, embedder);
const random = seededRandom(20261128);
const real = args.synthetic ? new Map<string, Float32Array>() : loadRealEmbeddings();
const dataset =
  real.size > 0
    ? realLookingDataset(real, faceCount, probeCount, random)
    : syntheticDataset(faceCount, probeCount, Number(args['probe-similarity']), random, embedder.dimension);

async function fill(): Promise<void> {
  log(`Filling ${faceCount} faces, one user per face: ${dataset.description}...`);
  const fillStarted = performance.now();
  await prisma.$executeRawUnsafe('DROP INDEX IF EXISTS faces_embedding_hnsw_idx');
  for (let offset = 0; offset < faceCount; offset += BATCH) {
    const size = Math.min(BATCH, faceCount - offset);
    const vectors = Array.from({ length: size }, (_, i) => dataset.face(offset + i));
    await prisma.$executeRawUnsafe(
      `WITH new_users AS (
         INSERT INTO users (id, name, birthdate)
         SELECT gen_random_uuid(), 'Bench ' || g, DATE '1980-01-01' FROM generate_series(1, ${size}) g
         RETURNING id
       ), numbered AS (SELECT id, row_number() OVER () AS n FROM new_users)
       INSERT INTO faces (id, user_id, embedding, detection_score, box, quality, embedder_id)
       SELECT gen_random_uuid(), numbered.id, (($1::text[])[numbered.n])::vector, 0.99, '{}'::jsonb, 0.9, $2 FROM numbered`,
      vectors.map((vector) => toVectorLiteral(vector, embedder.dimension)),
      embedder.id,
    );
  }
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  const indexStarted = performance.now();
  // The same index the migration creates (pgvector defaults m = 16, ef_construction = 64).
  // Enough memory for the graph of 100,000 faces (~260 MB): past maintenance_work_mem pgvector builds on disk, far slower.
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL maintenance_work_mem = '512MB'`);
      await tx.$executeRawUnsafe('CREATE INDEX faces_embedding_hnsw_idx ON faces USING hnsw (embedding vector_cosine_ops)');
    },
    { timeout: 24 * 3600_000 },
  );
  await prisma.$executeRawUnsafe('ANALYZE faces');
  const indexSeconds = (performance.now() - indexStarted) / 1000;
  log(`Filled in ${fillSeconds.toFixed(1)} s; HNSW index built in ${indexSeconds.toFixed(1)} s`);
}

try {
  log(`Database: ${engine}`);
  if (real.size === 0 && !args.synthetic) log('No bench:accuracy embedding cache under .model-cache/bench: falling back to random vectors.');
  const stored = await faces.count();
  if (args.reuse && (keptDir || databaseUrl)) {
    log(`Reusing the filled database (${stored} faces): ${dataset.description}`);
  } else if (databaseUrl && stored > 0) {
    throw new Error(`DATABASE_URL's database already holds ${stored} faces: give bench:scale an empty database, or --reuse one it filled`);
  } else {
    await fill();
  }
  const probes = dataset.probes;
  const plan = await faces.explainNearestUsers([probes[0]], 1);
  log(`Plan of the API's k-NN statement: ${plan.includes('faces_embedding_hnsw_idx') ? 'HNSW index scan' : 'NOT using the index'}`);

  // Exact search, the reference for recall: the same ordering without the index (not the API's statement, which always takes the index).
  const exact: string[] = [];
  const exactLatencies: number[] = [];
  for (const probe of probes) {
    const started = performance.now();
    const [row] = await prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_indexscan = off');
      return tx.$queryRawUnsafe<{ id: string }[]>(
        'SELECT id::text AS id FROM faces ORDER BY embedding <=> $1::vector LIMIT 1',
        toVectorLiteral(probe, embedder.dimension),
      );
    });
    exactLatencies.push(performance.now() - started);
    exact.push(row.id);
  }

  log(`\n| faces | hnsw.ef_search | k-NN p50 | p95 | p99 | recall@1 vs exact |`);
  log(`| ---: | ---: | ---: | ---: | ---: | ---: |`);
  const exactSummary = summarise(exactLatencies);
  log(`| ${faceCount} | exact (no index) | ${ms(exactSummary.p50)} | ${ms(exactSummary.p95)} | ${ms(exactSummary.p99)} | 1.000 |`);
  for (const ef of efValues) {
    prisma.hnswEfSearch = ef;
    // Warm-up: one untimed pass loads the index pages a running server would hold in its buffer cache.
    for (const probe of probes) await faces.nearestUsers([probe], 1);
    const latencies: number[] = [];
    let hits = 0;
    for (let i = 0; i < probes.length; i++) {
      const started = performance.now();
      const [[best]] = await faces.nearestUsers([probes[i]], 1);
      latencies.push(performance.now() - started);
      if (best?.faceId === exact[i]) hits++;
    }
    const { p50, p95, p99 } = summarise(latencies);
    log(`| ${faceCount} | ${ef} | ${ms(p50)} | ${ms(p95)} | ${ms(p99)} | ${(hits / probes.length).toFixed(3)} |`);
  }
  log(`\n(${probes.length} probes; ${engine})`);
  if (keptDir) log(`Database kept under ${keptDir} (ef_search there is the server's HNSW_EF_SEARCH)`);
  if (databaseUrl) log(`The filled database stays at ${describeDatabaseUrl(databaseUrl)} for bench:load with the same DATABASE_URL`);
} finally {
  await prisma.onApplicationShutdown();
  if (!keptDir) await rm(dataDir, { recursive: true, force: true });
}
