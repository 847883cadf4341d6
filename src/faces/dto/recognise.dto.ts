import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BoxDto, MatchedFaceDto } from './face.dto.js';

export class ImageUploadDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'JPEG, PNG or WebP (by content), at most MAX_UPLOAD_BYTES' })
  image: unknown;
}

export class UserInfoDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'John Doe' }) name: string;
  @ApiProperty({ format: 'date', example: '1990-01-01' }) birthdate: string;
  @ApiProperty({ type: String, nullable: true, example: null }) email: string | null;
}

export class EnrollmentMetadataDto {
  @ApiProperty({ example: 0.99 }) detection_score: number;
  @ApiProperty({ type: BoxDto }) box: BoxDto;
  @ApiProperty({ example: 110 }) face_size_px: number;
  @ApiProperty({ example: 0.87 }) quality: number;
}

export class EnrollmentKeyDto {
  @ApiProperty({ description: 'Single-use key for add_user; 128 random bits' }) req_id: string;
  @ApiProperty({ format: 'date-time', description: 'After this instant the key is refused (ENROLLMENT_TTL_SECONDS)' }) expiresAt: string;
  @ApiProperty({ type: EnrollmentMetadataDto }) metadata: EnrollmentMetadataDto;
}

/** One schema for both outcomes, as API.md has it: `status` tells which fields are set. */
export class RecogniseResponseDto {
  @ApiProperty({ enum: ['success', 'failure'] }) status: 'success' | 'failure';
  @ApiProperty({ enum: ['Match found', 'no_match'] }) message: string;
  @ApiProperty({ type: UserInfoDto, nullable: true }) user_info: UserInfoDto | null;
  @ApiPropertyOptional({ description: 'Cosine similarity of the best match (match only)', example: 0.81 }) similarity?: number;
  @ApiProperty({ description: 'Faces found in the image; the largest was used', example: 1 }) faces_detected: number;
  @ApiPropertyOptional({ type: MatchedFaceDto, description: 'The face used (match only)' }) face?: MatchedFaceDto;
  @ApiPropertyOptional({ description: 'Enrollment key (no match only)' }) req_id?: string;
  @ApiPropertyOptional({ type: EnrollmentKeyDto }) enrollmentKey?: EnrollmentKeyDto;
  @ApiProperty() requestId: string;
}
