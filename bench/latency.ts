// `npm run bench:latency [-- --requests 200]`: sequential calls after warm-up against the built service on
// its defaults: recognise_user on a 250x250 face photo and on a 1920x1280 group photo (its most prominent
// face), and recognise (every face) on a 1920x1280 photo of 10 faces. Prints client-side p50/p95/p99, the
// cost per face, and the server-side split per stage (from Server-Timing).
import { parseArgs } from 'node:util';
import { hasLfw, lfwPeople, lfwPhoto, npmSample, portrait250, tenFaceGroupPhoto } from './lib/photos.js';
import { imageForm, startServer } from './lib/server.js';
import { cpuSeconds } from './lib/process-stats.js';
import { ms, summarise } from './lib/stats.js';
import type { Box } from '../test/support/face-photos.js';

const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '200' }, warmup: { type: 'string', default: '20' } } });
const requests = Number(args.requests);
const warmup = Number(args.warmup);
const log = (message: string) => process.stdout.write(`${message}\n`);

const server = await startServer();
try {
  const post = async (route: string, form: FormData) => {
    const started = performance.now();
    const response = await fetch(`${server.url}${route}`, { method: 'POST', body: form });
    const body = (await response.json()) as Record<string, any>;
    return { status: response.status, body, elapsed: performance.now() - started, timing: response.headers.get('server-timing') ?? '' };
  };

  const large = npmSample(1); // 1920x1280, four people
  let small: Buffer;
  if (hasLfw) {
    const { person, files } = lfwPeople().find((entry) => entry.files.length >= 2)!;
    small = lfwPhoto(person, files[0]);
  } else {
    const detected = await post('/api/v1/detect', imageForm(npmSample(2)));
    small = await portrait250(npmSample(2), detected.body.faces[0].box);
  }
  const detectBoxes = async (photo: Buffer) => (await post('/api/v1/detect', imageForm(photo))).body.faces.map((face: { box: Box }) => face.box);
  const group = await tenFaceGroupPhoto(detectBoxes);
  // The usual path: the people are enrolled, so each call is a match (no enrollment-cache write).
  for (const photo of [small, large, ...group.portraits]) {
    await post('/api/v1/add_user', imageForm(photo, { name: 'Bench Person', birthdate: '1980-01-01' }));
  }

  const rows = [
    { label: '250x250 face', route: 'recognise_user', photo: small, faces: 1 },
    { label: '1920x1280 group', route: 'recognise_user', photo: large, faces: 1 },
    { label: `1920x1280, 10 faces (${group.source})`, route: 'recognise', photo: group.photo, faces: 10 },
  ];
  log(
    `| photo | route | requests | p50 | p95 | p99 | best | per face (p50) | server CPU per request | decode | detect | landmarks | align | embed | search |`,
  );
  log(`| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
  for (const { label, route, photo, faces } of rows) {
    for (let i = 0; i < warmup; i++) await post(`/api/v1/${route}`, imageForm(photo));
    const latencies: number[] = [];
    const stages: Record<string, number[]> = {};
    const cpuBefore = cpuSeconds(server.pid);
    for (let i = 0; i < requests; i++) {
      const result = await post(`/api/v1/${route}`, imageForm(photo));
      if (result.status !== 200) throw new Error(`${route} answered ${result.status}: ${JSON.stringify(result.body)}`);
      if (route === 'recognise' && result.body.faces.length !== faces)
        throw new Error(`recognise found ${result.body.faces.length} faces, expected ${faces}`);
      latencies.push(result.elapsed);
      for (const entry of result.timing.split(',')) {
        const [name, duration] = entry.trim().split(';dur=');
        if (duration) (stages[name] ??= []).push(Number(duration));
      }
    }
    const { p50, p95, p99 } = summarise(latencies);
    const cpu = ms(((cpuSeconds(server.pid) - cpuBefore) * 1000) / requests);
    const stage = (name: string) => ms(summarise(stages[name] ?? []).p50);
    log(
      `| ${label} | ${route} | ${requests} | ${ms(p50)} | ${ms(p95)} | ${ms(p99)} | ${ms(Math.min(...latencies))} | ${ms(p50 / faces)} | ${cpu} | ` +
        `${stage('decode')} | ${stage('detect')} | ${stage('landmarks')} | ${stage('align')} | ${stage('embed')} | ${stage('search')} |`,
    );
  }
  log(`\nStages are server-side medians from Server-Timing; p50/p95/p99 and best are what the client saw.`);
  log(`On a busy machine, best and server CPU per request (all threads) show what a quiet one would give.`);
  log(`Target for the 10-face row: p50 <= 400 ms on a quiet 2-core machine (every face embedded in one batch, one k-NN statement).`);
} finally {
  await server.stop();
}
