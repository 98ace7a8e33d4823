import type { TestProject } from "vitest/node";
import { startDevServer } from "../e2e/dev-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
  }
}

/** One `wrangler dev` on fresh data for every CLI test; stopped after. */
export default async function setup(project: TestProject) {
  const server = await startDevServer();
  project.provide("baseURL", server.baseURL);
  return () => server.stop();
}
