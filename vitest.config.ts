import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations(new URL("./migrations", import.meta.url).pathname);

// Secrets made for tests. Wrangler reads required secrets from process.env.
process.env.AUTH_SECRET = "test-auth-secret-0123456789abcdef0123456789abcdef";
process.env.CODE_HASH_SECRET = "test-code-hash-secret-0123456789abcdef0123456789";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        bindings: {
          // Production behaviour: secure cookies, secrets required.
          ENVIRONMENT: "production",
          TEST_MIGRATIONS: migrations,
          // Cloudflare's always-pass test keys; siteverify itself is stubbed (src/services/turnstile.ts).
          TURNSTILE_SITE_KEY: "1x00000000000000000000AA",
          TURNSTILE_SECRET: "1x0000000000000000000000000000000AA",
        },
      },
    }),
  ],
  test: {
    // One log line per request (src/middleware/request-log.ts): shown only for a failing test.
    silent: "passed-only",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    exclude: ["test/e2e/**", "test/cli/**"],
    setupFiles: ["./test/setup.ts"],
  },
});
