import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createOpenApiDocument } from '../src/docs/write-openapi.js';
import { OpenApiContract, type OpenApiDocument } from './support/openapi-contract.js';

/*
 * What a generated client and a linter see in the document, read from the same builder that
 * /api/docs-json serves (the contract suite checks the two are equal).
 */

type Schema = { type?: string; properties?: Record<string, Schema>; required?: string[]; $ref?: string; [key: string]: unknown };
type Operation = OpenApiDocument['paths'][string][string] & {
  tags?: string[];
  parameters?: Array<{ name: string; schema: Schema }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<
    string,
    { headers?: Record<string, { $ref: string }>; content?: Record<string, { schema: Schema; examples?: Record<string, { value: unknown }> }> }
  >;
};

let document: OpenApiDocument;
let operations: Array<{ path: string; method: string; operation: Operation }>;
const schemas = () => document.components.schemas as Record<string, Schema>;
const operation = (id: string) => {
  const found = operations.find((entry) => entry.operation.operationId === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found.operation;
};
const refName = (schema: Schema) => schema.$ref?.replace('#/components/schemas/', '') ?? '';

beforeAll(async () => {
  document = (await createOpenApiDocument()) as unknown as OpenApiDocument;
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, operation: op as Operation })),
  );
});

describe('the OpenAPI document', () => {
  it('names operations as the contract does, and defines every tag it uses, with a description', () => {
    expect(operations.map((entry) => entry.operation.operationId).sort()).toEqual(
      [
        'addFace',
        'addUser',
        'deleteUser',
        'detect',
        'docsUi',
        'getUser',
        'healthLive',
        'healthReady',
        'healthServing',
        'listUsers',
        'metrics',
        'openApiDocument',
        'recognise',
        'recogniseUser',
        'verify',
      ].sort(),
    );
    const defined = new Map((document.tags as Array<{ name: string; description?: string }>).map((tag) => [tag.name, tag.description]));
    for (const { operation: op } of operations) {
      expect(op.tags?.length).toBeGreaterThan(0);
      for (const tag of op.tags ?? []) expect(defined.get(tag)).toEqual(expect.stringMatching(/.{20}/));
    }
  });

  it('has a usable server, an MIT license and the api-key scheme', () => {
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(document.info).toMatchObject({ license: { name: 'MIT', url: expect.stringMatching(/^https:\/\//) } });
    expect(document.security).toEqual([{ 'api-key': [] }]);
  });

  it('declares health, metrics and docs open, and every /api/v1 operation behind the key', () => {
    for (const { path, operation: op } of operations) {
      if (path.startsWith('/api/v1/')) expect({ path, security: op.security }).toEqual({ path, security: undefined });
      else expect({ path, security: op.security }).toEqual({ path, security: [] });
    }
  });

  it('declares recognise_user as match or no-match, told apart by status', () => {
    const schema = operation('recogniseUser').responses['200'].content!['application/json'].schema;
    expect(schema.oneOf).toEqual([{ $ref: '#/components/schemas/RecogniseMatch' }, { $ref: '#/components/schemas/RecogniseNoMatch' }]);
    const mapping = (schema.discriminator as { propertyName: string; mapping: Record<string, string> }).mapping;
    for (const [status, ref] of Object.entries(mapping)) expect(schemas()[refName({ $ref: ref })].properties!.status.enum).toEqual([status]);
    const noMatch = schemas().RecogniseNoMatch;
    expect(noMatch.required).toEqual(expect.arrayContaining(['status', 'user_info', 'req_id', 'enrollmentKey', 'requestId']));
    expect(noMatch.properties!.user_info).toMatchObject({ nullable: true, enum: [null] });
    expect(noMatch.properties!.req_id.type).toBe('string');
    expect(schemas().RecogniseMatch.required).toEqual(expect.arrayContaining(['status', 'user_info', 'similarity', 'face', 'requestId']));
  });

  it('declares each face of recognise as match or no-match, told apart by status, and its fields as bounded integers', () => {
    const recognise = operation('recognise');
    const response = schemas()[refName(recognise.responses['200'].content!['application/json'].schema)];
    expect(response.required).toEqual(expect.arrayContaining(['faces_detected', 'faces', 'requestId']));
    expect(response.properties!.faces_detected.type).toBe('integer');
    const items = response.properties!.faces.items as Schema;
    expect(items.oneOf).toEqual([{ $ref: '#/components/schemas/FaceMatch' }, { $ref: '#/components/schemas/FaceNoMatch' }]);
    const mapping = (items.discriminator as { propertyName: string; mapping: Record<string, string> }).mapping;
    for (const [status, ref] of Object.entries(mapping)) expect(schemas()[refName({ $ref: ref })].properties!.status.enum).toEqual([status]);
    expect(schemas().FaceNoMatch.required).toEqual(
      expect.arrayContaining(['box', 'landmarks', 'candidates', 'user_info', 'req_id', 'enrollmentKey']),
    );
    expect(schemas().FaceMatch.required).toEqual(expect.arrayContaining(['box', 'landmarks', 'candidates', 'user_info', 'similarity']));
    expect(schemas().FaceMatch.required).not.toContain('req_id');
    const request = schemas()[refName(recognise.requestBody!.content['multipart/form-data'].schema)];
    expect(request.required).toEqual(['image']);
    expect(request.properties).toMatchObject({
      max_faces: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
      candidates: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
    });
    const recogniseUser = schemas()[refName(operation('recogniseUser').requestBody!.content['multipart/form-data'].schema)];
    expect(recogniseUser.properties!.candidates).toMatchObject({ type: 'integer', minimum: 1, maximum: 10 });
    expect(schemas().RecogniseMatch.properties!.candidates).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/Candidate' } });
  });

  it.each(['addUser', 'addFace'])('gives %s a JSON body without the file and a multipart body with it', (id) => {
    const content = operation(id).requestBody!.content;
    expect(Object.keys(content).sort()).toEqual(['application/json', 'multipart/form-data']);
    const json = schemas()[refName(content['application/json'].schema)];
    const multipart = schemas()[refName(content['multipart/form-data'].schema)];
    expect(json.properties!.image).toBeUndefined();
    expect(json.required).toContain('req_id');
    expect(multipart.properties!.image).toMatchObject({ type: 'string', format: 'binary' });
    expect(multipart.required ?? []).not.toContain('image');
  });

  it("declares the 471 conflict's user_id and similarity, and requestId on every top-level body", () => {
    expect(schemas().ErrorDetail.properties).toMatchObject({ user_id: { type: 'string', format: 'uuid' }, similarity: { type: 'number' } });
    for (const { operation: op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        const schema = response.content?.['application/json']?.schema;
        if (!schema || op.operationId === 'openApiDocument') continue;
        const branches = (schema.oneOf as Schema[] | undefined) ?? [schema];
        for (const branch of branches)
          expect({ op: op.operationId, status, required: schemas()[refName(branch)].required }).toEqual({
            op: op.operationId,
            status,
            required: expect.arrayContaining(['requestId']),
          });
      }
    }
  });

  it('declares counts, sizes and pixel coordinates as integers', () => {
    const listUsers = operation('listUsers').parameters!.find((parameter) => parameter.name === 'limit')!;
    expect(listUsers.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 200 });
    expect(schemas().User.properties!.faces.type).toBe('integer');
    expect(schemas().RecogniseMatch.properties!.faces_detected.type).toBe('integer');
    expect(schemas().RecogniseNoMatch.properties!.faces_detected.type).toBe('integer');
    expect(schemas().EnrollmentMetadata.properties!.face_size_px.type).toBe('integer');
    for (const side of ['x', 'y', 'width', 'height']) expect(schemas().Box.properties![side].type).toBe('integer');
  });

  it('documents the headers each response carries, and 500 on every route of the app', () => {
    for (const { path, operation: op } of operations) {
      const isApp = !path.startsWith('/api/docs');
      if (isApp) expect({ op: op.operationId, has500: '500' in op.responses }).toEqual({ op: op.operationId, has500: true });
      for (const [status, response] of Object.entries(op.responses)) {
        const headers = Object.keys(response.headers ?? {});
        const where = `${op.operationId} ${status}`;
        expect({ where, headers }).toEqual({ where, headers: expect.arrayContaining(['x-request-id']) });
        if (status === '429' || status === '503') expect({ where, headers }).toEqual({ where, headers: expect.arrayContaining(['Retry-After']) });
        const rateLimited = path.startsWith('/api/v1/') && status !== '429';
        expect({ where, rateLimited: headers.includes('X-RateLimit-Remaining') }).toEqual({ where, rateLimited });
      }
    }
    for (const id of ['recogniseUser', 'recognise']) expect(Object.keys(operation(id).responses['200'].headers!)).toContain('Server-Timing');
  });

  it('shows, per status, examples of the errors that status really carries, each valid against its schema', () => {
    const contract = new OpenApiContract(document);
    const codesByStatus = new Map<string, Set<number>>();
    for (const { operation: op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        const json = response.content?.['application/json'];
        if (!json?.examples || Number(status) < 400) continue;
        for (const [name, example] of Object.entries(json.examples)) {
          const validate = contract.validatorFor(`${op.operationId} ${status}`, json.schema);
          expect({ where: `${op.operationId} ${status} ${name}`, valid: validate(example.value), errors: validate.errors ?? null }).toMatchObject({
            valid: true,
          });
          const codes = codesByStatus.get(status) ?? new Set();
          codesByStatus.set(status, codes.add((example.value as { error_code: number }).error_code));
        }
      }
    }
    expect(Object.fromEntries([...codesByStatus].map(([status, codes]) => [status, [...codes].sort()]))).toEqual({
      '400': [400, 401],
      '401': [410],
      '404': [441, 442],
      '409': [470, 471],
      '413': [413],
      '415': [415, 417],
      '422': [416, 601, 602, 603],
      '429': [429],
      '500': [500],
      '503': [503, 504, 505, 507],
    });
    expect(operation('getUser').responses['404'].content!['application/json'].examples).not.toHaveProperty('enrollmentKeyNotFound');
  });

  it('compiles with a strict validator: every component schema is well-formed', () => {
    expect(() => new OpenApiContract(document)).not.toThrow();
  });
});

describe('redocly lint (recommended rules)', () => {
  it('reports no error on the document', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'openapi-lint-'));
    try {
      const file = path.join(directory, 'openapi.json');
      await writeFile(file, JSON.stringify(document));
      const run = await promisify(execFile)(
        process.execPath,
        ['node_modules/@redocly/cli/bin/cli.js', 'lint', '--config', 'redocly.yaml', '--format', 'summary', file],
        {
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        },
      ).catch((error: { stdout: string; stderr: string }) => error);
      const output = `${run.stdout}\n${run.stderr}`;
      expect(output).toMatch(/Your API description is valid/);
      expect(output).not.toMatch(/^error /m);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }, 60_000);
});
