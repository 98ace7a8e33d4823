import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { purgeExpired } from "../../src/services/retention";
import { api, raw } from "../support/client";
import { bytes, sha256Hex } from "../support/bytes";
import { orgWith } from "../support/org-factories";
import { createVolume, fileUrl, filesUrl, putFile } from "../support/volume-files";

/**
 * R2 failing between a file's bytes and its metadata: no file lists without bytes, no bytes
 * count nowhere for long (what a crash leaves, the orphan sweep takes), the old file stays whole.
 */
afterEach(() => vi.restoreAllMocks());

async function blobKeys(volumeId: string): Promise<string[]> {
  return (await env.BLOBS.list({ prefix: `volumes/${volumeId}/` })).objects.map((object) => object.key);
}

async function reservations(volumeId: string): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM volume_upload WHERE volume_id = ?").bind(volumeId).first<{ n: number }>())!.n;
}

async function listing(orgId: string, volumeId: string, as: { cookie: string }) {
  const response = await api(filesUrl(orgId, volumeId), { as });
  return {
    files: response.body.files.map((file: { path: string; size: number; sha256: string }) => [file.path, file.size, file.sha256]),
    usedBytes: response.body.usedBytes,
  };
}

describe("R2 failing under a volume file write", () => {
  it("answers 500 when the bytes cannot be stored, and the old file, the listing and the quota stay as they were", async () => {
    const org = await orgWith();
    const owner = org.owner.cookie;
    const volume = await createVolume(org, owner);
    const old = bytes(300, 1);
    expect((await putFile(org, volume.id, "model.bin", old, owner)).status).toBe(201);
    const before = await listing(org.id, volume.id, owner);
    const keysBefore = await blobKeys(volume.id);

    vi.spyOn(env.BLOBS, "put").mockRejectedValue(new Error("R2 is unavailable"));
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const replaced = await putFile(org, volume.id, "model.bin", bytes(500, 2), owner);
    expect(replaced.status).toBe(500);
    expect(replaced.json.error.code).toBe("internal");
    const created = await putFile(org, volume.id, "new.bin", bytes(50, 3), owner);
    expect(created.status).toBe(500);
    vi.restoreAllMocks();

    expect(await listing(org.id, volume.id, owner)).toEqual(before);
    expect(before.files).toEqual([["model.bin", 300, await sha256Hex(old)]]);
    expect((await raw(fileUrl(org.id, volume.id, "model.bin"), { as: owner })).bytes).toEqual(old);
    expect((await raw(fileUrl(org.id, volume.id, "new.bin"), { as: owner })).status).toBe(404);
    // The reservations were released and nothing new was left in the bucket.
    expect(await reservations(volume.id)).toBe(0);
    expect(await blobKeys(volume.id)).toEqual(keysBefore);
    // And the volume takes writes again.
    expect((await putFile(org, volume.id, "new.bin", bytes(50, 3), owner)).status).toBe(201);
  });

  it("leaves no counted bytes when the clean-up fails too: the object is an orphan, unlisted, and the sweep takes it", async () => {
    const org = await orgWith();
    const owner = org.owner.cookie;
    const volume = await createVolume(org, owner);
    expect((await putFile(org, volume.id, "kept", bytes(10, 1), owner)).status).toBe(201);
    const realPut = env.BLOBS.put.bind(env.BLOBS);
    // The bytes land, then R2 fails the digest's clean-up: as if the Worker died after storing them.
    vi.spyOn(env.BLOBS, "delete").mockRejectedValue(new Error("R2 is unavailable"));
    vi.spyOn(env.BLOBS, "put").mockImplementation((key, value, options) => realPut(key, value, options));
    const mismatch = await putFile(org, volume.id, "broken", bytes(40, 2), owner, {
      "Content-Digest": `sha-256=:${btoa("x".repeat(32))}:`,
    });
    expect(mismatch.status).toBe(400);
    vi.restoreAllMocks();

    const left = await blobKeys(volume.id);
    expect(left).toHaveLength(2);
    const now = await listing(org.id, volume.id, owner);
    expect(now.files.map(([path]: [string]) => path)).toEqual(["kept"]);
    expect(now.usedBytes).toBe(10);
    expect(await reservations(volume.id)).toBe(0);

    // Too young to be told from a write in flight; a day later it is swept, and the file is untouched.
    expect((await purgeExpired(env, Date.now())).orphanBlob).toBe(0);
    expect((await purgeExpired(env, Date.now() + 26 * 3600 * 1000)).orphanBlob).toBe(1);
    expect(await blobKeys(volume.id)).toHaveLength(1);
    expect((await raw(fileUrl(org.id, volume.id, "kept"), { as: owner })).bytes).toEqual(bytes(10, 1));
  });
});
