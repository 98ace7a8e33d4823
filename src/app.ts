import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env";
import { AppError } from "./errors";
import { handleError, handleNotFound } from "./error-handler";
import { withConfig } from "./middleware/config";
import { requireSameOrigin } from "./middleware/csrf";
import { resolvePrincipal } from "./middleware/principal";
import { requestLog } from "./middleware/request-log";
import { authRoutes } from "./routes/auth";
import { meRoutes } from "./routes/me";
import { tokenRoutes } from "./routes/tokens";
import { eventRoutes } from "./routes/events";
import { machineRoutes } from "./routes/machines";
import { memberRoutes, prefetchRoleChange, ROLE_CHANGE_PATH } from "./routes/members";
import { orgRoutes } from "./routes/orgs";
import { volumeRoutes } from "./routes/volumes";
import { projectRoutes } from "./routes/projects";
import { volumeFileRoutes } from "./routes/volume-files";
import { joinCodeRoutes } from "./routes/join-codes";
import { joinRoutes } from "./routes/join";
import { liveRoutes } from "./routes/live";
import { deviceRoutes } from "./routes/device";
import { openApiRoutes } from "./routes/openapi";
import { pageRoutes } from "./routes/pages";
import { jobRoutes } from "./routes/jobs";
import { agentRoutes } from "./routes/agent";

const MAX_BODY_BYTES = 64 * 1024;

/** The PUT paths whose body is bytes, not JSON: archives, volume files, upload parts (also through the agent paths). */
const BYTE_UPLOAD_PATHS = [
  /^\/api\/orgs\/[^/]+\/projects\/[^/]+\/archive$/,
  /^\/api\/orgs\/[^/]+\/volumes\/[^/]+\/files\/.+$/,
  /^\/api\/orgs\/[^/]+\/volumes\/[^/]+\/uploads\/[^/]+\/parts\/[^/]+$/,
  /^\/api\/agent\/jobs\/[^/]+\/volumes\/[^/]+\/files\/.+$/,
];

export function isByteUpload(path: string): boolean {
  return BYTE_UPLOAD_PATHS.some((pattern) => pattern.test(path));
}

/** The page forms that post a file (multipart), capped by their routes like the byte PUTs. */
const FORM_UPLOAD_PATHS = [/^\/projects\/[^/]+\/archive$/, /^\/volumes\/[^/]+\/files$/];

export function isFormUpload(path: string): boolean {
  return FORM_UPLOAD_PATHS.some((pattern) => pattern.test(path));
}

/**
 * The public API, chained so that its type carries every route: `AppType` is what the typed
 * client (hono/client's `hc`, test/support/typed-client.ts) reads its paths and answers from.
 */
function mountApi(app: Hono<AppEnv>) {
  return app
    .route("/api/auth", authRoutes)
    .route("/api/me", meRoutes)
    .route("/api/tokens", tokenRoutes)
    .route("/api/orgs", orgRoutes)
    .route("/api/orgs", memberRoutes)
    .route("/api/orgs", eventRoutes)
    .route("/api/orgs", machineRoutes)
    .route("/api/orgs", volumeRoutes)
    .route("/api/orgs", projectRoutes)
    .route("/api/orgs", volumeFileRoutes)
    .route("/api/orgs", joinCodeRoutes)
    .route("/api/join", joinRoutes)
    .route("/api/orgs", liveRoutes)
    .route("/api/device", deviceRoutes)
    .route("/api/openapi.json", openApiRoutes)
    .route("/api/orgs", jobRoutes)
    .route("/api/agent", agentRoutes);
}

export type AppType = ReturnType<typeof mountApi>;

export function buildApp() {
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(requestLog);
  app.use(withConfig);
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        // Cloudflare Turnstile: the human check of the setup page while join guessing is throttled.
        scriptSrc: ["'self'", "https://challenges.cloudflare.com"],
        frameSrc: ["https://challenges.cloudflare.com"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      strictTransportSecurity: "max-age=63072000; includeSubDomains",
      referrerPolicy: "same-origin",
    }),
  );
  const jsonBodyLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError("too_large", `The request body is over ${MAX_BODY_BYTES / 1024} KiB.`);
    },
  });
  // Raw-byte uploads stream to R2 under their own limit (100 MiB a request), checked by their routes.
  app.use((c, next) =>
    (c.req.method === "PUT" && isByteUpload(c.req.path)) || (c.req.method === "POST" && isFormUpload(c.req.path))
      ? next()
      : jsonBodyLimit(c, next),
  );
  app.use(requireSameOrigin);
  app.use(ROLE_CHANGE_PATH, prefetchRoleChange);
  app.use(resolvePrincipal);

  const api = mountApi(app);
  api.route("/", pageRoutes);

  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}
