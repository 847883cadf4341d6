import { ApiProperty } from '@nestjs/swagger';
import { toIsoDate } from '../../common/dates.js';
import type { UserWithFaceCount } from '../../gallery/gallery-records.js';

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'John Doe' })
  name: string;

  @ApiProperty({ format: 'date', example: '1990-01-01' })
  birthdate: string;

  @ApiProperty({ type: String, nullable: true, format: 'email', example: null })
  email: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ description: 'Number of face vectors enrolled for this user', example: 1 })
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

export class UserPageDto {
  @ApiProperty({ type: [UserDto] })
  items: UserDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  next_cursor: string | null;
}
