import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = new URL("../..", import.meta.url).pathname;
const migrations = await readD1Migrations(`${root}bench/peer-workerd/migrations`);

/** Counts the workerd peer's D1 round trips and depth per operation, inside workerd, with its own Worker. */
export default defineConfig({
  root,
  plugins: [
    cloudflareTest({
      wrangler: { configPath: `${root}bench/peer-workerd/wrangler.jsonc` },
      miniflare: { bindings: { TEST_MIGRATIONS: migrations, AUTH_SECRET: "peer-workerd-counts-secret-0123456789abcdef" } },
    }),
  ],
  test: {
    include: ["bench/counts/peer-workerd.counts.ts"],
    setupFiles: ["./test/setup.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
