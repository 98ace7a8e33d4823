import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { sendRequestsThrough } from "./client";

/**
 * For suites that send hundreds of thousands of requests (the model test). In the vitest
 * pool every `exports.default.fetch` and every Durable Object call first re-imports the
 * Worker's main module through the runner object, resolving its id by a round trip to the
 * Node process, and every console line is sent there too: two thirds of the model run went
 * to that, none to the Worker. The same Worker code answers, with the same bindings and a
 * fresh execution context per request (its waitUntil work runs on, as after a real answer).
 */
export function useFastWorker(): void {
  sendRequestsThrough(async (request) => worker.fetch(request, env, createExecutionContext()));
  cacheModuleResolution();
  dropRequestLogLines();
}

/** The runner resolves the same main-module id for every Durable Object call; ask Node once. */
function cacheModuleResolution(): void {
  const transport = (globalThis as { __vitest_mocker__?: any }).__vitest_mocker__?.moduleRunner?.vitestOptions?.transport;
  if (typeof transport?.resolveId !== "function") return; // another vitest: slower, not wrong
  const resolve = transport.resolveId.bind(transport);
  const resolved = new Map<string, Promise<unknown>>();
  transport.resolveId = (id: string) => {
    if (!resolved.has(id)) resolved.set(id, resolve(id));
    return resolved.get(id);
  };
}

/** The per-request operator log (tested in test/pipeline/request-log.test.ts) is not what these suites check. */
function dropRequestLogLines(): void {
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].startsWith('{"event":"request"')) return;
    log(...args);
  };
}
