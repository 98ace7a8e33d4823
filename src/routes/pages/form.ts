import type { Context } from "hono";
import { AppError } from "../../errors";
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

/**
 * Turns a refusal into what the form shows: validation problems next to their fields, any
 * other refusal next to the field it concerns or above the form. 5xx errors are not turned
 * into form state; they go to the error handler.
 */
export function formStateFrom(error: unknown, values: Record<string, string>, options: FormErrorOptions = {}): FormState {
  if (!(error instanceof AppError) || error.status >= 500) throw error;
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

/** The status a re-rendered form answers with (and Retry-After when throttled). */
export function refusedStatus(c: Context, error: unknown): 400 | 401 | 403 | 404 | 409 | 413 | 429 {
  if (error instanceof AppError && error.retryAfterSeconds !== undefined) c.header("Retry-After", String(error.retryAfterSeconds));
  return (error instanceof AppError ? error.status : 400) as 400 | 401 | 403 | 404 | 409 | 413 | 429;
}
