import { Field, FormMessage, type FormState } from "./components/field";
import { DataTable, DeleteButton } from "./components/data-table";
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
          <DataTable columns={["Name", "Hostname", "GPUs", "Registered"]}>
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
                      <DeleteButton action={`/machines/${encodeURIComponent(machine.id)}/delete`} name={machine.name} />
                    </td>
                  </tr>
                ))}
          </DataTable>
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
