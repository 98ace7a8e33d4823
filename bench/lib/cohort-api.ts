/** A small client for Cohort's public HTTP API, as the seeding uses it. */
export interface Caller {
  cookie?: string;
  token?: string;
  /** Sent as CF-Connecting-IP, so sign-ups spread over throttle buckets like real clients. */
  address?: string;
}

export class CohortApi {
  readonly origin: string;

  constructor(origin: string) {
    this.origin = origin;
  }

  async call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    as: Caller = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const headers = new Headers();
    if (body !== undefined) headers.set("Content-Type", "application/json");
    if (as.cookie) {
      headers.set("Cookie", as.cookie);
      headers.set("Origin", this.origin);
    }
    if (as.token) headers.set("Authorization", `Bearer ${as.token}`);
    if (as.address) headers.set("CF-Connecting-IP", as.address);
    const response = await fetch(`${this.origin}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: kept as text for the error message.
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  async expect<T = any>(status: number, method: string, path: string, body?: unknown, as?: Caller): Promise<{ body: T; headers: Headers }> {
    const response = await this.call<T>(method, path, body, as);
    if (response.status !== status) {
      throw new Error(`${method} ${path} answered ${response.status}, expected ${status}: ${JSON.stringify(response.body).slice(0, 500)}`);
    }
    return response;
  }

  /** Signs up through the API; returns the user's id and session cookie. */
  async signUp(username: string, address?: string): Promise<{ id: string; cookie: string }> {
    const { body, headers } = await this.expect<{ user: { id: string } }>(
      201,
      "POST",
      "/api/auth/sign-up/email",
      { email: `${username}@bench.example`, password: "correct horse battery", name: `Bench ${username}`, username },
      { address },
    );
    const cookie = headers
      .getSetCookie()
      .map((line) => line.split(";")[0])
      .join("; ");
    return { id: body.user.id, cookie };
  }

  async createOrg(owner: Caller, name: string): Promise<string> {
    const { body } = await this.expect<{ org: { id: string } }>(201, "POST", "/api/orgs", { name }, owner);
    return body.org.id;
  }

  /** Makes `count` user codes, 50 per request (the contract's most). */
  async createCodes(owner: Caller, orgId: string, count: number): Promise<string[]> {
    const codes: string[] = [];
    while (codes.length < count) {
      const { body } = await this.expect<{ codes: { code: string }[] }>(
        201,
        "POST",
        `/api/orgs/${orgId}/join-codes`,
        { count: Math.min(50, count - codes.length) },
        owner,
      );
      codes.push(...body.codes.map((code) => code.code));
    }
    return codes;
  }

  async join(as: Caller, code: string): Promise<void> {
    await this.expect(200, "POST", "/api/join", { code }, as);
  }
}
