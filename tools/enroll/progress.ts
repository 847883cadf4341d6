import cliProgress from 'cli-progress';

export interface ProgressTotals {
  people: number;
  photos: number;
}

export interface ProgressCounts {
  /** People finished, skipped ones included. */
  people: number;
  /** Of those, skipped as done before: they take no time, so the ETA leaves them out. */
  skipped: number;
  /** Photos handled (sent, or belonging to a skipped person). */
  photos: number;
  failures: number;
}

export interface ProgressReporter {
  update(counts: ProgressCounts): void;
  stop(): void;
}

/** auto = a bar on a terminal, plain lines otherwise (CI, pipes, files); none = silent (tests). */
export type ProgressMode = 'auto' | 'bar' | 'plain' | 'none';

export function createProgressReporter(mode: ProgressMode, totals: ProgressTotals, stream: NodeJS.WriteStream = process.stdout): ProgressReporter {
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'plain') : mode;
  if (resolved === 'none') return { update: () => undefined, stop: () => undefined };
  return resolved === 'bar' ? barReporter(totals, stream) : plainReporter(totals, stream);
}

function barReporter(totals: ProgressTotals, stream: NodeJS.WriteStream): ProgressReporter {
  const startedAt = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{bar} {value}/{total} people | photos {photos}/{photoTotal} | failures {failures} | {elapsed} elapsed, ETA {etaText}',
      hideCursor: true,
      // cli-progress's own ETA counts skipped people as fast work; ours does not.
      etaBuffer: 1,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (counts: ProgressCounts) => ({
    photos: counts.photos,
    photoTotal: totals.photos,
    failures: counts.failures,
    elapsed: formatDuration(Date.now() - startedAt),
    etaText: etaText(counts, totals, Date.now() - startedAt),
  });
  bar.start(totals.people, 0, payload({ people: 0, skipped: 0, photos: 0, failures: 0 }));
  return {
    update: (counts) => bar.update(counts.people, payload(counts)),
    stop: () => bar.stop(),
  };
}

/** One line every `intervalMs`, and a last one at the end: readable in a CI log. */
function plainReporter(totals: ProgressTotals, stream: NodeJS.WriteStream, intervalMs = 10_000): ProgressReporter {
  const startedAt = Date.now();
  let lastLineAt = startedAt;
  let latest: ProgressCounts = { people: 0, skipped: 0, photos: 0, failures: 0 };
  const print = () => stream.write(`${formatPlainProgress(latest, totals, Date.now() - startedAt)}\n`);
  return {
    update: (counts) => {
      latest = counts;
      if (Date.now() - lastLineAt < intervalMs) return;
      lastLineAt = Date.now();
      print();
    },
    stop: print,
  };
}

export function formatPlainProgress(counts: ProgressCounts, totals: ProgressTotals, elapsedMs: number): string {
  const percent = totals.people === 0 ? 100 : (100 * counts.people) / totals.people;
  return (
    `[enroll] ${counts.people}/${totals.people} people (${percent.toFixed(1)}%), photos ${counts.photos}/${totals.photos}, ` +
    `failures ${counts.failures}, ${formatDuration(elapsedMs)} elapsed, ETA ${etaText(counts, totals, elapsedMs)}`
  );
}

/** Time left at the pace of the people actually worked on so far. */
export function etaText(counts: ProgressCounts, totals: ProgressTotals, elapsedMs: number): string {
  const worked = counts.people - counts.skipped;
  if (counts.people >= totals.people) return '0s';
  if (worked <= 0) return '-';
  return formatDuration((elapsedMs / worked) * (totals.people - counts.people));
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, '0')}m`;
  return minutes > 0 ? `${minutes}m${String(rest).padStart(2, '0')}s` : `${rest}s`;
}
