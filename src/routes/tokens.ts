import { Hono } from "hono";
import { clock } from "../clock";
import { createDb } from "../db/client";
import { deleteToken, insertToken, listTokens } from "../db/token-queries";
import { tokenNameSchema } from "../domain/account";
import { newApiToken } from "../domain/api-token";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { requirePrincipal } from "../middleware/require";
import { jsonBody } from "./json-body";

export const tokenRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    const { user } = requirePrincipal(c);
    const { name } = await jsonBody(c, tokenNameSchema);
    const { token, record } = await newApiToken(c.var.config.codeHashSecret, { userId: user.id, name, now: clock.now() });
    await insertToken(createDb(c.env.DB), record);
    return c.json({ id: record.id, name, token, createdAt: record.createdAt.toISOString() }, 201);
  })
  .get("/", async (c) => {
    const { user } = requirePrincipal(c);
    const tokens = await listTokens(createDb(c.env.DB), user.id);
    return c.json({
      tokens: tokens.map((token) => ({
        id: token.id,
        name: token.name,
        createdAt: token.createdAt.toISOString(),
        lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
      })),
    });
  })
  .delete("/:tokenId", async (c) => {
    const { user } = requirePrincipal(c);
    if (!(await deleteToken(createDb(c.env.DB), user.id, c.req.param("tokenId")))) throw new AppError("not_found");
    return c.body(null, 204);
  });
