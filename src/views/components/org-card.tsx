import type { OrgProfile } from "../../domain/org-profile";

/** Only http(s) URLs become links, whatever was stored: a `javascript:` URL stays text. */
function isWebLink(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

export function OrgCard({ org }: { org: OrgProfile }) {
  const facts: [string, string][] = [
    ["Location", org.location],
    ["Sector", org.sector],
    ["University", org.universityName],
  ];
  return (
    <section class="card org-card" aria-labelledby="org-name">
      <h1 id="org-name">{org.name}</h1>
      {org.description ? (
        <p class="org-description">
          <em>{org.description}</em>
        </p>
      ) : null}
      <dl class="facts">
        {org.website ? (
          <div>
            <dt>Website</dt>
            <dd>
              {isWebLink(org.website) ? (
                <a href={org.website} rel="noopener noreferrer">
                  {org.website}
                </a>
              ) : (
                org.website
              )}
            </dd>
          </div>
        ) : null}
        {facts
          .filter(([, value]) => value !== "")
          .map(([label, value]) => (
            <div>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
    </section>
  );
}
