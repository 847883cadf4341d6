// `npm run test:durations`: rewrites test/support/suite-durations.json from the Jest report that the
// script's own full run writes, so fresh clones order suites slowest first (slowest-first.sequencer.mjs).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const report = JSON.parse(readFileSync(path.join(root, '.model-cache/jest-report.json'), 'utf8'));
const seconds = (suite) => Math.round((suite.endTime - suite.startTime) / 100) / 10;
const durations = Object.fromEntries(
  report.testResults.sort((a, b) => seconds(b) - seconds(a)).map((suite) => [path.relative(root, suite.name), seconds(suite)]),
);
writeFileSync(path.join(root, 'test/support/suite-durations.json'), `${JSON.stringify(durations, null, 2)}\n`);
console.log(`wrote the durations of ${report.testResults.length} suites`);
