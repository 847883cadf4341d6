import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { sharedDataDir } from './support/face-photos.js';
import { startTestApp, TestApp } from './support/test-app.js';

const lfwImages = (() => {
  const data = sharedDataDir();
  return data && path.join(data, 'lfw-dev', 'images');
})();

/** 20 people with 2+ photos, spread evenly over the alphabet so the pick is stable and varied. */
function pickPeople(imagesDir: string, count: number): string[] {
  const withTwo = readdirSync(imagesDir)
    .sort()
    .filter((person) => readdirSync(path.join(imagesDir, person)).length >= 2);
  const step = Math.floor(withTwo.length / count);
  return Array.from({ length: count }, (_, i) => withTwo[i * step]);
}

const photo = (imagesDir: string, person: string, index: number) =>
  readFileSync(path.join(imagesDir, person, `${person}_${String(index).padStart(4, '0')}.jpg`));

if (!lfwImages) {
  console.warn('Skipping the LFW enrollment test: ../shared/data/lfw-dev is not beside this checkout.');
}

(lfwImages ? describe : describe.skip)('20 LFW people enrolled through the API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("matches each person's second photo to the right user", async () => {
    const imagesDir = lfwImages!;
    const people = pickPeople(imagesDir, 20);
    const userIdByPerson = new Map<string, string>();
    for (const person of people) {
      const response = await request(t.http)
        .post('/api/v1/add_user')
        .field('name', person.replace(/_/g, ' '))
        .field('birthdate', '1970-01-01')
        .attach('image', photo(imagesDir, person, 1), `${person}.jpg`)
        .expect(201);
      userIdByPerson.set(person, response.body.user_id);
    }
    const wrongPerson: string[] = [];
    const noMatch: string[] = [];
    for (const person of people) {
      const response = await request(t.http)
        .post('/api/v1/recognise_user')
        .attach('image', photo(imagesDir, person, 2), 'probe.jpg')
        .expect(200);
      if (response.body.user_info === null) noMatch.push(person);
      else if (response.body.user_info.id !== userIdByPerson.get(person)) wrongPerson.push(person);
    }
    if (noMatch.length > 0) console.info(`LFW probes below the threshold: ${noMatch.join(', ')}`);
    // Never the wrong person; a photo that falls below the threshold is allowed at about the rate
    // the shipped pipeline has at its threshold on LFW dev (FRR ~5%, bench:accuracy): 1 of 20 expected,
    // 2 allowed (at 5%, 2 or more of 20 happen one time in four). These 20 give 2 with O-Net alignment
    // (Stephen_Ambrose at 0.30 with either alignment, Roseanne_Barr 0.478 against 0.516 with the
    // 68-point one); the threshold is to be chosen again for O-Net (issue 16).
    expect(wrongPerson).toEqual([]);
    expect(noMatch.length).toBeLessThanOrEqual(2);
  }, 180_000);
});
