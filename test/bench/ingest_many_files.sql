-- Benchmark: 1,000 generated files of 500 features each ingested in one
-- session, against the same files loaded one by one with COPY into an
-- unindexed table, in the same run.  The files draw their genes from a
-- pool of 5,000, so later files mostly reuse features, as real studies do.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS amprenta;
\getenv benchdir AMPRENTA_BENCH_DIR
SELECT set_config('amprenta_bench.dir', :'benchdir', false) IS NOT NULL AS dir_set \gset

DO $$
DECLARE dir text := current_setting('amprenta_bench.dir');
BEGIN
	FOR i IN 1..1000 LOOP
		EXECUTE format($q$COPY (SELECT 'ENSG' || lpad(((g * 7 + %s * 13) %% 5000 + 1)::text, 11, '0') AS gene,
		                               round((random() * 8 - 4)::numeric, 5) AS "log2FoldChange",
		                               round((random() * 20 - 10)::numeric, 5) AS stat,
		                               random() AS pvalue, random() AS padj
		                          FROM generate_series(1, 500) g)
		                   TO %L WITH (FORMAT csv, HEADER)$q$, i, dir || '/small_' || i || '.csv');
	END LOOP;
END $$;

CREATE TABLE copy_target (gene text, log2fc float8, stat float8, pvalue float8, padj float8);
CREATE TEMP TABLE timings (variant text, seconds float8);

CREATE PROCEDURE pg_temp.copy_all(dir text) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
	FOR i IN 1..1000 LOOP
		EXECUTE format('COPY copy_target FROM %L WITH (FORMAT csv, HEADER)', dir || '/small_' || i || '.csv');
	END LOOP;
	INSERT INTO timings VALUES ('copy', extract(epoch FROM clock_timestamp() - t0));
END $$;
CREATE PROCEDURE pg_temp.ingest_all(dir text) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
	FOR i IN 1..1000 LOOP
		PERFORM amprenta.amprenta_ingest_file(dir || '/small_' || i || '.csv', 'transcriptomics');
	END LOOP;
	INSERT INTO timings VALUES ('ingest', extract(epoch FROM clock_timestamp() - t0));
END $$;

CALL pg_temp.copy_all(:'benchdir');
CALL pg_temp.ingest_all(:'benchdir');

\pset format unaligned
\pset tuples_only on
SELECT format('| ingest 1,000 files of 500 features in one session (target: within 3x) | COPY of each file into an unindexed table | amprenta_ingest_file per file | %s× |',
              to_char((SELECT seconds FROM timings WHERE variant = 'ingest') / (SELECT seconds FROM timings WHERE variant = 'copy'), 'FM990.00'));

DELETE FROM amprenta.datasets;
DELETE FROM amprenta.ingestions;
DELETE FROM amprenta.features;
DROP TABLE copy_target;
