import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { purgeExpired } from "../../src/services/retention";
import { api, raw } from "../support/client";
import { orgWith } from "../support/org-factories";
import { bytes } from "../support/bytes";
import { createVolume, fileUrl, filesUrl, putFile, uploadsUrl } from "../support/volume-files";

/** The contract's order: UTF-8 bytes of the path (not JavaScript's UTF-16 code units). */
function byUtf8(a: string, b: string): number {
  const [x, y] = [new TextEncoder().encode(a), new TextEncoder().encode(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

describe("GET /api/orgs/:orgId/volumes/:id/files", () => {
  // U+FF5E sorts after U+1F600 in UTF-16 (0xFF5E > 0xD83D) but before it in UTF-8 (EF < F0).
  const paths = ["b", "a/c", "a/b", "a", "A", "a b", "é", "\uFF5E", "😀", "a/b/c", "z"];

  it("lists in UTF-8 byte order with usedBytes of the whole volume, whatever prefix or limit", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    for (const [i, path] of paths.entries()) expect((await putFile(org, volume.id, path, bytes(i + 1), org.owner.cookie)).status).toBe(201);
    const expected = [...paths].sort(byUtf8);
    expect(expected.indexOf("\uFF5E")).toBeLessThan(expected.indexOf("😀"));
    const all = await api(filesUrl(org.id, volume.id), { as: org.owner.cookie });
    expect(all.status).toBe(200);
    expect(all.body.files.map((f: { path: string }) => f.path)).toEqual(expected);
    expect(all.body.files[0]).toEqual({
      path: expected[0],
      size: expect.any(Number),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      updatedAt: expect.any(String),
    });
    expect(all.body.usedBytes).toBe((paths.length * (paths.length + 1)) / 2);
    expect(all.body.nextCursor).toBeNull();

    const prefixed = await api(`${filesUrl(org.id, volume.id)}?prefix=${encodeURIComponent("a/")}`, { as: org.owner.cookie });
    expect(prefixed.body.files.map((f: { path: string }) => f.path)).toEqual(["a/b", "a/b/c", "a/c"]);
    expect(prefixed.body.usedBytes).toBe(all.body.usedBytes);
    // A plain string prefix, not a directory: "a" matches "a", "a b", "a/…".
    const plain = await api(`${filesUrl(org.id, volume.id)}?prefix=a`, { as: org.owner.cookie });
    expect(plain.body.files.map((f: { path: string }) => f.path)).toEqual(["a", "a b", "a/b", "a/b/c", "a/c"]);
  });

  it("pages with limit and an opaque cursor until nextCursor is null", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    for (const path of paths) await putFile(org, volume.id, path, bytes(1), org.owner.cookie);
    const seen: string[] = [];
    let cursor: string | null = "";
    let pages = 0;
    while (cursor !== null) {
      const page: { status: number; body: any } = await api(`${filesUrl(org.id, volume.id)}?limit=3&cursor=${cursor}`, {
        as: org.owner.cookie,
      });
      expect(page.status).toBe(200);
      expect(page.body.files.length).toBeLessThanOrEqual(3);
      expect(page.body.usedBytes).toBe(paths.length);
      seen.push(...page.body.files.map((f: { path: string }) => f.path));
      cursor = page.body.nextCursor;
      pages += 1;
    }
    expect(seen).toEqual([...paths].sort(byUtf8));
    expect(pages).toBe(Math.ceil(paths.length / 3));
    const withPrefix = await api(`${filesUrl(org.id, volume.id)}?prefix=a&limit=2`, { as: org.owner.cookie });
    const next = await api(`${filesUrl(org.id, volume.id)}?prefix=a&limit=2&cursor=${withPrefix.body.nextCursor}`, {
      as: org.owner.cookie,
    });
    expect([...withPrefix.body.files, ...next.body.files].map((f: { path: string }) => f.path)).toEqual(["a", "a b", "a/b", "a/b/c"]);
  });

  it.each(["limit=0", "limit=1001", "limit=x", "cursor=***"])("refuses ?%s with 400", async (query) => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    expect((await api(`${filesUrl(org.id, volume.id)}?${query}`, { as: org.owner.cookie })).status).toBe(400);
  });

  it("lists an empty volume as no files and 0 bytes", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    expect((await api(filesUrl(org.id, volume.id), { as: org.owner.cookie })).body).toEqual({ files: [], usedBytes: 0, nextCursor: null });
  });
});

// `.` and `..` segments (also as %2E) are resolved by URL parsing before any route sees them,
// as the contract says of clients; the rule itself is unit-tested in src/domain/volume-file.test.ts.
describe("paths in URLs", () => {
  it.each([
    ["a%2Fb", "an encoded slash inside a segment"],
    ["a//b", "an empty segment"],
    ["a/", "a trailing slash"],
    ["a%00b", "a control character"],
    ["a%0Ab", "a newline"],
    ["%C3", "invalid UTF-8"],
    ["x".repeat(1025), "1,025 bytes"],
  ])("refuses %s (%s) with 400 on PUT, GET and DELETE", async (rawPath) => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    const url = `${filesUrl(org.id, volume.id)}/${rawPath}`;
    expect((await raw(url, { method: "PUT", body: bytes(3), as: org.owner.cookie })).status).toBe(400);
    expect((await raw(url, { as: org.owner.cookie })).status).toBe(400);
    expect((await raw(url, { method: "DELETE", as: org.owner.cookie })).status).toBe(400);
    expect((await api(filesUrl(org.id, volume.id), { as: org.owner.cookie })).body.files).toEqual([]);
  });

  it("decodes each segment: a file written as %20 and é is read back by its decoded path", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    expect(
      (await raw(`${filesUrl(org.id, volume.id)}/my%20dir/%C3%A9t%C3%A9.txt`, { method: "PUT", body: bytes(4), as: org.owner.cookie }))
        .status,
    ).toBe(201);
    expect((await api(filesUrl(org.id, volume.id), { as: org.owner.cookie })).body.files[0].path).toBe("my dir/été.txt");
    expect((await raw(fileUrl(org.id, volume.id, "my dir/été.txt"), { as: org.owner.cookie })).bytes).toEqual(bytes(4));
    expect((await raw(fileUrl(org.id, volume.id, "x".repeat(1024)), { method: "PUT", body: bytes(1), as: org.owner.cookie })).status).toBe(
      201,
    );
  });
});

describe("DELETE /api/orgs/:orgId/volumes/:id with files", () => {
  it("deletes the volume's files, their objects and its unfinished uploads", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    for (const path of ["a", "b/c"]) await putFile(org, volume.id, path, bytes(100), org.owner.cookie);
    const upload = (await api(uploadsUrl(org.id, volume.id), { body: { path: "u", size: 10 }, as: org.owner.cookie })).body.upload;
    await raw(`${uploadsUrl(org.id, volume.id)}/${upload.id}/parts/1`, { method: "PUT", body: bytes(10), as: org.owner.cookie });
    expect((await api(`/api/orgs/${org.id}/volumes/${volume.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(204);
    for (const table of ["volume_file", "volume_upload"]) {
      expect(
        (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE volume_id = ?`).bind(volume.id).first<{ n: number }>())!.n,
      ).toBe(0);
    }
    expect(
      (await env.DB.prepare("SELECT count(*) AS n FROM volume_upload_part WHERE upload_id = ?").bind(upload.id).first<{ n: number }>())!.n,
    ).toBe(0);
    expect((await env.BLOBS.list({ prefix: `volumes/${volume.id}/` })).objects).toEqual([]);
    expect((await raw(fileUrl(org.id, volume.id, "a"), { as: org.owner.cookie })).status).toBe(404);
  });

  it("sweeps an object no file points at once it is older than any write in flight", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    await putFile(org, volume.id, "kept", bytes(10), org.owner.cookie);
    await env.BLOBS.put(`volumes/${volume.id}/orphan`, "left behind");
    const soon = await purgeExpired(env, Date.now());
    expect(soon.orphanBlob).toBe(0);
    const later = await purgeExpired(env, Date.now() + 26 * 3600 * 1000);
    expect(later.orphanBlob).toBe(1);
    const keys = (await env.BLOBS.list({ prefix: `volumes/${volume.id}/` })).objects.map((o) => o.key);
    expect(keys).toHaveLength(1);
    expect((await raw(fileUrl(org.id, volume.id, "kept"), { as: org.owner.cookie })).bytes).toEqual(bytes(10));
  });
});
