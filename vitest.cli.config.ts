import { defineConfig } from "vitest/config";

// CLI tests: the `cohort` command on the system's Node 20, against one `wrangler dev` (test/cli/global-setup.ts).
export default defineConfig({
  test: {
    include: ["test/cli/**/*.test.ts"],
    environment: "node",
    globalSetup: ["./test/cli/global-setup.ts"],
    // One Worker on a small machine; each file's tests build on their own accounts, one after another.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
