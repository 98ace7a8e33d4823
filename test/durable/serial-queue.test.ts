import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createDb } from "../../src/db/client";
import type { OrgObject } from "../../src/durable/org-object";
import { SerialQueue } from "../../src/durable/serial-queue";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";

function deferred() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Lets every pending callback and I/O completion run, without any wall-clock bound. */
async function settle(rounds = 5) {
  for (let i = 0; i < rounds; i += 1) await new Promise((resolve) => setTimeout(resolve, 0));
}

describe("SerialQueue", () => {
  it("starts the second task only after the first has finished", async () => {
    const queue = new SerialQueue();
    const gate = deferred();
    const order: string[] = [];
    const first = queue.run(async () => {
      order.push("first started");
      await gate.promise;
      order.push("first finished");
      return 1;
    });
    const second = queue.run(async () => {
      order.push("second started");
      return 2;
    });
    await settle();
    expect(order).toEqual(["first started"]);
    gate.open();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(order).toEqual(["first started", "first finished", "second started"]);
  });

  it("runs the next task after one that failed", async () => {
    const queue = new SerialQueue();
    const failed = queue.run(async () => {
      throw new Error("boom");
    });
    await expect(failed).rejects.toThrow("boom");
    expect(await queue.run(async () => "still running")).toBe("still running");
  });
});

/** A D1 binding whose first batch waits for `gate`; every call is logged. */
function gatedD1(real: D1Database, gate: Promise<void>, log: string[]): D1Database {
  let gated = true;
  return {
    prepare: (query: string) => {
      log.push(`prepare ${query.slice(0, 30)}`);
      return real.prepare(query);
    },
    batch: async (statements: D1PreparedStatement[]) => {
      log.push("batch");
      if (gated) {
        gated = false;
        await gate;
      }
      return real.batch(statements);
    },
    exec: (query: string) => real.exec(query),
  } as unknown as D1Database;
}

describe("OrgObject", () => {
  it("makes a second command wait until the first has committed", async () => {
    const org = await orgWith({ users: 1 });
    const grace = org.users[0]!;
    const gate = deferred();
    const log: string[] = [];
    const stub = env.ORG.getByName(org.id);
    const [promoted, transferred] = await runInDurableObject(stub, async (instance: OrgObject) => {
      (instance as unknown as { db: () => unknown }).db = () => createDb(gatedD1(env.DB, gate.promise, log));
      const base = { orgId: org.id, actorId: org.owner.id };
      let secondSettled = false;
      const promote = instance.changeRole({ ...base, operationId: "gate-promote", targetId: grace.id, role: "admin" });
      // Only valid once the promotion has committed: Grace must be an Admin to receive ownership.
      const transfer = instance
        .transferOwnership({
          ...base,
          operationId: "gate-transfer",
          targetId: grace.id,
          confirmOrgName: org.name,
          confirmUsername: grace.username,
        })
        .finally(() => (secondSettled = true));
      await vi.waitFor(() => expect(log).toContain("batch"));
      const callsAtGate = log.length;
      await settle(20);
      expect(log).toHaveLength(callsAtGate);
      expect(secondSettled).toBe(false);
      gate.open();
      return Promise.all([promote, transfer]);
    });
    expect(promoted.ok).toBe(true);
    expect(transferred).toMatchObject({ ok: true, value: { owner: { userId: grace.id, role: "owner" } } });
    expect((await api("/api/me", { as: grace.cookie })).body.role).toBe("owner");
    expect((await api("/api/me", { as: org.owner.cookie })).body.role).toBe("admin");
  });
});
