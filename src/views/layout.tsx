import type { Child } from "hono/jsx";
import { jsxRenderer } from "hono/jsx-renderer";
import type { LiveTopic } from "../domain/live";
import type { Role } from "../domain/roles";
import { FlashBanner, type Flash } from "./components/flash";
import { SiteHeader, type NavKey } from "./components/site-header";

/** Who the header is for: a member (org name and navigation), a signed-in user without an org, or nobody. */
export type Viewer =
  | { kind: "member"; username: string; orgName: string; role: Role }
  | { kind: "no-org"; username: string }
  | { kind: "anonymous" };

export interface PageProps {
  title: string;
  viewer: Viewer;
  current?: NavKey;
  flash?: Flash | null;
  /** A member's page stays current over the org's live socket (public/app.js, docs/live-updates.md). */
  live?: LivePage | undefined;
}

export interface LivePage {
  orgId: string;
  /** What the page shows: a notice naming none of these leaves it alone. */
  topics: readonly LiveTopic[];
  /** False for a form post's answer (a code shown once, errors by fields): refetching its URL would lose it. */
  refetch: boolean;
}

declare module "hono" {
  // biome-ignore lint/style/useShorthandFunctionType: an interface, so that it merges with Hono's own declaration.
  interface ContextRenderer {
    (content: string | Promise<string>, props: PageProps): Response | Promise<Response>;
  }
}

/** The page shell every page renders into: through `renderer` (`c.render(<Page/>, props)`) or, for the error page, directly. */
export function PageShell({ children, title, viewer, current, flash, live }: PageProps & { children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Cohort`}</title>
        <link rel="stylesheet" href="/style.css" />
        <script src="/app.js" defer></script>
      </head>
      <body data-live-org={live?.orgId}>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <SiteHeader viewer={viewer} current={current} />
        <main
          id="main"
          class={viewer.kind === "member" ? "page" : "page narrow"}
          data-live-topics={live?.topics.join(" ")}
          data-live-refetch={live?.refetch ? "" : undefined}
        >
          {flash ? <FlashBanner flash={flash} /> : null}
          {children}
        </main>
      </body>
    </html>
  );
}

export const renderer = jsxRenderer(PageShell);
