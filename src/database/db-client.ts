import type { PrismaService } from './prisma.service.js';

/** The client a repository runs on: the service itself, or the client of an open transaction. */
export type DbClient = Omit<
  PrismaService,
  '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends' | 'ping' | 'onApplicationShutdown' | 'inVectorSearch' | 'started' | 'startup' | 'hnswEfSearch'
>;
