import { defineConfig } from "drizzle-kit";

// drizzle-kit only generates SQL here; wrangler applies it (dev, tests read the same folder, production).
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
