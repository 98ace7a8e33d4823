import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, newAccount, newPerson, signUpInPage, uniqueName } from "./browser.ts";

/** Two people in two browsers: what one does shows on the other's open page without a reload. */
let browser: Browser;
const people: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await Promise.all(people.map((context) => context.close()));
  await browser?.close();
});

async function personPage(): Promise<Page> {
  const context = await newPerson(browser);
  people.push(context);
  return context.newPage();
}

/** A mark only this very document carries: gone after any reload or navigation. */
const markDocument = (page: Page) => page.evaluate(() => ((window as unknown as { liveMark: number }).liveMark = 1));
const stillSameDocument = (page: Page) => page.evaluate(() => (window as unknown as { liveMark?: number }).liveMark === 1);

describe("open pages stay current", () => {
  const orgName = uniqueName("Live Lab ");
  const owner = newAccount("owner");
  const student = newAccount("student");
  let ownerPage: Page;
  let studentPage: Page;

  it("shows a member who joins in another browser on the Owner's open member list", async () => {
    ownerPage = await personPage();
    await signUpInPage(ownerPage, owner);
    await ownerPage.getByLabel("Organization name", { exact: true }).fill(orgName);
    await ownerPage.getByRole("button", { name: "Create organization" }).click();
    await ownerPage.waitForURL((url: URL) => url.pathname === "/");
    await ownerPage.getByRole("link", { name: "Members" }).click();
    await ownerPage.getByRole("button", { name: "Generate code" }).click();
    const code = (await ownerPage.locator("output.code").textContent()) ?? "";
    expect(code).toMatch(/^\d{4}-\d{4}$/);
    await ownerPage.goto("/members");
    await markDocument(ownerPage);
    // The member list's row of the student is the one with a button to remove them.
    const removeStudent = ownerPage.getByRole("button", { name: `Remove ${student.username}` });
    expect(await removeStudent.count()).toBe(0);

    studentPage = await personPage();
    await signUpInPage(studentPage, student);
    await studentPage.getByLabel("Join code", { exact: true }).fill(code);
    await studentPage.getByRole("button", { name: "Join", exact: true }).click();
    await studentPage.waitForURL((url: URL) => url.pathname === "/");

    await expect.poll(() => removeStudent.count(), { timeout: 5_000 }).toBe(1);
    expect(await stillSameDocument(ownerPage)).toBe(true);
    // The used code moved from the live list to the redeemed one.
    expect(
      await ownerPage
        .getByRole("row")
        .filter({ hasText: `@${student.username}` })
        .count(),
    ).toBe(2);
  });

  it("holds an update back while a field has unsent input, and applies it once the field is given up", async () => {
    await ownerPage.getByRole("button", { name: `Promote ${student.username}` }).click();
    await expect.poll(() => ownerPage.getByRole("status").textContent()).toContain(`@${student.username} is now an Admin`);
    await studentPage.goto("/members");
    await markDocument(ownerPage);
    const labels = ownerPage.getByLabel("Labels", { exact: true });
    await labels.fill("alice\nbob");
    const madeByStudent = ownerPage.getByRole("row").filter({ hasText: `@${student.username}` });
    const before = await madeByStudent.count();

    await studentPage.getByRole("button", { name: "Generate code" }).click();
    await studentPage.locator("output.code").waitFor();
    await ownerPage.waitForTimeout(1_500);
    expect(await labels.inputValue()).toBe("alice\nbob");
    expect(await madeByStudent.count()).toBe(before);

    await labels.fill("");
    await labels.blur();
    await expect.poll(() => madeByStudent.count(), { timeout: 5_000 }).toBe(before + 1);
    expect(await stillSameDocument(ownerPage)).toBe(true);
  });

  it("reloads a demoted Admin's open page with the new role", async () => {
    await studentPage.goto("/members");
    expect(await studentPage.locator(".account-name").textContent()).toContain("Admin");
    await markDocument(studentPage);
    await ownerPage.getByRole("button", { name: `Demote ${student.username}` }).click();
    await expect.poll(() => ownerPage.getByRole("status").textContent()).toContain(`@${student.username} is now a User`);
    await expect.poll(() => stillSameDocument(studentPage), { timeout: 5_000 }).toBe(false);
    await expect.poll(() => studentPage.locator(".account-name").textContent()).toContain("User");
    expect(new URL(studentPage.url()).pathname).toBe("/members");
  });

  it("keeps the answer of one's own leaving: the page lands on setup with its message", async () => {
    await studentPage.goto("/settings");
    await studentPage.getByRole("button", { name: "Leave this organization" }).click();
    await studentPage.waitForURL("**/setup");
    expect(await studentPage.getByRole("status").textContent()).toContain(`You left ${orgName}`);
    // Back in for the next step, with a fresh code.
    await ownerPage.goto("/members");
    await ownerPage.getByRole("button", { name: "Generate code" }).click();
    const code = (await ownerPage.locator("output.code").textContent()) ?? "";
    await studentPage.getByLabel("Join code", { exact: true }).fill(code);
    await studentPage.getByRole("button", { name: "Join", exact: true }).click();
    await studentPage.waitForURL((url: URL) => url.pathname === "/");
    await ownerPage.goto("/members");
  });

  it("sends the removed member's open page to account setup", async () => {
    await studentPage.goto("/members");
    await markDocument(studentPage);
    await ownerPage.getByRole("button", { name: `Remove ${student.username}` }).click();
    await expect.poll(() => ownerPage.getByRole("status").textContent()).toContain(`@${student.username} is removed`);
    await studentPage.waitForURL((url: URL) => url.pathname === "/setup", { timeout: 5_000 });
    await expect.poll(() => studentPage.getByLabel("Join code", { exact: true }).count()).toBe(1);
  });
});
