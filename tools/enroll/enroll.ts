import { parseArgs } from 'node:util';
import { defaultBirthdate, runBatchEnrollment, UsageError } from './batch-enrollment.js';
import type { EnrollmentState } from './enrollment-state.js';
import { formatSummary } from './summary.js';

const usage = `Usage: npm run enroll -- <folder> [options]

Enrolls every person of <folder>/<Person>/<photo> into a running Face Matrix service.
Per person (sub-folder), photos in name order: the first photo with a usable face creates the
user (name = folder name with underscores as spaces), the others are added as extra faces.
Failures (no face, duplicate face, bad image, ...) are recorded and the batch goes on.

Options:
  --url URL           service base URL (default: $FACE_MATRIX_URL or http://localhost:8080)
  --api-key KEY       sent as x-api-key (default: $FACE_MATRIX_API_KEY)
  --birthdate DATE    birthdate sent for every person, YYYY-MM-DD: the API requires one and a photo
                      folder has none (default: ${defaultBirthdate})
  --concurrency N     people worked on at once (default: 2)
  --state FILE        resumable state (default: .face-matrix-enroll/<sha1 of the folder's absolute
                      path>.json under the current directory)
  --restart           ignore the saved state and start over
  --report FILE       also write the full summary, every failure included, as JSON
  --progress MODE     auto (bar on a terminal, plain lines otherwise), bar, plain or none
  -h, --help          this text

A rerun skips people already done, continues unfinished ones, and enrolls again anyone whose user
was deleted meanwhile. Ctrl-C lets requests under way finish, saves the state and stops (a second
Ctrl-C saves and exits at once).
Exit codes: 0 ran through (per-photo failures included), 1 service unreachable, key refused (401)
or another error, 2 bad arguments, 130 interrupted.`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        url: { type: 'string', default: process.env.FACE_MATRIX_URL ?? 'http://localhost:8080' },
        'api-key': { type: 'string', default: process.env.FACE_MATRIX_API_KEY },
        birthdate: { type: 'string', default: defaultBirthdate },
        concurrency: { type: 'string', default: '2' },
        state: { type: 'string' },
        restart: { type: 'boolean', default: false },
        report: { type: 'string' },
        progress: { type: 'string', default: 'auto' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) return usageError('Give exactly one photo folder.');
  if (!['auto', 'bar', 'plain', 'none'].includes(values.progress)) return usageError(`--progress must be auto, bar, plain or none.`);

  const controller = new AbortController();
  let state: EnrollmentState | undefined;
  process.on('SIGINT', () => {
    if (!controller.signal.aborted) {
      process.stderr.write('\nStopping: finishing the requests under way and saving the state (Ctrl-C again to quit now)...\n');
      controller.abort();
      return;
    }
    state?.saveNow();
    process.exit(130);
  });

  try {
    const summary = await runBatchEnrollment({
      folder: positionals[0],
      url: values.url,
      apiKey: values['api-key'] || undefined,
      birthdate: values.birthdate,
      concurrency: Number(values.concurrency),
      statePath: values.state,
      restart: values.restart,
      reportPath: values.report,
      progress: values.progress as 'auto',
      signal: controller.signal,
      onStateOpened: (opened) => (state = opened),
    });
    console.log(formatSummary(summary));
    return summary.interrupted ? 130 : 0;
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message);
    console.error(`enroll: ${(error as Error).message}`);
    return 1;
  }
}

function usageError(message: string): number {
  console.error(`enroll: ${message}\n\n${usage}`);
  return 2;
}

process.exitCode = await main();
