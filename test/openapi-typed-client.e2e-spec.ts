import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import ts from 'typescript';
import { repoRoot } from './support/face-fixtures.js';
import { portraitFrom, startServer } from './support/console-browser.js';
import { transformedCopy } from './support/face-photos.js';
import type { TestApp } from './support/test-app.js';

/*
 * What a client author does: generate types from /api/docs-json with openapi-typescript, write a
 * client with openapi-fetch, compile it with tsc --strict, and run it against the real server.
 * `@ts-expect-error` lines assert what must NOT compile: tsc fails on one that compiles.
 */

const KEY = 'typed-client-key-0123456789';
const run = promisify(execFile);

const CLIENT = `
import createClient from 'openapi-fetch';
import { readFileSync } from 'node:fs';
import type { components, paths } from './schema.js';

const [baseUrl, apiKey, alice, aliceAgain, bob, bobAgain] = process.argv.slice(2);
const client = createClient<paths>({ baseUrl, headers: { 'x-api-key': apiKey } });
const photo = (file: string) => new Blob([readFileSync(file)], { type: 'image/jpeg' });
function asForm(body: object): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) if (value !== undefined) form.append(name, value as string | Blob);
  return form;
}

// A JSON enrollment has no file: the image belongs to the multipart body only.
// @ts-expect-error image is not a JSON field
const jsonWithImage: components['schemas']['AddUserJson'] = { name: 'X', birthdate: '1990-01-01', req_id: 'k', image: photo(alice) };
void jsonWithImage;
// A no-match never names anyone. (openapi-fetch's data type drops a property typed exactly null,
// so this is checked on the generated schema type.)
type NoMatchUserInfo = components['schemas']['RecogniseNoMatch']['user_info'];
const nobody: NoMatchUserInfo = null;
// @ts-expect-error user_info of a no-match is null, never a person
const somebody: NoMatchUserInfo = { id: 'x', name: 'X', birthdate: '1990-01-01', email: null };
void [nobody, somebody];

async function recognise(file: string) {
  const { data, error, response } = await client.POST('/api/v1/recognise_user', { body: { image: photo(file) }, bodySerializer: asForm });
  if (!data) throw new Error('recognise_user ' + response.status + ': ' + JSON.stringify(error));
  return data;
}

const first = await recognise(alice);
// @ts-expect-error only a no-match has req_id: the answer must be narrowed on status first
const unnarrowed: string = first.req_id;
void unnarrowed;
if (first.status !== 'failure') throw new Error('a stranger matched');
const reqId: string = first.req_id;
const expiresAt: string = first.enrollmentKey.expiresAt;

const enrolled = await client.POST('/api/v1/add_user', { body: { name: 'Alice Typed', birthdate: '1985-04-12', req_id: reqId } });
if (!enrolled.data) throw new Error('add_user (JSON): ' + JSON.stringify(enrolled.error));
const aliceId: string = enrolled.data.user_id;

const match = await recognise(aliceAgain);
if (match.status !== 'success') throw new Error('Alice was not recognised');
const matchedName: string = match.user_info.name;
const faceWidth: number = match.face.box.width;

const bobEnrolled = await client.POST('/api/v1/add_user', {
  body: { name: 'Bob Typed', birthdate: '1979-11-30', email: 'bob.typed@example.com', image: photo(bob) },
  bodySerializer: asForm,
});
if (!bobEnrolled.data) throw new Error('add_user (multipart): ' + JSON.stringify(bobEnrolled.error));
const bobId = bobEnrolled.data.user_id;
const bobMatch = await recognise(bobAgain);

const bobRead = await client.GET('/api/v1/users/{id}', { params: { path: { id: bobId } } });
const listed = await client.GET('/api/v1/users', { params: { query: { limit: 10 } } });
const deletions: number[] = [];
for (const id of [aliceId, bobId]) deletions.push((await client.DELETE('/api/v1/users/{id}', { params: { path: { id } } })).response.status);
const gone = await client.GET('/api/v1/users/{id}', { params: { path: { id: aliceId } } });
const goneCode: number | undefined = gone.error?.error_code;
const afterDelete = await recognise(aliceAgain);

console.log(JSON.stringify({
  first: { status: first.status, reqIdLength: reqId.length, expiresAt },
  matchedName,
  faceWidth,
  bobMatch: bobMatch.status === 'success' ? bobMatch.user_info.name : null,
  bobFaces: bobRead.data?.faces,
  listed: listed.data?.items.map((user) => user.name),
  deletions,
  goneCode,
  afterDelete: afterDelete.status,
}));
`;

describe('a typed client generated from /api/docs-json (openapi-typescript + openapi-fetch, tsc --strict)', () => {
  let t: TestApp;
  let base: string;
  let directory: string;

  beforeAll(async () => {
    ({ t, base } = await startServer({ API_KEYS: KEY }));
    // Inside node_modules/.cache, so the program resolves openapi-fetch as the project installed it.
    await mkdir(path.join(repoRoot, 'node_modules/.cache'), { recursive: true });
    directory = await mkdtemp(path.join(repoRoot, 'node_modules/.cache/typed-client-'));
  });
  afterAll(async () => {
    await t?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('compiles strictly and drives recognise -> add_user (JSON and multipart) -> match -> delete', async () => {
    const document = (await (await fetch(`${base}/api/docs-json`)).json()) as OpenAPI3;
    // openapi-typescript's documented way to type file uploads: format binary -> Blob.
    const ast = await openapiTS(document, {
      transform: (schema) => (schema.format === 'binary' ? ts.factory.createTypeReferenceNode('Blob') : undefined),
    });
    await writeFile(path.join(directory, 'schema.ts'), astToString(ast));
    await writeFile(path.join(directory, 'client.ts'), CLIENT);
    await writeFile(path.join(directory, 'package.json'), '{ "type": "module" }\n');

    const compilerOptions = { module: 'nodenext', target: 'es2022', lib: ['es2023', 'dom'], types: ['node'], skipLibCheck: true };
    await writeFile(path.join(directory, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['client.ts'] }));
    const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
    const compiled = await run(process.execPath, [tsc, '--strict', '-p', directory]).catch((error: { stdout: string }) => ({
      stdout: `tsc failed:\n${error.stdout}`,
    }));
    expect(compiled.stdout).toBe('');

    const alice = await portraitFrom(t, 2, KEY);
    const bob = await portraitFrom(t, 3, KEY);
    const photos = { alice, aliceAgain: await transformedCopy(alice), bob, bobAgain: await transformedCopy(bob) };
    const files = await Promise.all(
      Object.entries(photos).map(async ([name, bytes]) => {
        const file = path.join(directory, `${name}.jpg`);
        await writeFile(file, bytes);
        return file;
      }),
    );
    const { stdout } = await run(process.execPath, [path.join(directory, 'client.js'), base, KEY, ...files], { timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({
      first: { status: 'failure', reqIdLength: expect.any(Number), expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      matchedName: 'Alice Typed',
      faceWidth: expect.any(Number),
      bobMatch: 'Bob Typed',
      bobFaces: 1,
      listed: ['Alice Typed', 'Bob Typed'],
      deletions: [204, 204],
      goneCode: 441,
      afterDelete: 'failure',
    });
  }, 120_000);
});
