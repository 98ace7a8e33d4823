import type { Child } from "hono/jsx";

/** Text for screen readers only, e.g. the member a row's "Remove" button is for. */
export function HiddenText({ children }: { children?: Child }) {
  return <span class="visually-hidden">{children}</span>;
}
