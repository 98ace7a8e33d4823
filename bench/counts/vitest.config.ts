import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = new URL("../..", import.meta.url).pathname;
const migrations = await readD1Migrations(`${root}migrations`);

/** Runs the row-counting test inside workerd, with Cohort's own Worker and bindings. */
export default defineConfig({
  root,
  plugins: [
    cloudflareTest({
      wrangler: { configPath: `${root}wrangler.jsonc` },
      miniflare: {
        bindings: {
          ENVIRONMENT: "development",
          TEST_MIGRATIONS: migrations,
        },
      },
    }),
  ],
  test: {
    include: ["bench/counts/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
    // Seeding the 10,000-member org takes a while on a busy machine; nothing here is timed.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
