import { DataTable, DeleteButton } from "./components/data-table";
import { Field, FormMessage, type FormState } from "./components/field";
import { HiddenText } from "./components/hidden-text";
import { Time } from "./components/time";

export interface VolumeFileView {
  path: string;
  size: number;
  sha256: string;
  updatedAt: string;
}

const UNITS = ["bytes", "KiB", "MiB", "GiB", "TiB"];

/** `1536` → `1.5 KiB`: binary units, as the volume's size is counted. */
export function formatBytes(size: number): string {
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${size} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

export function VolumeFilesPage(props: {
  volume: { id: string; name: string; sizeGb: number };
  files: VolumeFileView[];
  usedBytes: number;
  downloadHref: (path: string) => string;
  nextHref: string | null;
  maxUploadBytes: number;
  form: FormState;
}) {
  const { volume, files, form } = props;
  const base = `/volumes/${encodeURIComponent(volume.id)}`;
  return (
    <>
      <p>
        <a href="/volumes">All volumes</a>
      </p>
      <h1>Volume {volume.name}</h1>
      <p>
        {formatBytes(props.usedBytes)} used of {volume.sizeGb} GiB.
      </p>
      <section class="card" aria-labelledby="files-heading">
        <h2 id="files-heading">Files</h2>
        {files.length === 0 ? (
          <p class="muted">This volume has no files yet.</p>
        ) : (
          <DataTable columns={["Path", "Size", "SHA-256", "Updated", "Download"]}>
            {files.map((file) => (
              <tr>
                <td data-label="Path">{file.path}</td>
                <td data-label="Size">{formatBytes(file.size)}</td>
                <td data-label="SHA-256">
                  <code title={file.sha256}>{file.sha256.slice(0, 12)}…</code>
                </td>
                <td data-label="Updated">
                  <Time iso={file.updatedAt} />
                </td>
                <td data-label="Download">
                  <a href={props.downloadHref(file.path)} download={file.path.split("/").at(-1)}>
                    Download<HiddenText> {file.path}</HiddenText>
                  </a>
                </td>
                <td class="actions">
                  <DeleteButton action={`${base}/files/delete?path=${encodeURIComponent(file.path)}`} name={file.path} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        {props.nextHref ? (
          <p>
            <a href={props.nextHref}>More files</a>
          </p>
        ) : null}
      </section>
      <section class="card" aria-labelledby="upload-heading">
        <h2 id="upload-heading">Upload a file</h2>
        <form method="post" action={`${base}/files`} enctype="multipart/form-data" novalidate>
          <FormMessage form={form} />
          <Field
            form={form}
            name="file"
            label="File"
            type="file"
            required
            hint={`Up to ${formatBytes(props.maxUploadBytes)} here; the CLI uploads larger files.`}
          />
          <Field
            form={form}
            name="path"
            label="Path"
            maxLength={1024}
            hint="Optional: where in the volume, e.g. data/train.csv. Empty: the file's name."
          />
          <button type="submit">Upload</button>
        </form>
      </section>
    </>
  );
}
