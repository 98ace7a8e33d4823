import { Field, FormMessage, type FormState } from "./components/field";
import { DataTable, DeleteButton } from "./components/data-table";
import { HiddenText } from "./components/hidden-text";
import { Time } from "./components/time";

export interface ProjectView {
  id: string;
  name: string;
  description: string;
  ownerId: string;
  ownerUsername: string;
  archive: { size: number; sha256: string; uploadedAt: string } | null;
}

/** 1536 → "1.5 KiB": archives are measured in powers of two, as the 100 MiB cap is. */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

function ArchiveCell({ project, orgId }: { project: ProjectView; orgId: string }) {
  if (!project.archive) return <span class="muted">No archive yet</span>;
  return (
    <>
      {formatBytes(project.archive.size)}, uploaded <Time iso={project.archive.uploadedAt} />
      <br />
      <span class="mono" title={project.archive.sha256}>
        sha256 {project.archive.sha256.slice(0, 12)}…
      </span>
      <br />
      <a
        href={`/api/orgs/${encodeURIComponent(orgId)}/projects/${encodeURIComponent(project.id)}/archive`}
        download={`${project.name}.tar.gz`}
      >
        Download<HiddenText> {project.name}</HiddenText>
      </a>
    </>
  );
}

/** The owner's upload form: a real multipart form, so it works without script. */
function UploadForm({ project }: { project: ProjectView }) {
  const id = `archive-${project.id}`;
  return (
    <form method="post" action={`/projects/${encodeURIComponent(project.id)}/archive`} enctype="multipart/form-data">
      <label for={id}>
        Archive<HiddenText> for {project.name}</HiddenText>
      </label>
      <input id={id} name="archive" type="file" required />
      <button type="submit">
        Upload<HiddenText> to {project.name}</HiddenText>
      </button>
    </form>
  );
}

export function ProjectsPage({
  projects,
  orgId,
  viewerId,
  form,
}: {
  projects: ProjectView[];
  orgId: string;
  viewerId: string;
  form: FormState;
}) {
  return (
    <>
      <h1>Projects</h1>
      <section class="card" aria-labelledby="projects-heading">
        <h2 id="projects-heading">The organization's projects</h2>
        {projects.length === 0 ? (
          <p class="muted">No project yet.</p>
        ) : (
          <DataTable columns={["Name", "Owner", "Archive"]}>
            {projects.map((project) => (
              <tr>
                <td data-label="Name">
                  {project.name}
                  {project.description ? (
                    <>
                      <br />
                      <span class="muted">{project.description}</span>
                    </>
                  ) : null}
                </td>
                <td data-label="Owner">{project.ownerId === viewerId ? "You" : project.ownerUsername}</td>
                <td data-label="Archive">
                  <ArchiveCell project={project} orgId={orgId} />
                </td>
                <td class="actions">
                  {project.ownerId === viewerId ? (
                    <>
                      <UploadForm project={project} />
                      <DeleteButton action={`/projects/${encodeURIComponent(project.id)}/delete`} name={project.name} />
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section class="card" aria-labelledby="create-project-heading">
        <h2 id="create-project-heading">Create a project</h2>
        <form method="post" action="/projects" novalidate>
          <FormMessage form={form} />
          <Field form={form} name="name" label="Project name" required maxLength={100} />
          <Field form={form} name="description" label="Description" multiline hint="Optional, up to 500 characters" maxLength={500} />
          <button type="submit">Create project</button>
        </form>
      </section>
    </>
  );
}
