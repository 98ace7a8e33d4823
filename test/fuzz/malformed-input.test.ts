import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { workerFetch } from "../support/client";
import { tokenFor } from "../support/factories";
import { orgWith } from "../support/org-factories";

// `scripts/fuzz.sh` runs the long version (VITE_FUZZ_RUNS=1000 per endpoint); npm test runs fewer.
const meta = import.meta as unknown as { env?: Record<string, string | undefined> };
const RUNS = Number(meta.env?.VITE_FUZZ_RUNS ?? "40");

vi.setConfig({ testTimeout: 600_000 });

const TABLES = [
  "user",
  "session",
  "organization",
  "membership",
  "join_code",
  "api_token",
  "machine",
  "volume",
  "audit_event",
  "operation",
  "volume_file",
  "volume_upload",
  "volume_upload_part",
];

/** Everything a request could have changed, as one comparable value. */
async function snapshot(): Promise<string> {
  const counts = await env.DB.batch(TABLES.map((table) => env.DB.prepare(`SELECT '${table}' AS t, count(*) AS n FROM "${table}"`)));
  const orgs = await env.DB.prepare("SELECT * FROM organization ORDER BY id").all();
  const members = await env.DB.prepare("SELECT user_id, org_id, role FROM membership ORDER BY user_id").all();
  return JSON.stringify([counts.map((c) => c.results), orgs.results, members.results]);
}

/** A body that no schema accepts: not JSON, JSON of the wrong shape, or an object with a field nobody defines. */
const malformedBody = fc.oneof(
  // An empty body is `{}` by contract (an action without a body), so it is not malformed.
  fc.string({ minLength: 1, maxLength: 200 }).filter((text) => {
    if (text.trim() === "") return false;
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  }),
  fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.anything(), { maxLength: 5 })).map((value) => JSON.stringify(value)),
  fc
    .record(
      { unexpected: fc.anything(), name: fc.anything(), role: fc.anything(), code: fc.anything(), count: fc.anything() },
      { requiredKeys: ["unexpected"] },
    )
    .map((value) => JSON.stringify(value)),
  fc.string({ unit: "binary", maxLength: 100 }).map((text) => `{"name":"${text}`),
);

const malformedQuery = fc.oneof(
  fc.constantFrom(
    "limit=0",
    "limit=101",
    "limit=-1",
    "limit=abc",
    "limit=1.5",
    "limit=",
    "cursor=%zz",
    "status=bogus",
    "limit=99999999999999999999",
  ),
  fc.string({ maxLength: 40 }).map((text) => `limit=${encodeURIComponent(text)}&cursor=${encodeURIComponent(text)}`),
);

const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "",
  "application/jsonx",
);
const idempotencyKey = fc.option(fc.string({ unit: "grapheme-ascii", maxLength: 250 }), { nil: undefined });

describe("fuzz: malformed input on every endpoint", () => {
  it("never answers 5xx and never changes state", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    const owner = await tokenFor(org.owner);
    const user = org.users[0]!;
    const outsider = await tokenFor(org.admins[0]!);
    const volume = await workerFetch(`/api/orgs/${org.id}/volumes`, {
      method: "POST",
      headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "fuzzed", sizeGb: 1 }),
    });
    const volumeId = (volume.json as { volume: { id: string } }).volume.id;
    const mutations: { method: string; path: string }[] = [
      { method: "POST", path: "/api/orgs" },
      { method: "PATCH", path: `/api/orgs/${org.id}` },
      { method: "PUT", path: `/api/orgs/${org.id}/members/${user.id}/role` },
      { method: "POST", path: `/api/orgs/${org.id}/transfer` },
      { method: "POST", path: `/api/orgs/${org.id}/join-codes` },
      { method: "POST", path: "/api/join" },
      { method: "POST", path: "/api/tokens" },
      { method: "POST", path: `/api/orgs/${org.id}/machines` },
      { method: "POST", path: `/api/orgs/${org.id}/volumes` },
      { method: "POST", path: `/api/orgs/${org.id}/volumes/${volumeId}/uploads` },
      { method: "POST", path: "/api/auth/sign-up/email" },
      { method: "POST", path: "/api/auth/sign-in/email" },
    ];
    const reads = [
      `/api/orgs/${org.id}/events`,
      `/api/orgs/${org.id}/join-codes`,
      `/api/orgs/${org.id}/members`,
      `/api/orgs/${org.id}/volumes/${volumeId}/files`,
      "/api/me",
    ];
    const before = await snapshot();
    const seen: number[] = [];

    for (const target of mutations) {
      await fc.assert(
        fc.asyncProperty(malformedBody, contentType, idempotencyKey, fc.boolean(), async (body, type, key, asOutsider) => {
          const headers = new Headers({ Authorization: `Bearer ${(asOutsider ? outsider : owner).token}` });
          if (type) headers.set("Content-Type", type);
          if (key !== undefined) headers.set("Idempotency-Key", key);
          const { response } = await workerFetch(target.path, { method: target.method, headers, body });
          seen.push(response.status);
          expect(response.status, `${target.method} ${target.path} ${body}`).toBeLessThan(500);
          expect(response.status).toBeGreaterThanOrEqual(400);
        }),
        { numRuns: RUNS },
      );
    }
    for (const path of reads) {
      await fc.assert(
        fc.asyncProperty(malformedQuery, async (query) => {
          const { response } = await workerFetch(`${path}?${query}`, { headers: { Authorization: `Bearer ${owner.token}` } });
          seen.push(response.status);
          expect(response.status, `${path}?${query}`).toBeLessThan(500);
        }),
        { numRuns: RUNS },
      );
    }
    expect(await snapshot()).toBe(before);
    expect(seen.length).toBe((mutations.length + reads.length) * RUNS);
  });
});
