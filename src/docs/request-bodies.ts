import { applyDecorators, Type } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtension, ApiExtraModels, getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import { operationsOf } from './operations.js';

const JSON_BODY = 'x-json-body';

/**
 * A route that takes either JSON or multipart, with a schema for each: JSON cannot carry the file,
 * so one schema for both would promise a binary field the server refuses. Nest documents a single
 * body schema per route; the JSON one travels in an extension until `placeJsonBodies` puts it in place.
 */
export function ApiJsonOrMultipartBody(json: Type, multipart: Type): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(json, multipart),
    ApiConsumes('application/json', 'multipart/form-data'),
    ApiBody({ required: true, schema: { $ref: getSchemaPath(multipart) } }),
    ApiExtension(JSON_BODY, { $ref: getSchemaPath(json) }),
  );
}

export function placeJsonBodies(document: OpenAPIObject): void {
  for (const { operation } of operationsOf(document)) {
    const extensions = operation as unknown as Record<string, unknown>;
    const schema = extensions[JSON_BODY];
    if (!schema) continue;
    delete extensions[JSON_BODY];
    const body = operation.requestBody;
    if (!body || '$ref' in body) throw new Error(`${operation.operationId}: ${JSON_BODY} needs an inline request body`);
    body.content['application/json'] = { schema };
  }
}
