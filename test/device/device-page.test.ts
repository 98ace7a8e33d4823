import { describe, expect, it } from "vitest";
import { signUp } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { buttons, page, withCookies } from "../pages/page-client";
import { poll, startLogin } from "./helpers";

describe("/device", () => {
  it("sends a signed-out visitor to sign in, and back to the same /device link afterwards", async () => {
    const grant = await startLogin("cohort CLI on laptop");
    const response = await page(`/device?code=${grant.userCode}`);
    expect(response.status).toBe(303);
    expect(response.location).toBe(`/sign-in?next=${encodeURIComponent(`/device?code=${grant.userCode}`)}`);

    const user = await signUp();
    const form = await page(response.location!);
    expect(form.html).toContain(`name="next" value="/device?code=${grant.userCode}"`);
    const signedIn = await page("/sign-in", {
      form: { email: user.email, password: user.password, next: `/device?code=${grant.userCode}` },
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe(`/device?code=${grant.userCode}`);
  });

  it.each(["//evil.example/x", "https://evil.example/", "/\\evil.example"])(
    "never sends a person elsewhere after sign-in (next=%s)",
    async (next) => {
      const user = await signUp();
      const signedIn = await page("/sign-in", { form: { email: user.email, password: user.password, next } });
      expect(signedIn.location).toBe("/");
    },
  );

  it("shows a field labelled Code and the buttons Approve and Deny, to a user in no org (no /setup detour)", async () => {
    const user = await signUp();
    const response = await page("/device", { cookie: user.cookie.cookie });
    expect(response.status).toBe(200);
    expect(response.html).toMatch(/<label for="field-code">Code<\/label>/);
    expect(buttons(response.html)).toEqual(expect.arrayContaining(["Approve", "Deny"]));
  });

  it("names the client that asked, as whom and when, with the code prefilled", async () => {
    const org = await orgWith();
    const grant = await startLogin("cohort CLI on laptop");
    const response = await page(`/device?code=${grant.userCode}`, { cookie: org.owner.cookie.cookie });
    expect(response.status).toBe(200);
    expect(response.html).toContain(`“cohort CLI on laptop” asked to sign in as <strong>${org.owner.username}</strong> at <time`);
    expect(response.html).toContain(`value="${grant.userCode}"`);
    // A member sees their org in the header, as on every page.
    expect(response.html).toContain(org.name);
  });

  it("says an unknown code next to the Code field", async () => {
    const user = await signUp();
    const response = await page("/device?code=BBBB-BBBB", { cookie: user.cookie.cookie });
    expect(response.status).toBe(404);
    expect(response.html).toContain('id="field-code-error"');
  });

  it("approves with the Approve button and redirects with a message; the client then gets its token", async () => {
    const user = await signUp();
    const grant = await startLogin("cohort CLI on laptop");
    const response = await page("/device", {
      cookie: user.cookie.cookie,
      form: { code: grant.userCode.toLowerCase(), decision: "approve" },
    });
    expect(response.status).toBe(303);
    expect(response.location).toBe("/device");
    const next = await page("/device", { cookie: withCookies(user.cookie.cookie, response) });
    expect(next.html).toContain("Approved: “cohort CLI on laptop”");
    const token = await poll(grant.deviceCode);
    expect(token.status).toBe(200);
    expect(token.body.user.id).toBe(user.id);
  });

  it("denies with the Deny button", async () => {
    const user = await signUp();
    const grant = await startLogin("not mine");
    const response = await page("/device", { cookie: user.cookie.cookie, form: { code: grant.userCode, decision: "deny" } });
    expect(response.status).toBe(303);
    const next = await page("/device", { cookie: withCookies(user.cookie.cookie, response) });
    expect(next.html).toContain("Denied: “not mine”");
    expect((await poll(grant.deviceCode)).body.error.code).toBe("access_denied");
  });

  it("decides nothing without a pressed button", async () => {
    const user = await signUp();
    const grant = await startLogin("no button");
    const response = await page("/device", { cookie: user.cookie.cookie, form: { code: grant.userCode } });
    expect(response.status).toBe(400);
    expect(response.html).toContain("Choose Approve or Deny.");
    expect((await poll(grant.deviceCode)).body.error.code).toBe("authorization_pending");
  });

  it("refuses a form post from a foreign Origin with 403, and approves nothing", async () => {
    const user = await signUp();
    const grant = await startLogin("csrf page");
    const response = await page("/device", {
      cookie: user.cookie.cookie,
      form: { code: grant.userCode, decision: "approve" },
      headers: { Origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
    expect((await poll(grant.deviceCode)).body.error.code).toBe("authorization_pending");
  });
});
