import Sequencer from '@jest/test-sequencer';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const durations = JSON.parse(readFileSync(path.join(root, 'test/support/suite-durations.json'), 'utf8'));

/**
 * Jest orders suites by the durations it cached on this machine. With no cache (a fresh clone, as
 * on CI) it falls back to file size, and a slow suite that starts last keeps one worker busy while
 * the other idles. Suites it has no timing for run slowest first by the committed durations
 * (test/support/suite-durations.json, from a full run; refresh it with npm run test:durations).
 */
export default class SlowestFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const known = (test) => durations[path.relative(root, test.path)] ?? 0;
    const untimed = sorted.filter((test) => test.duration == null).sort((a, b) => known(b) - known(a));
    return [...untimed, ...sorted.filter((test) => test.duration != null)];
  }
}
