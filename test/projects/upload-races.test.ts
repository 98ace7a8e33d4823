import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";
import { bytesOf, sha256Hex } from "../support/bytes";
import { createProject, getBytes, putArchive } from "./helpers";

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

async function objectCount(orgId: string): Promise<number> {
  const listed = await env.BLOBS.list({ prefix: `orgs/${orgId}/projects/` });
  return listed.objects.length;
}

describe("archive uploads under stress", () => {
  it("refuses a body shorter than its Content-Length with 400 and keeps the old archive", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const path = `/api/orgs/${org.id}/projects/${project.id}/archive`;
    await putArchive(path, bytesOf("whole"), org.owner.cookie);
    const response = await putArchive(path, streamOf(bytesOf("short")), org.owner.cookie, { "Content-Length": "20" }).catch(
      (error: unknown) => ({ status: 0, error }),
    );
    // The runtime may refuse to send a short body at all; either way nothing may change.
    if (response.status !== 0) expect(response.status).toBe(400);
    expect(new TextDecoder().decode((await getBytes(path, org.owner.cookie)).bytes)).toBe("whole");
    expect(await objectCount(org.id)).toBe(1);
  });

  it("ends concurrent uploads to one project on one of them, whole", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const path = `/api/orgs/${org.id}/projects/${project.id}/archive`;
    const bodies = ["one", "two", "three", "four"].map((text) => bytesOf(text.repeat(1000)));
    const responses = await Promise.all(bodies.map((body) => putArchive(path, body, org.owner.cookie)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const current = (await api(`/api/orgs/${org.id}/projects/${project.id}`, { as: org.owner.cookie })).body.project.archive;
    const download = await getBytes(path, org.owner.cookie);
    expect(await sha256Hex(download.bytes)).toBe(current.sha256);
    expect(download.bytes.length).toBe(current.size);
    const hashes = await Promise.all(bodies.map(sha256Hex));
    expect(hashes).toContain(current.sha256);
  });

  it("leaves no project pointing at a missing object when an upload races the project's deletion", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const [uploaded, deleted] = await Promise.all([
      putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, bytesOf("racing"), org.owner.cookie),
      api(`/api/orgs/${org.id}/projects/${project.id}`, { method: "DELETE", as: org.owner.cookie }),
    ]);
    expect(deleted.status).toBe(204);
    expect([200, 404]).toContain(uploaded.status);
    expect((await api(`/api/orgs/${org.id}/projects/${project.id}`, { as: org.owner.cookie })).status).toBe(404);
    // A refused upload deleted its object; a finished one left it for the sweep.
    expect(await objectCount(org.id)).toBe(uploaded.status === 200 ? 1 : 0);
  });
});
