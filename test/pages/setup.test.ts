import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { signUp, unique } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { page } from "./page-client";

async function codeOf(cookie: { cookie: string }, orgId: string, role: "user" | "admin" = "user"): Promise<string> {
  const response = await api(`/api/orgs/${orgId}/join-codes`, { body: { role }, as: cookie });
  return response.body.codes[0].code;
}

describe("/setup", () => {
  it("creates an organization with the person as its Owner", async () => {
    const user = await signUp();
    const name = unique("Lab ");
    const response = await page("/setup/create", { cookie: user.cookie.cookie, form: { name } });
    expect(response.location).toBe("/");
    const me = await api("/api/me", { as: user.cookie });
    expect(me.body).toMatchObject({ org: { name }, role: "owner" });
  });

  it("refuses an empty organization name next to the field", async () => {
    const user = await signUp();
    const response = await page("/setup/create", { cookie: user.cookie.cookie, form: { name: "   " } });
    expect(response.status).toBe(400);
    expect(response.html).toContain('id="field-name-error"');
    expect((await api("/api/me", { as: user.cookie })).body.org).toBeNull();
  });

  it("joins with a code typed with a dash or spaces, in the code's role", async () => {
    const org = await orgWith();
    const user = await signUp();
    const code = await codeOf(org.owner.cookie, org.id, "admin");
    const response = await page("/setup/join", { cookie: user.cookie.cookie, form: { code: ` ${code.replace("-", " ")} ` } });
    expect(response.location).toBe("/");
    expect((await api("/api/me", { as: user.cookie })).body).toMatchObject({ org: { id: org.id }, role: "admin" });
  });

  it("says an unknown code next to the Join code field, keeping what was typed", async () => {
    const user = await signUp();
    const response = await page("/setup/join", { cookie: user.cookie.cookie, form: { code: "0000-0000" } });
    expect(response.status).toBe(404);
    expect(response.html).toMatch(/id="field-code-error">That code is not valid\./);
    expect(response.html).toContain('value="0000-0000"');
  });

  it("refuses a malformed code before looking anything up", async () => {
    const user = await signUp();
    const response = await page("/setup/join", { cookie: user.cookie.cookie, form: { code: "1e7" } });
    expect(response.status).toBe(400);
    expect(response.html).toContain('id="field-code-error"');
  });
});
