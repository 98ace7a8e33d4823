import { beforeAll, describe, expect, it } from "vitest";
import { api, type Credential } from "../support/client";
import { signUp, type TestUser } from "../support/factories";
import { newMember, orgWith, type TestOrg } from "../support/org-factories";

const ROLES = ["owner", "admin", "user", "non-member", "signed-out"] as const;
type Who = (typeof ROLES)[number];

interface World {
  org: TestOrg;
  outsider: TestUser;
  actor: TestUser | null;
  as: Credential;
  who: Who;
}

type Run = (world: World) => Promise<number>;
type Expected = [owner: number, admin: number, user: number, nonMember: number, signedOut: number];

let shared: { org: TestOrg; outsider: TestUser };

beforeAll(async () => {
  // One org for every cell that does not change who holds which role; cells that do make their own.
  shared = { org: await orgWith({ admins: 1, users: 1 }), outsider: (await orgWith()).owner };
});

function actorOf(who: Who): TestUser | null {
  const { org, outsider } = shared;
  return { owner: org.owner, admin: org.admins[0]!, user: org.users[0]!, "non-member": outsider, "signed-out": null }[who];
}

const path = (world: World, rest = "") => `/api/orgs/${world.org.id}${rest}`;
const status = async (response: Promise<{ status: number }>) => (await response).status;

/** A resource of the org owned by `owner` (the actor's own for members; the Owner's otherwise). */
async function resourceOf(world: World, kind: "machines" | "volumes", owner: TestUser | null): Promise<string> {
  const creator = owner && world.who !== "non-member" ? owner : world.org.owner;
  const body = kind === "machines" ? { name: "m" } : { name: "v", sizeGb: 1 };
  const response = await api(path(world, `/${kind}`), { body, as: creator.cookie });
  return (response.body.machine ?? response.body.volume).id;
}

const ACTIONS: [string, Expected, Run][] = [
  ["GET the org", [200, 200, 200, 404, 401], (w) => status(api(path(w), { as: w.as }))],
  [
    "PATCH the org",
    [200, 200, 403, 404, 401],
    (w) => status(api(path(w), { method: "PATCH", body: { description: `by ${w.who}` }, as: w.as })),
  ],
  ["GET the members", [200, 200, 200, 404, 401], (w) => status(api(path(w, "/members"), { as: w.as }))],
  [
    "PUT a User's role",
    [200, 403, 403, 404, 401],
    async (w) => {
      const target = await newMember(w.org.id, "user");
      return status(api(path(w, `/members/${target.id}/role`), { method: "PUT", body: { role: "admin" }, as: w.as }));
    },
  ],
  [
    "DELETE a User",
    [204, 204, 403, 404, 401],
    async (w) => {
      const target = await newMember(w.org.id, "user");
      return status(api(path(w, `/members/${target.id}`), { method: "DELETE", as: w.as }));
    },
  ],
  [
    "DELETE an Admin",
    [204, 403, 403, 404, 401],
    async (w) => {
      const target = await newMember(w.org.id, "admin");
      return status(api(path(w, `/members/${target.id}`), { method: "DELETE", as: w.as }));
    },
  ],
  [
    "POST a transfer to an Admin",
    [200, 403, 403, 404, 401],
    async (w) => {
      // The Owner's cell really transfers: give it an org of its own.
      const org = w.who === "owner" ? await orgWith({ admins: 1 }) : w.org;
      const as = w.who === "owner" ? org.owner.cookie : w.as;
      const target = org.admins[0]!;
      return status(
        api(`/api/orgs/${org.id}/transfer`, {
          body: { userId: target.id, confirmOrgName: org.name, confirmUsername: target.username },
          as,
        }),
      );
    },
  ],
  [
    "POST leave",
    [409, 200, 200, 404, 401],
    async (w) => {
      // Admins and Users really leave: a fresh member of that role stands in for them.
      const as = w.who === "admin" || w.who === "user" ? (await newMember(w.org.id, w.who)).cookie : w.as;
      return status(api(path(w, "/leave"), { method: "POST", as }));
    },
  ],
  ["GET the events", [200, 200, 403, 404, 401], (w) => status(api(path(w, "/events"), { as: w.as }))],
  ["POST a machine", [201, 201, 201, 404, 401], (w) => status(api(path(w, "/machines"), { body: { name: "rig" }, as: w.as }))],
  ["GET the machines", [200, 200, 200, 404, 401], (w) => status(api(path(w, "/machines"), { as: w.as }))],
  [
    "DELETE one's own machine",
    [204, 204, 204, 404, 401],
    async (w) => status(api(path(w, `/machines/${await resourceOf(w, "machines", w.actor)}`), { method: "DELETE", as: w.as })),
  ],
  [
    "DELETE another member's machine",
    [403, 403, 403, 404, 401],
    async (w) => {
      const other = w.who === "owner" ? w.org.users[0]! : w.org.owner;
      return status(
        api(path(w, `/machines/${await resourceOf({ ...w, who: "owner" }, "machines", other)}`), { method: "DELETE", as: w.as }),
      );
    },
  ],
  ["POST a volume", [201, 201, 201, 404, 401], (w) => status(api(path(w, "/volumes"), { body: { name: "data", sizeGb: 1 }, as: w.as }))],
  ["GET one's volumes", [200, 200, 200, 404, 401], (w) => status(api(path(w, "/volumes"), { as: w.as }))],
  ["GET every volume (?all=1)", [200, 200, 403, 404, 401], (w) => status(api(path(w, "/volumes?all=1"), { as: w.as }))],
  [
    "DELETE one's own volume",
    [204, 204, 204, 404, 401],
    async (w) => status(api(path(w, `/volumes/${await resourceOf(w, "volumes", w.actor)}`), { method: "DELETE", as: w.as })),
  ],
  [
    "DELETE another member's volume",
    [403, 403, 403, 404, 401],
    async (w) => {
      const other = w.who === "owner" ? w.org.users[0]! : w.org.owner;
      return status(api(path(w, `/volumes/${await resourceOf({ ...w, who: "owner" }, "volumes", other)}`), { method: "DELETE", as: w.as }));
    },
  ],
];

const CELLS = ACTIONS.flatMap(([action, expected, run]) => ROLES.map((who, i) => [action, who, expected[i]!, run] as const));

describe("authorization on every org path", () => {
  it.each(CELLS)("%s as %s answers %i", async (_action, who, expected, run) => {
    const actor = actorOf(who);
    const world: World = { ...shared, actor, as: actor ? actor.cookie : null, who };
    expect(await run(world)).toBe(expected);
  });

  it("answers a non-member the same 404 body as a missing org", async () => {
    const { org, outsider } = shared;
    const stranger = await signUp();
    const bodies = await Promise.all(
      [`/api/orgs/${org.id}/members`, "/api/orgs/does-not-exist/members"].flatMap((p) => [
        api(p, { as: outsider.cookie }),
        api(p, { as: stranger.cookie }),
      ]),
    );
    expect(new Set(bodies.map((b) => JSON.stringify([b.status, b.body])))).toEqual(new Set([JSON.stringify([404, bodies[0]!.body])]));
  });
});
