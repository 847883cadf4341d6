import { Ajv2019, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import type { Response } from 'supertest';

// Checks real responses against the served OpenAPI 3.0 document, strictly: the status, the media
// type, the required headers and the body must all be declared, and a body field the document does
// not declare is an error (every object schema is closed with unevaluatedProperties: false).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Operation {
  operationId: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { content?: Record<string, { schema: JsonObject }>; headers?: Record<string, JsonObject> }>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonObject>; headers?: Record<string, JsonObject> };
  [key: string]: unknown;
}

/** Headers the API sets on purpose: a response that carries one must declare it. */
const API_HEADERS = ['x-request-id', 'retry-after', 'server-timing', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];

const BASE = 'https://face-matrix.invalid/openapi';
const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => Ajv2019;

export class OpenApiContract {
  /** operationId -> statuses seen, for the coverage check at the end of a story. */
  readonly seen = new Map<string, Set<number>>();
  private readonly ajv: Ajv2019;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly routes: Array<{ pattern: RegExp; method: string; template: string; operation: Operation }>;

  constructor(readonly document: OpenApiDocument) {
    // strict: unknown keywords, formats and ill-formed schemas fail at compile time.
    this.ajv = new Ajv2019({ strict: true, allErrors: true, discriminator: true });
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addKeyword('example');
    const schemas = Object.fromEntries(Object.entries(document.components.schemas).map(([name, schema]) => [name, toJsonSchema(schema)]));
    this.ajv.addSchema({ $id: BASE, $defs: schemas });
    // Compiling every component at once surfaces a schema the strict validator cannot read.
    for (const name of Object.keys(schemas)) this.ajv.getSchema(`${BASE}#/$defs/${name}`);
    this.routes = Object.entries(document.paths).flatMap(([template, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        method,
        template,
        operation,
      })),
    );
  }

  /** Everything about a response that breaks the document; empty when it conforms. */
  problems(response: Response): string[] {
    // superagent keeps the request it answered, though its types do not say so.
    const sent = (response as unknown as { req: { method: string; path: string } }).req;
    const method = sent.method.toLowerCase();
    const path = new URL(sent.path, 'http://x').pathname;
    const route = this.routes.find((candidate) => candidate.method === method && candidate.pattern.test(path));
    if (!route) return [`${method.toUpperCase()} ${path} is not an operation of the document`];
    const label = `${route.operation.operationId} ${response.status}`;
    const declared = route.operation.responses[String(response.status)];
    if (!declared) return [`${label}: status ${response.status} is not declared`];
    this.seen.set(route.operation.operationId, (this.seen.get(route.operation.operationId) ?? new Set()).add(response.status));

    const problems = this.headerProblems(declared.headers ?? {}, response).map((problem) => `${label}: ${problem}`);
    const mediaType = (response.headers['content-type'] ?? '').split(';')[0].trim();
    if (!declared.content) {
      if (mediaType !== '' || response.text) problems.push(`${label}: no body is declared, got ${mediaType || 'text'}`);
      return problems;
    }
    const content = declared.content[mediaType];
    if (!content) return [...problems, `${label}: media type "${mediaType}" is not declared (${Object.keys(declared.content).join(', ')})`];
    if (mediaType !== 'application/json') return problems;
    const validate = this.validatorFor(`${route.template} ${method} ${response.status}`, content.schema);
    if (!validate(response.body)) {
      problems.push(
        ...(validate.errors ?? []).map((error) => `${label}: body${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`),
      );
    }
    if (typeof response.body?.requestId === 'string' && response.body.requestId !== response.headers['x-request-id']) {
      problems.push(`${label}: requestId differs from the x-request-id header`);
    }
    return problems;
  }

  /** Throws with every problem, so a failing story says exactly what drifted. */
  check(response: Response): Response {
    const problems = this.problems(response);
    if (problems.length > 0)
      throw new Error(`Response breaks the OpenAPI document:\n  ${problems.join('\n  ')}\nbody: ${response.text.slice(0, 500)}`);
    return response;
  }

  /** A schema (a response's, an example's) validated the way responses are. */
  validatorFor(key: string, schema: JsonObject): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema) as JsonObject);
      this.validators.set(key, validate);
    }
    return validate;
  }

  private headerProblems(declared: Record<string, JsonObject>, response: Response): string[] {
    const problems: string[] = [];
    const byName = new Map(Object.entries(declared).map(([name, header]) => [name.toLowerCase(), this.resolveHeader(header)]));
    for (const [name, header] of byName) {
      const value = response.headers[name];
      if (value === undefined) {
        if (header.required === true) problems.push(`required header ${name} is missing`);
        continue;
      }
      const schema = header.schema as JsonObject;
      const parsed = schema.type === 'integer' ? Number(value) : value;
      if (!this.validatorFor(`header ${name}`, schema)(parsed)) problems.push(`header ${name}: "${value}" does not match ${JSON.stringify(schema)}`);
    }
    for (const name of API_HEADERS) {
      if (response.headers[name] !== undefined && !byName.has(name)) problems.push(`header ${name} is sent but not declared`);
    }
    return problems;
  }

  private resolveHeader(header: JsonObject): JsonObject {
    const ref = header.$ref;
    if (typeof ref !== 'string') return header;
    const resolved = this.document.components.headers?.[ref.replace('#/components/headers/', '')];
    if (!resolved) throw new Error(`unresolved header ${ref}`);
    return resolved;
  }
}

/**
 * An OpenAPI 3.0 schema as JSON Schema 2019-09 for ajv: component refs point into the registered
 * $defs, the discriminator's mapping goes (ajv derives it from each branch's single-value enum,
 * and the contract test checks the mapping agrees), and every object that lists its properties
 * without saying otherwise is closed, so an undeclared field fails.
 */
export function toJsonSchema(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string') result.$ref = value.replace('#/components/schemas/', `${BASE}#/$defs/`);
    else if (key === 'discriminator' && value && typeof value === 'object' && !Array.isArray(value))
      result.discriminator = { propertyName: value.propertyName };
    else if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      result.properties = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, toJsonSchema(property)]));
    } else result[key] = toJsonSchema(value);
  }
  if (result.properties && result.additionalProperties === undefined) result.unevaluatedProperties = false;
  return result;
}
