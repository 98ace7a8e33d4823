import { Hono } from "hono";
import { clock } from "../clock";
import { createDb } from "../db/client";
import { listLiveCodes, listRedeemedCodes } from "../db/join-code-queries";
import { codeListQuerySchema, createCodesSchema, REDEEMED_LIST_MS } from "../domain/join-code";
import { codesCsv, codesFilename } from "../domain/join-code-file";
import { mayCreateCodes, visibleCodeRoles } from "../domain/join-code-rules";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { jsonBody, parseWith } from "./json-body";
import { orgCommand, requireMember } from "./org-access";

function wantsCsv(accept: string | undefined): boolean {
  return accept?.toLowerCase().includes("text/csv") ?? false;
}

/** The fields both code lists answer with (never the code: only its hint). */
function codeSummary(row: {
  id: string;
  hint: string;
  role: string;
  label: string;
  createdAt: Date;
  createdById: string;
  createdByUsername: string | null;
}) {
  return {
    id: row.id,
    hint: row.hint,
    role: row.role,
    label: row.label,
    createdBy: { userId: row.createdById, username: row.createdByUsername ?? "" },
    createdAt: row.createdAt.toISOString(),
  };
}

export const joinCodeRoutes = new Hono<AppEnv>()
  .post("/:orgId/join-codes", async (c) => {
    const { principal, role } = requireMember(c, "admin");
    const request = await jsonBody(c, createCodesSchema);
    // Answered here so a refused request never reaches the object; the object decides again on fresh state.
    const verdict = mayCreateCodes(role, request.role, request.count);
    if (!verdict.ok) {
      throw new AppError(
        verdict.code,
        verdict.message,
        verdict.code === "invalid_request" ? { details: [{ field: "count", message: verdict.message }] } : {},
      );
    }
    const { codes } = await (await orgCommand(c, request)).org.createCodes(request);
    // The only time these codes exist in plain: no cache may keep them.
    c.header("Cache-Control", "no-store");
    if (wantsCsv(c.req.header("Accept"))) {
      c.header("Content-Type", "text/csv; charset=utf-8");
      c.header("Content-Disposition", `attachment; filename="${codesFilename(principal.org?.name ?? "", clock.now())}"`);
      return c.body(codesCsv(codes), 201);
    }
    return c.json({ codes }, 201);
  })
  .get("/:orgId/join-codes", async (c) => {
    const { orgId, role } = requireMember(c, "admin");
    const { status } = parseWith(codeListQuerySchema, c.req.query());
    const db = createDb(c.env.DB);
    if (status === "redeemed") {
      const since = new Date(clock.now() - REDEEMED_LIST_MS);
      const redeemed = await listRedeemedCodes(db, orgId, visibleCodeRoles(role), since);
      return c.json({
        codes: redeemed.map((row) => ({
          ...codeSummary(row),
          redeemedAt: row.redeemedAt?.toISOString() ?? null,
          redeemedBy: { userId: row.redeemedById ?? "", username: row.redeemedByUsername ?? "" },
        })),
      });
    }
    const rows = await listLiveCodes(db, orgId, visibleCodeRoles(role), new Date(clock.now()));
    return c.json({
      codes: rows.map((row) => ({
        ...codeSummary(row),
        expiresAt: row.expiresAt.toISOString(),
      })),
    });
  })
  .delete("/:orgId/join-codes/:codeId", async (c) => {
    const { org } = await orgCommand(c);
    await org.revokeCode({ codeId: c.req.param("codeId") });
    return c.body(null, 204);
  });
