import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, ORIGIN, raw } from "../support/client";
import { orgWith } from "../support/org-factories";
import { buttons, page } from "../pages/page-client";
import { bytes } from "../support/bytes";
import { createVolume, fileUrl, putFile } from "../support/volume-files";

/** The upload form as a browser posts it: multipart/form-data with the file and the optional path. */
async function uploadForm(volumeId: string, cookie: string, file: File, path = "") {
  const form = new FormData();
  form.set("file", file);
  form.set("path", path);
  const response = await exports.default.fetch(`${ORIGIN}/volumes/${volumeId}/files`, {
    method: "POST",
    headers: { Cookie: cookie, Origin: ORIGIN, Accept: "text/html" },
    body: form,
    redirect: "manual",
  });
  return { status: response.status, location: response.headers.get("Location")?.replace(ORIGIN, "") ?? null, html: await response.text() };
}

describe("/volumes/:id", () => {
  it("lists the files with size and sha, a download link per file, an upload form and delete", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    await putFile(org, volume.id, "data/<b>.csv", bytes(2048), org.owner.cookie);
    const list = await page("/volumes", { cookie: org.owner.cookie.cookie });
    expect(list.html).toContain(`href="/volumes/${volume.id}"`);
    const response = await page(`/volumes/${volume.id}`, { cookie: org.owner.cookie.cookie });
    expect(response.status).toBe(200);
    expect(response.html).toContain("data/&lt;b&gt;.csv");
    expect(response.html).toContain("2.0 KiB");
    expect(response.html).toContain(`href="/api/orgs/${org.id}/volumes/${volume.id}/files/data/%3Cb%3E.csv"`);
    expect(response.html).toMatch(/<label for="field-file">File<\/label>/);
    expect(response.html).toMatch(/<label for="field-path">Path<\/label>/);
    expect(response.html).toContain('enctype="multipart/form-data"');
    expect(buttons(response.html)).toEqual(["Sign out", "Delete data/&lt;b&gt;.csv", "Upload"]);
  });

  it("uploads a file under its own name or the typed path, and deletes it", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    const named = await uploadForm(volume.id, org.owner.cookie.cookie, new File([bytes(100 * 1024, 7)], "notes.txt"));
    expect(named.status).toBe(303);
    expect(named.location).toBe(`/volumes/${volume.id}`);
    expect((await raw(fileUrl(org.id, volume.id, "notes.txt"), { as: org.owner.cookie })).bytes).toEqual(bytes(100 * 1024, 7));
    const typed = await uploadForm(volume.id, org.owner.cookie.cookie, new File([bytes(10)], "x.bin"), "runs/1/x.bin");
    expect(typed.status).toBe(303);
    expect((await raw(fileUrl(org.id, volume.id, "runs/1/x.bin"), { as: org.owner.cookie })).status).toBe(200);
    const bad = await uploadForm(volume.id, org.owner.cookie.cookie, new File([bytes(10)], "y.bin"), "../y");
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('id="field-path-error"');
    const deleted = await page(`/volumes/${volume.id}/files/delete?path=${encodeURIComponent("notes.txt")}`, {
      cookie: org.owner.cookie.cookie,
      form: {},
    });
    expect(deleted.status).toBe(303);
    expect((await raw(fileUrl(org.id, volume.id, "notes.txt"), { as: org.owner.cookie })).status).toBe(404);
  });

  it("is the owner's alone: 403 for other members, 404 for other orgs", async () => {
    const org = await orgWith({ users: 1 });
    const other = await orgWith();
    const volume = await createVolume(org, org.users[0]!.cookie);
    expect((await page(`/volumes/${volume.id}`, { cookie: org.owner.cookie.cookie })).status).toBe(403);
    expect((await page(`/volumes/${volume.id}`, { cookie: other.owner.cookie.cookie })).status).toBe(404);
    expect((await uploadForm(volume.id, org.owner.cookie.cookie, new File([bytes(1)], "z"))).status).toBe(403);
    expect((await api(`/api/orgs/${org.id}/volumes/${volume.id}/files`, { as: org.users[0]!.cookie })).body.files).toEqual([]);
  });
});
