import { z } from "zod";
import { api } from "../support/client";

export type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};
export type Operation = {
  operationId: string;
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
  parameters?: { name: string; in: string; required?: boolean; schema: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  security?: Record<string, unknown>[];
};

let cached: Doc | undefined;

/** The document exactly as the API serves it. */
export async function servedDocument(): Promise<Doc> {
  if (!cached) {
    const response = await api("/api/openapi.json");
    if (response.status !== 200) throw new Error(`openapi.json: ${response.status}`);
    cached = response.body as Doc;
  }
  return cached;
}

/** Resolves a local JSON pointer (`#/components/schemas/Me`) in the document, or undefined. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (!pointer.startsWith("#/")) return undefined;
  let node: unknown = doc;
  for (const raw of pointer.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Every `$ref` value anywhere in a JSON value. */
export function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "$ref" && typeof item === "string") found.push(item);
      else refsIn(item, found);
    }
  }
  return found;
}

/**
 * A zod validator compiled from the served document's JSON Schema for one response (with the
 * document's components as `$defs`), so a test checks the document itself, not our zod source.
 */
export function responseValidator(doc: Doc, method: string, path: string, status: number): z.ZodType {
  const operation = doc.paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`not documented: ${method} ${path}`);
  const response = operation.responses[String(status)];
  if (!response) throw new Error(`no ${status} documented for ${method} ${path}`);
  const schema = response.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`no JSON body documented for ${status} of ${method} ${path}`);
  const rewrite = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"#/$defs/'));
  return z.fromJSONSchema({ ...rewrite(schema), $defs: rewrite(doc.components.schemas) });
}

/** Asserts that a real response matches what the document declares for its status. */
export async function expectDeclared(method: string, path: string, response: { status: number; body: unknown }): Promise<void> {
  const doc = await servedDocument();
  const result = responseValidator(doc, method, path, response.status).safeParse(response.body);
  if (!result.success) {
    throw new Error(
      `${method} ${path} ${response.status} does not match its schema: ${JSON.stringify(result.error.issues)}\n${JSON.stringify(response.body)}`,
    );
  }
}
