import { describe, expect, it } from "vitest";
import { codesCsv, codesFilename } from "./join-code-file";
import { mayCreateCodes, mayRevokeCode, visibleCodeRoles } from "./join-code-rules";
import { isOldEnough, KNOWN_ACCOUNT_MIN_AGE_MS } from "./known-account";

describe("mayCreateCodes", () => {
  it.each([
    ["owner", "user", 50, true],
    ["owner", "admin", 1, true],
    ["admin", "user", 50, true],
    ["user", "user", 1, false],
    [null, "user", 1, false],
  ] as const)("lets a %s make %s codes (%i): %s", (actor, role, count, allowed) => {
    expect(mayCreateCodes(actor, role, count).ok).toBe(allowed);
  });

  it("refuses an Admin's admin invite as forbidden and several admin invites as invalid", () => {
    expect(mayCreateCodes("admin", "admin", 1)).toMatchObject({ ok: false, code: "forbidden" });
    expect(mayCreateCodes("admin", "admin", 3)).toMatchObject({ ok: false, code: "forbidden" });
    expect(mayCreateCodes("owner", "admin", 2)).toMatchObject({ ok: false, code: "invalid_request" });
  });
});

describe("mayRevokeCode and visibleCodeRoles", () => {
  it.each([
    ["owner", "admin", true],
    ["owner", "user", true],
    ["admin", "user", true],
    ["admin", "admin", false],
    ["user", "user", false],
  ] as const)("lets a %s revoke a %s code: %s", (actor, role, allowed) => {
    expect(mayRevokeCode(actor, role)).toBe(allowed);
  });

  it("shows the Owner every code, Admins join codes, Users nothing", () => {
    expect(visibleCodeRoles("owner")).toEqual(["user", "admin"]);
    expect(visibleCodeRoles("admin")).toEqual(["user"]);
    expect(visibleCodeRoles("user")).toEqual([]);
  });
});

describe("isOldEnough", () => {
  it("takes accounts a full day old", () => {
    expect(isOldEnough(0, KNOWN_ACCOUNT_MIN_AGE_MS)).toBe(true);
    expect(isOldEnough(1, KNOWN_ACCOUNT_MIN_AGE_MS)).toBe(false);
    expect(isOldEnough(null, KNOWN_ACCOUNT_MIN_AGE_MS)).toBe(false);
  });
});

describe("the codes file", () => {
  it("has the header row and one line per code", () => {
    expect(codesCsv([{ code: "0123-4567", role: "user", expiresAt: "2026-05-12T10:00:00.000Z", label: "Ada L." }])).toBe(
      "code,role,expires_at,label\r\n0123-4567,user,2026-05-12T10:00:00.000Z,Ada L.\r\n",
    );
  });

  it.each([
    ['=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ["+1 555", "'+1 555"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tTab", "'\tTab"],
    ["\rCR", '"\'\rCR"'],
    ["Smith, Jane", '"Smith, Jane"'],
    ["plain 42", "plain 42"],
    ["", ""],
  ])("writes the label %j so a spreadsheet shows it as text: %s", (label, field) => {
    const line = codesCsv([{ code: "0123-4567", role: "user", expiresAt: "2026-05-12T10:00:00.000Z", label }]).split("\r\n")[1];
    expect(line).toBe(`0123-4567,user,2026-05-12T10:00:00.000Z,${field}`);
  });

  it.each([
    ["Bio Lab 7", "bio-lab-7"],
    ["  Café Überlingen!! ", "cafe-uberlingen"],
    ['"; rm -rf /', "rm-rf"],
    ["東京", "org"],
  ])("names the file of %j after the slug %s and the date", (name, slug) => {
    expect(codesFilename(name, Date.parse("2026-05-11T23:59:00Z"))).toBe(`${slug}-join-codes-2026-05-11.csv`);
  });
});
