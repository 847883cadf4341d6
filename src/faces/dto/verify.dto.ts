import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class VerifyRequestDto {
  @ApiProperty({ type: 'string', format: 'binary' }) image: unknown;

  @ApiProperty({ format: 'uuid', description: 'The user to compare the face with' })
  @IsUUID('all', { message: 'user_id must be a UUID' })
  user_id: string;
}

export class VerifyResponseDto {
  @ApiProperty({ enum: ['success'] }) status: 'success';
  @ApiProperty({ description: 'similarity >= threshold' }) match: boolean;
  @ApiProperty({ description: "Best cosine similarity with any of the user's faces", example: 0.77 }) similarity: number;
  @ApiProperty({ example: 0.5 }) threshold: number;
  @ApiProperty() requestId: string;
}
