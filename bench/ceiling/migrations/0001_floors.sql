-- The floors' tables: the least of Cohort's shape that `/me`, a redemption and a role change touch.
-- 1,000 users, each with a session and a membership in one of 8 orgs; 1,000 codes.
CREATE TABLE floor_user (id TEXT PRIMARY KEY NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE floor_session (token TEXT PRIMARY KEY NOT NULL, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE floor_org (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL);
CREATE TABLE floor_membership (user_id TEXT NOT NULL, org_id TEXT NOT NULL, role TEXT NOT NULL, joined_at INTEGER NOT NULL, PRIMARY KEY (user_id, org_id));
CREATE TABLE floor_code (hash TEXT PRIMARY KEY NOT NULL, org_id TEXT NOT NULL, used_at INTEGER, used_by TEXT);
CREATE TABLE floor_joined (id TEXT PRIMARY KEY NOT NULL, user_id TEXT NOT NULL, org_id TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE floor_event (id TEXT PRIMARY KEY NOT NULL, org_id TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
INSERT INTO floor_user (id, email, name) SELECT 'user-' || i, 'user' || i || '@floor.example', 'User ' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
INSERT INTO floor_session (token, user_id, expires_at) SELECT 'session-' || i, 'user-' || i, 4102444800000 FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 7)
INSERT INTO floor_org (id, name, version) SELECT 'org-' || i, 'Org ' || i, 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
INSERT INTO floor_membership (user_id, org_id, role, joined_at) SELECT 'user-' || i, 'org-' || (i % 8), CASE WHEN i < 8 THEN 'owner' ELSE 'user' END, 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
INSERT INTO floor_code (hash, org_id) SELECT 'code-' || i, 'org-' || (i % 8) FROM n;
