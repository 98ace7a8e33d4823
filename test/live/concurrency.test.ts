import { afterEach, describe, expect, it } from "vitest";
import { MAX_SOCKETS_PER_MEMBER } from "../../src/domain/live";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";
import { LiveSocket, closeAll, connect, openSockets, upgrade } from "./live-socket";

afterEach(closeAll);

describe("live sockets under concurrent changes", () => {
  it("gives every socket one notice per committed change, however the changes race", async () => {
    const org = await orgWith({ users: 2 });
    const sockets = await Promise.all([
      connect(org.id, org.owner.cookie),
      connect(org.id, org.users[0]!.cookie),
      connect(org.id, org.users[1]!.cookie),
    ]);
    const made = await Promise.all(
      Array.from({ length: 5 }, (_, i) => api(`/api/orgs/${org.id}/machines`, { body: { name: `m${i}` }, as: org.users[i % 2]!.cookie })),
    );
    expect(made.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
    for (const socket of sockets) {
      for (let i = 0; i < 5; i += 1) expect((await socket.nextChange()).topics).toEqual(["machines"]);
    }
    // Nothing more arrives: the next notice is the next change's.
    await api(`/api/orgs/${org.id}`, { method: "PATCH", body: { description: "after" }, as: org.owner.cookie });
    for (const socket of sockets) expect((await socket.nextChange()).topics).toEqual(["org"]);
  });

  it("never leaves a removed member's socket open when the removal races the upgrade", async () => {
    for (let round = 0; round < 3; round += 1) {
      const org = await orgWith({ users: 1 });
      const sam = org.users[0]!;
      const [opened, removed] = await Promise.all([
        upgrade(org.id, sam.cookie),
        api(`/api/orgs/${org.id}/members/${sam.id}`, { method: "DELETE", as: org.owner.cookie }),
      ]);
      expect(removed.status).toBe(204);
      if (opened.status === 101) {
        const socket = new LiveSocket(opened.webSocket!);
        openSockets.push(socket);
        expect((await socket.closed).code).toBe(4001);
      } else {
        expect(opened.status).toBe(404);
      }
    }
  });

  it(`refuses a member's socket past ${MAX_SOCKETS_PER_MEMBER} open ones with 429, and takes one again after a close`, async () => {
    const org = await orgWith();
    const sockets: LiveSocket[] = [];
    for (let i = 0; i < MAX_SOCKETS_PER_MEMBER; i += 1) sockets.push(await connect(org.id, org.owner.cookie));
    const refused = await upgrade(org.id, org.owner.cookie);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    sockets[0]!.close();
    await sockets[0]!.closed;
    await expect
      .poll(async () => {
        const again = await upgrade(org.id, org.owner.cookie);
        if (again.status !== 101) return again.status;
        openSockets.push(new LiveSocket(again.webSocket!));
        return 101;
      })
      .toBe(101);
  });
});
