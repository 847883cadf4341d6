import { FacesRepository } from '../../src/gallery/faces.repository.js';
import { UsersRepository } from '../../src/users/users.repository.js';
import { MigratedDatabase, migratedDatabase } from '../support/migrated-database.js';
import { randomUnitVector } from '../support/test-app.js';

const box = { x: 10, y: 20, width: 90, height: 110 };
const face = (embedding: Float32Array) => ({ embedding, detectionScore: 0.99, box, quality: 0.9 });

/** A unit vector at cosine similarity `similarity` to the unit vector `to`. */
function atSimilarity(to: Float32Array, similarity: number, seed: number): Float32Array {
  const other = randomUnitVector(seed);
  const along = other.reduce((sum, value, i) => sum + value * to[i], 0);
  const orthogonal = other.map((value, i) => value - along * to[i]);
  const norm = Math.hypot(...orthogonal);
  const sine = Math.sqrt(1 - similarity * similarity);
  return to.map((value, i) => similarity * value + (sine * orthogonal[i]) / norm);
}

describe('UsersRepository and FacesRepository on the embedded database', () => {
  let db: MigratedDatabase;
  let users: UsersRepository;
  let faces: FacesRepository;
  // One database for the file (starting PGlite takes seconds); every test starts from empty tables.
  beforeAll(async () => {
    db = await migratedDatabase();
    users = new UsersRepository(db.prisma);
    faces = new FacesRepository(db.prisma, db.embedder);
  });
  beforeEach(() => db.reset());
  afterAll(() => db.close());

  const person = (name: string, email: string | null = null) => users.create({ name, birthdate: new Date('1990-05-17'), email });

  it('creates a user, reads them back with their face count, and answers exists / emailTaken', async () => {
    const jane = await person('Jane Doe', 'jane@example.com');
    await faces.insert(jane.id, face(randomUnitVector(1)));
    await faces.insert(jane.id, face(randomUnitVector(2)));
    expect(await users.findById(jane.id)).toEqual({ ...jane, faceCount: 2 });
    expect(jane.birthdate.toISOString()).toBe('1990-05-17T00:00:00.000Z');
    expect(await users.exists(jane.id)).toBe(true);
    expect(await users.exists('00000000-0000-4000-8000-000000000000')).toBe(false);
    expect(await users.emailTaken('jane@example.com')).toBe(true);
    expect(await users.emailTaken('john@example.com')).toBe(false);
    expect([await users.count(), await faces.count()]).toEqual([1, 2]);
  });

  it('lists users oldest first in keyset pages that neither skip nor repeat anyone, ties on created_at included', async () => {
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await person(`Person ${i}`));
    // Three users share one created_at: the id breaks the tie.
    await db.pglite.query(`UPDATE users SET created_at = '2026-01-01T00:00:00Z' WHERE id = ANY($1::uuid[])`, [created.slice(2, 5).map((u) => u.id)]);
    const seen: string[] = [];
    let page = await users.listPage(3);
    while (page.length > 0) {
      seen.push(...page.map((user) => user.id));
      const last = page[page.length - 1];
      page = await users.listPage(3, { createdAt: last.createdAt, id: last.id });
    }
    const all = await db.pglite.query<{ id: string }>('SELECT id::text AS id FROM users ORDER BY created_at, id');
    expect(seen).toEqual(all.rows.map((row) => row.id));
    expect(new Set(seen).size).toBe(7);
  });

  it('deletes a user with every face vector (ON DELETE CASCADE), and says when there was nobody', async () => {
    const jane = await person('Jane');
    const john = await person('John');
    await faces.insert(jane.id, face(randomUnitVector(3)));
    await faces.insert(john.id, face(randomUnitVector(4)));
    expect(await users.delete(jane.id)).toBe(true);
    expect(await users.delete(jane.id)).toBe(false);
    expect(await faces.count()).toBe(1);
    expect((await faces.nearestUsers([randomUnitVector(3)], 5))[0].map((n) => n.user.id)).toEqual([john.id]);
  });

  it('keeps nothing of a transaction that fails: repositories run on the transaction client they are given', async () => {
    await expect(
      db.prisma.$transaction(async (tx) => {
        const ghost = await users.create({ name: 'Ghost', birthdate: new Date('1990-01-01'), email: null }, tx);
        await faces.insert(ghost.id, face(randomUnitVector(5)), tx);
        expect(await users.exists(ghost.id, tx)).toBe(true);
        throw new Error('enrollment failed after the insert');
      }),
    ).rejects.toThrow(/enrollment failed/);
    expect([await users.count(), await faces.count()]).toEqual([0, 0]);
  });

  it('finds the nearest people best first, each once with their best face, the user joined and the cosine similarity', async () => {
    const probe = randomUnitVector(10);
    const near = await person('Near', 'near@example.com');
    const far = await person('Far');
    await faces.insert(far.id, face(atSimilarity(probe, 0.2, 11)));
    const nearFace = await faces.insert(near.id, face(atSimilarity(probe, 0.9, 12)));
    await faces.insert(near.id, face(atSimilarity(probe, 0.6, 13)));

    const [nearest] = await faces.nearestUsers([probe], 2);
    expect(nearest.map((n) => [n.user.name, Number(n.similarity.toFixed(3))])).toEqual([
      ['Near', 0.9],
      ['Far', 0.2],
    ]);
    expect(nearest[0]).toMatchObject({ faceId: nearFace, user: { id: near.id, email: 'near@example.com' } });
    expect(nearest[0].user.birthdate).toEqual(new Date('1990-05-17'));
    expect((await faces.nearestUsers([probe], 10))[0]).toHaveLength(2);
  });

  it("gives a user's best similarity to a probe, and null for a user without faces", async () => {
    const probe = randomUnitVector(20);
    const jane = await person('Jane');
    const empty = await person('Nobody');
    await faces.insert(jane.id, face(atSimilarity(probe, 0.3, 21)));
    await faces.insert(jane.id, face(atSimilarity(probe, 0.7, 22)));
    expect(await faces.bestSimilarityForUser(jane.id, probe)).toBeCloseTo(0.7, 3);
    expect(await faces.bestSimilarityForUser(empty.id, probe)).toBeNull();
  });

  it('refuses a vector of the wrong length before it reaches SQL', async () => {
    const jane = await person('Jane');
    await expect(faces.insert(jane.id, face(new Float32Array(128)))).rejects.toThrow(/128 dimensions, expected 512/);
    expect(await faces.count()).toBe(0);
  });
});
