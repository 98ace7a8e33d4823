import { describe, expect, it } from "vitest";
import { signUp } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { typedClient } from "../support/typed-client";

describe("the typed client", () => {
  it("reads /api/me with its answer typed by the route", async () => {
    const user = await signUp();
    const response = await typedClient(user.cookie).api.me.$get();
    expect(response.status).toBe(200);
    const me = await response.json();
    expect(me.user.username).toBe(user.username);
  });

  it("lists members with path params checked by the compiler", async () => {
    const org = await orgWith({ users: 1 });
    const response = await typedClient(org.owner.cookie).api.orgs[":orgId"].members.$get({ param: { orgId: org.id } });
    const { members } = await response.json();
    expect(members.map((member) => member.userId).sort()).toEqual([org.owner.id, org.users[0]!.id].sort());
  });
});
