import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ARCHIVE_OBJECT_GRACE_MS } from "../../src/domain/project";
import { purgeExpired } from "../../src/services/retention";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";
import { bytesOf, contentDigest } from "../support/bytes";
import { createProject, getBytes, putArchive } from "./helpers";

const HOUR = 60 * 60 * 1000;

async function archiveRows(orgId: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT key FROM project_archive WHERE org_id = ? ORDER BY created_at, key")
    .bind(orgId)
    .all<{ key: string }>();
  return results.map((row) => row.key);
}

async function stored(key: string): Promise<string | null> {
  const object = await env.BLOBS.get(key);
  return object ? object.text() : null;
}

describe("the archive sweep (purgeExpired)", () => {
  it("deletes replaced and refused archive objects once past the upload grace, never a project's current one", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const path = `/api/orgs/${org.id}/projects/${project.id}/archive`;
    await putArchive(path, bytesOf("old"), org.owner.cookie);
    await putArchive(path, bytesOf("refused"), org.owner.cookie, { "Content-Digest": await contentDigest(bytesOf("other")) });
    await putArchive(path, bytesOf("current"), org.owner.cookie);
    const [oldKey, refusedKey, currentKey] = (await archiveRowsInUploadOrder(org.id, ["old", "refused", "current"])) as [
      string,
      string,
      string,
    ];
    const now = Date.now();

    // Inside the grace, nothing goes: an upload may still be writing its object.
    await purgeExpired(env, now + ARCHIVE_OBJECT_GRACE_MS - HOUR);
    expect(await archiveRows(org.id)).toHaveLength(3);
    expect(await stored(oldKey)).toBe("old");

    const swept = await purgeExpired(env, now + ARCHIVE_OBJECT_GRACE_MS + HOUR);
    expect(swept.archiveObjects).toBeGreaterThanOrEqual(2);
    expect(await archiveRows(org.id)).toEqual([currentKey]);
    expect(await stored(oldKey)).toBeNull();
    expect(await stored(refusedKey)).toBeNull();
    expect(new TextDecoder().decode((await getBytes(path, org.owner.cookie)).bytes)).toBe("current");

    // A second run at the same instant deletes nothing.
    expect((await purgeExpired(env, now + ARCHIVE_OBJECT_GRACE_MS + HOUR)).archiveObjects).toBe(0);
  });

  it("deletes a deleted project's archive object after the grace", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, bytesOf("bytes"), org.owner.cookie);
    const [key] = await archiveRows(org.id);
    await api(`/api/orgs/${org.id}/projects/${project.id}`, { method: "DELETE", as: org.owner.cookie });
    expect(await stored(key!)).toBe("bytes");
    await purgeExpired(env, Date.now() + ARCHIVE_OBJECT_GRACE_MS + HOUR);
    expect(await stored(key!)).toBeNull();
    expect(await archiveRows(org.id)).toEqual([]);
  });

  it("deletes the object of an upload that died between its bytes and the switch", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const key = `orgs/${org.id}/projects/${project.id}/archives/orphan`;
    await env.DB.prepare("INSERT INTO project_archive (key, org_id, project_id, created_at) VALUES (?, ?, ?, ?)")
      .bind(key, org.id, project.id, Date.now())
      .run();
    await env.BLOBS.put(key, "half an upload");
    await purgeExpired(env, Date.now() + ARCHIVE_OBJECT_GRACE_MS + HOUR);
    expect(await stored(key)).toBeNull();
    expect(await archiveRows(org.id)).toEqual([]);
  });
});

/** The org's archive keys in the order their contents were uploaded. */
async function archiveRowsInUploadOrder(orgId: string, contents: string[]): Promise<string[]> {
  const keys = await archiveRows(orgId);
  const byContent = new Map<string, string>();
  for (const key of keys) byContent.set((await stored(key)) ?? "refused", key);
  return contents.map((content) => byContent.get(content)!);
}
