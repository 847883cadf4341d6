import type { EnrollmentCacheService } from '../cache/enrollment-cache.service.js';
import type { PrismaService } from '../database/prisma.service.js';
import type { GatedFacePipeline } from '../faces/gated-face-pipeline.js';
import type { FaceMatcher } from '../gallery/face-matcher.js';
import type { FacesRepository } from '../gallery/faces.repository.js';
import type { NearestUser } from '../gallery/gallery-records.js';
import { Prisma } from '../generated/prisma/client.js';
import { EnrollmentService } from './enrollment.service.js';
import type { UsersRepository } from './users.repository.js';

const embedding = new Float32Array(512).fill(0.2);
const cachedFace = {
  embedding,
  metadata: { detection_score: 0.99, box: { x: 1, y: 2, width: 3, height: 4 }, face_size_px: 4, quality: 0.8 },
  expiresAt: new Date(),
};
const jane = { user: { id: 'jane', name: 'Jane', birthdate: new Date(), email: null, createdAt: new Date() }, faceId: 'f', similarity: 0.912345 };
const person = { name: 'John', birthdate: '1990-01-01', email: 'john@example.com' };

/** Every boundary faked; `steps` records what ran, in order, and on which client. */
function enrollment(options: { duplicate?: NearestUser; emailTaken?: boolean; keyKnown?: boolean; userExists?: boolean; createFails?: Error } = {}) {
  const steps: string[] = [];
  const tx = { $executeRawUnsafe: async (sql: string) => steps.push(sql.includes('pg_advisory_xact_lock') ? 'lock' : sql) };
  const prisma = { $transaction: async (work: (client: unknown) => Promise<unknown>) => work(tx) } as unknown as PrismaService;
  const pipeline = {
    embedLargestFace: async () => {
      steps.push('pipeline');
      return {
        facesDetected: 1,
        face: { box: cachedFace.metadata.box, score: 0.97, quality: 0.7, landmarks: [], faceSizePx: 4 },
        embedding,
        timings: {},
      };
    },
  } as unknown as GatedFacePipeline;
  const matcher = {
    findEnrolledElsewhere: async (_: Float32Array, client: unknown, ownerId?: string) => {
      steps.push(`duplicate check${client === tx ? ' in tx' : ''}${ownerId ? ` except ${ownerId}` : ''}`);
      return options.duplicate;
    },
  } as unknown as FaceMatcher;
  const users = {
    emailTaken: async () => options.emailTaken ?? false,
    exists: async () => options.userExists ?? true,
    create: async () => {
      steps.push('create user');
      if (options.createFails) throw options.createFails;
      return { id: 'new-user' };
    },
  } as unknown as UsersRepository;
  const faces = { insert: async (userId: string) => (steps.push(`insert face of ${userId}`), 'new-face') } as unknown as FacesRepository;
  const cache = {
    take: async (_: string, client: unknown) => (
      steps.push(`take key${client === tx ? ' in tx' : ''}`),
      (options.keyKnown ?? true) ? cachedFace : null
    ),
  } as unknown as EnrollmentCacheService;
  return { service: new EnrollmentService(prisma, pipeline, matcher, users, faces, cache), steps };
}

describe('EnrollmentService', () => {
  it('takes the enrollment lock before the key and the duplicate check, all in one transaction', async () => {
    const { service, steps } = enrollment();
    expect(await service.addUser(person, { reqId: 'key-1' })).toBe('new-user');
    expect(steps).toEqual(['lock', 'take key in tx', 'duplicate check in tx', 'create user', 'insert face of new-user']);
  });

  it('runs the pipeline before the transaction for a photo, so no lock is held during inference', async () => {
    const { service, steps } = enrollment();
    await service.addUser(person, { image: Buffer.from('photo') });
    expect(steps.slice(0, 2)).toEqual(['pipeline', 'lock']);
  });

  it('refuses a face enrolled as someone else with a 409 naming them', async () => {
    const { service, steps } = enrollment({ duplicate: jane });
    await expect(service.addUser(person, { reqId: 'key-1' })).rejects.toMatchObject({
      httpStatus: 409,
      details: [expect.objectContaining({ user_id: 'jane', similarity: 0.9123 })],
    });
    expect(steps).not.toContain('create user');
  });

  it('answers 404 for an unknown or used key, and 409 for a taken email, also when the unique index decides', async () => {
    await expect(enrollment({ keyKnown: false }).service.addUser(person, { reqId: 'gone' })).rejects.toMatchObject({ httpStatus: 404 });
    await expect(enrollment({ emailTaken: true }).service.addUser(person, { reqId: 'key-1' })).rejects.toMatchObject({ httpStatus: 409 });
    const race = new Prisma.PrismaClientKnownRequestError('Unique constraint failed', { code: 'P2002', clientVersion: 'test' });
    await expect(enrollment({ createFails: race }).service.addUser(person, { reqId: 'key-1' })).rejects.toMatchObject({ httpStatus: 409 });
  });

  it("adds a face to its owner, checking others' faces only, and 404s when the user is gone", async () => {
    const { service, steps } = enrollment();
    expect(await service.addFace('jane', { reqId: 'key-1' })).toBe('new-face');
    expect(steps).toContain('duplicate check in tx except jane');
    await expect(enrollment({ userExists: false }).service.addFace('ghost', { reqId: 'key-1' })).rejects.toMatchObject({ httpStatus: 404 });
  });
});
