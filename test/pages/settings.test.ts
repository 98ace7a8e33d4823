import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";
import { buttons, page, withCookies } from "./page-client";

const PROFILE = { name: "", website: "", location: "", sector: "", universityName: "", description: "" };

describe("/settings", () => {
  it("saves the profile and shows it on the dashboard", async () => {
    const org = await orgWith({ admins: 1 });
    const form = {
      ...PROFILE,
      name: org.name,
      website: "https://lab.example.org",
      location: "Oslo",
      sector: "Research",
      universityName: "UiO",
      description: "Seeing machines.",
    };
    const response = await page("/settings", { cookie: org.admins[0]!.cookie.cookie, form });
    expect(response.location).toBe("/settings");
    const dashboard = await page("/", { cookie: org.owner.cookie.cookie });
    expect(dashboard.html).toContain('<a href="https://lab.example.org" rel="noopener noreferrer">https://lab.example.org</a>');
    expect(dashboard.html).toContain('<p class="org-description"><em>Seeing machines.</em></p>');
    for (const text of ["Oslo", "Research", "UiO"]) expect(dashboard.html).toContain(`<dd>${text}</dd>`);
  });

  it("refuses a javascript: website next to the field, keeping every value and changing nothing", async () => {
    const org = await orgWith();
    const form = { ...PROFILE, name: org.name, website: "javascript:alert(1)", location: "Kept" };
    const response = await page("/settings", { cookie: org.owner.cookie.cookie, form });
    expect(response.status).toBe(400);
    expect(response.html).toContain('id="field-website-error"');
    expect(response.html).toContain('value="Kept"');
    expect((await api(`/api/orgs/${org.id}`, { as: org.owner.cookie })).body.org).toMatchObject({ website: "", location: "" });
  });

  it("escapes user text everywhere it is shown", async () => {
    const org = await orgWith();
    const payload = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
    await page("/settings", {
      cookie: org.owner.cookie.cookie,
      form: { ...PROFILE, name: org.name, description: payload, location: payload },
    });
    for (const path of ["/", "/settings"]) {
      const response = await page(path, { cookie: org.owner.cookie.cookie });
      expect(response.html).not.toContain("<script>alert");
      expect(response.html).not.toContain("<img src=x");
      expect(response.html).toContain("&lt;script&gt;");
    }
  });

  it("shows a User the profile read-only, without Save, and refuses a forged save", async () => {
    const org = await orgWith({ users: 1 });
    const user = org.users[0]!;
    const view = await page("/settings", { cookie: user.cookie.cookie });
    expect(buttons(view.html)).toEqual(["Sign out", "Leave this organization"]);
    expect(view.html).toMatch(/<input[^>]*name="name"[^>]*readonly=""|<input[^>]*readonly=""[^>]*name="name"/);
    const forged = await page("/settings", { cookie: user.cookie.cookie, form: { ...PROFILE, name: "Taken over" } });
    expect(forged.status).toBe(403);
    expect((await api(`/api/orgs/${org.id}`, { as: user.cookie })).body.org.name).toBe(org.name);
  });

  it("lets a User leave and lands them on setup with a message", async () => {
    const org = await orgWith({ users: 1 });
    const user = org.users[0]!;
    const response = await page("/settings/leave", { cookie: user.cookie.cookie, form: {} });
    expect(response.location).toBe("/setup");
    const setup = await page("/setup", { cookie: withCookies(user.cookie.cookie, response) });
    expect(setup.html).toContain(`You left ${org.name}.`);
    expect((await api("/api/me", { as: user.cookie })).body.org).toBeNull();
  });

  it("shows the Owner no Leave button, and refuses a forged leave with the reason", async () => {
    const org = await orgWith();
    const view = await page("/settings", { cookie: org.owner.cookie.cookie });
    expect(buttons(view.html)).not.toContain("Leave this organization");
    expect(view.html).toContain("transfer ownership to an Admin first");
    const response = await page("/settings/leave", { cookie: org.owner.cookie.cookie, form: {} });
    expect(response.location).toBe("/settings");
    expect((await api("/api/me", { as: org.owner.cookie })).body.role).toBe("owner");
  });
});

describe("/machines and /volumes", () => {
  it("registers a machine that then shows on the member list, and deletes it", async () => {
    const org = await orgWith({ users: 1 });
    const user = org.users[0]!;
    const created = await page("/machines", { cookie: user.cookie.cookie, form: { name: "rig-1", hostname: "rig-1.lab", gpus: "4" } });
    expect(created.status).toBe(200);
    // The agent token is shown on this answer, once.
    expect(created.html).toMatch(/coh_agent_[0-9a-z]{32}/);
    expect((await page("/machines", { cookie: user.cookie.cookie })).html).not.toMatch(/coh_agent_/);
    const machines = (await api(`/api/orgs/${org.id}/machines`, { as: user.cookie })).body.machines as {
      id: string;
      name: string;
      gpus: number;
    }[];
    expect(machines).toMatchObject([{ name: "rig-1", gpus: 4 }]);
    expect((await page("/members", { cookie: org.owner.cookie.cookie })).html).toContain("rig-1");
    await page(`/machines/${machines[0]!.id}/delete`, { cookie: user.cookie.cookie, form: {} });
    expect((await api(`/api/orgs/${org.id}/machines`, { as: user.cookie })).body.machines).toEqual([]);
  });

  it("refuses a bad GPU count next to its field", async () => {
    const org = await orgWith();
    const response = await page("/machines", { cookie: org.owner.cookie.cookie, form: { name: "rig", hostname: "", gpus: "-1" } });
    expect(response.status).toBe(400);
    expect(response.html).toContain('id="field-gpus-error"');
    expect(response.html).toContain('value="rig"');
  });

  it("creates and lists only the member's own volumes, and refuses deleting another's", async () => {
    const org = await orgWith({ users: 1 });
    const user = org.users[0]!;
    await page("/volumes", { cookie: user.cookie.cookie, form: { name: "datasets", sizeGb: "20" } });
    await page("/volumes", { cookie: org.owner.cookie.cookie, form: { name: "owner-stuff", sizeGb: "5" } });
    const mine = await page("/volumes", { cookie: user.cookie.cookie });
    expect(mine.html).toContain("datasets");
    expect(mine.html).not.toContain("owner-stuff");
    const ownerVolumes = (await api(`/api/orgs/${org.id}/volumes`, { as: org.owner.cookie })).body.volumes as { id: string }[];
    const refused = await page(`/volumes/${ownerVolumes[0]!.id}/delete`, { cookie: user.cookie.cookie, form: {} });
    expect(refused.location).toBe("/volumes");
    expect((await api(`/api/orgs/${org.id}/volumes`, { as: org.owner.cookie })).body.volumes).toHaveLength(1);
  });
});

describe("/activity", () => {
  it("lists membership events newest first for the Owner", async () => {
    const org = await orgWith({ users: 1 });
    await page(`/members/${org.users[0]!.id}/role`, { cookie: org.owner.cookie.cookie, form: { role: "admin" } });
    const response = await page("/activity", { cookie: org.owner.cookie.cookie });
    const changed = response.html.indexOf(`changed @${org.users[0]!.username}&#39;s role to Admin`);
    const created = response.html.indexOf("created the organization");
    expect(changed).toBeGreaterThan(-1);
    expect(created).toBeGreaterThan(changed);
  });
});
