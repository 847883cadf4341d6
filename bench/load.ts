// `npm run bench:load [-- --duration 30 --gallery 1000 --stages 4,8,12 --prefilled DIR]`: a closed loop
// like k6's constant-vus, with autocannon, against the built service holding a real gallery. Each
// request uploads a random photo. Prints req/s, latency percentiles, errors and server RSS per stage.
// --prefilled starts the server on a copy of a database that `bench:scale --keep-data-dir DIR` filled
// (e.g. 100,000 faces), then enrolls the real gallery through the API on top of it.
// With DATABASE_URL set the server uses that PostgreSQL (fill it first with `bench:scale` for a large
// gallery); when it runs on this machine, its CPU per request and memory are printed too.
import { parseArgs } from 'node:util';
import { hasLfw, lfwPeople, lfwPhoto, multipartImage, npmSample, portrait250 } from './lib/photos.js';
import { enrollFirstPhotos, storedFaces } from './lib/gallery.js';
import { benchDatabaseUrl, imageForm, startServer } from './lib/server.js';
import { runClosedLoop } from './lib/closed-loop.js';
import { describeDatabaseUrl, localPostgres } from './lib/postgres-stats.js';
import { ms } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    gallery: { type: 'string', default: '1000' },
    stages: { type: 'string', default: '4,8,12' },
    prefilled: { type: 'string' },
  },
});
const duration = Number(args.duration);
const gallerySize = Number(args.gallery);
const stages = args.stages.split(',').map(Number);
const log = (message: string) => process.stdout.write(`${message}\n`);

const server = await startServer({}, args.prefilled);
const postgres = benchDatabaseUrl ? await localPostgres(benchDatabaseUrl) : undefined;
log(
  benchDatabaseUrl
    ? `Database: PostgreSQL at ${describeDatabaseUrl(benchDatabaseUrl)}${postgres ? ' (local: its CPU and memory are measured)' : ' (not local: app figures only)'}`
    : 'Database: embedded PGlite in the server process',
);
try {
  const enroll = (photo: Buffer, name: string) =>
    fetch(`${server.url}/api/v1/add_user`, { method: 'POST', body: imageForm(photo, { name, birthdate: '1980-01-01' }) });
  const addFace = (userId: string, photo: Buffer) => fetch(`${server.url}/api/v1/users/${userId}/faces`, { method: 'POST', body: imageForm(photo) });

  let probes: Buffer[];
  if (hasLfw) {
    // Gallery: the first photo of `gallerySize` people; probes: their other photos plus strangers.
    const people = lfwPeople();
    const enrolled = people.slice(0, gallerySize);
    log(`Enrolling ${enrolled.length} LFW people through the API...`);
    await enrollFirstPhotos(server, enrolled);
    const again = enrolled.filter((entry) => entry.files.length > 1).map(({ person, files }) => lfwPhoto(person, files[1]));
    const strangers = people.slice(gallerySize, gallerySize + 300).map(({ person, files }) => lfwPhoto(person, files[0]));
    probes = [...again.slice(0, 300), ...strangers];
  } else {
    // No ../shared: the faces of the npm sample photos, each enrolled once, then scaled and
    // mirrored variants added as further faces until the gallery holds `gallerySize` faces.
    const portraits: Buffer[] = [];
    for (const index of [1, 2, 3, 4, 5, 6]) {
      const detected = (await (await fetch(`${server.url}/api/v1/detect`, { method: 'POST', body: imageForm(npmSample(index)) })).json()) as any;
      for (const face of detected.faces) portraits.push(await portrait250(npmSample(index), face.box));
    }
    log(`Enrolling ${portraits.length} sample faces and variants up to ${gallerySize} faces...`);
    const sharp = (await import('sharp')).default;
    let faces = 0;
    for (const [i, portrait] of portraits.entries()) {
      const response = await enroll(portrait, `Sample ${i}`);
      if (response.status !== 201) continue;
      const { user_id } = (await response.json()) as { user_id: string };
      faces++;
      for (let v = 0; faces < (gallerySize * (i + 1)) / portraits.length; v++) {
        const variant = await sharp(portrait)
          .resize(180 + (v % 60))
          .flop(v % 2 === 1)
          .jpeg({ quality: 70 + (v % 25) })
          .toBuffer();
        if ((await addFace(user_id, variant)).status === 201) faces++;
      }
    }
    probes = portraits;
  }
  const bodies = probes.map(multipartImage);
  log(`Gallery ready: ${await storedFaces(server)} faces in the database; ${bodies.length} probe photos. Stages of ${duration} s each.\n`);

  const pgColumns = postgres ? ' PostgreSQL CPU per request | PostgreSQL memory (PSS) |' : '';
  log(`| clients | req/s | p50 | p95 | p99 | errors | server RSS max | server CPU per request |${pgColumns}`);
  log(`| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |${postgres ? ' ---: | ---: |' : ''}`);
  for (const connections of stages) {
    const pgCpuBefore = postgres?.cpuSeconds() ?? 0;
    const stage = await runClosedLoop(server, connections, duration, bodies);
    const pgFigures = postgres
      ? ` ${(((postgres.cpuSeconds() - pgCpuBefore) * 1000) / Math.max(1, stage.requests)).toFixed(1)} ms | ${postgres.memoryMiB().toFixed(0)} MiB |`
      : '';
    log(
      `| ${connections} | ${stage.rate.toFixed(1)} | ${ms(stage.p50)} | ${ms(stage.p95)} | ${ms(stage.p99)} | ${stage.errors} of ${stage.requests} | ` +
        `${stage.rssMaxMiB.toFixed(0)} MiB | ${stage.cpuMsPerRequest.toFixed(0)} ms |${pgFigures}`,
    );
  }
} finally {
  await server.stop();
}
