import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "../support/client";
import { signUp, tokenFor } from "../support/factories";
import { createOrgFor } from "../support/org-factories";

afterEach(() => vi.restoreAllMocks());

function requestLines(spy: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
  return spy.mock.calls
    .map((call) => String(call[0]))
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.event === "request");
}

describe("the request log", () => {
  it("writes one line per request with the route pattern, status, duration and who asked", async () => {
    const owner = await signUp();
    const org = await createOrgFor(owner);
    const token = await tokenFor(owner);
    const spy = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const response = await api(`/api/orgs/${org.id}/members`, { as: token });
    expect(response.status).toBe(200);
    // The request's own time, then what it waited on: here D1 alone (the principal, the members).
    expect(response.headers.get("Server-Timing")).toMatch(/^app;dur=\d+, d1;dur=\d+;desc="\d+ calls?"$/);
    const lines = requestLines(spy);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: "GET", route: "/api/orgs/:orgId/members", status: 200, userId: owner.id, orgId: org.id });
    expect(typeof lines[0]!.requestId).toBe("string");
    expect(typeof lines[0]!.durationMs).toBe("number");
  });

  it("breaks a redemption's Server-Timing down into D1, the throttle objects and the org object", async () => {
    const owner = await signUp();
    const org = await createOrgFor(owner);
    const code = (await api(`/api/orgs/${org.id}/join-codes`, { body: {}, as: owner.cookie })).body.codes[0].code;
    const newcomer = await signUp();
    const response = await api("/api/join", { body: { code }, as: newcomer.cookie });
    expect(response.status).toBe(200);
    const metrics = Object.fromEntries(
      response.headers
        .get("Server-Timing")!
        .split(", ")
        .map((metric) => [metric.split(";")[0], metric]),
    );
    expect(Object.keys(metrics).sort()).toEqual(["app", "d1", "org", "throttle"]);
    expect(metrics.org).toMatch(/^org;dur=\d+;desc="1 call"$/);
    // The account's reserve, and the address's with its share of the global budget (the forgives come after the answer).
    expect(metrics.throttle).toMatch(/^throttle;dur=\d+;desc="2 calls"$/);
  });

  it("never logs a token, a code or a raw path", async () => {
    const owner = await signUp();
    const token = await tokenFor(owner);
    const spy = vi.spyOn(console, "log").mockImplementation(() => undefined);
    await api("/api/join", { body: { code: "1234-5678" }, as: token });
    await api("/api/me", { as: { token: "coh_notarealtoken000000000000000000" } });
    await api("/api/orgs/org_secret_looking_id/members", { as: token });
    const text = spy.mock.calls.map((call) => String(call[0])).join("\n");
    expect(text).not.toContain(token.token);
    expect(text).not.toContain("1234");
    expect(text).not.toContain("coh_notarealtoken");
    expect(text).not.toContain("org_secret_looking_id");
    expect(requestLines(spy).map((line) => line.status)).toEqual([404, 401, 404]);
  });
});
