import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { REQUEST_ID_PROPERTY } from '../../common/error-envelope.dto.js';

@ApiSchema({ name: 'VerifyRequest' })
export class VerifyRequestDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'JPEG, PNG or WebP (by content), at most MAX_UPLOAD_BYTES' }) image: unknown;

  @ApiProperty({ format: 'uuid', description: 'The user to compare the face with' })
  @IsUUID('all', { message: 'user_id must be a UUID' })
  user_id: string;
}

@ApiSchema({ name: 'VerifyResponse' })
export class VerifyResponseDto {
  @ApiProperty({ enum: ['success'] }) status: 'success';
  @ApiProperty({ description: 'similarity >= threshold' }) match: boolean;
  @ApiProperty({ description: "Best cosine similarity with any of the user's faces, in [-1, 1]", example: 0.77 }) similarity: number;
  @ApiProperty({ description: 'The similarity needed for a match (MATCH_THRESHOLD)', example: 0.48 }) threshold: number;
  @ApiProperty(REQUEST_ID_PROPERTY) requestId: string;
}
