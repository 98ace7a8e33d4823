import { Field, FormMessage, type FormState } from "./components/field";
import { HiddenText } from "./components/hidden-text";
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
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Size</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <HiddenText>Actions</HiddenText>
                  </th>
                </tr>
              </thead>
              <tbody>
                {volumes.map((volume) => (
                  <tr>
                    <td data-label="Name">{volume.name}</td>
                    <td data-label="Size">{volume.sizeGb} GB</td>
                    <td data-label="Created">
                      <Time iso={volume.createdAt} />
                    </td>
                    <td class="actions">
                      <form method="post" action={`/volumes/${encodeURIComponent(volume.id)}/delete`}>
                        <button type="submit" class="button-danger">
                          Delete<HiddenText> {volume.name}</HiddenText>
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
