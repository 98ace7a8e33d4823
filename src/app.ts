import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env";
import { AppError } from "./errors";
import { handleError, handleNotFound } from "./error-handler";
import { requireSameOrigin } from "./middleware/csrf";
import { resolvePrincipal } from "./middleware/principal";
import { requestLog } from "./middleware/request-log";
import { authRoutes } from "./routes/auth";
import { meRoutes } from "./routes/me";
import { tokenRoutes } from "./routes/tokens";
import { eventRoutes } from "./routes/events";
import { machineRoutes } from "./routes/machines";
import { memberRoutes } from "./routes/members";
import { orgRoutes } from "./routes/orgs";
import { volumeRoutes } from "./routes/volumes";
import { joinCodeRoutes } from "./routes/join-codes";
import { joinRoutes } from "./routes/join";
import { pageRoutes } from "./routes/pages";

const MAX_BODY_BYTES = 64 * 1024;

export function buildApp() {
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(requestLog);
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
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
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new AppError("too_large", `The request body is over ${MAX_BODY_BYTES / 1024} KiB.`);
      },
    }),
  );
  app.use(requireSameOrigin);
  app.use(resolvePrincipal);

  app.route("/api/auth", authRoutes);
  app.route("/api/me", meRoutes);
  app.route("/api/tokens", tokenRoutes);
  app.route("/api/orgs", orgRoutes);
  app.route("/api/orgs", memberRoutes);
  app.route("/api/orgs", eventRoutes);
  app.route("/api/orgs", machineRoutes);
  app.route("/api/orgs", volumeRoutes);
  app.route("/api/orgs", joinCodeRoutes);
  app.route("/api/join", joinRoutes);
  app.route("/", pageRoutes);

  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}
