import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { invariantViolations } from "./invariants";
import { insertVolumes, orgWith } from "./org-factories";

// The suites trust this check to fail when an invariant breaks, so each break is shown to it here
// (a second membership is refused by D1 itself: the user is the membership's key).
describe("the invariant check", () => {
  it("passes a sound org and names each violation D1 lets happen, for one org and for all", async () => {
    const org = await orgWith({ users: 1 });
    const other = await orgWith();
    expect(await invariantViolations(org.id)).toEqual([]);
    expect(await invariantViolations()).toEqual([]);

    const sam = org.users[0]!;
    await insertVolumes(org.id, sam.id, 1);
    await env.DB.batch([
      env.DB.prepare("DELETE FROM membership WHERE org_id = ? AND user_id = ?").bind(org.id, sam.id),
      env.DB.prepare("INSERT INTO machine (id, org_id, owner_id, name, created_at) VALUES ('m-stray', ?, ?, 'rig', ?)").bind(
        org.id,
        sam.id,
        Date.now(),
      ),
      env.DB.prepare("UPDATE membership SET role = 'admin' WHERE org_id = ?").bind(org.id),
    ]);
    const found = await invariantViolations(org.id);
    expect(found).toContainEqual(`org ${org.id} has 0 owners`);
    expect(found.filter((line) => line.includes("is owned by a non-member"))).toHaveLength(1);
    expect(found).toContainEqual(`machine m-stray of org ${org.id} is registered by a non-member`);
    expect(await invariantViolations()).toEqual(expect.arrayContaining(found));
    expect(await invariantViolations(other.id)).toEqual([]);
    expect(await invariantViolations("no-such-org")).toEqual(["org no-such-org has 0 owners"]);
  });
});
