CREATE TABLE item (id TEXT PRIMARY KEY NOT NULL, org_id TEXT NOT NULL, value TEXT NOT NULL);
CREATE TABLE entry (id TEXT PRIMARY KEY NOT NULL, item_id TEXT NOT NULL, at INTEGER NOT NULL);
-- 1,000 rows to read by key: item-0 .. item-999.
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
INSERT INTO item (id, org_id, value) SELECT 'item-' || i, 'org-' || (i % 8), 'value ' || i FROM n;
