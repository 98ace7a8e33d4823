import { describe, expect, it } from "vitest";
import { clock } from "../../src/clock";
import { api } from "../support/client";
import { tokenFor } from "../support/factories";
import { orgWith } from "../support/org-factories";

describe("agent authentication", () => {
  it("refuses a person's cookie, a person's API token, no credential and an unknown token on /api/agent/*", async () => {
    const org = await orgWith();
    const apiToken = await tokenFor(org.owner);
    expect((await api("/api/agent/claim", { method: "POST", as: org.owner.cookie })).status).toBe(401);
    expect((await api("/api/agent/claim", { method: "POST", as: apiToken })).status).toBe(401);
    expect((await api("/api/agent/claim", { method: "POST" })).status).toBe(401);
    expect((await api("/api/agent/claim", { method: "POST", as: { token: "coh_agent_nope" } })).status).toBe(401);
    // A cookie with no Origin is still 401 here, not a CSRF 403: agent paths never act on cookies.
    expect((await api("/api/agent/claim", { method: "POST", headers: { Cookie: org.owner.cookie.cookie } })).status).toBe(401);
    const body = (await api("/api/agent/claim", { method: "POST", as: apiToken })).body;
    expect(body.error.code).toBe("unauthenticated");
  });

  it("refuses an agent token everywhere else", async () => {
    const org = await orgWith();
    const { agentToken } = (await api(`/api/orgs/${org.id}/machines`, { body: { name: "rig" }, as: org.owner.cookie })).body;
    expect((await api("/api/me", { as: { token: agentToken } })).status).toBe(401);
    expect((await api(`/api/orgs/${org.id}/machines`, { as: { token: agentToken } })).status).toBe(401);
    expect((await api(`/api/orgs/${org.id}/jobs`, { as: { token: agentToken } })).status).toBe(401);
  });

  it("records lastSeenAt on the agent's requests, at most every 30 s", async () => {
    const org = await orgWith();
    const { agentToken, machine } = (await api(`/api/orgs/${org.id}/machines`, { body: { name: "rig" }, as: org.owner.cookie })).body;
    const realNow = clock.now;
    try {
      const start = Date.now();
      clock.now = () => start;
      await api("/api/agent/claim", { method: "POST", as: { token: agentToken } });
      const seen = async () =>
        (await api(`/api/orgs/${org.id}/machines`, { as: org.owner.cookie })).body.machines.find((m: { id: string }) => m.id === machine.id)
          .lastSeenAt;
      await expect.poll(seen).toBe(new Date(start).toISOString());
      clock.now = () => start + 10_000;
      await api("/api/agent/claim", { method: "POST", as: { token: agentToken } });
      clock.now = () => start + 40_000;
      await api("/api/agent/claim", { method: "POST", as: { token: agentToken } });
      await expect.poll(seen).toBe(new Date(start + 40_000).toISOString());
    } finally {
      clock.now = realNow;
    }
  });
});
