import { describe, expect, it } from "vitest";
import {
  mayChangeRole,
  mayDeleteResource,
  mayLeave,
  mayManageOrg,
  mayRemove,
  maySeeAllVolumes,
  mayTransfer,
  type MemberRef,
} from "./membership";
import type { Role } from "./roles";

const member = (userId: string, role: Role): MemberRef => ({ userId, role });
const owner = member("o", "owner");
const admin = member("a", "admin");
const otherAdmin = member("a2", "admin");
const user = member("u", "user");
const otherUser = member("u2", "user");

function codeOf(verdict: { ok: boolean; code?: string }) {
  return verdict.ok ? "allow" : verdict.code;
}

describe("mayChangeRole", () => {
  it.each([
    [owner, admin, "allow"],
    [owner, user, "allow"],
    [owner, owner, "conflict"],
    [owner, null, "not_found"],
    [admin, user, "forbidden"],
    [admin, otherAdmin, "forbidden"],
    [user, otherUser, "forbidden"],
  ] as const)("lets %o change %o: %s", (actor, target, expected) => {
    expect(codeOf(mayChangeRole(actor, target))).toBe(expected);
  });
});

describe("mayRemove", () => {
  it.each([
    [owner, admin, "allow"],
    [owner, user, "allow"],
    [owner, owner, "owner_must_transfer"],
    [owner, null, "not_found"],
    [admin, user, "allow"],
    [admin, otherAdmin, "forbidden"],
    [admin, admin, "forbidden"],
    [admin, owner, "forbidden"],
    [admin, null, "not_found"],
    [user, otherUser, "forbidden"],
    [user, user, "forbidden"],
    [user, null, "forbidden"],
  ] as const)("lets %o remove %o: %s", (actor, target, expected) => {
    expect(codeOf(mayRemove(actor, target))).toBe(expected);
  });
});

describe("mayLeave", () => {
  it("refuses the Owner and lets Admins and Users leave", () => {
    expect(codeOf(mayLeave(owner))).toBe("owner_must_transfer");
    expect(codeOf(mayLeave(admin))).toBe("allow");
    expect(codeOf(mayLeave(user))).toBe("allow");
  });
});

describe("mayTransfer", () => {
  const right = { confirmOrgName: "Ada Lab", confirmUsername: "grace" };
  const target = (role: Role) => ({ userId: "g", role, username: "grace" });

  it("lets the Owner transfer to an Admin with both confirmations exact", () => {
    expect(codeOf(mayTransfer(owner, target("admin"), "Ada Lab", right))).toBe("allow");
  });

  it.each([
    ["a different org name", { ...right, confirmOrgName: "Ada lab" }],
    ["the org name with spaces", { ...right, confirmOrgName: " Ada Lab" }],
    ["a different username", { ...right, confirmUsername: "Grace" }],
  ])("refuses %s as confirmation_mismatch", (_label, confirmation) => {
    expect(codeOf(mayTransfer(owner, target("admin"), "Ada Lab", confirmation))).toBe("confirmation_mismatch");
  });

  it("refuses a User or the Owner as target with target_not_admin", () => {
    expect(codeOf(mayTransfer(owner, target("user"), "Ada Lab", right))).toBe("target_not_admin");
    expect(codeOf(mayTransfer(owner, { ...owner, username: "grace" }, "Ada Lab", right))).toBe("target_not_admin");
  });

  it("refuses anyone but the Owner, and a target outside the org", () => {
    expect(codeOf(mayTransfer(admin, target("admin"), "Ada Lab", right))).toBe("forbidden");
    expect(codeOf(mayTransfer(owner, null, "Ada Lab", right))).toBe("not_found");
  });
});

describe("the smaller rules", () => {
  it("lets Admins and the Owner manage the org and see every volume, not Users", () => {
    for (const check of [mayManageOrg, maySeeAllVolumes]) {
      expect([check("owner"), check("admin"), check("user"), check(null)]).toEqual([true, true, false, false]);
    }
  });

  it("lets only the owner of a resource delete it", () => {
    expect(codeOf(mayDeleteResource("u", "u"))).toBe("allow");
    expect(codeOf(mayDeleteResource("o", "u"))).toBe("forbidden");
  });
});
