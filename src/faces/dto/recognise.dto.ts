import type { EnrollmentKeyMetadata } from '../../cache/enrollment-key.js';
import {
  ApiProperty,
  ApiPropertyOptional,
  type ApiPropertyOptions,
  ApiSchema,
  getSchemaPath,
  type ReferenceObject,
  type SchemaObject,
} from '@nestjs/swagger';
import { REQUEST_ID_PROPERTY } from '../../common/error-envelope.dto.js';
import { OptionalIntegerField } from '../../common/validation.js';
import { BoxDto, MatchedFaceDto } from './face.dto.js';

@ApiSchema({ name: 'ImageUpload' })
export class ImageUploadDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'JPEG, PNG or WebP (by content), at most MAX_UPLOAD_BYTES' })
  image: unknown;
}

/** Most candidates a client may ask for per face (API.md: 1-10). */
export const MAX_CANDIDATES = 10;

export const CANDIDATES_FIELD_DOC = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_CANDIDATES,
  example: 3,
} as const;

@ApiSchema({ name: 'RecogniseUserRequest' })
export class RecogniseUserRequestDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'JPEG, PNG or WebP (by content), at most MAX_UPLOAD_BYTES' })
  image: unknown;

  @ApiPropertyOptional({
    ...CANDIDATES_FIELD_DOC,
    description: 'When given, the answer adds `candidates`: this many nearest distinct users, for a human-review screen',
  })
  @OptionalIntegerField('candidates', 1, MAX_CANDIDATES)
  candidates?: number;
}

@ApiSchema({ name: 'Candidate', description: "An enrolled person near the face: their best face's similarity" })
export class CandidateDto {
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty({ example: 'Jane Doe' }) name: string;
  @ApiProperty({ description: 'Cosine similarity with their nearest enrolled face', example: 0.81 }) similarity: number;
}

export const CANDIDATES_DESCRIPTION =
  'The nearest distinct enrolled people, best first, each once with their best face, including those below MATCH_THRESHOLD';

@ApiSchema({ name: 'UserInfo' })
export class UserInfoDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'John Doe' }) name: string;
  @ApiProperty({ format: 'date', example: '1990-01-01' }) birthdate: string;
  @ApiProperty({ type: 'string', format: 'email', nullable: true, example: null }) email: string | null;
}

@ApiSchema({ name: 'EnrollmentMetadata', description: 'What the key remembers about its face (never the face vector)' })
export class EnrollmentMetadataDto implements EnrollmentKeyMetadata {
  @ApiProperty({ description: 'Detector confidence in [0, 1]', example: 0.99 }) detection_score: number;
  @ApiProperty({ type: BoxDto }) box: BoxDto;
  @ApiProperty({ type: 'integer', description: "The face box's longer side in pixels", example: 110 }) face_size_px: number;
  @ApiProperty({ description: 'Usability for recognition in [0, 1]', example: 0.87 }) quality: number;
}

@ApiSchema({ name: 'EnrollmentKey' })
export class EnrollmentKeyDto {
  @ApiProperty({ description: 'Single-use key for add_user and users/{id}/faces; 128 random bits', example: 'Yh3q0Jm1cR8tq2nV7sWk9A' })
  req_id: string;
  @ApiProperty({ format: 'date-time', description: 'After this instant the key is refused (ENROLLMENT_TTL_SECONDS)' }) expiresAt: string;
  @ApiProperty({ type: EnrollmentMetadataDto }) metadata: EnrollmentMetadataDto;
}

/** The "not me" key of a match below DUPLICATE_FACE_THRESHOLD, documented alike on recognise_user and recognise. */
export const NOT_ME_DOCS = {
  reqId: {
    description:
      '"Not me": only when `similarity` is below DUPLICATE_FACE_THRESHOLD, a key that enrolls this face as a new person (same as enrollmentKey.req_id)',
    example: 'Yh3q0Jm1cR8tq2nV7sWk9A',
  },
  enrollmentKey: { type: EnrollmentKeyDto, description: 'With `req_id` only: the "not me" enrollment key' },
} satisfies Record<string, ApiPropertyOptions>;

/** recognise_user's answer when the face belongs to an enrolled user. */
@ApiSchema({ name: 'RecogniseMatch' })
export class RecogniseMatchDto {
  @ApiProperty({ enum: ['success'], description: 'Discriminator: "success" is a match' }) status: 'success';
  @ApiProperty({ enum: ['Match found'] }) message: 'Match found';
  @ApiProperty({ type: UserInfoDto }) user_info: UserInfoDto;
  @ApiProperty({ description: 'Cosine similarity with the nearest enrolled face, at least MATCH_THRESHOLD', example: 0.81 }) similarity: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Faces found in the image; the most prominent was used', example: 1 })
  faces_detected: number;
  @ApiProperty({ type: MatchedFaceDto, description: 'The face used' }) face: MatchedFaceDto;
  @ApiPropertyOptional(NOT_ME_DOCS.reqId) req_id?: string;
  @ApiPropertyOptional(NOT_ME_DOCS.enrollmentKey) enrollmentKey?: EnrollmentKeyDto;
  @ApiPropertyOptional({ type: [CandidateDto], description: `Only when the request asked for \`candidates\`: ${CANDIDATES_DESCRIPTION}` })
  candidates?: CandidateDto[];
  @ApiProperty(REQUEST_ID_PROPERTY) requestId: string;
}

/** recognise_user's answer when nobody enrolled matches: a key to enroll this face. */
@ApiSchema({ name: 'RecogniseNoMatch' })
export class RecogniseNoMatchDto {
  @ApiProperty({ enum: ['failure'], description: 'Discriminator: "failure" is no match' }) status: 'failure';
  @ApiProperty({ enum: ['no_match'] }) message: 'no_match';
  // OpenAPI 3.0 has no null type: a nullable type limited to null is how it says "always null".
  @ApiProperty({ type: 'object', nullable: true, enum: [null], description: 'Always null: nobody matched' } as ApiPropertyOptions) user_info: null;
  @ApiProperty({ description: 'Enrollment key for add_user (same as enrollmentKey.req_id)', example: 'Yh3q0Jm1cR8tq2nV7sWk9A' }) req_id: string;
  @ApiProperty({ type: EnrollmentKeyDto }) enrollmentKey: EnrollmentKeyDto;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Faces found in the image; the most prominent was used', example: 1 })
  faces_detected: number;
  @ApiPropertyOptional({ type: [CandidateDto], description: `Only when the request asked for \`candidates\`: ${CANDIDATES_DESCRIPTION}` })
  candidates?: CandidateDto[];
  @ApiProperty(REQUEST_ID_PROPERTY) requestId: string;
}

export type RecogniseResponse = RecogniseMatchDto | RecogniseNoMatchDto;

/** One of the two outcomes, told apart by `status`, so typed clients can narrow on it. */
export const RECOGNISE_RESPONSE_SCHEMA: SchemaObject & Partial<ReferenceObject> = {
  type: 'object',
  oneOf: [{ $ref: getSchemaPath(RecogniseMatchDto) }, { $ref: getSchemaPath(RecogniseNoMatchDto) }],
  discriminator: {
    propertyName: 'status',
    mapping: { success: getSchemaPath(RecogniseMatchDto), failure: getSchemaPath(RecogniseNoMatchDto) },
  },
};
