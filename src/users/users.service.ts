import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { UserDto, UserPageDto } from './dto/user.dto.js';
import { decodeUserCursor, encodeUserCursor } from './user-cursor.js';
import { UsersRepository } from './users.repository.js';

/** Reading and erasing users. Enrollment, which needs a face, builds on this. */
@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  async get(id: string): Promise<UserDto> {
    const user = await this.users.findById(id);
    if (!user) throw ApiError.userNotFound();
    return UserDto.from(user);
  }

  async list(limit: number, cursor?: string): Promise<Omit<UserPageDto, 'requestId'>> {
    const after = cursor === undefined ? undefined : decodeUserCursor(cursor);
    // One extra row tells whether another page exists without a count query.
    const rows = await this.users.listPage(limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((user) => UserDto.from(user)),
      next_cursor: rows.length > limit && last ? encodeUserCursor({ createdAt: last.createdAt, id: last.id }) : null,
    };
  }

  /** Erases the user and every face vector of theirs in one statement. */
  async delete(id: string): Promise<void> {
    if (!(await this.users.delete(id))) throw ApiError.userNotFound();
  }
}
