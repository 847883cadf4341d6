// `npm run bench:growth -- --prefilled DIR [--rounds 3 --duration 30 --clients 12 --gallery 1000]`:
// how much recognise_user's p95 under load grows from a 1,000-face gallery to a large one.
// Two servers run side by side: one holding the first `gallery` LFW dev people (enrolled through the
// API), one on a copy of a database that `bench:scale --keep-data-dir DIR` filled (100,000 faces,
// real LFW embeddings among them) with the same people enrolled on top. Closed-loop stages alternate
// between them (small, large / large, small / ...): on a shared machine throughput drifts by more
// than the effect measured, and over an even number of rounds that order cancels a steady drift.
// The growth is the mean of the per-round p95 differences. Probes are second photos of enrolled people, so
// both servers take the same path (a match) for every request.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runClosedLoop, StageResult } from './lib/closed-loop.js';
import { hasLfw, lfwPeople, lfwPhoto, multipartImage } from './lib/photos.js';
import { enrollFirstPhotos, storedFaces } from './lib/gallery.js';
import { RunningServer, startServer } from './lib/server.js';
import { ms } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    prefilled: { type: 'string' },
    rounds: { type: 'string', default: '4' },
    duration: { type: 'string', default: '30' },
    clients: { type: 'string', default: '12' },
    gallery: { type: 'string', default: '1000' },
  },
});
const log = (message: string) => process.stdout.write(`${message}\n`);
if (!hasLfw) {
  log('Skipped: needs ../shared/data/lfw-dev beside the checkout (the gallery and probes are LFW dev photos).');
  process.exit(0);
}
if (!args.prefilled || !existsSync(args.prefilled)) {
  log('Needs --prefilled DIR: fill one first with `npm run bench:scale -- --keep-data-dir DIR` (100,000 faces by default).');
  process.exit(2);
}
const rounds = Number(args.rounds);
const duration = Number(args.duration);
const clients = Number(args.clients);
const enrolled = lfwPeople().slice(0, Number(args.gallery));
const probes = enrolled.filter(({ files }) => files.length > 1).map(({ person, files }) => multipartImage(lfwPhoto(person, files[1])));

async function prepare(server: RunningServer): Promise<number> {
  await enrollFirstPhotos(server, enrolled);
  return storedFaces(server);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const small = await startServer();
const large = await startServer({}, args.prefilled);
try {
  const sizes = { small: await prepare(small), large: await prepare(large) };
  log(
    `Galleries: ${sizes.small} and ${sizes.large} faces; ${probes.length} probe photos; ${rounds} rounds of ${clients} clients x ${duration} s on each.\n`,
  );
  log('| round | gallery | req/s | p50 | p95 | p99 | errors | server RSS max | server CPU per request |');
  log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const results: Record<'small' | 'large', StageResult[]> = { small: [], large: [] };
  for (let round = 1; round <= rounds; round++) {
    const order: ('small' | 'large')[] = round % 2 === 1 ? ['small', 'large'] : ['large', 'small'];
    for (const which of order) {
      const stage = await runClosedLoop(which === 'small' ? small : large, clients, duration, probes);
      results[which].push(stage);
      log(
        `| ${round} | ${sizes[which]} | ${stage.rate.toFixed(1)} | ${ms(stage.p50)} | ${ms(stage.p95)} | ${ms(stage.p99)} | ${stage.errors} of ${stage.requests} | ${stage.rssMaxMiB.toFixed(0)} MiB | ${stage.cpuMsPerRequest.toFixed(1)} ms |`,
      );
    }
  }
  const p95 = { small: median(results.small.map((stage) => stage.p95)), large: median(results.large.map((stage) => stage.p95)) };
  const differences = results.large.map((stage, i) => stage.p95 - results.small[i].p95);
  const growth = differences.reduce((sum, value) => sum + value, 0) / differences.length;
  log(`\nMedian p95 at ${clients} clients: ${ms(p95.small)} with ${sizes.small} faces, ${ms(p95.large)} with ${sizes.large} faces.`);
  log(`Per-round p95 growth: ${differences.map((value) => value.toFixed(1)).join(', ')} ms.`);
  const cpu = (stages: StageResult[]) =>
    stages.reduce((sum, stage) => sum + stage.cpuMsPerRequest * stage.requests, 0) / stages.reduce((sum, stage) => sum + stage.requests, 0);
  // CPU time per request barely depends on who else runs: the steadier view of what the larger gallery costs.
  log(
    `Server CPU per request: ${cpu(results.small).toFixed(1)} ms with ${sizes.small} faces, ${cpu(results.large).toFixed(1)} ms with ${sizes.large} faces.`,
  );
  log(
    `Growth (mean over rounds${rounds % 2 === 1 ? '; use an even number of rounds to cancel drift' : ''}): ${growth.toFixed(1)} ms (target <= 20 ms).`,
  );
} finally {
  await Promise.all([small.stop(), large.stop()]);
}
