import type { Failure, FailureKind } from './failure-kinds.js';
import { failureKinds } from './failure-kinds.js';
import { writeFileAtomic } from './enrollment-state.js';
import { formatDuration } from './progress.js';

export type FailureEntry = Failure & { person: string; photo?: string };

export interface BatchEnrollmentSummary {
  folder: string;
  serviceUrl: string;
  statePath: string;
  reportPath?: string;
  people: {
    total: number;
    /** Users created by this run (re-enrolled ones included). */
    enrolled: number;
    /** Of those, people whose recorded user had been deleted from the service. */
    reenrolled: number;
    /** People found already enrolled by a killed run (409 naming a user of the same name). */
    adopted: number;
    /** People with a user from an earlier run and photos still to add. */
    continued: number;
    /** Done on an earlier run: nothing sent. */
    skipped: number;
    /** Every photo refused: no user. */
    withoutUsablePhoto: number;
    /** Left with photos to retry (service errors, or stopped midway); a rerun picks them up. */
    unfinished: number;
  };
  photos: { total: number; sent: number; ignoredFiles: number };
  /** Extra faces added to users (beyond the enrolling photo). */
  facesAdded: number;
  /** This run's failures. */
  failures: FailureEntry[];
  /** Every failure the state holds for the folder's people, from all runs. */
  recordedFailures: FailureEntry[];
  /** From the state, all runs together: people with a user and the photos that went in as faces. */
  onRecord: { peopleWithUser: number; facesIn: number };
  wallTimeMs: number;
  interrupted: boolean;
  notes: string[];
}

export function groupByKind(failures: FailureEntry[]): Map<FailureKind, FailureEntry[]> {
  const groups = new Map<FailureKind, FailureEntry[]>();
  for (const failure of failures) groups.set(failure.kind, [...(groups.get(failure.kind) ?? []), failure]);
  return new Map([...groups].sort((a, b) => b[1].length - a[1].length));
}

const describe = (failure: FailureEntry) =>
  `${failure.photo ? `${failure.person}/${failure.photo}` : failure.person}${failure.existingUserId ? ` (already user ${failure.existingUserId})` : ''}`;

/** The console summary: counts, and the first few examples of each kind (the full list is in the state and the report). */
export function formatSummary(summary: BatchEnrollmentSummary, examplesPerKind = 3): string {
  const { people } = summary;
  const lines = [
    `${summary.interrupted ? 'Batch enrollment interrupted' : 'Batch enrollment finished'}: ${summary.folder} -> ${summary.serviceUrl}`,
    `  wall time:            ${formatDuration(summary.wallTimeMs)} (${(summary.wallTimeMs / 1000).toFixed(1)} s)`,
    `  people in folder:     ${people.total} (${summary.photos.total} photos)`,
    `  people enrolled:      ${people.enrolled}${people.reenrolled ? ` (${people.reenrolled} again: their user had been deleted)` : ''}`,
    `  people continued:     ${people.continued + people.adopted}${people.adopted ? ` (${people.adopted} found already enrolled by a killed run)` : ''}`,
    `  skipped (done before): ${people.skipped}`,
    `  no usable photo:      ${people.withoutUsablePhoto}`,
    `  unfinished (rerun):   ${people.unfinished}`,
    `  extra faces added:    ${summary.facesAdded}`,
    `  photos sent:          ${summary.photos.sent}`,
    `  failures this run:    ${summary.failures.length}`,
  ];
  for (const [kind, entries] of groupByKind(summary.failures)) {
    const examples = entries.slice(0, examplesPerKind).map(describe).join(', ');
    lines.push(`    ${kind} - ${failureKinds[kind].label}: ${entries.length}, e.g. ${examples}${entries.length > examplesPerKind ? ', ...' : ''}`);
  }
  const recorded = [...groupByKind(summary.recordedFailures)].map(([kind, entries]) => `${kind} ${entries.length}`);
  lines.push(`  on record (all runs): ${summary.onRecord.peopleWithUser} people with a user, ${summary.onRecord.facesIn} faces`);
  lines.push(`  failures on record (all runs): ${summary.recordedFailures.length}${recorded.length ? ` (${recorded.join(', ')})` : ''}`);
  lines.push(`  state: ${summary.statePath}`);
  if (summary.reportPath) lines.push(`  report: ${summary.reportPath}`);
  if (summary.photos.ignoredFiles) lines.push(`  ignored files (not JPEG/PNG/WebP, or hidden): ${summary.photos.ignoredFiles}`);
  for (const note of summary.notes) lines.push(`  note: ${note}`);
  if (summary.interrupted) lines.push('  Run the same command again to continue where it stopped.');
  return lines.join('\n');
}

export function writeReport(file: string, summary: BatchEnrollmentSummary): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(summary, null, 2)}\n`);
}
