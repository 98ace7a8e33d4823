import { describe, expect, it } from "vitest";
import { signUp } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { page, withCookies } from "../pages/page-client";

const mainTag = (html: string) => html.match(/<main[^>]*>/)?.[0] ?? "";

describe("member pages declare what they show, for the live script", () => {
  it.each([
    ["/", "org members"],
    ["/members", "members codes org"],
    ["/machines", "machines members"],
    ["/volumes", "machines members"],
    ["/settings", "org"],
    ["/activity", "org members codes machines projects jobs"],
  ])("%s names its org and topics, and may be refetched", async (path, topics) => {
    const org = await orgWith();
    const { status, html } = await page(path, { cookie: org.owner.cookie.cookie });
    expect(status).toBe(200);
    expect(html).toContain(`<body data-live-org="${org.id}">`);
    expect(mainTag(html)).toContain(`data-live-topics="${topics}"`);
    expect(mainTag(html)).toContain("data-live-refetch");
  });

  it("marks a form post's answer (a code shown once) as not to be refetched", async () => {
    const org = await orgWith();
    const { status, html } = await page("/members/codes", { cookie: org.owner.cookie.cookie, form: { role: "user" } });
    expect(status).toBe(200);
    expect(html).toContain(`data-live-org="${org.id}"`);
    expect(mainTag(html)).not.toContain("data-live-refetch");
  });

  it("opens no socket on pages of people without an org or signed out", async () => {
    const loner = await signUp();
    expect((await page("/setup", { cookie: loner.cookie.cookie })).html).not.toContain("data-live-org");
    expect((await page("/sign-in")).html).not.toContain("data-live-org");
  });

  it("leaves the flash message of a form post for its own page when the script refetches meanwhile", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const posted = await page(`/members/${sam.id}/role`, { cookie: org.owner.cookie.cookie, form: { role: "admin" } });
    expect(posted.status).toBe(303);
    const cookie = withCookies(org.owner.cookie.cookie, posted);
    const refetch = await page("/members", { cookie, headers: { "X-Cohort-Live-Refetch": "1" } });
    expect(refetch.html).not.toContain("is now an Admin");
    expect(refetch.headers.getSetCookie().join()).not.toContain("cohort.flash");
    expect((await page("/members", { cookie })).html).toContain(`@${sam.username} is now an Admin`);
  });
});
