import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EnrollmentClient, InterruptedError, type PhotoUpload } from './enrollment-client.js';
import { defaultStatePath, EnrollmentState, markDone, type PersonRecord, recordFailure, resumePlan } from './enrollment-state.js';
import { type Failure, failureKinds, nextPhotoMayEnroll } from './failure-kinds.js';
import { type PersonFolder, scanPhotoFolders } from './photo-folders.js';
import { createProgressReporter, type ProgressCounts, type ProgressMode } from './progress.js';
import type { RetryPolicy } from './retry-policy.js';
import { type BatchEnrollmentSummary, type FailureEntry, writeReport } from './summary.js';

export interface BatchEnrollmentOptions {
  /** `<folder>/<Person>/<photo>` */
  folder: string;
  url: string;
  apiKey?: string;
  /** Sent for every person: the API requires a birthdate and a photo folder has none. */
  birthdate?: string;
  /** People worked on at once. */
  concurrency?: number;
  statePath?: string;
  /** Ignore the saved state and start from scratch. */
  restart?: boolean;
  reportPath?: string;
  progress?: ProgressMode;
  /** Stops the batch: requests under way finish and are recorded, then the state is saved. */
  signal?: AbortSignal;
  retryPolicy?: RetryPolicy;
  /** Handed the state once open, so a second Ctrl-C can write it out before exiting. */
  onStateOpened?: (state: EnrollmentState) => void;
}

export const defaultBirthdate = '1970-01-01';

/** A wrong option: the CLI prints it with the usage. */
export class UsageError extends Error {}

/**
 * Enrolls every person of a photo folder: the first usable photo creates the user, the others are
 * added as extra faces. Failures are recorded, not fatal; a refused key (401) or a service that
 * stops answering throws, after saving the state.
 */
export async function runBatchEnrollment(options: BatchEnrollmentOptions): Promise<BatchEnrollmentSummary> {
  const startedAt = Date.now();
  const settings = validated(options);
  const client = new EnrollmentClient({ baseUrl: settings.url, apiKey: options.apiKey, retryPolicy: options.retryPolicy, signal: options.signal });
  await client.checkAccess();
  const scan = await scanPhotoFolders(settings.folder);
  const state = await EnrollmentState.open(settings.statePath, settings.folder, settings.url, options.restart);
  options.onStateOpened?.(state);

  const summary: BatchEnrollmentSummary = {
    folder: settings.folder,
    serviceUrl: settings.url,
    statePath: settings.statePath,
    reportPath: options.reportPath && path.resolve(options.reportPath),
    people: { total: scan.people.length, enrolled: 0, reenrolled: 0, adopted: 0, continued: 0, skipped: 0, withoutUsablePhoto: 0, unfinished: 0 },
    photos: { total: scan.photoCount, sent: 0, ignoredFiles: scan.ignoredFiles },
    facesAdded: 0,
    failures: [],
    recordedFailures: [],
    onRecord: { peopleWithUser: 0, facesIn: 0 },
    wallTimeMs: 0,
    interrupted: false,
    notes: state.previousServiceUrl ? [`The state was recorded against ${state.previousServiceUrl}; users missing here are enrolled again.`] : [],
  };
  const counts: ProgressCounts = { people: 0, skipped: 0, photos: 0, failures: 0 };
  const progress = createProgressReporter(options.progress ?? 'none', { people: scan.people.length, photos: scan.photoCount });
  let fatal: Error | undefined;
  const stopping = () => fatal !== undefined || options.signal?.aborted === true;

  /** Sends one photo; a failure is kept in the state and the run's list. */
  async function send(
    person: PersonFolder,
    record: PersonRecord,
    photo: string,
    call: (upload: PhotoUpload) => Promise<{ ok: true; value: string } | { ok: false; failure: Failure }>,
  ) {
    let bytes: Buffer;
    try {
      bytes = await readFile(path.join(settings.folder, person.folder, photo));
    } catch (error) {
      return fail(person, record, photo, { kind: 'unreadable_file', message: (error as NodeJS.ErrnoException).code ?? String(error) });
    }
    summary.photos.sent++;
    const result = await call({ fileName: photo, bytes });
    if (result.ok) markDone(record, photo, true);
    else fail(person, record, photo, result.failure);
    return result;
  }

  function fail(person: PersonFolder, record: PersonRecord, photo: string, failure: Failure): { ok: false; failure: Failure } {
    recordFailure(record, { ...failure, photo });
    if (failureKinds[failure.kind].final) markDone(record, photo, false);
    summary.failures.push({ ...failure, person: person.folder, photo });
    counts.failures++;
    return { ok: false, failure };
  }

  /** Tries the photos in order until one creates the user; returns the photos left to add. */
  async function enrollFromFirstUsable(person: PersonFolder, record: PersonRecord, photos: string[]): Promise<string[] | undefined> {
    for (const [index, photo] of photos.entries()) {
      if (stopping()) return undefined;
      const result = await send(person, record, photo, (upload) => client.addUser({ name: person.name, birthdate: settings.birthdate }, upload));
      if (result.ok) {
        Object.assign(record, { userId: result.value, enrolledWith: photo });
        summary.people.enrolled++;
        return photos.slice(index + 1);
      }
      if (await adoptedEarlierEnrollment(person, record, photo, result.failure)) return photos.slice(index + 1);
      if (!nextPhotoMayEnroll(result.failure)) return undefined;
    }
    return undefined;
  }

  /**
   * A 409 naming a user with this person's exact name is this person's own enrollment from a run
   * that was killed before saving its state: carry on with that user instead of failing.
   */
  async function adoptedEarlierEnrollment(person: PersonFolder, record: PersonRecord, photo: string, failure: Failure): Promise<boolean> {
    if (failure.kind !== 'duplicate_face' || !failure.existingUserId) return false;
    const existing = await client.findUserName(failure.existingUserId);
    if (!existing.ok || existing.value !== person.name) return false;
    Object.assign(record, { userId: failure.existingUserId, enrolledWith: photo });
    markDone(record, photo, true);
    // Not a failure after all; another worker may have added failures since, so remove this very one.
    const entry = summary.failures.findIndex((failed) => failed.person === person.folder && failed.photo === photo);
    summary.failures.splice(entry, 1);
    counts.failures--;
    summary.people.adopted++;
    return true;
  }

  async function enrollPerson(person: PersonFolder): Promise<void> {
    let record = state.person(person.folder);
    let userStillExists: boolean | undefined;
    if (record?.userId) {
      const found = await client.findUserName(record.userId);
      if (!found.ok) {
        summary.failures.push({ ...found.failure, person: person.folder });
        counts.failures++;
        summary.people.unfinished++;
        return;
      }
      userStillExists = found.value !== undefined;
    }
    const plan = resumePlan(record, person.photos, userStillExists);
    if (plan.kind === 'skip') {
      summary.people.skipped++;
      counts.skipped++;
      return;
    }
    if (!record || userStillExists === false) {
      if (userStillExists === false) summary.people.reenrolled++;
      record = state.startOver(person.folder);
    }
    let extraPhotos: string[] | undefined = plan.photos;
    if (plan.kind === 'enroll') extraPhotos = await enrollFromFirstUsable(person, record, plan.photos);
    else summary.people.continued++;
    for (const photo of extraPhotos ?? []) {
      if (stopping()) break;
      const result = await send(person, record, photo, (upload) => client.addFace(record.userId!, upload));
      if (result.ok) summary.facesAdded++;
      else if (result.failure.kind === 'user_missing') break;
    }
    const finished = resumePlan(record, person.photos, true).kind === 'skip';
    if (!finished) summary.people.unfinished++;
    else if (!record.userId) summary.people.withoutUsablePhoto++;
  }

  let next = 0;
  const worker = async () => {
    while (!stopping() && next < scan.people.length) {
      const person = scan.people[next++];
      try {
        await enrollPerson(person);
        await state.save();
      } catch (error) {
        if (!(error instanceof InterruptedError)) fatal ??= error instanceof Error ? error : new Error('enrollment failed', { cause: error });
      }
      counts.people++;
      // Photos handled = all but those a rerun would still send (an interrupted person has some).
      const left = resumePlan(state.person(person.folder), person.photos, true);
      counts.photos += person.photos.length - (left.kind === 'skip' ? 0 : left.photos.length);
      progress.update(counts);
    }
  };
  try {
    await Promise.all(Array.from({ length: settings.concurrency }, worker));
  } finally {
    progress.stop();
    await state.save();
  }
  if (fatal !== undefined) throw fatal;

  summary.interrupted = options.signal?.aborted === true;
  summary.onRecord = onRecord(scan.people.map((person) => state.person(person.folder)));
  summary.recordedFailures = scan.people.flatMap((person): FailureEntry[] =>
    (state.person(person.folder)?.failures ?? []).map((failure) => ({ ...failure, person: person.folder })),
  );
  summary.wallTimeMs = Date.now() - startedAt;
  if (summary.reportPath) await writeReport(summary.reportPath, summary);
  return summary;
}

/** Over all runs: people with a user, and photos that went in (enrolling ones included). */
function onRecord(records: (PersonRecord | undefined)[]) {
  let peopleWithUser = 0;
  let facesIn = 0;
  for (const record of records) {
    if (!record?.userId) continue;
    peopleWithUser++;
    const failed = new Set(record.failures.map((failure) => failure.photo));
    facesIn += record.done.filter((photo) => !failed.has(photo)).length;
  }
  return { peopleWithUser, facesIn };
}

function validated(options: BatchEnrollmentOptions) {
  const birthdate = options.birthdate ?? defaultBirthdate;
  const date = new Date(`${birthdate}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(birthdate) ||
    Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 10) !== birthdate ||
    date.getTime() > Date.now()
  ) {
    throw new UsageError(`--birthdate must be a real past date as YYYY-MM-DD, not "${birthdate}".`);
  }
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32)
    throw new UsageError(`--concurrency must be a whole number from 1 to 32, not ${concurrency}.`);
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new UsageError(`--url must be an http(s) URL, not "${options.url}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be an http(s) URL, not "${options.url}".`);
  const folder = path.resolve(options.folder);
  return {
    birthdate,
    concurrency,
    url: url.href.replace(/\/+$/, ''),
    folder,
    statePath: path.resolve(options.statePath ?? defaultStatePath(folder)),
  };
}
