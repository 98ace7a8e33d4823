import { Field, FormMessage, type FormState } from "./components/field";
import { DataTable, DeleteButton } from "./components/data-table";
import { Time } from "./components/time";

export interface MachineView {
  id: string;
  name: string;
  hostname: string;
  gpus: number;
  shared: boolean;
  createdAt: string;
  lastSeenAt: string | null;
}

export function MachinesPage({
  machines,
  form,
  created,
}: {
  machines: MachineView[];
  form: FormState;
  created?: { name: string; agentToken: string } | undefined;
}) {
  return (
    <>
      <h1>Machines</h1>
      {created && (
        <section class="card" role="status" aria-labelledby="agent-token-heading">
          <h2 id="agent-token-heading">Machine {created.name} is registered</h2>
          <p>Its agent token, shown this once (run the agent with it):</p>
          <p class="mono">
            <code>{created.agentToken}</code>
          </p>
        </section>
      )}
      <section class="card" aria-labelledby="machines-heading">
        <h2 id="machines-heading">Your machines</h2>
        {machines.length === 0 ? (
          <p class="muted">You have not registered a machine yet.</p>
        ) : (
          <DataTable columns={["Name", "Hostname", "GPUs", "Shared", "Registered", "Last seen"]}>
            {machines.map((machine) => (
              <tr>
                <td data-label="Name">{machine.name}</td>
                <td data-label="Hostname" class="mono">
                  {machine.hostname || <span class="muted">—</span>}
                </td>
                <td data-label="GPUs">{machine.gpus}</td>
                <td data-label="Shared">{machine.shared ? "Yes" : "No"}</td>
                <td data-label="Registered">
                  <Time iso={machine.createdAt} />
                </td>
                <td data-label="Last seen">{machine.lastSeenAt ? <Time iso={machine.lastSeenAt} /> : <span class="muted">never</span>}</td>
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
          <div class="field">
            <input type="checkbox" id="field-shared" name="shared" checked={form.values.shared === "on"} />{" "}
            <label for="field-shared">Shared: other members' jobs may run on it</label>
          </div>
          <button type="submit">Register machine</button>
        </form>
      </section>
    </>
  );
}
