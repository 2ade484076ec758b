// Prisma CLI configuration (Prisma 7 keeps connection settings out of the schema).
// The CLI is only used at development time (generate, migrate diff); at runtime
// the app applies prisma/migrations itself (src/store/migrate.ts).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/hotfix_dev",
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL,
  },
});
