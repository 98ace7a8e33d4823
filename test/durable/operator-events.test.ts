import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { guard } from "../../src/db/batch";
import { createDb } from "../../src/db/client";
import { applyOnce } from "../../src/durable/command";

afterEach(() => vi.restoreAllMocks());

function events(spy: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
  return spy.mock.calls.map((call) => JSON.parse(String(call[0])) as Record<string, unknown>);
}

describe("operator events", () => {
  it("logs an org mutation whose batch failed a guard, once per attempt, without the operation's key", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const points = vi.spyOn(env.OPERATOR_EVENTS, "writeDataPoint");
    const db = createDb(env.DB);
    const op = { id: "key:someone:secret-idempotency-key", orgId: "org_guarded", actorId: "someone", at: new Date(), fingerprint: "" };
    const decide = async () => ({ ok: true as const, value: null, statements: [guard(db, "always broken", sql`1 = 0`)] });
    await expect(applyOnce(db, op, decide)).rejects.toThrow(/CHECK constraint failed/);
    const logged = events(warn);
    expect(logged.map((e) => [e.event, e.orgId, e.attempt])).toEqual([
      ["org_guard_failed", "org_guarded", 0],
      ["org_guard_failed", "org_guarded", 1],
    ]);
    expect(JSON.stringify(logged)).not.toContain("secret-idempotency-key");
    // One Analytics Engine data point per event: the event as index, the org, the attempt.
    expect(points.mock.calls.map(([point]) => point)).toEqual([
      { indexes: ["org_guard_failed"], blobs: ["org_guard_failed", "org_guarded"], doubles: [1, 0] },
      { indexes: ["org_guard_failed"], blobs: ["org_guard_failed", "org_guarded"], doubles: [1, 1] },
    ]);
    expect(JSON.stringify(points.mock.calls)).not.toContain("secret-idempotency-key");
  });
});
