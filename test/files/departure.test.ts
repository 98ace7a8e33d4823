import { describe, expect, it } from "vitest";
import { api, raw } from "../support/client";
import { orgWith } from "../support/org-factories";
import type { TestUser } from "../support/factories";
import { bytes } from "../support/bytes";
import { createVolume, fileUrl, filesUrl, putFile, uploadsUrl } from "../support/volume-files";

async function depart(how: "remove" | "leave", orgId: string, owner: TestUser, member: TestUser) {
  const response =
    how === "remove"
      ? await api(`/api/orgs/${orgId}/members/${member.id}`, { method: "DELETE", as: owner.cookie })
      : await api(`/api/orgs/${orgId}/leave`, { method: "POST", as: member.cookie });
  expect(response.status).toBe(how === "remove" ? 204 : 200);
}

describe.each(["remove", "leave"] as const)("a member's files when they %s", (how) => {
  it("move with their volume to the Owner, unfinished uploads too, and the member loses access", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const volume = await createVolume(org, sam.cookie);
    const files = { "results/run1.csv": bytes(123, 1), "checkpoints/é.pt": bytes(4567, 2) };
    for (const [path, data] of Object.entries(files)) expect((await putFile(org, volume.id, path, data, sam.cookie)).status).toBe(201);
    const upload = (await api(uploadsUrl(org.id, volume.id), { body: { path: "late.bin", size: 20 }, as: sam.cookie })).body.upload;
    await depart(how, org.id, org.owner, sam);

    const listed = await api(filesUrl(org.id, volume.id), { as: org.owner.cookie });
    expect(listed.status).toBe(200);
    expect(listed.body.usedBytes).toBe(123 + 4567);
    for (const [path, data] of Object.entries(files))
      expect((await raw(fileUrl(org.id, volume.id, path), { as: org.owner.cookie })).bytes).toEqual(data);
    // The upload moved with the volume: the Owner can finish it.
    const base = `${uploadsUrl(org.id, volume.id)}/${upload.id}`;
    expect((await api(base, { as: org.owner.cookie })).status).toBe(200);
    expect((await raw(`${base}/parts/1`, { method: "PUT", body: bytes(20, 3), as: org.owner.cookie })).status).toBe(200);
    expect((await raw(`${base}/complete`, { method: "POST", as: org.owner.cookie })).status).toBe(200);
    expect((await raw(fileUrl(org.id, volume.id, "late.bin"), { as: org.owner.cookie })).bytes).toEqual(bytes(20, 3));
    expect((await raw(fileUrl(org.id, volume.id, "results/run1.csv"), { as: sam.cookie })).status).toBe(404);
  });
});
