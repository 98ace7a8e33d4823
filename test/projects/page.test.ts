import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, ORIGIN } from "../support/client";
import { orgWith } from "../support/org-factories";
import { buttons, page, withCookies } from "../pages/page-client";
import { bytesOf, sha256Hex } from "../support/bytes";
import { createProject, getBytes, putArchive } from "./helpers";

/** Posts a multipart form with one file, as a browser does. */
async function postFile(path: string, cookie: string, field: string, file: File | string) {
  const form = new FormData();
  form.set(field, file);
  const response = await exports.default.fetch(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { Cookie: cookie, Origin: ORIGIN, Accept: "text/html" },
    body: form,
    redirect: "manual",
  });
  await response.text();
  return { status: response.status, headers: response.headers, location: response.headers.get("Location")?.replace(ORIGIN, "") ?? null };
}

describe("/projects", () => {
  it("lists the org's projects to every member, with owner and archive, and the create form", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const project = await createProject(org.id, org.owner.cookie, { name: "owner-thing", description: "the Owner's <b>work</b>" });
    const bytes = bytesOf("tarball");
    await putArchive(`/api/orgs/${org.id}/projects/${project.id}/archive`, bytes, org.owner.cookie);
    const response = await page("/projects", { cookie: sam.cookie.cookie });
    expect(response.status).toBe(200);
    expect(response.html).toContain("owner-thing");
    expect(response.html).toContain("the Owner&#39;s &lt;b&gt;work&lt;/b&gt;");
    expect(response.html).toContain(org.owner.username);
    expect(response.html).toContain((await sha256Hex(bytes)).slice(0, 12));
    expect(response.html).toContain("7 bytes");
    expect(response.html).toContain(`href="/api/orgs/${org.id}/projects/${project.id}/archive"`);
    expect(response.html).toMatch(/<label for="field-name">Project name<\/label>/);
    expect(response.html).toMatch(/<label for="field-description">Description<\/label>/);
    // Not Sam's project: no upload or delete for it.
    expect(buttons(response.html)).toEqual(["Sign out", "Create project"]);
    expect(response.html).toContain('<a href="/projects" aria-current="page">Projects</a>');
  });

  it("creates, uploads to and deletes one's own project through form posts", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const cookie = sam.cookie.cookie;

    const created = await page("/projects", { cookie, form: { name: "sam-project", description: "" } });
    expect(created.status).toBe(303);
    expect(created.location).toBe("/projects");
    const listed = await page("/projects", { cookie: withCookies(cookie, created) });
    expect(listed.html).toContain("Project sam-project is created.");
    expect(buttons(listed.html)).toEqual(["Sign out", "Upload to sam-project", "Delete sam-project", "Create project"]);
    expect(listed.html).toMatch(/<label for="archive-[a-z0-9]+">Archive<span class="visually-hidden"> for sam-project<\/span><\/label>/);
    const [project] = (await api(`/api/orgs/${org.id}/projects`, { as: sam.cookie })).body.projects;

    const uploaded = await postFile(
      `/projects/${project.id}/archive`,
      cookie,
      "archive",
      new File([bytesOf("from the page")], "code.tar.gz"),
    );
    expect(uploaded.status).toBe(303);
    expect(uploaded.location).toBe("/projects");
    const download = await getBytes(`/api/orgs/${org.id}/projects/${project.id}/archive`, sam.cookie);
    expect(new TextDecoder().decode(download.bytes)).toBe("from the page");

    const deleted = await page(`/projects/${project.id}/delete`, { cookie, form: {} });
    expect(deleted.status).toBe(303);
    expect((await api(`/api/orgs/${org.id}/projects`, { as: sam.cookie })).body.projects).toEqual([]);
  });

  it("shows a taken name next to the field and keeps the values", async () => {
    const org = await orgWith();
    await createProject(org.id, org.owner.cookie, { name: "Taken" });
    const response = await page("/projects", { cookie: org.owner.cookie.cookie, form: { name: "taken", description: "kept" } });
    expect(response.status).toBe(409);
    expect(response.html).toContain("A project with this name already exists");
    expect(response.html).toContain(">kept</textarea>");
  });

  it("refuses an upload to another member's project, and a form without a file, with a message", async () => {
    const org = await orgWith({ users: 1 });
    const project = await createProject(org.id, org.owner.cookie);
    const cookie = org.users[0]!.cookie.cookie;
    const refused = await postFile(`/projects/${project.id}/archive`, cookie, "archive", new File([bytesOf("x")], "x.tgz"));
    expect(refused.status).toBe(303);
    const shown = await page("/projects", {
      cookie: `${cookie}; ${refused.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ")}`,
    });
    expect(shown.html).toContain("You can change only your own projects.");
    const noFile = await postFile(`/projects/${project.id}/archive`, org.owner.cookie.cookie, "archive", "not a file");
    expect(noFile.status).toBe(303);
    expect((await api(`/api/orgs/${org.id}/projects/${project.id}`, { as: org.owner.cookie })).body.project.archive).toBeNull();
    const { results } = await env.DB.prepare("SELECT key FROM project_archive WHERE org_id = ?").bind(org.id).all();
    expect(results).toEqual([]);
  });

  it("takes a file over the 64 KiB JSON limit, and refuses a form over 100 MiB by its Content-Length", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie);
    const cookie = org.owner.cookie.cookie;
    const big = new Uint8Array(200_000).fill(7);
    expect((await postFile(`/projects/${project.id}/archive`, cookie, "archive", new File([big], "big.tgz"))).status).toBe(303);
    expect((await api(`/api/orgs/${org.id}/projects/${project.id}`, { as: org.owner.cookie })).body.project.archive.size).toBe(200_000);

    const stalled = new ReadableStream<Uint8Array>({ pull: () => new Promise<void>(() => undefined) }, { highWaterMark: 0 });
    const response = await exports.default.fetch(`${ORIGIN}/projects/${project.id}/archive`, {
      method: "POST",
      headers: {
        Cookie: cookie,
        Origin: ORIGIN,
        "Content-Type": "multipart/form-data; boundary=x",
        "Content-Length": String(101 * 1024 * 1024),
      },
      body: stalled,
      redirect: "manual",
    });
    await response.text();
    expect(response.status).toBe(303);
    const shown = await page("/projects", {
      cookie: `${cookie}; ${response.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ")}`,
    });
    expect(shown.html).toContain("An archive may be at most 100 MiB.");
    expect((await api(`/api/orgs/${org.id}/projects/${project.id}`, { as: org.owner.cookie })).body.project.archive.size).toBe(200_000);
  });

  it("sends a signed-out visitor to sign in", async () => {
    const response = await page("/projects");
    expect(response.status).toBe(303);
    expect(response.location).toBe("/sign-in");
  });
});
