-- Signatures from files and from SQL: formats, normalization, idempotency,
-- and bad input (a specific SQLSTATE, the file and line, nothing written).
\getenv abs_srcdir PG_ABS_SRCDIR
\set data :abs_srcdir '/test/data/signatures/'

CREATE FUNCTION pg_temp.try(sql text, root text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	st text; msg text; det text; hnt text;
BEGIN
	EXECUTE sql;
	RETURN NEXT 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
		hnt = PG_EXCEPTION_HINT;
	RETURN NEXT st || ': ' || replace(msg, root, '@abs_srcdir@');
	IF det <> '' THEN RETURN NEXT 'DETAIL: ' || replace(det, root, '@abs_srcdir@'); END IF;
	IF hnt <> '' THEN RETURN NEXT 'HINT: ' || hnt; END IF;
END $$;
CREATE FUNCTION pg_temp.rows_everywhere() RETURNS bigint LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM amprenta.signatures) + (SELECT count(*) FROM amprenta.signature_components)
	     + (SELECT count(*) FROM amprenta.features) + (SELECT count(*) FROM amprenta.program_signatures)
$$;
CREATE FUNCTION pg_temp.components(sig uuid) RETURNS TABLE (feature_type amprenta.feature_type,
	feature_name text, normalized_name text, direction amprenta.signature_direction, weight float8)
LANGUAGE sql AS $$
	SELECT sc.feature_type, sc.feature_name, f.normalized_name, sc.direction, sc.weight
	  FROM amprenta.signature_components sc JOIN amprenta.features f ON f.id = sc.feature_id
	 WHERE sc.signature_id = sig ORDER BY sc.feature_type, f.normalized_name
$$;

-- The original's six-ceramide file: name from the file, arrows, old names.
\set f :data 'ALS-CSF-Core-6Ceramides.tsv'
SELECT amprenta.amprenta_ingest_signature_file(:'f') AS als \gset
SELECT name, short_id, source FROM amprenta.signatures WHERE id = :'als';
SELECT * FROM pg_temp.components(:'als');

-- Same file again: same id, nothing written.
SELECT pg_temp.rows_everywhere() AS before \gset
SELECT amprenta.amprenta_ingest_signature_file(:'f') = :'als' AS same_signature;
SELECT pg_temp.rows_everywhere() = :before AS nothing_written;

-- Other components under the same name: an error unless replace is asked for.
SELECT pg_temp.try(format($q$SELECT amprenta.amprenta_create_signature('ALS-CSF-Core-6Ceramides',
	'[{"feature": "Cer(d18:1/16:0)", "direction": "down"}]')$q$), :'abs_srcdir');
SELECT amprenta.amprenta_create_signature('ALS-CSF-Core-6Ceramides',
	'[{"feature": "Cer(d18:1/16:0)", "direction": "down"}]', '{"replace": true, "description": "replaced"}') = :'als'
	AS replaced_in_place;
SELECT description FROM amprenta.signatures WHERE id = :'als';
SELECT * FROM pg_temp.components(:'als');
SELECT amprenta.amprenta_ingest_signature_file(:'f', '{"replace": true}') = :'als' AS restored;
SELECT count(*) AS components FROM amprenta.signature_components WHERE signature_id = :'als';

-- Multi-omics file with explicit feature types.
\set f :data 'multi_omics.tsv'
SELECT amprenta.amprenta_ingest_signature_file(:'f', '{"name": "Multi", "biomarker_role": ["diagnostic"]}') AS multi \gset
SELECT name, short_id, biomarker_role FROM amprenta.signatures WHERE id = :'multi';
SELECT * FROM pg_temp.components(:'multi');

-- CSV, CRLF, BOM, upper-case headers, blank weight, '+' direction, types inferred.
\set f :data 'genes_crlf_bom.csv'
SELECT amprenta.amprenta_ingest_signature_file(:'f') AS genes \gset
SELECT * FROM pg_temp.components(:'genes');

-- A discovery export holds two signatures.
\set f :data 'discovery_export.tsv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_signature_file(%L)', :'f'), :'abs_srcdir');
SELECT amprenta.amprenta_ingest_signature_file(:'f', '{"signature": "Amino-Down"}') AS amino \gset
SELECT * FROM pg_temp.components(:'amino');
CREATE TEMP TABLE export AS SELECT * FROM amprenta.amprenta_ingest_signature_files(:'f');
SELECT e.signature_name, e.signature_id = :'amino' AS same_as_before, c.*
  FROM export e, pg_temp.components(e.signature_id) c ORDER BY 1, 3;
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_signature_file(%L, ''{"signature": "Nope"}'')', :'f'), :'abs_srcdir');

-- From SQL: feature types inferred, directions in any accepted spelling,
-- weight defaulting to 1, metadata from options, a program link.
INSERT INTO amprenta.programs (id, name) VALUES ('00000000-0000-4000-8000-00000000abcd', 'ALS program');
SELECT amprenta.amprenta_create_signature('SQL signature', $j$[
	{"feature": "tp53", "direction": "↑"},
	{"feature": "HMDB0000148", "direction": "decreased", "weight": 0.25},
	{"feature": "PC(16:0/18:1)", "feature_type": "lipid"},
	{"feature": "P04637-2", "feature_type": "protein", "direction": "complex", "weight": 0}
]$j$, '{"description": "from SQL", "program_id": "00000000-0000-4000-8000-00000000abcd", "phenotype_axes": "motor"}') AS sqlsig \gset
SELECT name, description, short_id, phenotype_axes FROM amprenta.signatures WHERE id = :'sqlsig';
SELECT * FROM pg_temp.components(:'sqlsig');
SELECT count(*) AS linked FROM amprenta.program_signatures WHERE signature_id = :'sqlsig';

-- Bad input: SQLSTATE, message, and nothing written.
SELECT pg_temp.rows_everywhere() AS before \gset
SELECT pg_temp.try($q$SELECT amprenta.amprenta_create_signature('x', '{"feature": "TP53"}')$q$, '');
SELECT pg_temp.try($q$SELECT amprenta.amprenta_create_signature('x', '["TP53"]')$q$, '');
SELECT pg_temp.try($q$SELECT amprenta.amprenta_create_signature('x', '[]')$q$, '');
SELECT pg_temp.try($q$SELECT amprenta.amprenta_create_signature(' ', '[{"feature": "TP53"}]')$q$, '');
SELECT pg_temp.try($q$SELECT amprenta.amprenta_create_signature('x', '[{"feature": "TP53", "dir": "up"}]')$q$, '');
SELECT pg_temp.try($q$SELECT amprenta.amprenta_create_signature('x', '[{"feature": "TP53", "direction": "sideways"}]')$q$, '');
SELECT pg_temp.try($q$SELECT amprenta.amprenta_create_signature('x', '[{"feature": "TP53", "weight": -1}]')$q$, '');
SELECT pg_temp.try($q$SELECT amprenta.amprenta_create_signature('x', '[{"feature": "TP53", "weight": "heavy"}]')$q$, '');
SELECT pg_temp.try($q$SELECT amprenta.amprenta_create_signature('x', '[{"direction": "up"}]')$q$, '');
SELECT pg_temp.try($q$SELECT amprenta.amprenta_create_signature('x', '[{"feature": "TP53", "feature_type": "organ"}]')$q$, '');
SELECT pg_temp.try($q$SELECT amprenta.amprenta_create_signature('x', '[{"feature": "###", "feature_type": "gene"}]')$q$, '');
SELECT pg_temp.try($q$SELECT amprenta.amprenta_create_signature('x', '[{"feature": "TP53"}, {"feature": "tp53"}]')$q$, '');
SELECT pg_temp.try($q$SELECT amprenta.amprenta_create_signature('x', '[{"feature": "TP53"}]', '{"colour": "red"}')$q$, '');
SELECT pg_temp.try($q$SELECT amprenta.amprenta_create_signature('x', '[{"feature": "TP53"}]', '{"replace": "yes"}')$q$, '');
\set f :data 'empty.tsv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_signature_file(%L)', :'f'), :'abs_srcdir');
\set f :data 'header_only.tsv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_signature_file(%L)', :'f'), :'abs_srcdir');
\set f :data 'bad_direction.tsv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_signature_file(%L)', :'f'), :'abs_srcdir');
\set f :data 'negative_weight.tsv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_signature_file(%L)', :'f'), :'abs_srcdir');
\set f :data 'no_feature_column.tsv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_signature_file(%L)', :'f'), :'abs_srcdir');
\set f :data 'bad_name.tsv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_signature_file(%L)', :'f'), :'abs_srcdir');
\set f :data 'duplicate.tsv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_signature_file(%L)', :'f'), :'abs_srcdir');
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_signature_file(%L)', :'data' || 'missing.tsv'), :'abs_srcdir');
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_signature_file(%L)', :'data'), :'abs_srcdir');
SELECT pg_temp.try(format('SELECT * FROM amprenta.amprenta_ingest_signature_files(%L, ''{"name": "x"}'')', :'data' || 'multi_omics.tsv'), :'abs_srcdir');

-- Without file privilege: 42501, and the hint points at the SQL form.
CREATE ROLE amprenta_sig_writer;
GRANT amprenta_writer TO amprenta_sig_writer;
SET ROLE amprenta_sig_writer;
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_signature_file(%L)', :'data' || 'multi_omics.tsv'), :'abs_srcdir');
RESET ROLE;
DROP ROLE amprenta_sig_writer;
SELECT pg_temp.rows_everywhere() = :before AS nothing_written;
