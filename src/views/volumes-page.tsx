import { Field, FormMessage, type FormState } from "./components/field";
import { DataTable, DeleteButton } from "./components/data-table";
import { Time } from "./components/time";

export interface VolumeView {
  id: string;
  name: string;
  sizeGb: number;
  createdAt: string;
}

export function VolumesPage({ volumes, form }: { volumes: VolumeView[]; form: FormState }) {
  return (
    <>
      <h1>Volumes</h1>
      <section class="card" aria-labelledby="volumes-heading">
        <h2 id="volumes-heading">Your volumes</h2>
        {volumes.length === 0 ? (
          <p class="muted">You have no volumes yet.</p>
        ) : (
          <DataTable columns={["Name", "Size", "Created"]}>
            {volumes.map((volume) => (
              <tr>
                <td data-label="Name">
                  <a href={`/volumes/${encodeURIComponent(volume.id)}`}>{volume.name}</a>
                </td>
                <td data-label="Size">{volume.sizeGb} GB</td>
                <td data-label="Created">
                  <Time iso={volume.createdAt} />
                </td>
                <td class="actions">
                  <DeleteButton action={`/volumes/${encodeURIComponent(volume.id)}/delete`} name={volume.name} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section class="card" aria-labelledby="create-volume-heading">
        <h2 id="create-volume-heading">Create a volume</h2>
        <form method="post" action="/volumes" novalidate>
          <FormMessage form={form} />
          <Field form={form} name="name" label="Name" required maxLength={100} />
          <Field form={form} name="sizeGb" label="Size (GB)" type="number" min={1} inputMode="numeric" required />
          <button type="submit">Create volume</button>
        </form>
      </section>
    </>
  );
}
