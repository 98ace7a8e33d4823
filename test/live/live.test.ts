import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { api } from "../support/client";
import { signUp, tokenFor, unique } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { closeAll, connect, upgrade } from "./live-socket";

afterEach(closeAll);

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe("GET /api/orgs/:orgId/live: who may open it", () => {
  it("opens a socket for a member with a cookie and our Origin, which answers ping with pong", async () => {
    const org = await orgWith();
    const response = await upgrade(org.id, org.owner.cookie);
    expect(response.status).toBe(101);
    const socket = await connect(org.id, org.owner.cookie);
    socket.ws.send("ping");
    expect(await socket.next()).toBe("pong");
    response.webSocket!.accept();
    response.webSocket!.close(1000);
  });

  it.each(["owner", "admin", "user"] as const)("opens for every member: the %s, by cookie and by token", async (role) => {
    const org = await orgWith({ admins: 1, users: 1 });
    const member = role === "owner" ? org.owner : role === "admin" ? org.admins[0]! : org.users[0]!;
    for (const as of [member.cookie, await tokenFor(member)]) {
      const socket = await connect(org.id, as);
      socket.ws.send("ping");
      expect(await socket.next()).toBe("pong");
    }
  });

  it("opens a socket for an API token without any Origin", async () => {
    const org = await orgWith({ users: 1 });
    const token = await tokenFor(org.users[0]!);
    const response = await upgrade(org.id, token);
    expect(response.status).toBe(101);
    response.webSocket!.accept();
    response.webSocket!.close(1000);
  });

  it("refuses a cookie whose request came from another origin, or named none, with 403 csrf", async () => {
    const org = await orgWith();
    for (const origin of ["https://evil.example", "null", ""]) {
      const response = await upgrade(org.id, org.owner.cookie, { Origin: origin });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("csrf");
    }
  });

  it("answers no credential with 401, a non-member and an unknown org with 404", async () => {
    const org = await orgWith();
    const stranger = await signUp();
    expect((await upgrade(org.id, null)).status).toBe(401);
    const foreign = await upgrade(org.id, stranger.cookie);
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect((await upgrade("no-such-org", org.owner.cookie)).status).toBe(404);
    // Claiming to be a member in the header the Worker sets for the object changes nothing.
    expect((await upgrade(org.id, stranger.cookie, { "X-Cohort-Live-User": org.owner.id, "X-Cohort-Live-Org": org.id })).status).toBe(404);
  });

  it("answers a plain GET without the upgrade with 426 and the error body", async () => {
    const org = await orgWith();
    const response = await api(`/api/orgs/${org.id}/live`, { as: org.owner.cookie });
    expect(response.status).toBe(426);
    expect(response.body.error.code).toBe("invalid_request");
    expect(response.headers.get("Upgrade")).toBe("websocket");
  });
});

describe("change notices", () => {
  it("tells every member's socket which topics changed, and nothing about who or what", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    const [ada, sam] = [org.admins[0]!, org.users[0]!];
    const adaSocket = await connect(org.id, ada.cookie);
    const samSocket = await connect(org.id, await tokenFor(sam));
    expect(
      (await api(`/api/orgs/${org.id}`, { method: "PATCH", body: { description: "Secret plans" }, as: org.owner.cookie })).status,
    ).toBe(200);
    for (const socket of [adaSocket, samSocket]) {
      const message = await socket.nextChange();
      expect(Object.keys(message).sort()).toEqual(["at", "topics", "type"]);
      expect(message).toEqual({ type: "changed", topics: ["org"], at: expect.stringMatching(ISO) });
    }
  });

  it("names the topics of each kind of change", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    const sam = org.users[0]!;
    const socket = await connect(org.id, sam.cookie);
    const created = await api(`/api/orgs/${org.id}/join-codes`, { body: { count: 1 }, as: org.owner.cookie });
    expect((await socket.nextChange()).topics).toEqual(["codes"]);
    expect(
      (await api(`/api/orgs/${org.id}/join-codes/${created.body.codes[0].id}`, { method: "DELETE", as: org.owner.cookie })).status,
    ).toBe(204);
    expect((await socket.nextChange()).topics).toEqual(["codes"]);

    const code = (await api(`/api/orgs/${org.id}/join-codes`, { body: { count: 1 }, as: org.owner.cookie })).body.codes[0].code;
    await socket.nextChange();
    expect((await api("/api/join", { body: { code }, as: (await signUp()).cookie })).status).toBe(200);
    expect((await socket.nextChange()).topics.sort()).toEqual(["codes", "members", "org"]);

    const machine = await api(`/api/orgs/${org.id}/machines`, { body: { name: "gpu" }, as: sam.cookie });
    expect((await socket.nextChange()).topics).toEqual(["machines"]);
    await api(`/api/orgs/${org.id}/machines/${machine.body.machine.id}`, { method: "DELETE", as: sam.cookie });
    // A job running on it goes back to the queue, so job lists refetch too.
    expect((await socket.nextChange()).topics.sort()).toEqual(["jobs", "machines"]);

    await api(`/api/orgs/${org.id}/members/${org.admins[0]!.id}/role`, { method: "PUT", body: { role: "user" }, as: org.owner.cookie });
    expect((await socket.nextChange()).topics.sort()).toEqual(["members", "org"]);
  });

  it("sends nothing for a refusal, a change to nothing, or a replay of an Idempotency-Key", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const socket = await connect(org.id, org.owner.cookie);
    const key = { "Idempotency-Key": unique("edit-") };
    const edit = { method: "PATCH", body: { description: "Once" }, as: org.owner.cookie, headers: key };
    expect((await api(`/api/orgs/${org.id}`, edit)).status).toBe(200);
    expect((await socket.nextChange()).topics).toEqual(["org"]);
    expect((await api(`/api/orgs/${org.id}`, edit)).status).toBe(200);
    expect((await api(`/api/orgs/${org.id}`, { method: "PATCH", body: { description: "Once" }, as: org.owner.cookie })).status).toBe(200);
    expect((await api(`/api/orgs/${org.id}`, { method: "PATCH", body: { description: "No" }, as: sam.cookie })).status).toBe(403);
    // The next notice is the next real change's: none came in between.
    await api(`/api/orgs/${org.id}/machines`, { body: { name: "gpu" }, as: sam.cookie });
    expect((await socket.nextChange()).topics).toEqual(["machines"]);
    expect(socket.pending).toBe(0);
  });
});

describe("closing a member's sockets", () => {
  it("closes every socket of a removed member with 4001 and tells the others", async () => {
    const org = await orgWith({ users: 2 });
    const [sam, kim] = [org.users[0]!, org.users[1]!];
    const first = await connect(org.id, sam.cookie);
    const second = await connect(org.id, await tokenFor(sam));
    // Kim claims to be Sam in the header meant for the object; Kim's socket stays Kim's.
    const kimSocket = await connect(org.id, kim.cookie, { "X-Cohort-Live-User": sam.id });
    expect((await api(`/api/orgs/${org.id}/members/${sam.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(204);
    expect((await first.closed).code).toBe(4001);
    expect((await second.closed).code).toBe(4001);
    expect((await kimSocket.nextChange()).topics).toEqual(expect.arrayContaining(["members"]));
    expect((await upgrade(org.id, sam.cookie)).status).toBe(404);
  });

  it("closes the sockets of a member who leaves with 4001", async () => {
    const org = await orgWith({ admins: 1 });
    const ada = org.admins[0]!;
    const socket = await connect(org.id, ada.cookie);
    const owner = await connect(org.id, org.owner.cookie);
    expect((await api(`/api/orgs/${org.id}/leave`, { body: {}, as: ada.cookie })).status).toBeLessThan(300);
    expect((await socket.closed).code).toBe(4001);
    expect((await owner.nextChange()).topics).toEqual(expect.arrayContaining(["members", "org"]));
  });

  it("closes a demoted Admin's sockets with 4003, and a promoted User's stay open", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    const [ada, sam] = [org.admins[0]!, org.users[0]!];
    const adaSocket = await connect(org.id, ada.cookie);
    const samSocket = await connect(org.id, sam.cookie);
    const role = (userId: string, to: string) =>
      api(`/api/orgs/${org.id}/members/${userId}/role`, { method: "PUT", body: { role: to }, as: org.owner.cookie });
    expect((await role(sam.id, "admin")).status).toBe(200);
    expect((await samSocket.nextChange()).topics).toContain("members");
    expect((await role(ada.id, "user")).status).toBe(200);
    expect((await adaSocket.closed).code).toBe(4003);
    expect((await samSocket.nextChange()).topics).toContain("members");
  });

  it("closes the former Owner's sockets with 4003 after a transfer; the new Owner's get the notice", async () => {
    const org = await orgWith({ admins: 1 });
    const grace = org.admins[0]!;
    const ownerSocket = await connect(org.id, org.owner.cookie);
    const graceSocket = await connect(org.id, grace.cookie);
    const body = { userId: grace.id, confirmOrgName: org.name, confirmUsername: grace.username };
    expect((await api(`/api/orgs/${org.id}/transfer`, { body, as: org.owner.cookie })).status).toBe(200);
    expect((await ownerSocket.closed).code).toBe(4003);
    expect((await graceSocket.nextChange()).topics.sort()).toEqual(["members", "org"]);
  });
});

describe("the org object's sockets", () => {
  it("are hibernatable, tagged with the member and the role read fresh in the object, whatever the client claimed", async () => {
    const org = await orgWith({ admins: 1 });
    const ada = org.admins[0]!;
    await connect(org.id, ada.cookie, { "X-Cohort-Live-User": org.owner.id });
    await connect(org.id, org.owner.cookie);
    const tags = await runInDurableObject(env.ORG.getByName(org.id), (_instance, state) =>
      state.getWebSockets().map((ws) => state.getTags(ws).sort()),
    );
    expect(tags).toEqual(
      expect.arrayContaining([
        [`role:admin`, `user:${ada.id}`],
        [`role:owner`, `user:${org.owner.id}`],
      ]),
    );
    expect(tags).toHaveLength(2);
  });
});
