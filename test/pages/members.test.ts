import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";
import { buttons, page, withCookies } from "./page-client";

async function liveCodes(cookie: { cookie: string }, orgId: string) {
  return (await api(`/api/orgs/${orgId}/join-codes`, { as: cookie })).body.codes as { id: string; hint: string; role: string }[];
}

async function roles(cookie: { cookie: string }, orgId: string): Promise<Record<string, string>> {
  const members = (await api(`/api/orgs/${orgId}/members`, { as: cookie })).body.members as { username: string; role: string }[];
  return Object.fromEntries(members.map((m) => [m.username, m.role]));
}

describe("/members buttons", () => {
  it("shows the Owner every action the rules allow, on the right members", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    const [admin, user] = [org.admins[0]!, org.users[0]!];
    const names = buttons((await page("/members", { cookie: org.owner.cookie.cookie })).html);
    expect(names).toEqual(
      expect.arrayContaining([
        "Generate code",
        "Create admin invite",
        "Download codes",
        `Promote ${user.username}`,
        `Remove ${user.username}`,
        `Demote ${admin.username}`,
        `Remove ${admin.username}`,
        `Transfer ownership to ${admin.username}`,
      ]),
    );
    expect(names).not.toContain(`Promote ${admin.username}`);
    expect(names).not.toContain(`Demote ${user.username}`);
    expect(names).not.toContain(`Transfer ownership to ${user.username}`);
    expect(names.filter((name) => name.includes(org.owner.username))).toEqual([]);
  });

  it("shows an Admin code buttons and Remove on Users only", async () => {
    const org = await orgWith({ admins: 2, users: 1 });
    const [admin, other, user] = [org.admins[0]!, org.admins[1]!, org.users[0]!];
    const names = buttons((await page("/members", { cookie: admin.cookie.cookie })).html);
    expect(names.sort()).toEqual(["Download codes", "Generate code", `Remove ${user.username}`, "Sign out"].sort());
    expect(names.join(" ")).not.toContain(other.username);
  });

  it("shows a User the members, roles and machines, and no button but Sign out", async () => {
    const org = await orgWith({ users: 1 });
    const user = org.users[0]!;
    await api(`/api/orgs/${org.id}/machines`, { body: { name: "gpu-box-7" }, as: org.owner.cookie });
    const response = await page("/members", { cookie: user.cookie.cookie });
    expect(buttons(response.html)).toEqual(["Sign out"]);
    expect(response.html).toContain("gpu-box-7");
    expect(response.html).toContain('<td data-label="Role">Owner</td>');
    expect(response.html).not.toContain("Live codes");
  });
});

describe("/members codes", () => {
  it("shows a generated code once, large, with its expiry; the list keeps only its hint", async () => {
    const org = await orgWith();
    const response = await page("/members/codes", { cookie: org.owner.cookie.cookie, form: { role: "user" } });
    expect(response.status).toBe(200);
    const code = /<output class="code"[^>]*>(\d{4}-\d{4})<\/output>/.exec(response.html)?.[1];
    expect(code).toBeDefined();
    expect(response.html).toMatch(/Expires <time datetime="[^"]+">/);
    const again = await page("/members", { cookie: org.owner.cookie.cookie });
    expect(again.html).not.toContain(code);
    expect(again.html).toContain(`••••-${code!.slice(5)}`);
  });

  it("refuses an admin invite asked for by an Admin, making no code", async () => {
    const org = await orgWith({ admins: 1 });
    const admin = org.admins[0]!;
    const response = await page("/members/codes", { cookie: admin.cookie.cookie, form: { role: "admin" } });
    expect(response.location).toBe("/members");
    const next = await page("/members", { cookie: withCookies(admin.cookie.cookie, response) });
    expect(next.html).toContain("Only the Owner can create admin invites.");
    expect(await liveCodes(org.owner.cookie, org.id)).toEqual([]);
  });

  it("answers the bulk form with a CSV attachment named after the org and the date", async () => {
    const org = await orgWith();
    const response = await page("/members/codes.csv", { cookie: org.owner.cookie.cookie, form: { count: "5" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/csv");
    const slug = org.name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    expect(response.headers.get("Content-Disposition")).toBe(
      `attachment; filename="${slug}-join-codes-${new Date().toISOString().slice(0, 10)}.csv"`,
    );
    const lines = response.html.trim().split("\r\n");
    expect(lines[0]).toBe("code,role,expires_at,label");
    expect(lines.slice(1).map((line) => line.split(",")[0])).toHaveLength(5);
    expect(await liveCodes(org.owner.cookie, org.id)).toHaveLength(5);
  });

  it.each(["0", "51", "five", ""])("refuses %j codes next to the How many field, making none", async (count) => {
    const org = await orgWith();
    const response = await page("/members/codes.csv", { cookie: org.owner.cookie.cookie, form: { count } });
    expect(response.status).toBe(400);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    expect(response.html).toMatch(/id="field-count-error">Enter a whole number from 1 to 50\./);
    expect(response.html).toContain(`value="${count}"`);
    expect(await liveCodes(org.owner.cookie, org.id)).toEqual([]);
  });

  it("revokes a live code", async () => {
    const org = await orgWith();
    await api(`/api/orgs/${org.id}/join-codes`, { body: {}, as: org.owner.cookie });
    const [code] = await liveCodes(org.owner.cookie, org.id);
    const response = await page(`/members/codes/${code!.id}/revoke`, { cookie: org.owner.cookie.cookie, form: {} });
    expect(response.location).toBe("/members");
    expect(await liveCodes(org.owner.cookie, org.id)).toEqual([]);
  });
});

describe("/members actions", () => {
  it("promotes and demotes through the forms", async () => {
    const org = await orgWith({ users: 1 });
    const user = org.users[0]!;
    await page(`/members/${user.id}/role`, { cookie: org.owner.cookie.cookie, form: { role: "admin" } });
    expect((await roles(org.owner.cookie, org.id))[user.username]).toBe("admin");
    await page(`/members/${user.id}/role`, { cookie: org.owner.cookie.cookie, form: { role: "user" } });
    expect((await roles(org.owner.cookie, org.id))[user.username]).toBe("user");
  });

  it("refuses an Admin's forged promote form and says why", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    const [admin, user] = [org.admins[0]!, org.users[0]!];
    const response = await page(`/members/${user.id}/role`, { cookie: admin.cookie.cookie, form: { role: "admin" } });
    const next = await page("/members", { cookie: withCookies(admin.cookie.cookie, response) });
    expect(next.html).toContain("Only the Owner can promote or demote members.");
    expect((await roles(org.owner.cookie, org.id))[user.username]).toBe("user");
  });

  it("removes a member, whose next page load lands on setup", async () => {
    const org = await orgWith({ users: 1 });
    const user = org.users[0]!;
    const response = await page(`/members/${user.id}/remove`, { cookie: org.owner.cookie.cookie, form: {} });
    expect(response.location).toBe("/members");
    expect((await page("/members", { cookie: user.cookie.cookie })).location).toBe("/setup");
  });

  it("refuses an Admin removing another Admin", async () => {
    const org = await orgWith({ admins: 2 });
    await page(`/members/${org.admins[1]!.id}/remove`, { cookie: org.admins[0]!.cookie.cookie, form: {} });
    expect((await roles(org.owner.cookie, org.id))[org.admins[1]!.username]).toBe("admin");
  });
});

describe("/members/transfer", () => {
  it("keeps everything and says which name was wrong on a mismatch", async () => {
    const org = await orgWith({ admins: 1 });
    const admin = org.admins[0]!;
    const response = await page("/members/transfer", {
      cookie: org.owner.cookie.cookie,
      form: { userId: admin.id, confirmOrgName: org.name, confirmUsername: `${admin.username} ` },
    });
    expect(response.status).toBe(400);
    expect(response.html).toContain('id="field-confirmUsername-error"');
    expect(response.html).not.toContain('id="field-confirmOrgName-error"');
    expect(response.html).toContain(`value="${org.name}"`);
    expect(await roles(org.owner.cookie, org.id)).toMatchObject({ [org.owner.username]: "owner", [admin.username]: "admin" });
    const events = (await api(`/api/orgs/${org.id}/events`, { as: org.owner.cookie })).body.events as { action: string }[];
    expect(events.map((event) => event.action)).not.toContain("ownership.transferred");
  });

  it("transfers with an exact confirmation: the Admin becomes Owner, the Owner an Admin", async () => {
    const org = await orgWith({ admins: 1 });
    const admin = org.admins[0]!;
    const response = await page("/members/transfer", {
      cookie: org.owner.cookie.cookie,
      form: { userId: admin.id, confirmOrgName: org.name, confirmUsername: admin.username },
    });
    expect(response.location).toBe("/members");
    expect(await roles(admin.cookie, org.id)).toMatchObject({ [org.owner.username]: "admin", [admin.username]: "owner" });
  });

  it("offers no confirmation page for a User target", async () => {
    const org = await orgWith({ users: 1 });
    const response = await page(`/members/transfer?userId=${org.users[0]!.id}`, { cookie: org.owner.cookie.cookie });
    expect(response.location).toBe("/members");
  });

  it("renders the confirmation page with both fields and the button", async () => {
    const org = await orgWith({ admins: 1 });
    const response = await page(`/members/transfer?userId=${org.admins[0]!.id}`, { cookie: org.owner.cookie.cookie });
    expect(response.status).toBe(200);
    expect(response.html).toContain(">Organization name</label>");
    expect(response.html).toContain(">Username</label>");
    expect(buttons(response.html)).toContain("Confirm transfer");
  });
});
