import { defineConfig } from "vitest/config";

// Browser tests: Node drives Debian's Chromium against `wrangler dev` (test/e2e/global-setup.ts).
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["./test/e2e/global-setup.ts"],
    // One browser and one Worker on a small machine: files one after another.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
