import { Validator, type OutputUnit } from "@cfworker/json-schema";
import { exports } from "cloudflare:workers";

/**
 * Every answer a test gets from the Worker's /api is held to the served OpenAPI document: its
 * path and method must be documented, its status listed for that operation, its media type one the status declares, and a JSON body valid against the
 * declared schema. A real JSON Schema validator (2020-12, OpenAPI 3.1's dialect) reads the
 * document as served, so this checks the document, not the zod it was made from.
 */

type Content = Record<string, { schema?: unknown }>;
interface DocOperation {
  responses: Record<string, { content?: Content }>;
}
interface Doc {
  paths: Record<string, Record<string, DocOperation>>;
  components: { schemas: Record<string, unknown> };
}

interface Template {
  path: string;
  pattern: RegExp;
  /** Literal characters: where two templates match, the more literal one is the route. */
  weight: number;
}

let documentPromise: Promise<{ doc: Doc; templates: Template[] }> | undefined;
const validators = new Map<string, Validator>();

function loadDocument(origin: string) {
  documentPromise ??= exports.default.fetch(`${origin}/api/openapi.json`).then(async (response) => {
    if (response.status !== 200) throw new Error(`openapi.json answered ${response.status}`);
    const doc = (await response.json()) as Doc;
    return {
      doc,
      templates: Object.keys(doc.paths)
        .map(toTemplate)
        .sort((a, b) => b.weight - a.weight),
    };
  });
  return documentPromise;
}

function toTemplate(path: string): Template {
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => (part === "{path}" ? ".+" : part.startsWith("{") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return { path, pattern: new RegExp(`^${source}$`), weight: path.replace(/\{[^}]+\}/g, "").length };
}

function validatorFor(doc: Doc, key: string, schema: unknown): Validator {
  let validator = validators.get(key);
  if (!validator) {
    const rewrite = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"#/$defs/'));
    validator = new Validator({ ...rewrite(schema), $defs: rewrite(doc.components.schemas) }, "2020-12", false);
    validators.set(key, validator);
  }
  return validator;
}

const ERROR_REF = { $ref: "#/components/schemas/Error" };

function describeErrors(errors: OutputUnit[]): string {
  return errors
    .filter((error) => !error.error.startsWith("A subschema had errors") && !error.error.includes("did not match"))
    .slice(0, 5)
    .map((error) => `${error.instanceLocation}: ${error.error}`)
    .join("; ");
}

/** The media type's essence: `application/json; charset=UTF-8` → `application/json`. */
function essence(type: string | null): string | null {
  return type === null ? null : (type.split(";")[0] ?? "").trim().toLowerCase();
}

/**
 * Throws, failing the test at hand, when the answer breaks the document. `body` is the parsed
 * JSON when the answer is JSON (the caller reads the body once), otherwise undefined.
 */
export async function expectConforms(origin: string, method: string, url: URL, response: Response, body: unknown): Promise<void> {
  if (!url.pathname.startsWith("/api/") || response.status === 101) return;
  const { doc, templates } = await loadDocument(origin);
  const template = templates.find((candidate) => candidate.pattern.test(url.pathname));
  const where = `${method} ${url.pathname}${template ? ` (${template.path})` : ""} → ${response.status}`;
  const operation = template ? doc.paths[template.path]?.[method.toLowerCase()] : undefined;
  const type = essence(response.headers.get("Content-Type"));

  if (!operation) {
    // Not a documented operation: only an error may answer it.
    if (response.status < 400) throw new Error(`OpenAPI: undocumented operation answered with success: ${where}`);
    if (type === "application/json") check(doc, "Error", ERROR_REF, body, where);
    return;
  }
  const key = `${method} ${template!.path}`;
  const declared = operation.responses[String(response.status)];
  if (!declared) throw new Error(`OpenAPI: status not documented for ${key}: ${where}`);
  const content = declared.content;
  if (!content) {
    if (response.status !== 204 && response.body !== null && type !== null)
      throw new Error(`OpenAPI: ${where} has a ${type} body; none is documented`);
    return;
  }
  if (type === null || !(type in content))
    throw new Error(`OpenAPI: ${where} answered ${type}; documented: ${Object.keys(content).join(", ")}`);
  if (type === "application/json") check(doc, `${key} ${response.status}`, content[type]!.schema, body, where);
}

function check(doc: Doc, key: string, schema: unknown, body: unknown, where: string): void {
  const result = validatorFor(doc, key, schema).validate(body);
  if (!result.valid)
    throw new Error(
      `OpenAPI: ${where} does not match its schema: ${describeErrors(result.errors)}\n${JSON.stringify(body).slice(0, 2000)}`,
    );
}
