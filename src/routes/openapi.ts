import { Hono } from "hono";
import type { AppEnv } from "../env";
import { openApiDocument } from "../openapi/document";

/** GET /api/openapi.json: the OpenAPI 3.1 description of the whole API. Public, like the contract. */
export const openApiRoutes = new Hono<AppEnv>().get("/", (c) => {
  c.header("Cache-Control", "public, max-age=300");
  return c.json(openApiDocument());
});
