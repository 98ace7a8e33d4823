import { Field, FormMessage, type FormState } from "./components/field";
import { HiddenText } from "./components/hidden-text";
import { Time } from "./components/time";

export interface MachineView {
  id: string;
  name: string;
  hostname: string;
  gpus: number;
  createdAt: string;
}

export function MachinesPage({ machines, form }: { machines: MachineView[]; form: FormState }) {
  return (
    <>
      <h1>Machines</h1>
      <section class="card" aria-labelledby="machines-heading">
        <h2 id="machines-heading">Your machines</h2>
        {machines.length === 0 ? (
          <p class="muted">You have not registered a machine yet.</p>
        ) : (
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Hostname</th>
                  <th scope="col">GPUs</th>
                  <th scope="col">Registered</th>
                  <th scope="col">
                    <HiddenText>Actions</HiddenText>
                  </th>
                </tr>
              </thead>
              <tbody>
                {machines.map((machine) => (
                  <tr>
                    <td data-label="Name">{machine.name}</td>
                    <td data-label="Hostname" class="mono">
                      {machine.hostname || <span class="muted">—</span>}
                    </td>
                    <td data-label="GPUs">{machine.gpus}</td>
                    <td data-label="Registered">
                      <Time iso={machine.createdAt} />
                    </td>
                    <td class="actions">
                      <form method="post" action={`/machines/${encodeURIComponent(machine.id)}/delete`}>
                        <button type="submit" class="button-danger">
                          Delete<HiddenText> {machine.name}</HiddenText>
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
      <section class="card" aria-labelledby="register-heading">
        <h2 id="register-heading">Register a machine</h2>
        <form method="post" action="/machines" novalidate>
          <FormMessage form={form} />
          <Field form={form} name="name" label="Name" required maxLength={100} />
          <Field form={form} name="hostname" label="Hostname" autocomplete="off" hint="Optional" />
          <Field form={form} name="gpus" label="GPUs" type="number" min={0} max={1024} inputMode="numeric" hint="Optional, 0 if none" />
          <button type="submit">Register machine</button>
        </form>
      </section>
    </>
  );
}
