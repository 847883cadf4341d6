import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Failure } from './failure-kinds.js';

export type PhotoFailure = Failure & { photo: string };

/** What the batch knows about one person (one sub-folder). */
export interface PersonRecord {
  userId?: string;
  /** The photo that created the user. */
  enrolledWith?: string;
  /** Photos with an outcome that a rerun keeps: enrolled, added, or refused for good. */
  done: string[];
  /** Current failures, at most one per photo (the latest). */
  failures: PhotoFailure[];
}

export interface EnrollmentStateFile {
  version: 1;
  folder: string;
  serviceUrl: string;
  updatedAt: string;
  people: Record<string, PersonRecord>;
}

/** `.face-matrix-enroll/<sha1 of the absolute folder>.json` under the working directory: the photo folder may be read-only. */
export function defaultStatePath(folder: string, cwd: string = process.cwd()): string {
  const digest = createHash('sha1').update(path.resolve(folder)).digest('hex');
  return path.join(cwd, '.face-matrix-enroll', `${digest}.json`);
}

export type ResumePlan =
  | { kind: 'skip' }
  /** No user yet: the first of these photos that goes in creates them. */
  | { kind: 'enroll'; photos: string[] }
  /** The user exists: add these photos as extra faces. */
  | { kind: 'continue'; userId: string; photos: string[] };

/**
 * What to do with a person on this run. `userStillExists` is the answer of GET /users/{id} for a
 * recorded user (undefined when there is none): a user deleted since starts the person over.
 */
export function resumePlan(record: PersonRecord | undefined, photos: string[], userStillExists?: boolean): ResumePlan {
  if (!record || (record.userId && userStillExists === false)) return { kind: 'enroll', photos: [...photos] };
  const done = new Set(record.done);
  const remaining = photos.filter((photo) => !done.has(photo));
  if (remaining.length === 0) return { kind: 'skip' };
  return record.userId ? { kind: 'continue', userId: record.userId, photos: remaining } : { kind: 'enroll', photos: remaining };
}

/** The resumable state of one folder's batch, kept in a JSON file replaced atomically. */
export class EnrollmentState {
  private writing: Promise<void> = Promise.resolve();
  private pending: Promise<void> | undefined;

  private constructor(
    readonly file: string,
    private readonly data: EnrollmentStateFile,
    /** The service URL of the previous run, when it differs from this one's. */
    readonly previousServiceUrl: string | undefined,
  ) {}

  /** Reads the state file, or starts empty when it is missing or `restart` is set. A corrupt file stops the run rather than being overwritten. */
  static async open(file: string, folder: string, serviceUrl: string, restart = false): Promise<EnrollmentState> {
    const fresh: EnrollmentStateFile = { version: 1, folder: path.resolve(folder), serviceUrl, updatedAt: new Date().toISOString(), people: {} };
    if (restart) return new EnrollmentState(file, fresh, undefined);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new EnrollmentState(file, fresh, undefined);
      throw error;
    }
    let saved: EnrollmentStateFile;
    try {
      saved = JSON.parse(text) as EnrollmentStateFile;
    } catch {
      throw new Error(`The state file ${file} is not valid JSON; move it away or pass --restart.`);
    }
    if (saved.version !== 1 || typeof saved.people !== 'object')
      throw new Error(`The state file ${file} is not a Face Matrix enrollment state (version 1); pass --restart.`);
    const previousServiceUrl = saved.serviceUrl !== serviceUrl ? saved.serviceUrl : undefined;
    return new EnrollmentState(file, { ...saved, serviceUrl }, previousServiceUrl);
  }

  person(folder: string): PersonRecord | undefined {
    return this.data.people[folder];
  }

  /** A new, empty record for the person, replacing any earlier one. */
  startOver(folder: string): PersonRecord {
    const record: PersonRecord = { done: [], failures: [] };
    this.data.people[folder] = record;
    return record;
  }

  get people(): Readonly<Record<string, PersonRecord>> {
    return this.data.people;
  }

  /**
   * Writes the state (temp file + rename, so a crash leaves the old or the new file, never half
   * of one). Writes never overlap; calls made during a write share the one write after it.
   */
  save(): Promise<void> {
    if (this.pending) return this.pending;
    const next = this.writing.then(() => {
      this.pending = undefined;
      return writeFileAtomic(this.file, this.serialize());
    });
    this.pending = next;
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** For a second Ctrl-C: the process exits right after, so no awaiting. */
  saveNow(): void {
    writeFileAtomicSync(this.file, this.serialize());
  }

  private serialize(): string {
    this.data.updatedAt = new Date().toISOString();
    return JSON.stringify(this.data);
  }
}

/** Records a photo's failure, replacing an older one of the same photo. */
export function recordFailure(record: PersonRecord, failure: PhotoFailure): void {
  record.failures = record.failures.filter((earlier) => earlier.photo !== failure.photo);
  record.failures.push(failure);
}

/** Marks a photo as having its final outcome; a success clears its earlier failure. */
export function markDone(record: PersonRecord, photo: string, succeeded: boolean): void {
  if (!record.done.includes(photo)) record.done.push(photo);
  if (succeeded) record.failures = record.failures.filter((earlier) => earlier.photo !== photo);
}

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

export function writeFileAtomicSync(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  // Its own temp name: an async write of the same file may be half done.
  const temporary = `${file}.${process.pid}.sync.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}
