-- Roles: reader < writer < admin; PUBLIC gets USAGE on the schema only.
\set VERBOSITY sqlstate

CREATE ROLE amp_test_reader IN ROLE amprenta_reader;
CREATE ROLE amp_test_writer IN ROLE amprenta_writer;
CREATE ROLE amp_test_admin IN ROLE amprenta_admin;
CREATE ROLE amp_test_nobody;

-- PUBLIC: USAGE on the schema and nothing else.
SELECT has_schema_privilege('amp_test_nobody', 'amprenta', 'USAGE') AS nobody_usage,
       has_schema_privilege('amp_test_nobody', 'amprenta', 'CREATE') AS nobody_create;
SELECT c.relname, a.privilege_type
  FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
 WHERE c.relnamespace = 'amprenta'::regnamespace AND a.grantee = 0
 ORDER BY 1, 2;
SELECT p.oid::regprocedure, a.privilege_type
  FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
 WHERE p.pronamespace = 'amprenta'::regnamespace AND a.grantee = 0
 ORDER BY 1;
SET ROLE amp_test_nobody;
SELECT count(*) FROM amprenta.programs;
SELECT * FROM amprenta.amprenta_version();
RESET ROLE;

-- Reader: SELECT on every table and view, no DML anywhere.
SELECT c.relname
  FROM pg_class c
 WHERE c.relnamespace = 'amprenta'::regnamespace AND c.relkind IN ('r', 'v')
   AND NOT has_table_privilege('amp_test_reader', c.oid, 'SELECT')
 ORDER BY 1;
SELECT c.relname
  FROM pg_class c
 WHERE c.relnamespace = 'amprenta'::regnamespace AND c.relkind = 'r'
   AND has_table_privilege('amp_test_reader', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
 ORDER BY 1;
SET ROLE amp_test_reader;
SELECT count(*) FROM amprenta.programs;
SELECT count(*) FROM amprenta.dataset_summary;
SELECT extension_version IS NOT NULL AS reader_sees_version FROM amprenta.amprenta_version();
INSERT INTO amprenta.programs (name) VALUES ('reader was here');
UPDATE amprenta.programs SET name = 'x';
DELETE FROM amprenta.programs;
RESET ROLE;
SELECT count(*) AS programs FROM amprenta.programs;

-- Writer: DML on research data, not on the sync configuration.
SET ROLE amp_test_writer;
INSERT INTO amprenta.programs (name) VALUES ('writer program');
UPDATE amprenta.programs SET description = 'edited' WHERE name = 'writer program';
INSERT INTO amprenta.datasets (name, omics_type) VALUES ('writer dataset', 'metabolomics');
INSERT INTO amprenta.program_datasets
	SELECT p.id, d.id FROM amprenta.programs p, amprenta.datasets d;
INSERT INTO amprenta.notion_targets (entity_type, database_id) VALUES ('dataset', 'db');
DELETE FROM amprenta.sync_outbox;
TRUNCATE amprenta.programs;
DELETE FROM amprenta.datasets;
DELETE FROM amprenta.programs;
RESET ROLE;
-- Which tables the writer may change.
SELECT c.relname
  FROM pg_class c
 WHERE c.relnamespace = 'amprenta'::regnamespace AND c.relkind = 'r'
   AND has_table_privilege('amp_test_writer', c.oid, 'INSERT')
 ORDER BY 1;

-- Admin: everything the writer has, plus sync configuration.
SET ROLE amp_test_admin;
INSERT INTO amprenta.notion_targets (entity_type, database_id) VALUES ('dataset', 'db');
UPDATE amprenta.notion_targets SET title_property = 'Title';
DELETE FROM amprenta.notion_targets;
INSERT INTO amprenta.programs (name) VALUES ('admin program');
DELETE FROM amprenta.programs;
RESET ROLE;

DROP ROLE amp_test_reader, amp_test_writer, amp_test_admin, amp_test_nobody;
