import { readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import ts from "typescript";
import { defineConfig } from "vitest/config";

const root = new URL("../..", import.meta.url).pathname;
const migrations = await readD1Migrations(`${root}migrations`);
// The object bindings and their classes, so the counters know every object class the app has.
const wranglerConfig = ts.parseConfigFileTextToJson("wrangler.jsonc", readFileSync(`${root}wrangler.jsonc`, "utf8")).config as {
  durable_objects?: { bindings?: { name: string; class_name: string }[] };
};
const objectClasses = Object.fromEntries(
  (wranglerConfig.durable_objects?.bindings ?? []).map(({ name, class_name }) => [name, class_name]),
);

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
          BENCH_OBJECT_CLASSES: JSON.stringify(objectClasses),
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
