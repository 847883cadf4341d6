import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { REQUEST_ID_PROPERTY } from '../../common/error-envelope.dto.js';
import { OptionalIntegerField } from '../../common/validation.js';
import { DetectedFaceDto } from './face.dto.js';
import {
  CANDIDATES_DESCRIPTION,
  CANDIDATES_FIELD_DOC,
  CandidateDto,
  EnrollmentKeyDto,
  MAX_CANDIDATES,
  NOT_ME_DOCS,
  UserInfoDto,
} from './recognise.dto.js';

/** API.md: max_faces 1-50, default 10; candidates 1-10, default 1. */
export const MAX_FACES_LIMIT = 50;
export const DEFAULT_MAX_FACES = 10;
export const DEFAULT_CANDIDATES = 1;

@ApiSchema({ name: 'RecogniseFacesRequest' })
export class RecogniseFacesRequestDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'JPEG, PNG or WebP (by content), at most MAX_UPLOAD_BYTES' })
  image: unknown;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_FACES_LIMIT,
    default: DEFAULT_MAX_FACES,
    example: 10,
    description: 'Most faces answered, the most prominent first; `faces_detected` still counts them all',
  })
  @OptionalIntegerField('max_faces', 1, MAX_FACES_LIMIT)
  max_faces?: number;

  @ApiPropertyOptional({ ...CANDIDATES_FIELD_DOC, default: DEFAULT_CANDIDATES, description: 'Nearest distinct users listed per face' })
  @OptionalIntegerField('candidates', 1, MAX_CANDIDATES)
  candidates?: number;
}

/** What every answered face carries, matched or not: what /detect says of it, and its nearest people. */
class RecognisedFaceDto extends DetectedFaceDto {
  @ApiProperty({
    type: [CandidateDto],
    description: `As many as \`candidates\` asked for (default 1): ${CANDIDATES_DESCRIPTION}; empty while nobody is enrolled`,
  })
  candidates: CandidateDto[];
}

@ApiSchema({ name: 'FaceMatch', description: 'A face of an enrolled person' })
export class FaceMatchDto extends RecognisedFaceDto {
  @ApiProperty({ enum: ['match'], description: 'Discriminator: "match" names the person' }) status: 'match';
  @ApiProperty({ type: UserInfoDto }) user_info: UserInfoDto;
  @ApiProperty({ description: 'Cosine similarity with their nearest enrolled face, at least MATCH_THRESHOLD', example: 0.81 }) similarity: number;
  @ApiPropertyOptional(NOT_ME_DOCS.reqId) req_id?: string;
  @ApiPropertyOptional(NOT_ME_DOCS.enrollmentKey) enrollmentKey?: EnrollmentKeyDto;
}

@ApiSchema({ name: 'FaceNoMatch', description: 'A face nobody enrolled matches, with its own key to enroll it' })
export class FaceNoMatchDto extends RecognisedFaceDto {
  @ApiProperty({ enum: ['no_match'], description: 'Discriminator: "no_match" is an unknown face' }) status: 'no_match';
  // OpenAPI 3.0 has no null type: a nullable type limited to null is how it says "always null".
  @ApiProperty({ type: 'object', nullable: true, enum: [null], description: 'Always null: nobody matched' } as ApiPropertyOptions) user_info: null;
  @ApiProperty({
    description: 'Single-use key for add_user that enrolls this face (same as enrollmentKey.req_id)',
    example: 'Yh3q0Jm1cR8tq2nV7sWk9A',
  })
  req_id: string;
  @ApiProperty({ type: EnrollmentKeyDto }) enrollmentKey: EnrollmentKeyDto;
}

export type RecognisedFace = FaceMatchDto | FaceNoMatchDto;

@ApiSchema({ name: 'RecogniseFacesResponse' })
export class RecogniseFacesResponseDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'Every face found, including those beyond `max_faces` and those too small to recognise (under 32 px)',
    example: 3,
  })
  faces_detected: number;

  @ApiProperty({
    type: 'array',
    description:
      "The most prominent faces first (the rule that picks recognise_user's face), at most `max_faces`; a match or a no-match, told apart by `status`",
    items: {
      type: 'object',
      oneOf: [{ $ref: getSchemaPath(FaceMatchDto) }, { $ref: getSchemaPath(FaceNoMatchDto) }],
      discriminator: { propertyName: 'status', mapping: { match: getSchemaPath(FaceMatchDto), no_match: getSchemaPath(FaceNoMatchDto) } },
    },
    minItems: 1,
    maxItems: MAX_FACES_LIMIT,
  })
  faces: RecognisedFace[];

  @ApiProperty(REQUEST_ID_PROPERTY) requestId: string;
}
