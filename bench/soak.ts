// `npm run bench:soak`: recognise_user at a fixed 5 req/s (open loop: a slow answer never delays the
// next request) for SOAK_SECONDS (default 600) against the built service, after a warm-up. Samples
// the server's RSS every few seconds. Targets (issue 7): zero errors, p99 < 1 s, RSS after the run
// at most 10% above RSS after warm-up; the old design's 99.99% availability at 5 req/s.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { hasLfw, lfwPeople, lfwPhoto, npmSample, portrait250 } from './lib/photos.js';
import { imageForm, startServer } from './lib/server.js';
import { ms, summarise } from './lib/stats.js';

const RATE_PER_SECOND = Number(process.env.SOAK_RATE ?? 5);
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const WARMUP_SECONDS = Number(process.env.SOAK_WARMUP_SECONDS ?? 60);
const RSS_SAMPLE_MS = 5000;
const REQUEST_TIMEOUT_MS = 10_000;
const log = (message: string) => process.stdout.write(`${message}\n`);

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

interface Outcome {
  status: number; // 0 = network error or timeout
  latencyMs: number;
}

if (!process.env.SOAK_SKIP_BUILD) {
  log('Building (npm run build)...');
  execFileSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
const server = await startServer();
try {
  const enroll = (photo: Buffer, name: string) =>
    fetch(`${server.url}/api/v1/add_user`, { method: 'POST', body: imageForm(photo, { name, birthdate: '1980-01-01' }) });

  // Probes: people enrolled from another photo of theirs (matches) and a few strangers (no-match,
  // which parks a vector in the enrollment cache, as real traffic does).
  const probes: Buffer[] = [];
  if (hasLfw) {
    const people = lfwPeople()
      .filter((entry) => entry.files.length > 1)
      .slice(0, 40);
    for (const { person, files } of people.slice(0, 36)) {
      if ((await enroll(lfwPhoto(person, files[0]), person)).status === 201) probes.push(lfwPhoto(person, files[1]));
    }
    probes.push(...people.slice(36).map(({ person, files }) => lfwPhoto(person, files[0])));
  } else {
    for (const index of [1, 2, 3, 4, 5, 6]) {
      const detected = (await (await fetch(`${server.url}/api/v1/detect`, { method: 'POST', body: imageForm(npmSample(index)) })).json()) as {
        faces: { box: { x: number; y: number; width: number; height: number } }[];
      };
      for (const face of detected.faces) probes.push(await portrait250(npmSample(index), face.box));
    }
    for (const [i, portrait] of probes.slice(0, -2).entries()) await enroll(portrait, `Sample ${i}`);
  }
  log(`${probes.length} probe photos (${hasLfw ? 'LFW dev from ../shared' : 'npm sample faces'}); server pid ${server.pid}`);

  async function recognise(photo: Buffer): Promise<Outcome> {
    const started = performance.now();
    try {
      const response = await fetch(`${server.url}/api/v1/recognise_user`, {
        method: 'POST',
        body: imageForm(photo),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      return { status: response.status, latencyMs: performance.now() - started };
    } catch {
      return { status: 0, latencyMs: performance.now() - started };
    }
  }

  /** Fires at exact 1/rate intervals from the start, whatever the answers take. */
  async function openLoop(seconds: number, onSample?: (rss: number) => void): Promise<Outcome[]> {
    const total = Math.round(seconds * RATE_PER_SECOND);
    const started = performance.now();
    const pending: Promise<Outcome>[] = [];
    const sampler = onSample && setInterval(() => onSample(rssMiB(server.pid)), RSS_SAMPLE_MS);
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE_PER_SECOND;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      pending.push(recognise(probes[i % probes.length]));
    }
    const outcomes = await Promise.all(pending);
    if (sampler) clearInterval(sampler);
    return outcomes;
  }

  log(`Warm-up: ${WARMUP_SECONDS} s at ${RATE_PER_SECOND} req/s...`);
  await openLoop(WARMUP_SECONDS);
  const rssAfterWarmup = rssMiB(server.pid);
  let rssMax = rssAfterWarmup;
  const rssSamples: number[] = [];
  log(`Soak: ${SOAK_SECONDS} s at ${RATE_PER_SECOND} req/s; RSS after warm-up ${rssAfterWarmup.toFixed(1)} MiB`);
  const outcomes = await openLoop(SOAK_SECONDS, (rss) => {
    rssSamples.push(rss);
    rssMax = Math.max(rssMax, rss);
    if (rssSamples.length % 12 === 0) log(`  ${rssSamples.length * (RSS_SAMPLE_MS / 1000)} s: RSS ${rss.toFixed(1)} MiB`);
  });
  const rssEnd = rssMiB(server.pid);
  rssMax = Math.max(rssMax, rssEnd);

  const errors = outcomes.filter((outcome) => outcome.status !== 200);
  const counts = new Map<number, number>();
  for (const { status } of errors) counts.set(status, (counts.get(status) ?? 0) + 1);
  const byStatus = [...counts].map(([status, count]) => `${status}: ${count}`);
  const { p50, p95, p99 } = summarise(outcomes.map((outcome) => outcome.latencyMs));
  const availability = 1 - errors.length / outcomes.length;
  const growth = rssMax / rssAfterWarmup - 1;
  log('');
  log(`requests      ${outcomes.length} at ${RATE_PER_SECOND} req/s over ${SOAK_SECONDS} s`);
  log(`errors        ${errors.length}${byStatus.length ? ` (${byStatus.join(', ')}; 0 = network/timeout)` : ''}`);
  log(`latency       p50 ${ms(p50)}, p95 ${ms(p95)}, p99 ${ms(p99)}`);
  log(`availability  ${(availability * 100).toFixed(3)}%`);
  // Latency on a shared machine depends on what else runs: say how busy it was.
  log(
    `machine       load average (1/5/15 min) ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' / ')} on ${cpus().length} CPUs at the end`,
  );
  log(
    `RSS           after warm-up ${rssAfterWarmup.toFixed(1)} MiB, max ${rssMax.toFixed(1)} MiB (+${(growth * 100).toFixed(1)}%), at end ${rssEnd.toFixed(1)} MiB`,
  );
  const targets = [
    ['zero errors', errors.length === 0],
    ['p99 < 1 s', p99 < 1000],
    ['RSS growth <= 10%', growth <= 0.1],
    ['availability >= 99.99%', availability >= 0.9999],
  ] as const;
  for (const [target, met] of targets) log(`${met ? 'PASS' : 'FAIL'}  ${target}`);
  process.exitCode = targets.every(([, met]) => met) ? 0 : 1;
} finally {
  await server.stop();
}
