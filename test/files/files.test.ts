import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, raw } from "../support/client";
import { orgWith } from "../support/org-factories";
import { bytes, contentDigest, sha256Hex } from "../support/bytes";
import { createVolume, fileUrl, filesUrl, putFile, uploadsUrl } from "../support/volume-files";

const GIB = 2 ** 30;

async function blobCount(volumeId: string): Promise<number> {
  return (await env.BLOBS.list({ prefix: `volumes/${volumeId}/` })).objects.length;
}

describe("PUT /api/orgs/:orgId/volumes/:id/files/{path}", () => {
  it("stores a new file with 201, replaces it with 200, and GET returns the bytes with Content-Length and ETag", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    const first = bytes(1000, 1);
    const created = await putFile(org, volume.id, "data/a b/é.bin", first, org.owner.cookie);
    expect(created.status).toBe(201);
    expect(created.json.file).toEqual({
      path: "data/a b/é.bin",
      size: 1000,
      sha256: await sha256Hex(first),
      updatedAt: expect.stringMatching(/Z$/),
    });
    const second = bytes(10, 2);
    const replaced = await putFile(org, volume.id, "data/a b/é.bin", second, org.owner.cookie);
    expect(replaced.status).toBe(200);
    expect(replaced.json.file.sha256).toBe(await sha256Hex(second));
    const got = await raw(fileUrl(org.id, volume.id, "data/a b/é.bin"), { as: org.owner.cookie });
    expect(got.status).toBe(200);
    expect(got.bytes).toEqual(second);
    expect(got.headers.get("Content-Length")).toBe("10");
    expect(got.headers.get("ETag")).toBe(`"${await sha256Hex(second)}"`);
    expect(await blobCount(volume.id)).toBe(1);
  });

  it("accepts a matching Content-Digest and an empty file", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    const data = bytes(300, 3);
    expect((await putFile(org, volume.id, "ok", data, org.owner.cookie, { "Content-Digest": await contentDigest(data) })).status).toBe(201);
    const empty = await putFile(org, volume.id, "empty", new Uint8Array(0), org.owner.cookie);
    expect(empty.status).toBe(201);
    expect(empty.json.file.size).toBe(0);
  });

  it("refuses a wrong Content-Digest with 400 and keeps the old file whole", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    const old = bytes(500, 4);
    await putFile(org, volume.id, "keep", old, org.owner.cookie);
    const refused = await putFile(org, volume.id, "keep", bytes(600, 5), org.owner.cookie, {
      "Content-Digest": await contentDigest(bytes(600, 6)),
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe("invalid_request");
    const got = await raw(fileUrl(org.id, volume.id, "keep"), { as: org.owner.cookie });
    expect(got.bytes).toEqual(old);
    expect(await blobCount(volume.id)).toBe(1);
    const { results } = await env.DB.prepare("SELECT id FROM volume_upload WHERE volume_id = ?").bind(volume.id).all();
    expect(results).toEqual([]);
    expect((await putFile(org, volume.id, "bad", bytes(5), org.owner.cookie, { "Content-Digest": "sha-256=:nope" })).status).toBe(400);
  });

  it("answers 413 from Content-Length before reading the body", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie, 10);
    // A body that declares 101 MiB and never sends a byte: the answer must come anyway.
    const { readable, writable } = new FixedLengthStream(101 * 1024 * 1024);
    const response = await raw(fileUrl(org.id, volume.id, "huge"), { method: "PUT", body: readable, as: org.owner.cookie });
    expect(response.status).toBe(413);
    expect(response.json.error.code).toBe("too_large");
    void writable;
    const lengthless = await raw(fileUrl(org.id, volume.id, "chunked"), {
      method: "PUT",
      body: new ReadableStream({
        start: (c) => {
          c.enqueue(new Uint8Array(3));
          c.close();
        },
      }),
      as: org.owner.cookie,
    });
    expect(lengthless.status).toBe(400);
  });

  it("keeps the volume within its size: 409 quota_exceeded counting files and unfinished uploads", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie, 1);
    const upload = await api(uploadsUrl(org.id, volume.id), { body: { path: "big", size: GIB - 1000 }, as: org.owner.cookie });
    expect(upload.status).toBe(201);
    expect((await putFile(org, volume.id, "a", bytes(600), org.owner.cookie)).status).toBe(201);
    const over = await putFile(org, volume.id, "b", bytes(401), org.owner.cookie);
    expect(over.status).toBe(409);
    expect(over.json.error.code).toBe("quota_exceeded");
    // Replacing counts the new size instead of the old one.
    expect((await putFile(org, volume.id, "a", bytes(1000), org.owner.cookie)).status).toBe(200);
    expect((await api(uploadsUrl(org.id, volume.id), { body: { path: "more", size: 1 }, as: org.owner.cookie })).body.error.code).toBe(
      "quota_exceeded",
    );
    expect(await blobCount(volume.id)).toBe(1);
  });

  it("never lets concurrent writes together pass the volume's size", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie, 1);
    await api(uploadsUrl(org.id, volume.id), { body: { path: "big", size: GIB - 1000 }, as: org.owner.cookie });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => putFile(org, volume.id, `f${i}`, bytes(300, i), org.owner.cookie)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 409, 409, 409]);
    const listed = await api(filesUrl(org.id, volume.id), { as: org.owner.cookie });
    expect(listed.body.usedBytes).toBe(900);
    expect(await blobCount(volume.id)).toBe(3);
  });
});

describe("concurrent and failed writes", () => {
  it("replaces one path concurrently into exactly one whole file and one object", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    const versions = Array.from({ length: 5 }, (_, i) => bytes(2000 + i, 20 + i));
    const results = await Promise.all(versions.map((data) => putFile(org, volume.id, "same", data, org.owner.cookie)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const got = await raw(fileUrl(org.id, volume.id, "same"), { as: org.owner.cookie });
    const match = await Promise.all(versions.map(async (data) => (await sha256Hex(data)) === (await sha256Hex(got.bytes))));
    expect(match.filter(Boolean)).toHaveLength(1);
    expect(got.headers.get("ETag")).toBe(`"${await sha256Hex(got.bytes)}"`);
    expect(await blobCount(volume.id)).toBe(1);
  });

  it("stores nothing when the body ends before its Content-Length, and keeps the old file", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    const old = bytes(64, 30);
    await putFile(org, volume.id, "short", old, org.owner.cookie);
    const { readable, writable } = new FixedLengthStream(1000);
    const writer = writable.getWriter();
    const sending = raw(fileUrl(org.id, volume.id, "short"), { method: "PUT", body: readable, as: org.owner.cookie });
    await writer.write(bytes(10)).catch(() => {});
    await writer.close().catch(() => {});
    const response = await sending.catch(() => ({ status: 0 }));
    expect(response.status).not.toBe(200);
    expect((await raw(fileUrl(org.id, volume.id, "short"), { as: org.owner.cookie })).bytes).toEqual(old);
    expect(await blobCount(volume.id)).toBe(1);
    const { results } = await env.DB.prepare("SELECT id FROM volume_upload WHERE volume_id = ?").bind(volume.id).all();
    expect(results).toEqual([]);
  });
});

describe("volume files are private to the volume's owner", () => {
  it("answers 403 to other members and 404 to other orgs, for every file path", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    const other = await orgWith();
    const sam = org.users[0]!;
    const volume = await createVolume(org, sam.cookie);
    await putFile(org, volume.id, "secret", bytes(10), sam.cookie);
    const upload = (await api(uploadsUrl(org.id, volume.id), { body: { path: "u", size: 10 }, as: sam.cookie })).body.upload;
    const paths: [string, string, unknown?][] = [
      ["PUT", fileUrl(org.id, volume.id, "x"), bytes(3)],
      ["GET", fileUrl(org.id, volume.id, "secret")],
      ["DELETE", fileUrl(org.id, volume.id, "secret")],
      ["GET", filesUrl(org.id, volume.id)],
      ["GET", `${uploadsUrl(org.id, volume.id)}/${upload.id}`],
      ["PUT", `${uploadsUrl(org.id, volume.id)}/${upload.id}/parts/1`, bytes(10)],
      ["POST", `${uploadsUrl(org.id, volume.id)}/${upload.id}/complete`],
      ["DELETE", `${uploadsUrl(org.id, volume.id)}/${upload.id}`],
    ];
    for (const [method, path, body] of paths) {
      for (const who of [org.owner, org.admins[0]!]) {
        expect((await raw(path, { method, body: body as BodyInit, as: who.cookie })).status, `${method} ${path}`).toBe(403);
      }
      expect((await raw(path, { method, body: body as BodyInit, as: other.owner.cookie })).status, `${method} ${path}`).toBe(404);
    }
    expect((await api(uploadsUrl(org.id, volume.id), { body: { path: "y", size: 1 }, as: org.owner.cookie })).status).toBe(403);
    expect((await raw(fileUrl(org.id, volume.id, "secret"), { as: sam.cookie })).bytes).toEqual(bytes(10));
    expect((await raw(fileUrl(org.id, "nope", "secret"), { as: sam.cookie })).status).toBe(404);
  });
});

describe("GET and DELETE of a file", () => {
  it("answers 404 for a file that is not there, deletes with 204, and then it is gone", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    expect((await raw(fileUrl(org.id, volume.id, "none"), { as: org.owner.cookie })).status).toBe(404);
    await putFile(org, volume.id, "gone", bytes(10), org.owner.cookie);
    expect((await raw(fileUrl(org.id, volume.id, "gone"), { method: "DELETE", as: org.owner.cookie })).status).toBe(204);
    expect((await raw(fileUrl(org.id, volume.id, "gone"), { as: org.owner.cookie })).status).toBe(404);
    expect((await raw(fileUrl(org.id, volume.id, "gone"), { method: "DELETE", as: org.owner.cookie })).status).toBe(404);
    expect(await blobCount(volume.id)).toBe(0);
  });
});
