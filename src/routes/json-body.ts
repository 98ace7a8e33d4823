import type { Context } from "hono";
import type { z } from "zod";
import { isJsonMediaType, malformedStrings } from "../domain/strict-input";
import { AppError } from "../errors";

export interface FieldProblem {
  field: string;
  message: string;
}

export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.join(".") || (issue.code === "unrecognized_keys" ? issue.keys.join(",") : "(body)"),
    message: issue.message,
  }));
}

/** Parses with zod, or throws the contract's 400 `invalid_request` with the field problems. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const malformed = malformedStrings(input);
  if (malformed.length > 0) {
    throw new AppError("invalid_request", "Some text is not well-formed Unicode.", {
      details: malformed.map((field) => ({ field, message: "Not well-formed Unicode (a lone surrogate)." })),
    });
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError("invalid_request", "Some fields are not valid.", { details: fieldProblems(result.error) });
  }
  return result.data;
}

/**
 * Reads a JSON body and validates it. An empty body is read as `{}`, so actions accept no
 * body as well as `{}`; a non-empty body must be JSON and say so in its Content-Type.
 */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  if (text.trim() === "") return parseWith(schema, {});
  if (!isJsonMediaType(c.req.header("Content-Type"))) {
    throw new AppError("invalid_request", "Send the body as JSON with Content-Type: application/json.");
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    throw new AppError("invalid_request", "The body is not valid JSON.");
  }
  return parseWith(schema, input);
}
