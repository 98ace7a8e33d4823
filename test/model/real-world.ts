import { env } from "cloudflare:workers";
import { api, type ApiResponse } from "../support/client";
import type { UserWithToken } from "../support/factories";
import { invariantQueries, violationsFrom } from "../support/invariants";
import type { Credential } from "./generators";
import { membersOf, ownerOf, type Command, type ModelState } from "./reference-model";

export interface Reply {
  status: number;
  code?: string;
  /** The id of what a 201 made. */
  id?: string;
  raw: ApiResponse;
}

const NO_SUCH_ORG = "noorg000000000000000";
const NO_SUCH_ITEM = "noitem00000000000000";

/** How the harness makes a member join an org: a real join code, or (before codes exist) a row. */
export type Joiner = (owner: UserWithToken, orgId: string, joiner: UserWithToken, role: "user" | "admin") => Promise<ApiResponse>;

/**
 * The real Worker, driven through its public HTTP API exactly as a client would. Model
 * numbers (users, orgs, volumes, machines) map to the ids the Worker handed out.
 */
export class RealWorld {
  readonly orgIds: string[] = [];
  readonly volumeIds: string[] = [];
  readonly machineIds: string[] = [];

  constructor(
    readonly users: UserWithToken[],
    private readonly join: Joiner,
  ) {}

  private credential(actor: number | "anonymous", via: Credential) {
    if (actor === "anonymous") return null;
    const user = this.users[actor]!;
    return via === "cookie" ? user.cookie : user.token;
  }

  private orgPath(org: number | "missing"): string {
    return `/api/orgs/${org === "missing" ? NO_SUCH_ORG : this.orgIds[org]}`;
  }

  async run(state: ModelState, command: Command, via: Credential): Promise<Reply> {
    const as = this.credential(command.actor, via);
    const response = await this.send(state, command, as);
    const reply: Reply = { status: response.status, raw: response };
    const code = response.body?.error?.code;
    if (typeof code === "string") reply.code = code;
    if (response.status === 201) {
      reply.id = response.body?.org?.id ?? response.body?.volume?.id ?? response.body?.machine?.id;
    }
    return reply;
  }

  private async send(state: ModelState, command: Command, as: ReturnType<RealWorld["credential"]>): Promise<ApiResponse> {
    switch (command.kind) {
      case "createOrg":
        return api("/api/orgs", { method: "POST", body: command.body, as });
      case "join": {
        const joiner = command.actor === "anonymous" ? null : this.users[command.actor]!;
        if (!joiner) return api("/api/join", { method: "POST", body: { code: "00000000" }, as: null });
        return this.join(this.users[ownerOf(state, command.org)]!, this.orgIds[command.org]!, joiner, command.role);
      }
      case "updateProfile":
        return api(this.orgPath(command.org), { method: "PATCH", body: command.body, as });
      case "changeRole":
        return api(`${this.orgPath(command.org)}/members/${this.users[command.target]!.id}/role`, {
          method: "PUT",
          body: { role: command.role },
          as,
        });
      case "removeMember":
        return api(`${this.orgPath(command.org)}/members/${this.users[command.target]!.id}`, { method: "DELETE", as });
      case "transfer":
        return api(`${this.orgPath(command.org)}/transfer`, {
          method: "POST",
          body: {
            userId: this.users[command.target]!.id,
            confirmOrgName: command.confirmOrgName,
            confirmUsername: command.confirmUsername,
          },
          as,
        });
      case "leave":
        return api(`${this.orgPath(command.org)}/leave`, { method: "POST", as });
      case "createVolume":
        return api(`${this.orgPath(command.org)}/volumes`, { method: "POST", body: command.body, as });
      case "deleteVolume": {
        const id = command.volume === "missing" ? NO_SUCH_ITEM : this.volumeIds[command.volume]!;
        return api(`${this.orgPath(command.org)}/volumes/${id}`, { method: "DELETE", as });
      }
      case "createMachine":
        return api(`${this.orgPath(command.org)}/machines`, { method: "POST", body: command.body, as });
      case "deleteMachine": {
        const id = command.machine === "missing" ? NO_SUCH_ITEM : this.machineIds[command.machine]!;
        return api(`${this.orgPath(command.org)}/machines/${id}`, { method: "DELETE", as });
      }
    }
  }

  /** Records the id a 201 returned under the model's number for it. */
  remember(command: Command, created: number, id: string): void {
    const list = command.kind === "createOrg" ? this.orgIds : command.kind === "createVolume" ? this.volumeIds : this.machineIds;
    if (list.length !== created) throw new Error(`harness: expected ${command.kind} number ${list.length}, the model made ${created}`);
    list.push(id);
  }

  private numbering() {
    const index = (ids: string[]) => new Map(ids.map((id, i) => [id, i]));
    const users = index(this.users.map((user) => user.id));
    const orgs = index(this.orgIds);
    const volumes = index(this.volumeIds);
    const machines = index(this.machineIds);
    const number = (map: Map<string, number>, id: string): number | string => map.get(id) ?? `unknown:${id}`;
    return { users, orgs, volumes, machines, number };
  }

  /**
   * What the API shows of `scope`, in the model's numbering: `/api/me` of each user in it, and
   * each org in it read by its Owner (profile and leadership, members with machines, every volume).
   */
  async observe(state: ModelState, scope: Scope = everything(state)): Promise<Observed> {
    const { users, orgs, volumes, machines, number } = this.numbering();
    const me = await Promise.all(
      scope.users.map(async (index) => {
        const user = this.users[index]!;
        const response = await api("/api/me", { as: index % 2 === 0 ? user.token : user.cookie });
        if (response.status !== 200) return { user: index, status: response.status };
        const { org, role } = response.body;
        return { user: index, org: org ? number(orgs, org.id) : null, orgName: org?.name ?? null, role };
      }),
    );
    const orgViews = await Promise.all(
      scope.orgs.map(async (org) => {
        const owner = this.users[ownerOf(state, org)]!;
        const path = `/api/orgs/${this.orgIds[org]}`;
        const [profile, members, vols] = await Promise.all([
          api(path, { as: owner.token }),
          api(`${path}/members`, { as: owner.cookie }),
          api(`${path}/volumes?all=1`, { as: owner.token }),
        ]);
        if (profile.status !== 200 || members.status !== 200 || vols.status !== 200) {
          return { org, status: [profile.status, members.status, vols.status] };
        }
        const { id: _id, createdAt: _createdAt, ...fields } = profile.body.org;
        return {
          org,
          profile: fields,
          role: profile.body.role,
          leadership: sortBy(
            profile.body.leadership.map((leader: any) => ({ user: number(users, leader.userId), role: leader.role })),
            (entry: any) => String(entry.user),
          ),
          members: sortBy(
            members.body.members.map((member: any) => ({
              user: number(users, member.userId),
              role: member.role,
              machines: member.machines.map((machine: any) => number(machines, machine.id)).sort(byNumber),
            })),
            (entry: any) => String(entry.user),
          ),
          volumes: sortBy(
            vols.body.volumes.map((volume: any) => ({
              volume: number(volumes, volume.id),
              owner: number(users, volume.ownerId),
              name: volume.name,
              sizeGb: volume.sizeGb,
            })),
            (entry: any) => String(entry.volume),
          ),
        };
      }),
    );
    return { me, orgs: orgViews };
  }

  /**
   * Every org, membership, volume and machine in D1 in the model's numbering, the invariant
   * violations, and the audit events per org: one batch, so one round trip per step.
   */
  async readD1(): Promise<{ stored: StoredState; violations: string[]; audit: Map<number | string, number> }> {
    const { orgs, number } = this.numbering();
    const results = await env.DB.batch<Record<string, any>>([
      env.DB.prepare("SELECT id, name, website, location, sector, university_name, description FROM organization"),
      env.DB.prepare("SELECT user_id, org_id, role FROM membership"),
      env.DB.prepare("SELECT id, org_id, owner_id, name, size_gb FROM volume"),
      env.DB.prepare("SELECT id, org_id, owner_id FROM machine"),
      env.DB.prepare("SELECT org_id, count(*) AS n FROM audit_event GROUP BY org_id"),
      ...invariantQueries(),
    ]);
    const [orgRows, memberRows, volumeRows, machineRows, auditRows] = results;
    const stored = this.stored(orgRows!, memberRows!, volumeRows!, machineRows!);
    const audit = new Map(auditRows!.results.map((row) => [number(orgs, row.org_id), row.n as number]));
    return { stored, violations: violationsFrom(results.slice(5)), audit };
  }

  private stored(
    orgRows: D1Result<Record<string, any>>,
    memberRows: D1Result<Record<string, any>>,
    volumeRows: D1Result<Record<string, any>>,
    machineRows: D1Result<Record<string, any>>,
  ): StoredState {
    const { users, orgs, volumes, machines, number } = this.numbering();
    return {
      orgs: sortBy(
        orgRows!.results.map((row) => ({
          org: number(orgs, row.id),
          profile: {
            name: row.name,
            website: row.website,
            location: row.location,
            sector: row.sector,
            universityName: row.university_name,
            description: row.description,
          },
        })),
        (entry) => String(entry.org),
      ),
      members: sortBy(
        memberRows!.results.map((row) => ({ user: number(users, row.user_id), org: number(orgs, row.org_id), role: row.role })),
        (entry) => String(entry.user),
      ),
      volumes: sortBy(
        volumeRows!.results.map((row) => ({
          volume: number(volumes, row.id),
          org: number(orgs, row.org_id),
          owner: number(users, row.owner_id),
          name: row.name,
          sizeGb: row.size_gb,
        })),
        (entry) => String(entry.volume),
      ),
      machines: sortBy(
        machineRows!.results.map((row) => ({
          machine: number(machines, row.id),
          org: number(orgs, row.org_id),
          owner: number(users, row.owner_id),
        })),
        (entry) => String(entry.machine),
      ),
    };
  }
}

/** Which users' `/api/me` and which orgs' pages to read. */
export interface Scope {
  users: number[];
  orgs: number[];
}

export function everything(state: ModelState): Scope {
  return { users: state.usernames.map((_, user) => user), orgs: state.orgs.map((_, org) => org) };
}

/**
 * What a command can have changed: its actor and target, and the org it named, plus the org
 * each of them belongs to before and after. Everything else is compared through D1.
 */
export function touched(orgBefore: (user: number) => number | undefined, command: Command, after: ModelState): Scope {
  const users = new Set<number>();
  if (command.actor !== "anonymous") users.add(command.actor);
  if ("target" in command) users.add(command.target);
  const orgs = new Set<number>();
  if ("org" in command && command.org !== "missing") orgs.add(command.org);
  for (const user of users) {
    const was = orgBefore(user);
    const is = after.members.get(user)?.org;
    if (was !== undefined) orgs.add(was);
    if (is !== undefined) orgs.add(is);
  }
  return { users: [...users].sort(byNumber), orgs: [...orgs].filter((org) => org < after.orgs.length).sort(byNumber) };
}

export interface Observed {
  me: unknown[];
  orgs: unknown[];
}

export interface StoredState {
  orgs: unknown[];
  members: unknown[];
  volumes: unknown[];
  machines: unknown[];
}

/** What the model says `observe` must find for `scope`. */
export function expectedObservation(state: ModelState, scope: Scope = everything(state)): Observed {
  const me = scope.users.map((user) => {
    const membership = state.members.get(user);
    return membership
      ? { user, org: membership.org, orgName: state.orgs[membership.org]!.name, role: membership.role }
      : { user, org: null, orgName: null, role: null };
  });
  const orgs = scope.orgs.map((org) => {
    const profile = state.orgs[org]!;
    const members = membersOf(state, org);
    return {
      org,
      profile: { ...profile },
      role: "owner",
      leadership: sortBy(
        members.filter((user) => state.members.get(user)!.role !== "user").map((user) => ({ user, role: state.members.get(user)!.role })),
        (entry) => String(entry.user),
      ),
      members: sortBy(
        members.map((user) => ({
          user,
          role: state.members.get(user)!.role,
          machines: state.machines.flatMap((machine, index) => (machine && machine.org === org && machine.owner === user ? [index] : [])),
        })),
        (entry) => String(entry.user),
      ),
      volumes: sortBy(
        state.volumes.flatMap((volume, index) =>
          volume && volume.org === org ? [{ volume: index, owner: volume.owner, name: volume.name, sizeGb: volume.sizeGb }] : [],
        ),
        (entry) => String(entry.volume),
      ),
    };
  });
  return { me, orgs };
}

/** What the model says `readD1` must find. */
export function expectedStored(state: ModelState): StoredState {
  return {
    orgs: state.orgs.map((profile, org) => ({ org, profile: { ...profile } })),
    members: sortBy(
      [...state.members].map(([user, membership]) => ({ user, org: membership.org, role: membership.role })),
      (entry) => String(entry.user),
    ),
    volumes: state.volumes.flatMap((volume, index) =>
      volume ? [{ volume: index, org: volume.org, owner: volume.owner, name: volume.name, sizeGb: volume.sizeGb }] : [],
    ),
    machines: state.machines.flatMap((machine, index) => (machine ? [{ machine: index, org: machine.org, owner: machine.owner }] : [])),
  };
}

function byNumber(a: unknown, b: unknown): number {
  return String(a).localeCompare(String(b), "en", { numeric: true });
}

function sortBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => byNumber(key(a), key(b)));
}
