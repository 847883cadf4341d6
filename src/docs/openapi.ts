import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { documentResponseHeaders } from './openapi-headers.js';
import { operationsOf } from './operations.js';
import { placeJsonBodies } from './request-bodies.js';

export const DOCS_PATH = 'api/docs';
export const DOCS_JSON_PATH = 'api/docs-json';

const DESCRIPTION = `Self-hosted face recognition. Upload a photo to \`recognise_user\`: a match names the person; a no-match
returns a short-lived, single-use \`req_id\` that \`add_user\` takes to enroll that face (or enroll with a photo directly).
\`recognise\` answers for every face of a group photo at once, each with its own \`req_id\` when nobody matches it.

- **Keys.** With API_KEYS set, every /api/v1 route needs the \`x-api-key\` header; /health, /metrics and these docs stay open.
- **Errors.** Every 4xx/5xx has one envelope: \`status\` "error", a stable numeric \`error_code\` (listed per status below and in
  the README), \`message\`, \`requestId\`, and for invalid fields \`details\` per field.
- **Request ids.** Every response has an \`x-request-id\` header (yours, if sane); JSON bodies repeat it as \`requestId\`.
- **Limits.** /api/v1 is rate limited per key (per IP without keys): 429 with Retry-After; the X-RateLimit-* headers count down.
  An overloaded or not-ready service answers 503 with Retry-After.

**Document 1.1** (the HTTP API is unchanged): recognise_user's 200 is \`oneOf\` RecogniseMatch / RecogniseNoMatch with a
discriminator on \`status\`; add_user and users/{id}/faces declare their JSON and multipart bodies apart; operation ids are the
contract's names (recogniseUser, addUser, …); response headers, 500 and per-status error examples are declared.

**Document 1.2**: adds \`recognise\` (every face of a photo, each face \`oneOf\` FaceMatch / FaceNoMatch on \`status\`), the
optional \`candidates\` field of recognise_user, and error_code 603 (every face too small to recognise).`;

const TAGS: Array<[name: string, description: string]> = [
  ['recognition', 'Who is in a photo: recognise the most prominent face or every face, verify it against one user, or detect every face'],
  ['users', 'Enroll people (from a no-match key or a photo), add faces, list, read and delete users'],
  ['health', 'Kubernetes probes; open without a key, never rate limited'],
  ['operations', 'Prometheus metrics and this document; open without a key, never rate limited'],
];

/** Routes served outside Nest's controllers, which the contract still promises. */
const DOCS_OPERATIONS: OpenAPIObject['paths'] = {
  [`/${DOCS_PATH}`]: {
    get: {
      operationId: 'docsUi',
      summary: 'Swagger UI for this document',
      tags: ['operations'],
      responses: { '200': { description: 'The Swagger UI page', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  },
  [`/${DOCS_JSON_PATH}`]: {
    get: {
      operationId: 'openApiDocument',
      summary: 'This OpenAPI document',
      tags: ['operations'],
      responses: { '200': { description: 'OpenAPI 3.0 document', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  },
};

/** Open operations say so, since the document's default is the key: everything outside /api/v1. */
const isOpen = (path: string) => !path.startsWith('/api/v1/');

/** The OpenAPI document of the app's routes, as served at /api/docs-json. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Face Matrix')
    .setDescription(DESCRIPTION)
    .setVersion('1.2')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer('/', 'This server')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: 'One of API_KEYS' }, 'api-key')
    .addSecurityRequirements('api-key');
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  document.paths = { ...document.paths, ...DOCS_OPERATIONS };
  placeJsonBodies(document);
  documentResponseHeaders(document);
  for (const { path, operation } of operationsOf(document)) if (isOpen(path)) operation.security = [];
  return document;
}

export function setUpSwagger(app: INestApplication, document = buildOpenApiDocument(app)): void {
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: DOCS_JSON_PATH });
}
