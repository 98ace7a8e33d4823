import { describe, expect, it } from "vitest";
import { LIVE_TOPICS, changedMessage, pageTopics } from "./live";

describe("live notices", () => {
  it("say the topics once each and the time, and nothing else", () => {
    const message = JSON.parse(changedMessage(["members", "org", "members"], new Date(Date.UTC(2026, 11, 4, 18))));
    expect(message).toEqual({ type: "changed", topics: ["members", "org"], at: "2026-12-04T18:00:00.000Z" });
  });

  it("give a page without declared topics every topic, so it never misses a change", () => {
    expect(pageTopics(undefined)).toEqual(LIVE_TOPICS);
    expect(pageTopics("projects")).toEqual(LIVE_TOPICS);
    expect(pageTopics("settings")).toEqual(["org"]);
  });
});
