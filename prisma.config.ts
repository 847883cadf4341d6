import { defineConfig } from 'prisma/config';

// The CLI reads the URL only for migrate/introspect against an external PostgreSQL;
// the app itself connects through a driver adapter (see src/database/).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/face_matrix' },
});
