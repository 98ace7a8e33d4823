import type { Context } from "hono";
import { LIVE_REFETCH_HEADER, pageTopics } from "../../domain/live";
import type { NavKey } from "../../views/components/site-header";
import type { PageProps } from "../../views/layout";
import { takeFlash } from "./flash";
import { memberViewer, type MemberEnv } from "./guards";

/** The layout's props for a member page: the org in the header, the nav, any flash message. */
export function memberPageProps(c: Context<MemberEnv>, title: string, current?: NavKey): PageProps {
  const live = { orgId: c.var.member.org.id, topics: pageTopics(current), refetch: c.req.method === "GET" };
  const flash = c.req.header(LIVE_REFETCH_HEADER) === undefined ? takeFlash(c) : null;
  return { title, current, viewer: memberViewer(c.var.member), flash, live };
}

/**
 * A number typed into a form: "" is absent, plain digits are the number, anything else is
 * handed on as text so the schema refuses it with the field's message.
 */
export function numberField(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  return /^[0-9]{1,9}$/.test(trimmed) ? Number.parseInt(trimmed, 10) : trimmed;
}
