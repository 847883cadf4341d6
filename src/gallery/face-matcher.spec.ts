import type { AppConfig } from '../config/app-config.js';
import type { DbClient } from '../database/db-client.js';
import { FaceMatcher } from './face-matcher.js';
import type { FacesRepository } from './faces.repository.js';
import type { NearestUser } from './gallery-records.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';

const person = (id: string, similarity: number): NearestUser => ({
  faceId: `face-of-${id}`,
  similarity,
  user: { id, name: id, birthdate: new Date('1990-01-01'), email: null, createdAt: new Date() },
});

/** The repository answers from a fixed list per probe; the matcher decides. */
function matcherOver(answers: NearestUser[][], threshold?: number, duplicate?: number, verify?: number) {
  const calls: { probes: number; k: number }[] = [];
  const faces = {
    nearestUsers: async (probes: Float32Array[], k: number) => {
      calls.push({ probes: probes.length, k });
      return answers.slice(0, probes.length).map((people) => people.slice(0, k));
    },
    bestSimilarityForUser: async (userId: string) => (userId === 'has-faces' ? 0.61 : null),
  } as unknown as FacesRepository;
  const config = { matchThresholdOverride: threshold, duplicateThresholdOverride: duplicate, verifyThresholdOverride: verify } as AppConfig;
  return { matcher: new FaceMatcher(faces, config), calls };
}

const probe = new Float32Array(512);

describe('FaceMatcher', () => {
  it('calls the nearest person a match at or above the threshold, and keeps every candidate', async () => {
    const { matcher, calls } = matcherOver([[person('jane', 0.5), person('john', 0.3)], [person('john', 0.47)]], 0.5, 0.6);
    const [first, second] = await matcher.identify([probe, probe], 2);
    expect(first.match?.user.id).toBe('jane');
    expect(first.enrollable).toBe(true); // a match below the duplicate threshold: "not me" may enroll
    expect(second.enrollable).toBe(true);
    expect(first.candidates.map((c) => c.user.id)).toEqual(['jane', 'john']);
    expect(second.match).toBeUndefined();
    expect(second.candidates).toHaveLength(1);
    expect(calls).toEqual([{ probes: 2, k: 2 }]);
  });

  it('answers no match on an empty gallery', async () => {
    const { matcher } = matcherOver([[]]);
    expect(await matcher.identify([probe])).toEqual([{ match: undefined, candidates: [], enrollable: true }]);
  });

  it('gives no enrollment key to a match at or above the duplicate threshold', async () => {
    const { matcher } = matcherOver([[person('jane', 0.6)]], 0.5, 0.6);
    expect(await matcher.identify([probe])).toMatchObject([{ match: { user: { id: 'jane' } }, enrollable: false }]);
  });

  it('finds the face enrolled as someone else, never as its owner', async () => {
    const { matcher } = matcherOver([[person('owner', 0.95), person('other', 0.9), person('far', 0.1)]], 0.5, 0.6);
    const db = {} as DbClient;
    expect((await matcher.findEnrolledElsewhere(probe, db))?.user.id).toBe('owner');
    expect((await matcher.findEnrolledElsewhere(probe, db, 'owner'))?.user.id).toBe('other');
  });

  it("lets a lookalike enroll: a match below the duplicate threshold is nobody else's face", async () => {
    const { matcher } = matcherOver([[person('owner', 0.95), person('lookalike', 0.59)]], 0.5, 0.6);
    expect(await matcher.findEnrolledElsewhere(probe, {} as DbClient, 'owner')).toBeUndefined();
  });

  it('verifies against the threshold, and a person without faces never matches', async () => {
    const { matcher } = matcherOver([], 0.7, 0.8, 0.6);
    expect(await matcher.verify('has-faces', probe)).toEqual({ similarity: 0.61, match: true, threshold: 0.6 });
    expect(await matcher.verify('no-faces', probe)).toEqual({ similarity: -1, match: false, threshold: 0.6 });
  });

  it('uses the shipped thresholds unless configured, and refuses a duplicate threshold below the match threshold at start', () => {
    expect(matcherOver([]).matcher.thresholds).toEqual(DEFAULT_THRESHOLDS);
    expect(matcherOver([], 0.5, 0.7, 0.2).matcher.thresholds).toEqual({ match: 0.5, duplicate: 0.7, verify: 0.2 });
    expect(() => matcherOver([], 0.6, 0.5)).toThrow(/DUPLICATE_FACE_THRESHOLD=0.5 is below MATCH_THRESHOLD=0.6/);
  });
});
