import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, launchChromium, newAccount, newPerson, signUpInPage, uniqueName, type Account } from "./browser.ts";

/**
 * One organization's life, in order, as its people click through it: each step builds on the
 * one before (the code generated in one is redeemed in the next).
 */
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe("the dashboard in Chromium", () => {
  const people: BrowserContext[] = [];
  const orgName = uniqueName("Vision Lab ");
  const owner = newAccount("owner");
  const student = newAccount("student");
  const plain = newAccount("plain");
  let ownerPage: Page;
  let studentPage: Page;
  let plainPage: Page;
  let firstCode = "";
  let bulkCodes: string[] = [];

  async function personPage(): Promise<Page> {
    const context = await newPerson(browser);
    people.push(context);
    return context.newPage();
  }

  afterAll(async () => {
    await Promise.all(people.map((context) => context.close()));
  });

  it("lets an Owner sign up, create an org, fill the profile and generate a code", async () => {
    ownerPage = await personPage();
    await signUpInPage(ownerPage, owner);
    await ownerPage.getByLabel("Organization name", { exact: true }).fill(orgName);
    await ownerPage.getByRole("button", { name: "Create organization" }).click();
    await ownerPage.waitForURL((url: URL) => url.pathname === "/");
    await expect.poll(() => ownerPage.locator(".brand").textContent()).toBe(orgName);

    await ownerPage.getByRole("link", { name: "Settings" }).click();
    await ownerPage.getByLabel("Website", { exact: true }).fill("https://vision.example.edu");
    await ownerPage.getByLabel("Location", { exact: true }).fill("Edinburgh");
    await ownerPage.getByLabel("Sector", { exact: true }).fill("Research");
    await ownerPage.getByLabel("University name", { exact: true }).fill("University of Example");
    await ownerPage.getByLabel("Description", { exact: true }).fill("We teach machines to see.");
    await ownerPage.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => ownerPage.getByRole("status").textContent()).toContain("saved");

    await ownerPage.getByRole("link", { name: "Dashboard" }).click();
    const website = ownerPage.getByRole("link", { name: "https://vision.example.edu" });
    expect(await website.getAttribute("href")).toBe("https://vision.example.edu");
    expect(await website.getAttribute("rel")).toBe("noopener noreferrer");
    expect(await ownerPage.locator(".org-description em").textContent()).toBe("We teach machines to see.");
    const card = await ownerPage.locator(".org-card").textContent();
    for (const text of ["Edinburgh", "Research", "University of Example"]) expect(card).toContain(text);
    expect(await ownerPage.getByRole("region", { name: "Your role" }).textContent()).toContain("Owner");

    await ownerPage.getByRole("link", { name: "Members" }).click();
    await ownerPage.getByRole("button", { name: "Generate code" }).click();
    firstCode = (await ownerPage.locator("output.code").textContent()) ?? "";
    expect(firstCode).toMatch(/^\d{4}-\d{4}$/);
    expect(await ownerPage.getByRole("region", { name: "New join code" }).textContent()).toMatch(/Expires \d{1,2} \w{3} \d{4}/);
    // Shown once: the list afterwards has only the hint.
    await ownerPage.getByRole("link", { name: "Members" }).click();
    expect(await ownerPage.content()).not.toContain(firstCode);
    expect(await ownerPage.content()).toContain(`••••-${firstCode.slice(5)}`);
  });

  it("lets a student sign up and join with that code at account setup", async () => {
    studentPage = await personPage();
    await signUpInPage(studentPage, student);
    await studentPage.getByLabel("Join code", { exact: true }).fill(firstCode);
    await studentPage.getByRole("button", { name: "Join", exact: true }).click();
    await studentPage.waitForURL((url: URL) => url.pathname === "/");
    expect(await studentPage.locator(".brand").textContent()).toBe(orgName);
    expect(await studentPage.getByRole("status").textContent()).toContain(`You joined ${orgName} as a User`);
    expect(await studentPage.getByRole("region", { name: "Your role" }).textContent()).toContain("User");
  });

  it("lets the Owner promote the student to Admin", async () => {
    await ownerPage.goto("/members");
    await ownerPage.getByRole("button", { name: `Promote ${student.username}` }).click();
    await expect.poll(() => ownerPage.getByRole("status").textContent()).toContain(`@${student.username} is now an Admin`);
    const row = ownerPage.getByRole("row").filter({ hasText: `@${student.username}` });
    expect(await row.getByRole("cell").nth(1).textContent()).toBe("Admin");
    await studentPage.goto("/");
    const leadership = await studentPage.getByRole("region", { name: "Leadership" }).textContent();
    expect(leadership).toContain(student.name);
    expect(leadership).toContain("Admin");
  });

  it("answers the bulk form with a CSV file of 5 codes that work", async () => {
    await ownerPage.goto("/members");
    await ownerPage.getByLabel("How many", { exact: true }).fill("5");
    const [download] = await Promise.all([
      ownerPage.waitForEvent("download"),
      ownerPage.getByRole("button", { name: "Download codes" }).click(),
    ]);
    const slug = orgName.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    expect(download.suggestedFilename()).toBe(`${slug}-join-codes-${new Date().toISOString().slice(0, 10)}.csv`);
    const lines = (await readFile(await download.path(), "utf8")).trim().split(/\r?\n/);
    expect(lines[0]).toBe("code,role,expires_at,label");
    expect(lines).toHaveLength(6);
    bulkCodes = lines.slice(1).map((line) => {
      const [code, role, expiresAt] = line.split(",");
      expect(code).toMatch(/^\d{4}-\d{4}$/);
      expect(role).toBe("user");
      expect(Date.parse(expiresAt!)).toBeGreaterThan(Date.now());
      return code!;
    });
    expect(new Set(bulkCodes).size).toBe(5);
  });

  it("shows a plain User no admin buttons", async () => {
    plainPage = await personPage();
    await signUpInPage(plainPage, plain);
    await plainPage.getByLabel("Join code", { exact: true }).fill(bulkCodes[0]!);
    await plainPage.getByRole("button", { name: "Join", exact: true }).click();
    await plainPage.waitForURL((url: URL) => url.pathname === "/");

    await plainPage.goto("/members");
    expect(
      await plainPage
        .getByRole("row")
        .filter({ hasText: `@${owner.username}` })
        .count(),
    ).toBe(1);
    const names = await plainPage.getByRole("button").allTextContents();
    expect(names.map((name) => name.trim())).toEqual(["Sign out"]);
    expect(await plainPage.getByRole("link", { name: "Activity" }).count()).toBe(0);

    await plainPage.goto("/settings");
    expect(await plainPage.getByLabel("Name", { exact: true }).getAttribute("readonly")).not.toBeNull();
    const settingsButtons = (await plainPage.getByRole("button").allTextContents()).map((name) => name.trim());
    expect(settingsButtons).toEqual(["Sign out", "Leave this organization"]);

    const refused = await plainPage.goto("/activity");
    expect(refused?.status()).toBe(403);
  });

  it("refuses a wrong transfer confirmation, keeping everything, then transfers with the right one", async () => {
    await ownerPage.goto("/members");
    await ownerPage.getByRole("button", { name: `Transfer ownership to ${student.username}` }).click();
    // With JavaScript the confirmation opens in a dialog over the list.
    const dialog = ownerPage.getByRole("dialog", { name: /Transfer ownership/ });
    await dialog.getByLabel("Organization name", { exact: true }).fill(orgName.toUpperCase());
    await dialog.getByLabel("Username", { exact: true }).fill(student.username);
    await dialog.getByRole("button", { name: "Confirm transfer" }).click();
    await ownerPage.waitForURL("**/members/transfer");
    expect(await ownerPage.getByRole("alert").textContent()).toContain("Nothing was changed");
    expect(await ownerPage.locator("#field-confirmOrgName-error").textContent()).toContain("not the organization's name");
    expect(await ownerPage.locator("#field-confirmUsername-error").count()).toBe(0);
    expect(await ownerPage.getByLabel("Username", { exact: true }).inputValue()).toBe(student.username);
    expect(await ownerPage.locator(".account-name").textContent()).toContain("Owner");

    await ownerPage.getByLabel("Organization name", { exact: true }).fill(orgName);
    await ownerPage.getByRole("button", { name: "Confirm transfer" }).click();
    await ownerPage.waitForURL("**/members");
    expect(await ownerPage.getByRole("status").textContent()).toContain(`@${student.username} is now the Owner`);
    expect(await ownerPage.locator(".account-name").textContent()).toContain("Admin");
    await studentPage.goto("/");
    expect(await studentPage.getByRole("region", { name: "Your role" }).textContent()).toContain("Owner");
  });

  it("lets the old Owner leave and lands them on account setup", async () => {
    await ownerPage.goto("/settings");
    await ownerPage.getByRole("button", { name: "Leave this organization" }).click();
    await ownerPage.waitForURL("**/setup");
    expect(await ownerPage.getByRole("status").textContent()).toContain(`You left ${orgName}`);
    expect(await ownerPage.getByRole("button", { name: "Create organization" }).count()).toBe(1);
    await ownerPage.goto("/members");
    expect(new URL(ownerPage.url()).pathname).toBe("/setup");
  });

  it("sends a removed member to account setup on their next page load", async () => {
    await plainPage.goto("/volumes");
    await studentPage.goto("/members");
    await studentPage.getByRole("button", { name: `Remove ${plain.username}` }).click();
    await expect.poll(() => studentPage.getByRole("status").textContent()).toContain(`@${plain.username} is removed`);
    await plainPage.reload();
    expect(new URL(plainPage.url()).pathname).toBe("/setup");
  });

  it("shows an XSS payload in the description as text and never runs it", async () => {
    const payload = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>"'&`;
    const dialogs: string[] = [];
    studentPage.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await studentPage.goto("/settings");
    await studentPage.getByLabel("Description", { exact: true }).fill(payload);
    await studentPage.getByRole("button", { name: "Save" }).click();
    await studentPage.waitForURL("**/settings");
    expect(await studentPage.getByLabel("Description", { exact: true }).inputValue()).toBe(payload);
    await studentPage.goto("/");
    const description = studentPage.locator(".org-description em");
    expect(await description.textContent()).toBe(payload);
    expect(await description.locator("img, script").count()).toBe(0);
    expect(await studentPage.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });
});

describe("the dashboard without JavaScript", () => {
  it("transfers ownership through a confirmation page of its own", async () => {
    const ownerContext = await newPerson(browser, { javaScriptEnabled: false });
    const adminContext = await newPerson(browser, { javaScriptEnabled: false });
    try {
      const ownerPage = await ownerContext.newPage();
      const adminPage = await adminContext.newPage();
      const owner = newAccount("nojs");
      const admin = newAccount("nojsadmin");
      const orgName = uniqueName("No Script ");
      await signUpInPage(ownerPage, owner);
      await ownerPage.getByLabel("Organization name", { exact: true }).fill(orgName);
      await ownerPage.getByRole("button", { name: "Create organization" }).click();
      await ownerPage.waitForURL((url: URL) => url.pathname === "/");
      await ownerPage.goto("/members");
      await ownerPage.getByRole("button", { name: "Create admin invite" }).click();
      const invite = (await ownerPage.locator("output.code").textContent()) ?? "";
      // Copying needs script: without it the button stays hidden and the code is plain text.
      expect(await ownerPage.getByRole("button", { name: "Copy code" }).count()).toBe(0);

      await signUpInPage(adminPage, admin);
      await adminPage.getByLabel("Join code", { exact: true }).fill(invite.replace("-", " "));
      await adminPage.getByRole("button", { name: "Join", exact: true }).click();
      await adminPage.waitForURL((url: URL) => url.pathname === "/");
      expect(await adminPage.getByRole("status").textContent()).toContain("as an Admin");

      await ownerPage.goto("/members");
      await ownerPage.getByRole("button", { name: `Transfer ownership to ${admin.username}` }).click();
      await ownerPage.waitForURL("**/members/transfer?userId=*");
      await ownerPage.getByLabel("Organization name", { exact: true }).fill(orgName);
      await ownerPage.getByLabel("Username", { exact: true }).fill(owner.username);
      await ownerPage.getByRole("button", { name: "Confirm transfer" }).click();
      expect(await ownerPage.locator("#field-confirmUsername-error").textContent()).toContain(`Type ${admin.username} exactly`);
      expect(await ownerPage.locator("#field-confirmOrgName-error").count()).toBe(0);
      await ownerPage.getByLabel("Username", { exact: true }).fill(admin.username);
      await ownerPage.getByRole("button", { name: "Confirm transfer" }).click();
      await ownerPage.waitForURL((url: URL) => url.pathname === "/members");
      expect(await ownerPage.getByRole("status").textContent()).toContain(`@${admin.username} is now the Owner`);
      const row = ownerPage.getByRole("row").filter({ hasText: `@${owner.username}` });
      expect(await row.getByRole("cell").nth(1).textContent()).toBe("Admin");
    } finally {
      await Promise.all([ownerContext.close(), adminContext.close()]);
    }
  });
});

describe("accessibility", () => {
  it.each([1280, 375])("finds no serious or critical axe violations on any page at %i px", async (width) => {
    const context = await newPerson(browser, { width });
    try {
      const page = await context.newPage();
      for (const path of ["/sign-up", "/sign-in"]) {
        await page.goto(path);
        await expectAccessible(page);
      }
      const account: Account = newAccount("axe");
      await signUpInPage(page, account);
      await expectAccessible(page);
      await page.getByLabel("Organization name", { exact: true }).fill(uniqueName("Axe Org "));
      await page.getByRole("button", { name: "Create organization" }).click();
      await page.waitForURL((url: URL) => url.pathname === "/");
      for (const path of ["/", "/members", "/settings", "/machines", "/volumes", "/activity"]) {
        await page.goto(path);
        await expectAccessible(page);
      }
      await page.goto("/members");
      await page.getByRole("button", { name: "Generate code" }).click();
      await expectAccessible(page);
    } finally {
      await context.close();
    }
  });
});
