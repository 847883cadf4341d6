import { PassThrough } from 'node:stream';
import { createProgressReporter, etaText, formatDuration, formatPlainProgress } from './progress.js';

const totals = { people: 100, photos: 250 };

describe('progress display', () => {
  it('prints plain lines with counts, percentage and an ETA that ignores skipped people', () => {
    // 20 done, 10 of them skipped: 10 worked on in 60 s, so 80 left take 480 s.
    expect(formatPlainProgress({ people: 20, skipped: 10, photos: 50, failures: 3 }, totals, 60_000)).toBe(
      '[enroll] 20/100 people (20.0%), photos 50/250, failures 3, 1m00s elapsed, ETA 8m00s',
    );
    expect(etaText({ people: 10, skipped: 10, photos: 0, failures: 0 }, totals, 1000)).toBe('-');
    expect(etaText({ people: 100, skipped: 0, photos: 250, failures: 0 }, totals, 1000)).toBe('0s');
  });

  it('formats durations compactly', () => {
    expect([0, 59_400, 61_000, 3_600_000 + 5 * 60_000].map(formatDuration)).toEqual(['0s', '59s', '1m01s', '1h05m']);
  });

  it('writes plain lines, never bar control codes, to a stream that is not a terminal', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (written += chunk.toString()));
    const reporter = createProgressReporter('auto', totals, stream);
    reporter.update({ people: 1, skipped: 0, photos: 2, failures: 0 });
    reporter.stop();
    expect(written).toMatch(/^\[enroll\] 1\/100 people \(1\.0%\), photos 2\/250, failures 0, .* elapsed, ETA .+\n$/);
    expect(written).not.toContain('\u001b'); // no ANSI escapes in a pipe
  });
});
