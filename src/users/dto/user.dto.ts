import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { toIsoDate } from '../../common/dates.js';
import { REQUEST_ID_PROPERTY } from '../../common/error-envelope.dto.js';
import type { UserWithFaceCount } from '../../gallery/gallery-records.js';

@ApiSchema({ name: 'User' })
export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'John Doe' })
  name: string;

  @ApiProperty({ format: 'date', example: '1990-01-01' })
  birthdate: string;

  @ApiProperty({ type: 'string', nullable: true, format: 'email', example: null })
  email: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Number of face vectors enrolled for this user', example: 1 })
  faces: number;

  static from(user: UserWithFaceCount): UserDto {
    return {
      id: user.id,
      name: user.name,
      birthdate: toIsoDate(user.birthdate),
      email: user.email,
      created_at: user.createdAt.toISOString(),
      faces: user.faceCount,
    };
  }
}

/** GET users/{id}: one user, plus the request id every top-level body carries. */
@ApiSchema({ name: 'UserResponse' })
export class UserResponseDto extends UserDto {
  @ApiProperty(REQUEST_ID_PROPERTY)
  requestId: string;
}

@ApiSchema({ name: 'UserPage' })
export class UserPageDto {
  @ApiProperty({ type: [UserDto], description: 'Oldest first' })
  items: UserDto[];

  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  next_cursor: string | null;

  @ApiProperty(REQUEST_ID_PROPERTY)
  requestId: string;
}
