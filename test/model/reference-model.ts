/**
 * A small, pure, in-memory model of the organization rules of CONTRACT.md and
 * seed/organizations.txt. It knows nothing of the Worker: users, orgs, volumes and machines
 * are numbered in creation order, and the harness maps those numbers to the real ids.
 *
 * Where the contract names no precedence between two refusals, the model follows the one a
 * careful API takes and the implementation chose (written next to each rule below):
 * no credential (401), then not a member of the org (404), then the caller's role (403), then
 * the body (400), then the state of the target (404 / 409 / 403), then the typed confirmation.
 */

export type Role = "owner" | "admin" | "user";

export interface Profile {
  name: string;
  website: string;
  location: string;
  sector: string;
  universityName: string;
  description: string;
}

export interface Membership {
  org: number;
  role: Role;
}

export interface Volume {
  org: number;
  owner: number;
  name: string;
  sizeGb: number;
}

export interface Machine {
  org: number;
  owner: number;
  name: string;
}

export interface ModelState {
  usernames: string[];
  orgs: Profile[];
  members: Map<number, Membership>;
  /** Every volume ever made, by creation number; `null` once deleted. */
  volumes: (Volume | null)[];
  machines: (Machine | null)[];
}

/** Who acts: a pool user by index, or nobody (no credential at all). */
export type Actor = number | "anonymous";
/** An org by creation number, or an id that names no org. */
export type OrgRef = number | "missing";

export type Command =
  | { kind: "createOrg"; actor: Actor; body: Record<string, unknown> }
  | { kind: "updateProfile"; actor: Actor; org: OrgRef; body: Record<string, unknown> }
  | { kind: "changeRole"; actor: Actor; org: OrgRef; target: number; role: unknown }
  | { kind: "removeMember"; actor: Actor; org: OrgRef; target: number }
  | { kind: "transfer"; actor: Actor; org: OrgRef; target: number; confirmOrgName: string; confirmUsername: string }
  | { kind: "leave"; actor: Actor; org: OrgRef }
  /** The actor redeems a code of `org` made by its Owner. */
  | { kind: "join"; actor: Actor; org: number; role: "user" | "admin" }
  | { kind: "createVolume"; actor: Actor; org: OrgRef; body: Record<string, unknown> }
  | { kind: "deleteVolume"; actor: Actor; org: OrgRef; volume: number | "missing" }
  | { kind: "createMachine"; actor: Actor; org: OrgRef; body: Record<string, unknown> }
  | { kind: "deleteMachine"; actor: Actor; org: OrgRef; machine: number | "missing" };

/** Whether the org's audit log must grow ("some"), must not ("none"), or may either way ("any"). */
export type AuditExpectation = "some" | "none" | "any";

export interface Outcome {
  status: number;
  code?: string;
  /** The creation number of what a 201 made (an org, a volume or a machine). */
  created?: number;
  /** The orgs whose audit log is constrained, and how. */
  audit: Map<number, AuditExpectation>;
}

export function initialState(usernames: string[]): ModelState {
  return { usernames: [...usernames], orgs: [], members: new Map(), volumes: [], machines: [] };
}

export const PROFILE_FIELDS = ["name", "website", "location", "sector", "universityName", "description"] as const;
const MAX_LENGTH: Record<(typeof PROFILE_FIELDS)[number], number> = {
  name: 100,
  website: 200,
  location: 100,
  sector: 100,
  universityName: 100,
  description: 500,
};

/** The contract's profile rules: known fields only, strings, trimmed, lengths, http(s) website. */
export function validProfilePatch(body: Record<string, unknown>, requireName: boolean): Partial<Profile> | null {
  const out: Partial<Profile> = {};
  for (const [key, raw] of Object.entries(body)) {
    if (!(PROFILE_FIELDS as readonly string[]).includes(key) || typeof raw !== "string") return null;
    const field = key as keyof Profile;
    const value = raw.trim();
    if (value.length > MAX_LENGTH[field]) return null;
    if (field === "name" && value.length < 1) return null;
    if (field === "website" && value !== "" && !isHttpUrl(value)) return null;
    out[field] = value;
  }
  if (requireName && out.name === undefined) return null;
  return out;
}

function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\/\S+$/i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

// Bounds the contract leaves to the API docs (sensible limits chosen by the implementation).
const MAX_VOLUME_GB = 1_048_576;

function validVolume(body: Record<string, unknown>): boolean {
  const keys = Object.keys(body);
  if (keys.some((key) => key !== "name" && key !== "sizeGb")) return false;
  return validName(body.name) && Number.isInteger(body.sizeGb) && (body.sizeGb as number) >= 1 && (body.sizeGb as number) <= MAX_VOLUME_GB;
}

function validMachine(body: Record<string, unknown>): boolean {
  const keys = Object.keys(body);
  if (keys.some((key) => !["name", "hostname", "gpus"].includes(key))) return false;
  if (!validName(body.name)) return false;
  if (body.hostname !== undefined && (typeof body.hostname !== "string" || body.hostname.trim().length > 253)) return false;
  if (body.gpus !== undefined && !(Number.isInteger(body.gpus) && (body.gpus as number) >= 0 && (body.gpus as number) <= 1024))
    return false;
  return true;
}

function validName(name: unknown): boolean {
  return typeof name === "string" && name.trim().length >= 1 && name.trim().length <= 100;
}

export function ownerOf(state: ModelState, org: number): number {
  for (const [user, membership] of state.members) if (membership.org === org && membership.role === "owner") return user;
  throw new Error(`model: org ${org} has no owner`);
}

export function membersOf(state: ModelState, org: number): number[] {
  return [...state.members].filter(([, membership]) => membership.org === org).map(([user]) => user);
}

function reply(status: number, code?: string, audit: [number, AuditExpectation][] = [], created?: number): Outcome {
  const outcome: Outcome = { status, audit: new Map(audit) };
  if (code !== undefined) outcome.code = code;
  if (created !== undefined) outcome.created = created;
  return outcome;
}

/** Refusals change nothing, so every existing org's log must stay as it was. */
function refusal(state: ModelState, status: number, code: string): Outcome {
  return reply(
    status,
    code,
    state.orgs.map((_, org) => [org, "none"]),
  );
}

/** The member leaves the org: their volumes go to the Owner, their machines are deregistered. */
function endMembership(state: ModelState, user: number, org: number): void {
  const owner = ownerOf(state, org);
  state.members.delete(user);
  for (const volume of state.volumes) if (volume && volume.org === org && volume.owner === user) volume.owner = owner;
  state.machines = state.machines.map((machine) => (machine && machine.org === org && machine.owner === user ? null : machine));
}

/**
 * Applies one command to the state (in place) and returns what the contract says the API
 * answers. The checks common to every org path come first, in one place.
 */
export function apply(state: ModelState, command: Command): Outcome {
  if (command.actor === "anonymous") return refusal(state, 401, "unauthenticated");
  const actor = command.actor;
  const mine = state.members.get(actor);

  if (command.kind === "createOrg") {
    // The body is validated before the state is consulted.
    const profile = validProfilePatch(command.body, true);
    if (!profile) return refusal(state, 400, "invalid_request");
    if (mine) return refusal(state, 409, "already_in_org");
    const org = state.orgs.length;
    state.orgs.push({ name: "", website: "", location: "", sector: "", universityName: "", description: "", ...profile });
    state.members.set(actor, { org, role: "owner" });
    return reply(201, undefined, [...state.orgs.map((_, o): [number, AuditExpectation] => [o, o === org ? "some" : "none"])], org);
  }

  if (command.kind === "join") {
    // Joining takes a code the Owner makes (and revokes again if unused): the org's log may grow either way.
    if (mine) return reply(409, "already_in_org", orgsExcept(state, command.org, "any"));
    state.members.set(actor, { org: command.org, role: command.role });
    return reply(200, undefined, orgsExcept(state, command.org, "some"));
  }

  const org = command.org;
  if (org === "missing" || !mine || mine.org !== org) return refusal(state, 404, "not_found");
  const role = mine.role;

  switch (command.kind) {
    case "updateProfile": {
      if (role === "user") return refusal(state, 403, "forbidden");
      const patch = validProfilePatch(command.body, false);
      if (!patch) return refusal(state, 400, "invalid_request");
      Object.assign(state.orgs[org]!, patch);
      return reply(200, undefined, orgsExcept(state, org, "any"));
    }
    case "changeRole": {
      if (role !== "owner") return refusal(state, 403, "forbidden");
      if (command.role !== "admin" && command.role !== "user") return refusal(state, 400, "invalid_request");
      const target = state.members.get(command.target);
      if (!target || target.org !== org) return refusal(state, 404, "not_found");
      if (target.role === "owner") return refusal(state, 409, "conflict");
      const changed = target.role !== command.role;
      target.role = command.role;
      return reply(200, undefined, orgsExcept(state, org, changed ? "some" : "any"));
    }
    case "removeMember": {
      if (role === "user") return refusal(state, 403, "forbidden");
      const target = state.members.get(command.target);
      if (!target || target.org !== org) return refusal(state, 404, "not_found");
      if (command.target === actor && role === "owner") return refusal(state, 409, "owner_must_transfer");
      // Owners remove anyone but themselves; Admins remove Users only (not Admins, themselves included).
      if (role === "admin" && target.role !== "user") return refusal(state, 403, "forbidden");
      endMembership(state, command.target, org);
      return reply(204, undefined, orgsExcept(state, org, "some"));
    }
    case "transfer": {
      if (role !== "owner") return refusal(state, 403, "forbidden");
      const target = state.members.get(command.target);
      if (!target || target.org !== org) return refusal(state, 404, "not_found");
      // The contract names no precedence; a mistyped confirmation is reported before the target's role.
      if (command.confirmOrgName !== state.orgs[org]!.name || command.confirmUsername !== state.usernames[command.target]) {
        return refusal(state, 400, "confirmation_mismatch");
      }
      if (target.role !== "admin") return refusal(state, 409, "target_not_admin");
      target.role = "owner";
      mine.role = "admin";
      return reply(200, undefined, orgsExcept(state, org, "some"));
    }
    case "leave": {
      if (role === "owner") return refusal(state, 409, "owner_must_transfer");
      endMembership(state, actor, org);
      return reply(200, undefined, orgsExcept(state, org, "some"));
    }
    case "createVolume": {
      if (!validVolume(command.body)) return refusal(state, 400, "invalid_request");
      state.volumes.push({ org, owner: actor, name: (command.body.name as string).trim(), sizeGb: command.body.sizeGb as number });
      return reply(201, undefined, orgsExcept(state, org, "any"), state.volumes.length - 1);
    }
    case "deleteVolume": {
      const volume = command.volume === "missing" ? null : state.volumes[command.volume];
      if (!volume || volume.org !== org) return refusal(state, 404, "not_found");
      if (volume.owner !== actor) return refusal(state, 403, "forbidden");
      state.volumes[command.volume as number] = null;
      return reply(204, undefined, orgsExcept(state, org, "any"));
    }
    case "createMachine": {
      if (!validMachine(command.body)) return refusal(state, 400, "invalid_request");
      state.machines.push({ org, owner: actor, name: (command.body.name as string).trim() });
      return reply(201, undefined, orgsExcept(state, org, "any"), state.machines.length - 1);
    }
    case "deleteMachine": {
      const machine = command.machine === "missing" ? null : state.machines[command.machine];
      if (!machine || machine.org !== org) return refusal(state, 404, "not_found");
      if (machine.owner !== actor) return refusal(state, 403, "forbidden");
      state.machines[command.machine as number] = null;
      return reply(204, undefined, orgsExcept(state, org, "any"));
    }
  }
}

/** Every org's log must stay unchanged except `org`'s, which is held to `expectation`. */
function orgsExcept(state: ModelState, org: number, expectation: AuditExpectation): [number, AuditExpectation][] {
  return state.orgs.map((_, o) => [o, o === org ? expectation : "none"]);
}

/** The invariants of issue 3, as the model sees them; the harness checks D1 for the same. */
export function modelInvariantProblems(state: ModelState): string[] {
  const problems: string[] = [];
  state.orgs.forEach((_, org) => {
    const owners = [...state.members.values()].filter((m) => m.org === org && m.role === "owner").length;
    if (owners !== 1) problems.push(`model org ${org} has ${owners} owners`);
  });
  state.volumes.forEach((volume, index) => {
    if (volume && state.members.get(volume.owner)?.org !== volume.org) problems.push(`model volume ${index} owned by a non-member`);
  });
  return problems;
}
