import fc from "fast-check";
import { membersOf, type Command, type ModelState, type OrgRef } from "./reference-model";

/**
 * Generated commands name orgs, members and volumes by pick, not by id: a pick is resolved
 * against the model's state when the command runs, so every sequence stays meaningful (and
 * shrinks well) whatever ran before it.
 */
export type OrgPick = { type: "own" } | { type: "index"; k: number } | { type: "missing" };
/** Who acts: picked among the orgs' Owners, among members, among users with no org, or anyone. */
export type ActorPick = { type: "owner" | "member" | "orgless" | "any"; k: number } | { type: "anonymous" };
export type TargetPick = { type: "member" | "admin" | "user"; k: number } | { type: "self" };
export type Credential = "cookie" | "token";
type Body = Record<string, unknown>;

interface Base {
  actor: ActorPick;
  via: Credential;
  org: OrgPick;
}

export type RawCommand = Base &
  (
    | { kind: "createOrg"; body: Body }
    | { kind: "updateProfile"; body: Body }
    | { kind: "changeRole"; target: TargetPick; role: unknown }
    | { kind: "removeMember"; target: TargetPick }
    | { kind: "transfer"; target: TargetPick; orgName: "right" | "wrong" | "case"; username: "right" | "wrong" }
    | { kind: "leave" }
    | { kind: "join"; role: "user" | "admin" }
    | { kind: "createVolume"; body: Body }
    | { kind: "deleteVolume"; k: number; anyOrg: boolean }
    | { kind: "createMachine"; body: Body }
    | { kind: "deleteMachine"; k: number; anyOrg: boolean }
  );

const pad = (text: string) => `  ${text} `;

/** Each profile field: mostly valid values (edges included), some the contract refuses. */
const fieldValues: Record<string, fc.Arbitrary<unknown>> = {
  name: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 99 }).map((n) => `Lab ${n}`) },
    { weight: 1, arbitrary: fc.constantFrom(pad("Padded Lab"), "x".repeat(100), pad("y".repeat(100))) },
    { weight: 2, arbitrary: fc.constantFrom("", "   ", "z".repeat(101), 42, null) },
  ),
  website: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("", "https://example.org/lab", "http://lab.example.edu", pad("https://padded.example.org")) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("javascript:alert(1)", "ftp://files.example.org", "example.org", `https://${"a".repeat(200)}.org`),
    },
  ),
  location: fc.constantFrom("", "Building 7", pad("Geneva"), "l".repeat(100), "l".repeat(101)),
  sector: fc.constantFrom("", "Research", "s".repeat(100), "s".repeat(101)),
  universityName: fc.constantFrom("", "Example University", "u".repeat(101)),
  description: fc.constantFrom("", "We train models.", "d".repeat(500), "d".repeat(501)),
  color: fc.constant("red"),
};

const { color: unknownField, ...knownFields } = fieldValues;

// Any subset of the profile fields; one body in eight also carries a field the contract does not know.
const profileBody: fc.Arbitrary<Body> = fc
  .tuple(fc.record(knownFields), fc.nat(7), unknownField!)
  .chain(([full, dice, color]) =>
    fc
      .subarray(Object.keys(full))
      .map((keys) => ({ ...Object.fromEntries(keys.map((key) => [key, full[key]])), ...(dice === 0 ? { color } : {}) })),
  );

// Create bodies are mostly valid: the profile rules themselves are exercised by PATCH.
const createBody: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      {
        name: fc.integer({ min: 0, max: 99 }).map((n) => `Org ${n}`),
        website: fc.constantFrom("", "https://example.org"),
        description: fc.constantFrom("", "A lab."),
      },
      { requiredKeys: ["name"] },
    ),
  },
  { weight: 1, arbitrary: fieldValues.name!.map((name) => ({ name })) },
  { weight: 1, arbitrary: profileBody },
);

const volumeBody: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ name: fc.integer({ min: 0, max: 99 }).map((n) => `vol-${n}`), sizeGb: fc.integer({ min: 1, max: 100 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Body>(
      { name: "", sizeGb: 5 },
      { name: "v", sizeGb: 0 },
      { name: "v", sizeGb: -3 },
      { name: "v", sizeGb: 2.5 },
      { name: "v", sizeGb: "10" },
      { name: "v" },
    ),
  },
);

const machineBody: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      {
        name: fc.integer({ min: 0, max: 99 }).map((n) => `node-${n}`),
        hostname: fc.constant("node.lab.example"),
        gpus: fc.integer({ min: 0, max: 8 }),
      },
      { requiredKeys: ["name"] },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom<Body>({ name: "" }, { name: "n", gpus: -1 }, { hostname: "h" }) },
);

const orgPick: fc.Arbitrary<OrgPick> = fc.oneof(
  { weight: 16, arbitrary: fc.constant({ type: "own" as const }) },
  { weight: 3, arbitrary: fc.nat(7).map((k) => ({ type: "index" as const, k })) },
  { weight: 1, arbitrary: fc.constant({ type: "missing" as const }) },
);

const targetPick: fc.Arbitrary<TargetPick> = fc.oneof(
  { weight: 10, arbitrary: fc.nat(7).map((k) => ({ type: "member" as const, k })) },
  { weight: 5, arbitrary: fc.nat(7).map((k) => ({ type: "admin" as const, k })) },
  { weight: 3, arbitrary: fc.nat(7).map((k) => ({ type: "user" as const, k })) },
  { weight: 1, arbitrary: fc.constant({ type: "self" as const }) },
);

export function rawCommand(poolSize: number): fc.Arbitrary<RawCommand> {
  const base = fc.record({
    actor: fc.oneof(
      {
        weight: 50,
        arbitrary: fc.record({
          type: fc.constantFrom("owner" as const, "member" as const, "member" as const, "orgless" as const, "any" as const),
          k: fc.nat(poolSize - 1),
        }),
      },
      { weight: 1, arbitrary: fc.constant({ type: "anonymous" as const }) },
    ),
    via: fc.constantFrom<Credential>("cookie", "token"),
    org: orgPick,
  });
  const variant = fc.oneof(
    { weight: 5, arbitrary: createBody.map((body) => ({ kind: "createOrg" as const, body })) },
    {
      weight: 16,
      arbitrary: fc.constantFrom("user" as const, "user" as const, "admin" as const).map((role) => ({ kind: "join" as const, role })),
    },
    { weight: 6, arbitrary: profileBody.map((body) => ({ kind: "updateProfile" as const, body })) },
    {
      weight: 10,
      arbitrary: fc.record({
        kind: fc.constant("changeRole" as const),
        target: targetPick,
        role: fc.oneof(
          { weight: 9, arbitrary: fc.constantFrom("admin", "user") },
          { weight: 1, arbitrary: fc.constantFrom("owner", "superuser", 1) },
        ),
      }),
    },
    { weight: 9, arbitrary: targetPick.map((target) => ({ kind: "removeMember" as const, target })) },
    {
      weight: 9,
      arbitrary: fc.record({
        kind: fc.constant("transfer" as const),
        target: targetPick,
        orgName: fc.oneof(
          { weight: 8, arbitrary: fc.constant("right" as const) },
          { weight: 1, arbitrary: fc.constantFrom("wrong" as const, "case" as const) },
        ),
        username: fc.oneof(
          { weight: 8, arbitrary: fc.constant("right" as const) },
          { weight: 1, arbitrary: fc.constant("wrong" as const) },
        ),
      }),
    },
    { weight: 6, arbitrary: fc.constant({ kind: "leave" as const }) },
    { weight: 10, arbitrary: volumeBody.map((body) => ({ kind: "createVolume" as const, body })) },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("deleteVolume" as const),
        k: fc.nat(15),
        anyOrg: fc.constantFrom(false, false, false, true),
      }),
    },
    { weight: 7, arbitrary: machineBody.map((body) => ({ kind: "createMachine" as const, body })) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("deleteMachine" as const),
        k: fc.nat(15),
        anyOrg: fc.constantFrom(false, false, false, true),
      }),
    },
  );
  return fc.tuple(base, variant).map(([b, v]) => ({ ...b, ...v }) as RawCommand);
}

export function commandSequence(poolSize: number, maxLength = 15): fc.Arbitrary<RawCommand[]> {
  // Every sequence opens with an org, so that the commands after it have one to work on.
  const opening = fc.record({
    actor: fc.constant({ type: "orgless" as const, k: 0 }),
    via: fc.constantFrom<Credential>("cookie", "token"),
    org: fc.constant({ type: "own" as const }),
    kind: fc.constant("createOrg" as const),
    body: fc.integer({ min: 0, max: 99 }).map((n): Body => ({ name: `Org ${n}` })),
  });
  return fc
    .tuple(opening, fc.array(rawCommand(poolSize), { minLength: 7, maxLength: maxLength - 1 }))
    .map(([first, rest]) => [first, ...rest]);
}

function resolveActor(state: ModelState, pick: ActorPick, poolSize: number): number | "anonymous" {
  if (pick.type === "anonymous") return "anonymous";
  const users = Array.from({ length: poolSize }, (_, user) => user);
  const candidates =
    pick.type === "owner"
      ? users.filter((user) => state.members.get(user)?.role === "owner")
      : pick.type === "member"
        ? users.filter((user) => state.members.has(user))
        : pick.type === "orgless"
          ? users.filter((user) => !state.members.has(user))
          : users;
  const from = candidates.length > 0 ? candidates : users;
  return from[pick.k % from.length]!;
}

function resolveOrg(state: ModelState, actor: number | "anonymous", pick: OrgPick): OrgRef {
  const own = actor === "anonymous" ? undefined : state.members.get(actor)?.org;
  if (pick.type === "own" && own !== undefined) return own;
  if (pick.type === "missing" || state.orgs.length === 0) return "missing";
  return pick.type === "index" ? pick.k % state.orgs.length : 0;
}

function resolveTarget(state: ModelState, actor: number | "anonymous", org: OrgRef, pick: TargetPick, poolSize: number): number {
  if (pick.type === "self" && actor !== "anonymous") return actor;
  const members = org === "missing" ? [] : membersOf(state, org).sort((a, b) => a - b);
  const admins = members.filter((user) => state.members.get(user)?.role === "admin");
  const from = pick.type === "admin" && admins.length > 0 ? admins : pick.type !== "user" ? members : [];
  if (pick.type !== "self" && from.length > 0) return from[pick.k % from.length]!;
  return (pick.type === "self" ? 0 : pick.k) % poolSize;
}

/**
 * A volume or machine: mostly one of the actor's own in the org (so deletes can succeed),
 * else any of the org's (someone else's: 403), or any ever made (another org's, or deleted: 404).
 */
function resolveResource(
  list: ({ org: number; owner: number } | null)[],
  org: OrgRef,
  actor: number | "anonymous",
  k: number,
  anyOrg: boolean,
): number | "missing" {
  const all = list.map((item, index) => ({ item, index }));
  const inOrg = all.filter(({ item }) => item && item.org === org);
  const own = inOrg.filter(({ item }) => item!.owner === actor);
  const candidates = anyOrg ? all : k % 4 !== 0 && own.length > 0 ? own : inOrg;
  if (candidates.length === 0) return "missing";
  return candidates[k % candidates.length]!.index;
}

/** Turns picks into the concrete model command, or null when the command makes no sense yet. */
export function resolve(state: ModelState, raw: RawCommand, poolSize: number): Command | null {
  // Joining and creating are for people with no org, mostly: "owner" and "member" picks become "orgless".
  const joining = raw.kind === "join" || raw.kind === "createOrg";
  // The Owner-only commands are given to an Owner more often, so that they get past the role check.
  const ownerOnly = raw.kind === "changeRole" || raw.kind === "transfer";
  const pick =
    joining && (raw.actor.type === "owner" || raw.actor.type === "member")
      ? { ...raw.actor, type: "orgless" as const }
      : ownerOnly && raw.actor.type === "member" && raw.actor.k % 2 === 0
        ? { ...raw.actor, type: "owner" as const }
        : raw.actor;
  const actor = resolveActor(state, pick, poolSize);
  const org = resolveOrg(state, actor, raw.org);
  switch (raw.kind) {
    case "createOrg":
      return { kind: "createOrg", actor, body: raw.body };
    case "join": {
      if (state.orgs.length === 0) return null;
      const target = org === "missing" ? (raw.org.type === "index" ? raw.org.k % state.orgs.length : 0) : org;
      return { kind: "join", actor, org: target, role: raw.role };
    }
    case "updateProfile":
      return { kind: "updateProfile", actor, org, body: raw.body };
    case "changeRole":
      return { kind: "changeRole", actor, org, target: resolveTarget(state, actor, org, raw.target, poolSize), role: raw.role };
    case "removeMember":
      return { kind: "removeMember", actor, org, target: resolveTarget(state, actor, org, raw.target, poolSize) };
    case "transfer": {
      const target = resolveTarget(state, actor, org, raw.target, poolSize);
      const name = org === "missing" ? "No such org" : state.orgs[org]!.name;
      const username = state.usernames[target]!;
      return {
        kind: "transfer",
        actor,
        org,
        target,
        confirmOrgName: raw.orgName === "right" ? name : raw.orgName === "case" ? swapCase(name) : `${name}!`,
        confirmUsername: raw.username === "right" ? username : `${username}x`,
      };
    }
    case "leave":
      return { kind: "leave", actor, org };
    case "createVolume":
      return { kind: "createVolume", actor, org, body: raw.body };
    case "deleteVolume":
      return { kind: "deleteVolume", actor, org, volume: resolveResource(state.volumes, org, actor, raw.k, raw.anyOrg) };
    case "createMachine":
      return { kind: "createMachine", actor, org, body: raw.body };
    case "deleteMachine":
      return { kind: "deleteMachine", actor, org, machine: resolveResource(state.machines, org, actor, raw.k, raw.anyOrg) };
  }
}

function swapCase(text: string): string {
  const swapped = [...text].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join("");
  return swapped === text ? `${text}?` : swapped;
}
