import type { Context } from "hono";
import type { ServerErrorStatusCode } from "hono/utils/http-status";
import { AppError, type ERROR_STATUS, type ErrorCode } from "../../errors";
import type { FormState } from "../../views/components/field";
import type { FieldProblem } from "../json-body";

/**
 * The named text fields of a posted form, each "" when absent. Only the fields a page asks
 * for are kept, so a stray field is ignored rather than refused by a strict schema.
 */
export async function readForm<K extends string>(c: Context, names: readonly K[]): Promise<Record<K, string>> {
  const body = await c.req.parseBody();
  const values = {} as Record<K, string>;
  for (const name of names) {
    const value = body[name];
    values[name] = typeof value === "string" ? value : "";
  }
  return values;
}

export interface FormErrorOptions {
  /** Friendlier words for a field's problem than the schema's, by field name. */
  messages?: Record<string, string>;
  /** Which field an error that is not a validation failure belongs to, if any. */
  fieldOf?: (error: AppError) => string | undefined;
}

/** The statuses a page answers a refusal with: those of the contract's codes, but the 5xx. */
export type RefusalStatus = Exclude<(typeof ERROR_STATUS)[ErrorCode], ServerErrorStatusCode>;

/**
 * The error as a refusal a page shows (in its form or a flash). Anything else, a bug or a 5xx,
 * is thrown on to the error handler.
 */
export function refusalOf(error: unknown): AppError & { status: RefusalStatus } {
  if (!(error instanceof AppError) || error.status >= 500) throw error;
  return error as AppError & { status: RefusalStatus };
}

/**
 * Turns a refusal into what the form shows: validation problems next to their fields, any
 * other refusal next to the field it concerns or above the form.
 */
export function formStateFrom(refused: unknown, values: Record<string, string>, options: FormErrorOptions = {}): FormState {
  const error = refusalOf(refused);
  const errors: Record<string, string> = {};
  if (error.code === "invalid_request" && Array.isArray(error.details)) {
    for (const problem of error.details as FieldProblem[]) {
      errors[problem.field] ??= options.messages?.[problem.field] ?? problem.message;
    }
    return { values, errors, message: Object.keys(errors).length === 0 ? error.message : undefined };
  }
  const field = options.fieldOf?.(error);
  if (field) return { values, errors: { [field]: error.message } };
  return { values, errors, message: error.message };
}

/**
 * A refused form, to render again: its state (formStateFrom), with the refusal's status (and
 * Retry-After when throttled) set on the answer.
 */
export function refusedForm(c: Context, error: unknown, values: Record<string, string>, options: FormErrorOptions = {}): FormState {
  const form = formStateFrom(error, values, options);
  const refusal = refusalOf(error);
  if (refusal.retryAfterSeconds !== undefined) c.header("Retry-After", String(refusal.retryAfterSeconds));
  c.status(refusal.status);
  return form;
}
