import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env";
import { AppError, defaultMessage } from "./errors";
import { viewerOf } from "./routes/pages/guards";
import { errorDocument } from "./views/error-page";

function wantsJson(c: Context): boolean {
  return new URL(c.req.url).pathname.startsWith("/api/") || !c.req.header("Accept")?.includes("text/html");
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException && err.status < 500) {
    const code =
      err.status === 401
        ? "unauthenticated"
        : err.status === 403
          ? "forbidden"
          : err.status === 404
            ? "not_found"
            : err.status === 413
              ? "too_large"
              : "invalid_request";
    return new AppError(code, defaultMessage(code), { cause: err });
  }
  return new AppError("internal", undefined, { cause: err });
}

/** Renders an error for an API client (the contract's JSON) or a person (the error page, in the site's layout). */
export function renderError(c: Context<AppEnv>, error: AppError): Response | Promise<Response> {
  if (error.retryAfterSeconds !== undefined) c.header("Retry-After", String(error.retryAfterSeconds));
  if (wantsJson(c)) return c.json(error.toBody(), error.status);
  return c.html(errorDocument(error, viewerOf(c.get("principal") ?? null)), error.status);
}

export const handleError: ErrorHandler<AppEnv> = (err, c) => {
  const error = toAppError(err);
  if (error.status >= 500) {
    // Logged with the cause for us; the client only ever sees the generic message.
    console.error(
      JSON.stringify({
        requestId: c.get("requestId"),
        path: c.req.path,
        error: String(error.cause ?? err),
        stack: (error.cause as Error | undefined)?.stack,
      }),
    );
  }
  return renderError(c, error);
};

export const handleNotFound: NotFoundHandler<AppEnv> = (c) => renderError(c, new AppError("not_found"));
