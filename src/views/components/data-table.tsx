import type { Child } from "hono/jsx";
import { HiddenText } from "./hidden-text";

/**
 * A table that scrolls on narrow screens, with a header row of `columns` and, last, an
 * "Actions" column named for screen readers only.
 */
export function DataTable({ columns, class: className, children }: { columns: string[]; class?: string; children?: Child }) {
  return (
    <div class="table-scroll">
      <table class={className}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col">{column}</th>
            ))}
            <th scope="col">
              <HiddenText>Actions</HiddenText>
            </th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A row's delete button, naming what it deletes for screen readers ("Delete gpu-rig-01"). */
export function DeleteButton({ action, name }: { action: string; name: string }) {
  return (
    <form method="post" action={action}>
      <button type="submit" class="button-danger">
        Delete<HiddenText> {name}</HiddenText>
      </button>
    </form>
  );
}
