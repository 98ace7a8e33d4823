import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { refsIn, resolvePointer, responseValidator, servedDocument } from "./openapi-helpers";

/** Every /api path and method of CONTRACT.md, as the contract writes them (`:name` → `{name}`). */
const CONTRACT = [
  "POST /api/auth/sign-up/email",
  "POST /api/auth/sign-in/email",
  "POST /api/auth/sign-out",
  "GET /api/me",
  "POST /api/tokens",
  "GET /api/tokens",
  "DELETE /api/tokens/{id}",
  "POST /api/orgs",
  "GET /api/orgs/{orgId}",
  "PATCH /api/orgs/{orgId}",
  "GET /api/orgs/{orgId}/members",
  "PUT /api/orgs/{orgId}/members/{userId}/role",
  "DELETE /api/orgs/{orgId}/members/{userId}",
  "POST /api/orgs/{orgId}/transfer",
  "POST /api/orgs/{orgId}/leave",
  "GET /api/orgs/{orgId}/events",
  "POST /api/orgs/{orgId}/join-codes",
  "GET /api/orgs/{orgId}/join-codes",
  "DELETE /api/orgs/{orgId}/join-codes/{codeId}",
  "POST /api/join",
  "POST /api/orgs/{orgId}/machines",
  "GET /api/orgs/{orgId}/machines",
  "PATCH /api/orgs/{orgId}/machines/{id}",
  "POST /api/orgs/{orgId}/machines/{id}/agent-token",
  "DELETE /api/orgs/{orgId}/machines/{id}",
  "POST /api/orgs/{orgId}/volumes",
  "GET /api/orgs/{orgId}/volumes",
  "DELETE /api/orgs/{orgId}/volumes/{id}",
  "POST /api/orgs/{orgId}/projects",
  "GET /api/orgs/{orgId}/projects",
  "GET /api/orgs/{orgId}/projects/{id}",
  "PUT /api/orgs/{orgId}/projects/{id}/archive",
  "GET /api/orgs/{orgId}/projects/{id}/archive",
  "DELETE /api/orgs/{orgId}/projects/{id}",
  "PUT /api/orgs/{orgId}/volumes/{id}/files/{path}",
  "GET /api/orgs/{orgId}/volumes/{id}/files",
  "GET /api/orgs/{orgId}/volumes/{id}/files/{path}",
  "DELETE /api/orgs/{orgId}/volumes/{id}/files/{path}",
  "POST /api/orgs/{orgId}/volumes/{id}/uploads",
  "PUT /api/orgs/{orgId}/volumes/{id}/uploads/{uploadId}/parts/{n}",
  "GET /api/orgs/{orgId}/volumes/{id}/uploads/{uploadId}",
  "POST /api/orgs/{orgId}/volumes/{id}/uploads/{uploadId}/complete",
  "DELETE /api/orgs/{orgId}/volumes/{id}/uploads/{uploadId}",
  "POST /api/orgs/{orgId}/jobs",
  "GET /api/orgs/{orgId}/jobs",
  "GET /api/orgs/{orgId}/jobs/{id}",
  "GET /api/orgs/{orgId}/jobs/{id}/logs",
  "POST /api/orgs/{orgId}/jobs/{id}/cancel",
  "POST /api/agent/claim",
  "POST /api/agent/jobs/{jobId}/heartbeat",
  "POST /api/agent/jobs/{jobId}/logs",
  "POST /api/agent/jobs/{jobId}/finish",
  "GET /api/agent/jobs/{jobId}/archive",
  "GET /api/agent/jobs/{jobId}/volumes/{volumeId}/files/{path}",
  "PUT /api/agent/jobs/{jobId}/volumes/{volumeId}/files/{path}",
  "GET /api/agent/jobs/{jobId}/volumes/{volumeId}/files",
  "GET /api/orgs/{orgId}/live",
  "POST /api/device/code",
  "POST /api/device/token",
  "POST /api/device/approve",
  "POST /api/device/deny",
  "GET /api/openapi.json",
];

const METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);

describe("GET /api/openapi.json", () => {
  it("serves an OpenAPI 3.1 document as JSON to anyone", async () => {
    const response = await api("/api/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("application/json");
    expect(response.body.openapi).toMatch(/^3\.1\.\d+$/);
    expect(response.body.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  });

  it.each(CONTRACT)("describes %s", async (entry) => {
    const [method, path] = entry.split(" ") as [string, string];
    const doc = await servedDocument();
    expect(doc.paths[path]?.[method.toLowerCase()], entry).toBeDefined();
  });

  it("describes no path the contract does not have", async () => {
    const doc = await servedDocument();
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual([...CONTRACT].sort());
  });

  it("is structurally valid: operations, unique ids, responses with descriptions, path parameters declared", async () => {
    const doc = await servedDocument();
    const ids = new Set<string>();
    for (const [path, methods] of Object.entries(doc.paths)) {
      expect(path.startsWith("/api/")).toBe(true);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const [method, operation] of Object.entries(methods)) {
        expect(METHODS.has(method), `${method} ${path}`).toBe(true);
        expect(operation.operationId).toMatch(/^[A-Za-z0-9]+$/);
        expect(ids.has(operation.operationId), `duplicate ${operation.operationId}`).toBe(false);
        ids.add(operation.operationId);
        expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(operation.responses)) {
          expect(status).toMatch(/^[1-5][0-9]{2}$/);
          expect(typeof response.description).toBe("string");
          for (const media of Object.values(response.content ?? {})) expect(media.schema).toBeDefined();
        }
        const declared = (operation.parameters ?? []).filter((param) => param.in === "path");
        expect(declared.map((param) => param.name).sort()).toEqual([...templated].sort());
        for (const param of declared) expect(param.required).toBe(true);
        for (const param of operation.parameters ?? []) expect(["path", "query", "header", "cookie"]).toContain(param.in);
        for (const media of Object.values(operation.requestBody?.content ?? {})) expect(media.schema).toBeDefined();
        for (const requirement of operation.security ?? []) {
          for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes[scheme], scheme).toBeDefined();
        }
      }
    }
  });

  it("resolves every $ref inside the document", async () => {
    const doc = await servedDocument();
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of new Set(refs)) expect(resolvePointer(doc, ref), ref).toBeDefined();
  });

  it("declares the error body for every 4xx of every operation", async () => {
    const doc = await servedDocument();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (!status.startsWith("4")) continue;
          expect(response.content?.["application/json"]?.schema, `${method} ${path} ${status}`).toEqual({
            $ref: "#/components/schemas/Error",
          });
        }
      }
    }
  });

  it("declares a request body for the operations that take one", async () => {
    const doc = await servedDocument();
    expect(doc.paths["/api/orgs"]!.post!.requestBody?.content["application/json"]).toBeDefined();
    expect(doc.paths["/api/orgs/{orgId}/projects/{id}/archive"]!.put!.requestBody?.content["application/octet-stream"]).toBeDefined();
    expect(doc.paths["/api/me"]!.get!.requestBody).toBeUndefined();
  });

  it("describes request bodies as strictly as the routes parse them (unknown fields refused)", async () => {
    const doc = await servedDocument();
    expect(doc.components.schemas.CreateOrgRequest).toMatchObject({ type: "object", required: ["name"], additionalProperties: false });
    expect(doc.components.schemas.DeviceCodeRequest).toMatchObject({
      additionalProperties: false,
      properties: { clientName: { type: "string", maxLength: 100 } },
    });
  });

  it("compiles a validator for every JSON response schema it declares", async () => {
    const doc = await servedDocument();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (response.content?.["application/json"]) expect(() => responseValidator(doc, method, path, Number(status))).not.toThrow();
        }
      }
    }
  });

  it("validates the document's own response against its declared schema", async () => {
    const doc = await servedDocument();
    expect(responseValidator(doc, "GET", "/api/openapi.json", 200).safeParse(doc).success).toBe(true);
  });
});
