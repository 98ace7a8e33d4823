import { describe, expect, it } from "vitest";
import { signUp } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { page } from "../pages/page-client";

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
});
