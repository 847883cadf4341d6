import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiError } from './api-error.js';

/** A route parameter that must be a UUID; anything else (path tricks included) is a 400. */
export function UuidParam(name: string): ParameterDecorator {
  return Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => ApiError.badRequest(`${name} must be a UUID`, [{ field: name, message: `${name} must be a UUID` }]),
    }),
  );
}
