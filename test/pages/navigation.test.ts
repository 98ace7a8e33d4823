import { describe, expect, it } from "vitest";
import { signUp } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { page } from "./page-client";

const MEMBER_PAGES = ["/", "/members", "/settings", "/machines", "/volumes", "/projects", "/activity", "/jobs"];

describe("page guards", () => {
  it.each(MEMBER_PAGES)("sends a signed-out visitor of %s to sign in", async (path) => {
    const response = await page(path);
    expect(response.status).toBe(303);
    expect(response.location).toBe("/sign-in");
  });

  it.each([...MEMBER_PAGES, "/members/transfer"])("sends a signed-in user without an org from %s to setup", async (path) => {
    const user = await signUp();
    const response = await page(path, { cookie: user.cookie.cookie });
    expect(response.status).toBe(303);
    expect(response.location).toBe("/setup");
  });

  it("sends a member away from setup to the dashboard", async () => {
    const org = await orgWith();
    const response = await page("/setup", { cookie: org.owner.cookie.cookie });
    expect(response.location).toBe("/");
  });

  it("sends a signed-out visitor of setup to sign in", async () => {
    expect((await page("/setup")).location).toBe("/sign-in");
  });

  it.each(MEMBER_PAGES)("shows the org name in the header of %s", async (path) => {
    const org = await orgWith({ admins: 1 });
    const response = await page(path, { cookie: org.admins[0]!.cookie.cookie });
    expect(response.status).toBe(200);
    expect(response.html).toContain(`<a class="brand" href="/">${org.name}</a>`);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("keeps the API answering JSON, untouched by the page middleware", async () => {
    const user = await signUp();
    const response = await page("/api/me", { cookie: user.cookie.cookie, headers: { Accept: "application/json" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBeNull();
    expect(JSON.parse(response.html).org).toBeNull();
  });

  it("refuses a form posted from another origin", async () => {
    const org = await orgWith();
    const response = await page("/settings", {
      cookie: org.owner.cookie.cookie,
      form: { name: "Hijacked" },
      headers: { Origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
    expect(response.html).toContain("another site");
  });

  it("refuses the activity log to a plain User", async () => {
    const org = await orgWith({ users: 1 });
    const response = await page("/activity", { cookie: org.users[0]!.cookie.cookie });
    expect(response.status).toBe(403);
    expect(response.headers.get("Content-Type")).toContain("text/html");
  });
});
