import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { describe, expect, it } from "vitest";
import { RETENTION } from "../../src/domain/retention";
import { purgeExpired } from "../../src/services/retention";
import { api } from "../support/client";
import { signUp } from "../support/factories";
import { createOrgFor } from "../support/org-factories";

const DAY = 24 * 60 * 60 * 1000;

async function count(sql: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${sql}`)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function codesFor(orgId: string): Promise<{ id: string }[]> {
  return (await env.DB.prepare("SELECT id FROM join_code WHERE org_id = ? ORDER BY id").bind(orgId).all<{ id: string }>()).results;
}

describe("purgeExpired", () => {
  it("keeps every row inside its retention and removes it once the rule lets it go", async () => {
    const owner = await signUp();
    const org = await createOrgFor(owner);
    const created = await api(`/api/orgs/${org.id}/join-codes`, {
      body: { count: 3 },
      as: owner.cookie,
      headers: { "Idempotency-Key": "codes-1" },
    });
    expect(created.status).toBe(201);
    const [used, revoked, live] = await codesFor(org.id);
    const now = Date.now();
    await env.DB.prepare("UPDATE join_code SET redeemed_at = ?, redeemed_by = ? WHERE id = ?").bind(now, owner.id, used!.id).run();
    await env.DB.prepare("UPDATE join_code SET revoked_at = ? WHERE id = ?").bind(now, revoked!.id).run();

    // A day and a minute later: the operation record is past the key's lifetime; nothing else is.
    const early = await purgeExpired(env, now + RETENTION.operationMs + 60_000);
    expect(early.operation).toBeGreaterThanOrEqual(1);
    expect(await count("operation WHERE org_id = ?", org.id)).toBe(0);
    expect(await codesFor(org.id)).toHaveLength(3);
    expect(await count("session WHERE user_id = ?", owner.id)).toBe(1);

    // 90 days after use, revocation and (for the live one) its 24 h expiry: the codes go; the session expired long ago.
    const later = await purgeExpired(env, now + DAY + RETENTION.joinCodeMs + 60_000);
    expect(later.joinCode).toBeGreaterThanOrEqual(3);
    expect(await codesFor(org.id)).toEqual([]);
    expect(await count("session WHERE user_id = ?", owner.id)).toBe(0);
    expect(live).toBeDefined();

    // The audit log stays a year; the org itself is live state and never purged by age.
    expect(await count("audit_event WHERE org_id = ?", org.id)).toBeGreaterThan(0);
    await purgeExpired(env, now + RETENTION.auditEventMs + 60_000);
    expect(await count("audit_event WHERE org_id = ?", org.id)).toBe(0);
    expect(await count("organization WHERE id = ?", org.id)).toBe(1);
    expect(await count("membership WHERE org_id = ?", org.id)).toBe(1);
  });

  it("keeps a code 90 days after use even though it expired the next day", async () => {
    const owner = await signUp();
    const org = await createOrgFor(owner);
    await api(`/api/orgs/${org.id}/join-codes`, { body: { count: 1 }, as: owner.cookie });
    const [code] = await codesFor(org.id);
    const redeemedAt = Date.now() + 10 * DAY;
    await env.DB.prepare("UPDATE join_code SET redeemed_at = ?, redeemed_by = ? WHERE id = ?").bind(redeemedAt, owner.id, code!.id).run();
    await purgeExpired(env, Date.now() + RETENTION.joinCodeMs + 2 * DAY);
    expect(await codesFor(org.id)).toHaveLength(1);
    await purgeExpired(env, redeemedAt + RETENTION.joinCodeMs + 1);
    expect(await codesFor(org.id)).toHaveLength(0);
  });

  it("deletes in bounded batches and is idempotent", async () => {
    const owner = await signUp();
    const org = await createOrgFor(owner);
    await api(`/api/orgs/${org.id}/join-codes`, { body: { count: 7 }, as: owner.cookie });
    const at = Date.now() + DAY + RETENTION.joinCodeMs + 60_000;
    const first = await purgeExpired(env, at, { batchSize: 2, maxBatches: 2 });
    expect(first.joinCode).toBe(4);
    expect(await codesFor(org.id)).toHaveLength(3);
    const second = await purgeExpired(env, at, { batchSize: 2, maxBatches: 10 });
    expect(second.joinCode).toBe(3);
    const third = await purgeExpired(env, at, { batchSize: 2, maxBatches: 10 });
    // Every rule deletes nothing the third time.
    expect(third).toEqual({
      operation: 0,
      joinCode: 0,
      auditEvent: 0,
      session: 0,
      verification: 0,
      deviceLogin: 0,
      jobLog: 0,
      job: 0,
      archiveObjects: 0,
      volumeUpload: 0,
      orphanBlob: 0,
    });
  });
});

describe("the scheduled handler", () => {
  it("runs the purge on the cron", async () => {
    const owner = await signUp();
    await env.DB.prepare("UPDATE session SET expires_at = ? WHERE user_id = ?")
      .bind(Date.now() - 1000, owner.id)
      .run();
    const controller = createScheduledController({ scheduledTime: new Date(), cron: "17 * * * *" });
    await worker.scheduled(controller, env);
    expect(await count("session WHERE user_id = ?", owner.id)).toBe(0);
  });
});

describe("purgeExpired: jobs", () => {
  it("keeps finished jobs and their logs 90 days, live jobs always", async () => {
    const owner = await signUp();
    const org = await createOrgFor(owner);
    const now = Date.now();
    const insert = env.DB.prepare(
      "INSERT INTO job (id, org_id, project_id, submitter_id, archive_key, archive_sha256, command, env_names, env_sealed, volume_ids, state, timeout_seconds, created_at, finished_at) VALUES (?, ?, 'p', ?, 'k', 's', '[]', '[]', '', '[]', ?, 60, ?, ?)",
    );
    await env.DB.batch([
      insert.bind(`${org.id}-done`, org.id, owner.id, "succeeded", now, now),
      insert.bind(`${org.id}-queued`, org.id, owner.id, "queued", now, null),
      env.DB.prepare("INSERT INTO job_log (job_id, at, stream, text) VALUES (?, ?, 'stdout', 'hi')").bind(`${org.id}-done`, now),
    ]);
    await purgeExpired(env, now + RETENTION.jobMs - 60_000);
    expect(await count("job WHERE org_id = ?", org.id)).toBe(2);
    expect(await count("job_log WHERE job_id = ?", `${org.id}-done`)).toBe(1);
    const purged = await purgeExpired(env, now + RETENTION.jobMs + 60_000);
    expect(purged).toMatchObject({ jobLog: 1, job: 1 });
    expect(await count("job WHERE org_id = ?", org.id)).toBe(1);
    expect(await count("job_log WHERE job_id = ?", `${org.id}-done`)).toBe(0);
  });
});
