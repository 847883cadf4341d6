// `npm run bench:accuracy:api [-- --enroll photo|flow]`: the old system's 1:N protocol over LFW dev,
// driven through the HTTP API of the real service (built, started as users run it, embedded database),
// at the shipped thresholds. Two ways to enroll, each on a fresh server (both by default):
//   photo: add_user with the person's first photo;
//   flow:  the product's own flow: recognise_user, then add_user with the req_id it returned (a no-match
//          or a "not me" match carries one; a match at or above DUPLICATE_FACE_THRESHOLD does not).
//   FRR: every person enrolled; probe each person with 2+ photos with their second photo;
//        a miss is a probe that matches nobody or somebody else.
//   FAR: keep only the first half of the people (by name) enrolled; probe with every photo of the
//        second half; a false accept is any match.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { imageForm, mapConcurrent, RunningServer, startServer } from './lib/server.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const imagesDir = path.resolve(repoRoot, '../shared/data/lfw-dev/images');
const OLD_SYSTEM = { frr: 0.0643, far: 0.0419 };
const CONCURRENCY = 4;
const log = (message: string) => process.stdout.write(`${message}\n`);
const pct = (value: number) => `${(value * 100).toFixed(2)}%`;

type EnrollMode = 'photo' | 'flow';
const modeArgument = process.argv.indexOf('--enroll');
const modes: EnrollMode[] = modeArgument > 0 ? [process.argv[modeArgument + 1] as EnrollMode] : ['photo', 'flow'];
if (modes.some((mode) => mode !== 'photo' && mode !== 'flow')) throw new Error('--enroll takes photo or flow');

if (!existsSync(imagesDir)) {
  log(`Skipped: ${imagesDir} is absent (the LFW dev split lives in ../shared/data beside the checkout).`);
  process.exit(0);
}

const people = readdirSync(imagesDir).sort();
const photosOf = (person: string) => readdirSync(path.join(imagesDir, person)).sort();
const read = (person: string, file: string) => readFileSync(path.join(imagesDir, person, file));
const details = { birthdate: '1970-01-01' };

async function post(server: RunningServer, route: string, body: FormData | object) {
  const init = body instanceof FormData ? { body } : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  const response = await fetch(`${server.url}${route}`, { method: 'POST', ...init });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Enrolls one person; the answer's status, or why the flow gave no key. */
async function enroll(server: RunningServer, mode: EnrollMode, person: string): Promise<{ outcome: string; userId?: string }> {
  const photo = read(person, photosOf(person)[0]);
  if (mode === 'photo') {
    const { status, body } = await post(server, '/api/v1/add_user', imageForm(photo, { name: person, ...details }));
    return { outcome: `add_user ${status}`, userId: status === 201 ? body.user_id : undefined };
  }
  const recognised = await post(server, '/api/v1/recognise_user', imageForm(photo));
  if (recognised.status !== 200) return { outcome: `recognise_user ${recognised.status}` };
  if (typeof recognised.body.req_id !== 'string') return { outcome: 'no key (matched someone at or above DUPLICATE_FACE_THRESHOLD)' };
  const { status, body } = await post(server, '/api/v1/add_user', { name: person, ...details, req_id: recognised.body.req_id });
  return {
    outcome: `${recognised.body.status === 'success' ? '"not me" key' : 'no-match key'}, add_user ${status}`,
    userId: status === 201 ? body.user_id : undefined,
  };
}

async function runProtocol(mode: EnrollMode) {
  const server = await startServer();
  const started = performance.now();
  try {
    log(
      `\n[${mode}] Enrolling ${people.length} people by their first photo (${mode === 'photo' ? 'add_user with the photo' : 'recognise_user, then add_user with its req_id'})...`,
    );
    const outcomes = new Map<string, number>();
    const userIdOf = new Map<string, string>();
    await mapConcurrent(people, CONCURRENCY, async (person) => {
      const { outcome, userId } = await enroll(server, mode, person);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (userId) userIdOf.set(person, userId);
    });
    for (const [outcome, count] of [...outcomes].sort((a, b) => b[1] - a[1])) log(`  ${outcome}: ${count}`);

    const frrPeople = people.filter((person) => photosOf(person).length >= 2);
    let misses = 0;
    let wrongPerson = 0;
    await mapConcurrent(frrPeople, CONCURRENCY, async (person) => {
      const { body } = await post(server, '/api/v1/recognise_user', imageForm(read(person, photosOf(person)[1])));
      const matched = body.user_info?.id as string | undefined;
      if (matched === undefined || matched !== userIdOf.get(person)) misses++;
      if (matched !== undefined && matched !== userIdOf.get(person)) wrongPerson++;
    });

    const half = Math.floor(people.length / 2);
    const secondHalf = people.slice(half);
    await mapConcurrent(secondHalf, CONCURRENCY, async (person) => {
      const id = userIdOf.get(person);
      if (id) await fetch(`${server.url}/api/v1/users/${id}`, { method: 'DELETE' });
    });
    const farProbes = secondHalf.flatMap((person) => photosOf(person).map((file) => ({ person, file })));
    let falseAccepts = 0;
    await mapConcurrent(farProbes, CONCURRENCY, async ({ person, file }) => {
      const { body } = await post(server, '/api/v1/recognise_user', imageForm(read(person, file)));
      if (body.status === 'success') falseAccepts++;
    });
    const notEnrolled = people.length - userIdOf.size;
    return {
      mode,
      frr: misses / frrPeople.length,
      far: falseAccepts / farProbes.length,
      frrProbes: frrPeople.length,
      farProbes: farProbes.length,
      gallery: userIdOf.size,
      notEnrolled,
      notEnrolledProbed: frrPeople.filter((person) => !userIdOf.has(person)).length,
      wrongPerson,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await server.stop();
  }
}

const results = [];
for (const mode of modes) results.push(await runProtocol(mode));

log(`\n| protocol over LFW dev, through the HTTP API, shipped thresholds | FRR | FAR | people who could not enroll |`);
log(`| --- | ---: | ---: | ---: |`);
for (const r of results) {
  log(
    `| enroll by ${r.mode === 'photo' ? 'add_user + photo' : 'recognise_user -> req_id -> add_user'} (FRR ${r.frrProbes} probes, gallery ${r.gallery}; FAR ${r.farProbes} probes) | ${pct(r.frr)} | ${pct(r.far)} | ${r.notEnrolled} (${pct(r.notEnrolled / people.length)}; ${r.notEnrolledProbed} of them FRR probes) |`,
  );
}
log(`| old system | ${pct(OLD_SYSTEM.frr)} | ${pct(OLD_SYSTEM.far)} | |`);
for (const r of results)
  log(`[${r.mode}] FRR misses that matched the wrong person: ${r.wrongPerson}; took ${r.seconds.toFixed(0)} s at ${CONCURRENCY} concurrent requests`);
