-- CREATE / DROP EXTENSION round trip, version function, reserved prefix.

CREATE EXTENSION amprenta;

-- Both versions are reported, and the library was preloaded by the cluster.
SELECT extension_version = (SELECT default_version FROM pg_available_extensions WHERE name = 'amprenta') AS ext_matches_control,
       library_version = extension_version AS lib_matches_ext,
       preloaded
  FROM amprenta.amprenta_version();

-- What the extension owns, by kind.
SELECT classid::regclass AS catalog, count(*)
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'amprenta')
   AND deptype = 'e'
 GROUP BY 1 ORDER BY classid::regclass::text;

SELECT c.relname, c.relkind
  FROM pg_class c
 WHERE c.relnamespace = 'amprenta'::regnamespace AND c.relkind IN ('r', 'v')
 ORDER BY c.relkind, c.relname;

-- Round trip: DROP removes every object, CREATE restores them.
DROP EXTENSION amprenta;
-- The schema named by the control file is created by CREATE EXTENSION but is
-- not a member of the extension: it stays, empty.
SELECT count(*) AS objects_left FROM pg_class WHERE relnamespace = 'amprenta'::regnamespace;
SELECT count(*) AS functions_left FROM pg_proc WHERE pronamespace = 'amprenta'::regnamespace;
SELECT count(*) AS types_left FROM pg_type WHERE typname IN ('omics_type', 'feature_type', 'signature_direction', 'mapping_status');
-- Roles are cluster-wide and survive DROP EXTENSION.
SELECT rolname FROM pg_roles WHERE rolname LIKE 'amprenta\_%' ORDER BY 1;

CREATE EXTENSION amprenta;
SELECT count(*) AS tables FROM pg_tables WHERE schemaname = 'amprenta';
-- A second CREATE with the roles already present works as well (no error above),
-- and role membership is reader < writer < admin.
SELECT pg_has_role('amprenta_writer', 'amprenta_reader', 'MEMBER') AS writer_reads,
       pg_has_role('amprenta_admin', 'amprenta_writer', 'MEMBER') AS admin_writes,
       pg_has_role('amprenta_reader', 'amprenta_writer', 'MEMBER') AS reader_writes;

-- The extension cannot be moved (relocatable = false).
CREATE SCHEMA elsewhere;
\set VERBOSITY sqlstate
ALTER EXTENSION amprenta SET SCHEMA elsewhere;
\set VERBOSITY default
DROP SCHEMA elsewhere;

-- The amprenta.* prefix is reserved: a misspelt setting is an error.
\set VERBOSITY sqlstate
SET amprenta.no_such_setting = 1;
\set VERBOSITY default

-- Calling the trigger function directly is refused.
SELECT amprenta.amprenta_touch_updated_at();
