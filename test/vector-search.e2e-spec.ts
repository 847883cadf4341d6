import { PrismaService } from '../src/database/prisma.service.js';
import { FacesRepository } from '../src/gallery/faces.repository.js';
import { UsersRepository } from '../src/users/users.repository.js';
import { describeEachEngine } from './support/database-engines.js';
import { randomUnitVector, sampleFace, startTestApp, TestApp } from './support/test-app.js';

describeEachEngine('k-NN search on pgvector', (engine) => {
  let t: TestApp;
  let faces: FacesRepository;
  let target: string;

  beforeAll(async () => {
    t = await startTestApp({ HNSW_EF_SEARCH: '77' }, { engine });
    const users = t.app.get(UsersRepository);
    faces = t.app.get(FacesRepository);
    for (let i = 0; i < 20; i++) {
      const user = await users.create({ name: `Person ${i}`, birthdate: new Date('1980-01-01'), email: null });
      for (let j = 0; j < 10; j++) await faces.insert(user.id, sampleFace(1000 + i * 25 + j));
      if (i === 17) target = user.id;
    }
  }, 120_000);
  afterAll(() => t.close());

  it('finds the user whose face is nearest, with cosine similarity, each user once', async () => {
    const probe = randomUnitVector(1000 + 17 * 25 + 3);
    const [nearest] = await faces.nearestUsers([probe], 5);
    expect(nearest).toHaveLength(5);
    expect(nearest[0].user.id).toBe(target);
    expect(nearest[0].similarity).toBeCloseTo(1, 4);
    expect(nearest[1].similarity).toBeLessThan(0.5);
    expect(new Set(nearest.map((n) => n.user.id)).size).toBe(5);
    for (let i = 1; i < nearest.length; i++) expect(nearest[i].similarity).toBeLessThanOrEqual(nearest[i - 1].similarity);
  });

  it('answers several probes in one statement, in probe order', async () => {
    const probes = [randomUnitVector(1000 + 3 * 25 + 1), randomUnitVector(1000 + 17 * 25 + 9), randomUnitVector(1000 + 11 * 25)];
    const answers = await faces.nearestUsers(probes, 2);
    expect(answers).toHaveLength(3);
    expect(answers.map((people) => people[0].user.name)).toEqual(['Person 3', 'Person 17', 'Person 11']);
    for (const people of answers) expect(people[0].similarity).toBeCloseTo(1, 4);
    expect(await faces.nearestUsers([], 3)).toEqual([]);
  });

  it('serves the k-NN statement from the HNSW index whatever ef_search, even where the planner prices a scan cheaper', async () => {
    // 200 faces: a sequential scan is cheaper by the planner's estimate, as it wrongly is from ~50k
    // faces at ef_search 100 (test/knn-plan-at-scale.e2e-spec.ts); the statement must not follow it.
    const prisma = t.app.get(PrismaService);
    try {
      for (const ef of [1, 40, 100, 400, 1000]) {
        prisma.hnswEfSearch = ef;
        for (const k of [1, 5])
          expect(await faces.explainNearestUsers([randomUnitVector(ef + k), randomUnitVector(ef + k + 1)], k)).toMatch(
            /Index Scan using faces_embedding_hnsw_idx/,
          );
      }
      // A group photo at the API's limits: 50 faces, 10 candidates each, one statement.
      const group = Array.from({ length: 50 }, (_, i) => randomUnitVector(5000 + i));
      expect(await faces.explainNearestUsers(group, 10)).toMatch(/Index Scan using faces_embedding_hnsw_idx/);
      expect(await faces.explainNearestUsers(group, 10)).not.toMatch(/Seq Scan on faces/);
    } finally {
      prisma.hnswEfSearch = 77;
    }
  });

  it('sets HNSW_EF_SEARCH per transaction (no startup option, which PgBouncer refuses), and it does not leak', async () => {
    const prisma = t.app.get(PrismaService);
    const inside = await prisma.inVectorSearch(prisma, (tx) =>
      tx.$queryRawUnsafe<{ ef: string }[]>(`SELECT current_setting('hnsw.ef_search') AS ef`),
    );
    expect(inside[0].ef).toBe('77');
    const outside = await prisma.$queryRawUnsafe<{ ef: string | null }[]>(`SELECT current_setting('hnsw.ef_search', true) AS ef`);
    expect(outside[0].ef).not.toBe('77');
  });

  it('scores one user against a probe for 1:1 checks', async () => {
    const probe = randomUnitVector(1000 + 17 * 25 + 3);
    expect(await faces.bestSimilarityForUser(target, probe)).toBeCloseTo(1, 4);
    expect(await faces.bestSimilarityForUser('00000000-0000-4000-8000-000000000000', probe)).toBeNull();
  });

  it('refuses a vector of the wrong dimension before it reaches SQL', async () => {
    await expect(faces.nearestUsers([new Float32Array(128)], 1)).rejects.toThrow(/expected 512/);
  });
});
