import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { signUp } from "../support/factories";
import { newMember, orgWith } from "../support/org-factories";
import { page } from "../pages/page-client";
import { auditActions, redeem } from "./helpers";

describe("POST /api/orgs/:orgId/join-codes with labels", () => {
  it("gives each code its label, in order, and counts the labels when no count is sent", async () => {
    const org = await orgWith();
    const labels = ["Ada Lovelace", "  s1234  ", ""];
    const response = await api(`/api/orgs/${org.id}/join-codes`, { body: { labels }, as: org.owner.cookie });
    expect(response.status).toBe(201);
    expect(response.body.codes.map((code: { label: string }) => code.label)).toEqual(["Ada Lovelace", "s1234", ""]);
    const listed = await api(`/api/orgs/${org.id}/join-codes`, { as: org.owner.cookie });
    expect(listed.body.codes.map((code: { label: string }) => code.label).sort()).toEqual(["", "Ada Lovelace", "s1234"]);
  });

  it("gives every code an empty label without labels", async () => {
    const org = await orgWith();
    const response = await api(`/api/orgs/${org.id}/join-codes`, { body: { count: 2 }, as: org.owner.cookie });
    expect(response.body.codes.map((code: { label: string }) => code.label)).toEqual(["", ""]);
  });

  it.each([
    [{ count: 2, labels: ["one"] }, "labels"],
    [{ count: 1, labels: ["one", "two"] }, "labels"],
    [{ labels: ["x".repeat(101)] }, "labels.0"],
    [{ labels: [] }, "labels"],
    [{ labels: Array.from({ length: 51 }, (_, i) => `s${i}`) }, "labels"],
    [{ labels: [7] }, "labels.0"],
  ])("refuses %j with 400 and makes no code", async (body, field) => {
    const org = await orgWith();
    const response = await api(`/api/orgs/${org.id}/join-codes`, { body, as: org.owner.cookie });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
    expect(response.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect((await api(`/api/orgs/${org.id}/join-codes`, { as: org.owner.cookie })).body.codes).toEqual([]);
  });

  it("accepts exactly 100 characters after trimming", async () => {
    const org = await orgWith();
    const response = await api(`/api/orgs/${org.id}/join-codes`, { body: { labels: [` ${"x".repeat(100)} `] }, as: org.owner.cookie });
    expect(response.status).toBe(201);
    expect(response.body.codes[0].label).toHaveLength(100);
  });

  it("writes the label as the CSV's fourth column, escaped against formulas", async () => {
    const org = await orgWith();
    const labels = ["=1+1", "+x", "-y", "@z", "Jane, Doe"];
    const response = await api(`/api/orgs/${org.id}/join-codes`, {
      body: { labels },
      as: org.owner.cookie,
      headers: { Accept: "text/csv" },
    });
    const lines = (response.body as string).trim().split("\r\n");
    expect(lines[0]).toBe("code,role,expires_at,label");
    expect(lines.slice(1).map((line) => line.slice(line.indexOf("Z,") + 2))).toEqual(["'=1+1", "'+x", "'-y", "'@z", '"Jane, Doe"']);
  });
});

describe("GET /api/orgs/:orgId/join-codes?status=redeemed", () => {
  it("lists who used which code, newest first, and names the label in the audit log", async () => {
    const org = await orgWith();
    const made = await api(`/api/orgs/${org.id}/join-codes`, { body: { labels: ["first", "second", "unused"] }, as: org.owner.cookie });
    const [first, second] = made.body.codes;
    const ada = await signUp();
    const bob = await signUp();
    expect((await redeem(ada.cookie, first.code)).status).toBe(200);
    expect((await redeem(bob.cookie, second.code)).status).toBe(200);
    const response = await api(`/api/orgs/${org.id}/join-codes?status=redeemed`, { as: org.owner.cookie });
    expect(response.status).toBe(200);
    expect(
      response.body.codes.map((code: { label: string; redeemedBy: { username: string } }) => [code.label, code.redeemedBy.username]),
    ).toEqual([
      ["second", bob.username],
      ["first", ada.username],
    ]);
    const entry = response.body.codes[0];
    expect(Object.keys(entry).sort()).toEqual(["createdAt", "createdBy", "hint", "id", "label", "redeemedAt", "redeemedBy", "role"]);
    expect(entry.redeemedBy.userId).toBe(bob.id);
    expect(entry.hint).toMatch(/^••••-\d{4}$/);
    expect(JSON.stringify(response.body)).not.toContain(second.code);
    const redeemed = (await auditActions(org.id)).filter((event) => event.action === "code.redeemed");
    expect(redeemed.map((event) => JSON.parse(event.details).label).sort()).toEqual(["first", "second"]);
    // The live list no longer has them.
    const live = await api(`/api/orgs/${org.id}/join-codes`, { as: org.owner.cookie });
    expect(live.body.codes.map((code: { label: string }) => code.label)).toEqual(["unused"]);
  });

  it("shows Admins the user codes only, the Owner every code, and refuses Users", async () => {
    const org = await orgWith({ admins: 1 });
    const invite = await api(`/api/orgs/${org.id}/join-codes`, { body: { role: "admin", labels: ["new admin"] }, as: org.owner.cookie });
    const code = await api(`/api/orgs/${org.id}/join-codes`, { body: { labels: ["student"] }, as: org.owner.cookie });
    expect((await redeem((await signUp()).cookie, invite.body.codes[0].code)).status).toBe(200);
    expect((await redeem((await signUp()).cookie, code.body.codes[0].code)).status).toBe(200);
    const labelsFor = async (as: { cookie: string }) =>
      (await api(`/api/orgs/${org.id}/join-codes?status=redeemed`, { as })).body.codes.map((c: { label: string }) => c.label).sort();
    expect(await labelsFor(org.owner.cookie)).toEqual(["new admin", "student"]);
    expect(await labelsFor(org.admins[0]!.cookie)).toEqual(["student"]);
    const user = await newMember(org.id, "user");
    expect((await api(`/api/orgs/${org.id}/join-codes?status=redeemed`, { as: user.cookie })).status).toBe(403);
    expect((await api(`/api/orgs/${org.id}/join-codes?status=bogus`, { as: org.owner.cookie })).status).toBe(400);
  });
});

describe("the members page", () => {
  it("makes labelled codes from the bulk form and lists who redeemed them", async () => {
    const org = await orgWith();
    const response = await page("/members/codes.csv", {
      cookie: org.owner.cookie.cookie,
      form: { count: "", labels: "Ada\r\nBob\r\n\r\n" },
    });
    expect(response.status).toBe(200);
    const lines = response.html.trim().split("\r\n");
    expect(lines.slice(1).map((line) => line.split(",")[3])).toEqual(["Ada", "Bob"]);
    const joiner = await signUp();
    expect((await redeem(joiner.cookie, lines[1]!.split(",")[0])).status).toBe(200);
    const members = await page("/members", { cookie: org.owner.cookie.cookie });
    expect(members.html).toContain("Labels");
    expect(members.html).toContain("Recently redeemed");
    expect(members.html).toContain(`@${joiner.username}`);
  });

  it("refuses labels that do not match How many, making none", async () => {
    const org = await orgWith();
    const response = await page("/members/codes.csv", { cookie: org.owner.cookie.cookie, form: { count: "3", labels: "Ada\nBob" } });
    expect(response.status).toBe(400);
    expect((await api(`/api/orgs/${org.id}/join-codes`, { as: org.owner.cookie })).body.codes).toEqual([]);
  });
});
