import type { AppError } from "../errors";
import { PageShell, type Viewer } from "./layout";

export function ErrorPage({ message }: { message: string }) {
  return (
    <>
      <h1>{message}</h1>
      <p>
        <a href="/">Back to Cohort</a>
      </p>
    </>
  );
}

/** The whole document a person is shown for an error: its message in the site's layout. */
export async function errorDocument(error: AppError, viewer: Viewer): Promise<string> {
  const page = (
    <PageShell title={String(error.status)} viewer={viewer}>
      <ErrorPage message={error.message} />
    </PageShell>
  );
  return `<!doctype html>${await (await page).toString()}`;
}
