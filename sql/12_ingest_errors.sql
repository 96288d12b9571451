-- Bad input: a specific SQLSTATE, the file and line, and nothing written.
\getenv abs_srcdir PG_ABS_SRCDIR
\set data :abs_srcdir '/test/data/ingest/'

CREATE FUNCTION pg_temp.rows_everywhere() RETURNS bigint LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM amprenta.datasets) + (SELECT count(*) FROM amprenta.dataset_features)
	     + (SELECT count(*) FROM amprenta.features) + (SELECT count(*) FROM amprenta.ingestions)
	     + (SELECT count(*) FROM amprenta.program_datasets) + (SELECT count(*) FROM amprenta.experiment_datasets)
$$;
SELECT pg_temp.rows_everywhere() AS before;

-- Runs a statement and shows its SQLSTATE, message, detail, hint and the
-- file/line context, with the test directory masked.
CREATE FUNCTION pg_temp.try(sql text, root text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	st text; msg text; det text; hnt text; ctx text;
BEGIN
	EXECUTE sql;
	RETURN NEXT 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
		hnt = PG_EXCEPTION_HINT, ctx = PG_EXCEPTION_CONTEXT;
	RETURN NEXT st || ': ' || replace(msg, root, '@abs_srcdir@');
	IF det <> '' THEN RETURN NEXT 'DETAIL: ' || replace(det, root, '@abs_srcdir@'); END IF;
	IF hnt <> '' THEN RETURN NEXT 'HINT: ' || hnt; END IF;
	RETURN QUERY SELECT 'CONTEXT: ' || l FROM regexp_split_to_table(ctx, E'\n') l WHERE l LIKE 'file %';
END $$;

-- Missing file: 58P01.
SELECT pg_temp.try('SELECT amprenta.amprenta_ingest_file(''/nonexistent/dir/file.csv'')', :'abs_srcdir');
-- A directory: 42809.
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L || ''/test/data/ingest'')', :'abs_srcdir'), :'abs_srcdir');
-- Empty file: 22P04.
\set f :data 'empty.csv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L)', :'f'), :'abs_srcdir');
-- Header only: 22P04.
\set f :data 'header_only.csv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L)', :'f'), :'abs_srcdir');
-- Ragged row, with its line: 22P04.
\set f :data 'ragged.csv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L)', :'f'), :'abs_srcdir');
-- Not UTF-8, with its line: 22021.
\set f :data 'latin1.csv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L)', :'f'), :'abs_srcdir');
-- No identity column: 42703, the hint names feature_column.
\set f :data 'no_identity.csv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L, ''metabolomics'')', :'f'), :'abs_srcdir');
-- A feature_column that is not there: 42703, the detail lists the headers.
\set f :data 'lipid_matrix.tsv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L, options => ''{"feature_column": "Compound"}'')', :'f'), :'abs_srcdir');
-- All values missing: 22004.
\set f :data 'all_missing.csv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L, ''transcriptomics'')', :'f'), :'abs_srcdir');
-- Unknown option: 22023, the hint lists the valid keys.
\set f :data 'lipid_matrix.tsv'
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L, options => ''{"nmae": "typo"}'')', :'f'), :'abs_srcdir');
-- Wrongly typed options: 22023.
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L, options => ''{"name": 42}'')', :'f'), :'abs_srcdir');
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L, options => ''{"layout": "pivot"}'')', :'f'), :'abs_srcdir');
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L, options => ''{"delimiter": "|"}'')', :'f'), :'abs_srcdir');
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L, options => ''[1, 2]'')', :'f'), :'abs_srcdir');
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L, options => ''{"program_id": "not-a-uuid"}'')', :'f'), :'abs_srcdir');
-- A program that does not exist: 23503.
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L, options => ''{"program_id": "00000000-0000-0000-0000-00000000dead"}'')', :'f'), :'abs_srcdir');
-- NULL path or content: 22004.
SELECT pg_temp.try('SELECT amprenta.amprenta_ingest_file(NULL)', :'abs_srcdir');
SELECT pg_temp.try('SELECT amprenta.amprenta_ingest_text(NULL, ''x.csv'')', :'abs_srcdir');
-- Empty text from the client: 22P04.
SELECT pg_temp.try('SELECT amprenta.amprenta_ingest_text('''', ''empty.csv'')', :'abs_srcdir');
-- A table whose omics type cannot be told: 22023, the hint says to pass it.
-- Identifiers that say nothing:
SELECT pg_temp.try('SELECT amprenta.amprenta_ingest_text(E''id,S1,S2\n1,1,2\n2,3,4\n'', ''numbers.csv'')', :'abs_srcdir');
-- Half protein accessions, half gene symbols: equally likely.
SELECT pg_temp.try('SELECT amprenta.amprenta_ingest_text(E''id,S1,S2\nP04637,1,2\nTP53,3,4\n'', ''mixed.csv'')', :'abs_srcdir');
-- No file privilege: 42501 (a writer may ingest text, not server files).
CREATE ROLE amp_test_nofiles IN ROLE amprenta_writer;
SET ROLE amp_test_nofiles;
SELECT pg_temp.try(format('SELECT amprenta.amprenta_ingest_file(%L)', :'f'), :'abs_srcdir');
RESET ROLE;
DROP ROLE amp_test_nofiles;

SELECT pg_temp.rows_everywhere() AS after;
