/** Where repositories import the client type from; it is declared beside PrismaService. */
export type { DbClient } from './prisma.service.js';
