import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { DbClient } from '../database/db-client.js';
import type { UserRecord, UserWithFaceCount } from '../gallery/gallery-records.js';

export interface NewUser {
  name: string;
  birthdate: Date;
  email: string | null;
}

/** Position of the last row of a page: users are listed by (created_at, id). */
export interface UserCursor {
  createdAt: Date;
  id: string;
}

/** Every statement on the users table. Face vectors live in FacesRepository. */
@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(user: NewUser, db: DbClient = this.prisma): Promise<UserRecord> {
    return db.user.create({ data: user });
  }

  async findById(id: string): Promise<UserWithFaceCount | null> {
    const row = await this.prisma.user.findUnique({ where: { id }, include: { _count: { select: { faces: true } } } });
    return row && { ...withoutCount(row), faceCount: row._count.faces };
  }

  async exists(id: string, db: DbClient = this.prisma): Promise<boolean> {
    return (await db.user.count({ where: { id } })) > 0;
  }

  async emailTaken(email: string, db: DbClient = this.prisma): Promise<boolean> {
    return (await db.user.count({ where: { email } })) > 0;
  }

  /** One page after `after` (exclusive), oldest first; keyset pagination stays fast on any page. */
  async listPage(limit: number, after?: UserCursor): Promise<UserWithFaceCount[]> {
    const rows = await this.prisma.user.findMany({
      where: after && {
        OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }],
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
      include: { _count: { select: { faces: true } } },
    });
    return rows.map((row) => ({ ...withoutCount(row), faceCount: row._count.faces }));
  }

  /** Deletes the user; their faces go with them (ON DELETE CASCADE). False when there was none. */
  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.user.deleteMany({ where: { id } });
    return count > 0;
  }

  count(): Promise<number> {
    return this.prisma.user.count();
  }
}

function withoutCount<T extends { _count: unknown }>(row: T): Omit<T, '_count'> {
  const { _count, ...rest } = row;
  return rest;
}
