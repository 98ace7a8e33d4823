import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { tokenFor } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { bytesOf, contentDigest, sha256Hex } from "../support/bytes";
import { createProject, getBytes, putArchive } from "./helpers";

const MiB = 1024 * 1024;

/** getRandomValues fills at most 64 KiB a call. */
function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length; at += 65_536) crypto.getRandomValues(bytes.subarray(at, Math.min(length, at + 65_536)));
  return bytes;
}

async function archiveKeys(orgId: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT key FROM project_archive WHERE org_id = ? ORDER BY created_at")
    .bind(orgId)
    .all<{ key: string }>();
  return results.map((row) => row.key);
}

/**
 * A body of which the client has sent only its first 1 KiB, and then stalls: a server that
 * waited for the declared bytes would never answer. (The runtime's pipe may pull that first
 * chunk; nothing more is ever available.)
 */
function stalledBody(): { stream: ReadableStream<Uint8Array>; pulls: () => number } {
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        pulls += 1;
        if (pulls === 1) controller.enqueue(new Uint8Array(1024));
        else return new Promise<void>(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulls: () => pulls };
}

describe("PUT /api/orgs/:orgId/projects/:id/archive", () => {
  it("stores the bytes and answers the project with its archive's size, sha256 and time", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const bytes = bytesOf("a gzipped tar, or any bytes at all");
    const response = await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, bytes, org.owner.cookie);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      project: { ...project, archive: { size: bytes.length, sha256: await sha256Hex(bytes), uploadedAt: expect.stringMatching(/Z$/) } },
    });
    expect((await api(`/api/orgs/${org.id}/projects/${project.id}`, { as: org.owner.cookie })).body).toEqual(response.body);
  });

  it("accepts a matching Content-Digest, with a token and no Origin", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const bytes = randomBytes(200_000);
    const token = await tokenFor(org.owner);
    const response = await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, bytes, token, {
      "Content-Digest": await contentDigest(bytes),
    });
    expect(response.status).toBe(200);
    expect(response.body.project.archive.sha256).toBe(await sha256Hex(bytes));
    const download = await getBytes(`/api/orgs/${org.id}/projects/${project.id}/archive`, token);
    expect(download.bytes).toEqual(bytes);
  });

  it("stores an empty archive", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const response = await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, new Uint8Array(0), org.owner.cookie, {
      "Content-Length": "0",
    });
    expect(response.status).toBe(200);
    expect(response.body.project.archive).toMatchObject({ size: 0, sha256: await sha256Hex(new Uint8Array(0)) });
  });

  it("replaces the archive with a new object per upload, keeping the old object for jobs that pinned it", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const path = `/api/orgs/${org.id}/projects/${project.id}/archive`;
    await putArchive(path, bytesOf("first"), org.owner.cookie);
    const second = await putArchive(path, bytesOf("second"), org.owner.cookie);
    expect(second.body.project.archive.sha256).toBe(await sha256Hex(bytesOf("second")));
    expect(new TextDecoder().decode((await getBytes(path, org.owner.cookie)).bytes)).toBe("second");
    const keys = await archiveKeys(org.id);
    expect(keys).toHaveLength(2);
    expect(await (await env.BLOBS.get(keys[0]!))!.text()).toBe("first");
    expect(keys[0]).not.toContain(org.owner.id);
  });

  it("refuses a Content-Digest that does not match with 400, deletes the new object and keeps the old archive", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const path = `/api/orgs/${org.id}/projects/${project.id}/archive`;
    const first = await putArchive(path, bytesOf("archive A"), org.owner.cookie);
    const refused = await putArchive(path, bytesOf("archive B"), org.owner.cookie, {
      "Content-Digest": await contentDigest(bytesOf("something else")),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("invalid_request");
    const download = await getBytes(path, org.owner.cookie);
    expect(new TextDecoder().decode(download.bytes)).toBe("archive A");
    expect((await api(`/api/orgs/${org.id}/projects/${project.id}`, { as: org.owner.cookie })).body).toEqual(first.body);
    const keys = await archiveKeys(org.id);
    expect(await env.BLOBS.get(keys[1]!)).toBeNull();
  });

  it.each(["sha-256=:not base64!:", "sha-256=abc", `sha-256=:${btoa("short")}:`])(
    "refuses a malformed Content-Digest %s with 400",
    async (header) => {
      const org = await orgWith();
      const project = await createProject(org.id, org.owner.cookie);
      const response = await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, bytesOf("x"), org.owner.cookie, {
        "Content-Digest": header,
      });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe("invalid_request");
      expect(await archiveKeys(org.id)).toEqual([]);
    },
  );

  it("accepts a Content-Digest that names only other algorithms, which it cannot check", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const response = await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, bytesOf("x"), org.owner.cookie, {
      "Content-Digest": "sha-512=:AAAA:",
    });
    expect(response.status).toBe(200);
  });

  it("answers 413 too_large from a Content-Length over 100 MiB, without reading the body", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const body = stalledBody();
    const response = await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, body.stream, org.owner.cookie, {
      "Content-Length": String(100 * MiB + 1),
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe("too_large");
    expect(body.pulls()).toBeLessThanOrEqual(2);
    expect(await archiveKeys(org.id)).toEqual([]);
  });

  it("answers 400 to a body without Content-Length (a stream sent chunked)", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const body = stalledBody();
    const response = await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, body.stream, org.owner.cookie);
    expect([400, 411]).toContain(response.status);
    expect(response.body.error.code).toBe("invalid_request");
    expect((await api(`/api/orgs/${org.id}/projects/${project.id}`, { as: org.owner.cookie })).body.project.archive).toBeNull();
  });

  it.each(["owner", "admin", "user"] as const)("refuses a(n) %s uploading to another member's project with 403", async (role) => {
    const org = await orgWith({ admins: 1, users: 2 });
    const actor = role === "owner" ? org.owner : role === "admin" ? org.admins[0]! : org.users[0]!;
    const project = await createProject(org.id, org.users[1]!.cookie);
    const response = await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, bytesOf("not yours"), actor.cookie);
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("forbidden");
    expect(await archiveKeys(org.id)).toEqual([]);
  });

  it("answers 404 to a non-member and for an unknown project", async () => {
    const org = await orgWith();
    const outsider = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    expect((await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, bytesOf("x"), outsider.owner.cookie)).status).toBe(404);
    expect((await putArchive(`/api/orgs/${outsider.id}/projects/${project.id}/archive`, bytesOf("x"), outsider.owner.cookie)).status).toBe(
      404,
    );
    expect((await putArchive(`/api/orgs/${org.id}/projects/nope/archive`, bytesOf("x"), org.owner.cookie)).status).toBe(404);
  });

  it("takes a body over 64 KiB (the JSON limit does not apply)", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const big = randomBytes(3 * 65_536);
    const response = await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, big, org.owner.cookie);
    expect(response.status).toBe(200);
    expect(response.body.project.archive.size).toBe(big.length);
  });
});

describe("GET /api/orgs/:orgId/projects/:id/archive", () => {
  it("answers the bytes exactly, as octet-stream with Content-Length and the sha256 as ETag, to every member", async () => {
    const org = await orgWith({ users: 1 });
    const project = await createProject(org.id, org.owner.cookie);
    const bytes = crypto.getRandomValues(new Uint8Array(5000));
    await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, bytes, org.owner.cookie);
    const download = await getBytes(`/api/orgs/${org.id}/projects/${project.id}/archive`, org.users[0]!.cookie);
    expect(download.status).toBe(200);
    expect(download.bytes).toEqual(bytes);
    expect(download.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(download.headers.get("Content-Length")).toBe("5000");
    expect(download.headers.get("ETag")).toBe(`"${await sha256Hex(bytes)}"`);
  });

  it("answers 404 not_found before any upload, and to non-members", async () => {
    const org = await orgWith();
    const outsider = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const before = await getBytes(`/api/orgs/${org.id}/projects/${project.id}/archive`, org.owner.cookie);
    expect(before.status).toBe(404);
    expect(before.json.error.code).toBe("not_found");
    await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, bytesOf("x"), org.owner.cookie);
    expect((await getBytes(`/api/orgs/${org.id}/projects/${project.id}/archive`, outsider.owner.cookie)).status).toBe(404);
  });

  it("keeps the archive object when the project is deleted (a job may have pinned it)", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, bytesOf("pinned"), org.owner.cookie);
    expect((await api(`/api/orgs/${org.id}/projects/${project.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(204);
    expect((await getBytes(`/api/orgs/${org.id}/projects/${project.id}/archive`, org.owner.cookie)).status).toBe(404);
    const [key] = await archiveKeys(org.id);
    expect(await (await env.BLOBS.get(key!))!.text()).toBe("pinned");
  });
});
