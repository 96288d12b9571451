-- Benchmark: amprenta_ingest_file() on a generated 200,000-row DESeq2-style
-- results table, against COPY of the same file into an unindexed table of
-- the same columns, in the same run.  "cold": every feature is new (the
-- dataset and its features are deleted between rounds); "warm": the
-- features exist (a second dataset of the same genes).  Medians of 5
-- interleaved rounds.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS amprenta;
\getenv benchdir AMPRENTA_BENCH_DIR
\set file :benchdir '/results_200k.csv'

COPY (SELECT 'ENSG' || lpad(g::text, 11, '0') || '.' || (g % 20 + 1) AS gene,
             round((random() * 5000)::numeric, 3) AS "baseMean",
             round((random() * 8 - 4)::numeric, 5) AS "log2FoldChange",
             round(random()::numeric, 5) AS "lfcSE",
             round((random() * 20 - 10)::numeric, 5) AS stat,
             random() AS pvalue, random() AS padj
        FROM generate_series(1, 200000) g)
  TO :'file' WITH (FORMAT csv, HEADER);

CREATE TABLE copy_target (gene text, basemean float8, log2fc float8, lfcse float8,
                          stat float8, pvalue float8, padj float8);
CREATE TEMP TABLE timings (variant text, seconds float8);

CREATE PROCEDURE pg_temp.time_copy(f text) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
	EXECUTE format('COPY copy_target FROM %L WITH (FORMAT csv, HEADER)', f);
	INSERT INTO timings VALUES ('copy', extract(epoch FROM clock_timestamp() - t0));
END $$;
CREATE PROCEDURE pg_temp.time_ingest(f text, variant text) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
	PERFORM amprenta.amprenta_ingest_file(f, options => jsonb_build_object('name', variant || ' ' || clock_timestamp()));
	INSERT INTO timings VALUES (variant, extract(epoch FROM clock_timestamp() - t0));
END $$;
-- Between rounds, outside the timings: empty the tables again.
CREATE PROCEDURE pg_temp.reset(keep_features boolean) LANGUAGE plpgsql AS $$
BEGIN
	TRUNCATE copy_target;
	DELETE FROM amprenta.datasets;
	DELETE FROM amprenta.ingestions;
	IF NOT keep_features THEN DELETE FROM amprenta.features; END IF;
END $$;

CALL pg_temp.reset(false); VACUUM amprenta.features, amprenta.dataset_features, copy_target; CHECKPOINT;
CALL pg_temp.time_copy(:'file'); CALL pg_temp.time_ingest(:'file', 'cold');
CALL pg_temp.time_ingest(:'file', 'warm');
CALL pg_temp.reset(false); VACUUM amprenta.features, amprenta.dataset_features, copy_target; CHECKPOINT;
CALL pg_temp.time_copy(:'file'); CALL pg_temp.time_ingest(:'file', 'cold');
CALL pg_temp.time_ingest(:'file', 'warm');
CALL pg_temp.reset(false); VACUUM amprenta.features, amprenta.dataset_features, copy_target; CHECKPOINT;
CALL pg_temp.time_copy(:'file'); CALL pg_temp.time_ingest(:'file', 'cold');
CALL pg_temp.time_ingest(:'file', 'warm');
CALL pg_temp.reset(false); VACUUM amprenta.features, amprenta.dataset_features, copy_target; CHECKPOINT;
CALL pg_temp.time_copy(:'file'); CALL pg_temp.time_ingest(:'file', 'cold');
CALL pg_temp.time_ingest(:'file', 'warm');
CALL pg_temp.reset(false); VACUUM amprenta.features, amprenta.dataset_features, copy_target; CHECKPOINT;
CALL pg_temp.time_copy(:'file'); CALL pg_temp.time_ingest(:'file', 'cold');
CALL pg_temp.time_ingest(:'file', 'warm');

\pset format unaligned
\pset tuples_only on
WITH m AS (SELECT variant, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS s FROM timings GROUP BY variant)
SELECT format('| ingest 200,000-row results table, %s features (target: within 3x) | COPY into an unindexed table | amprenta_ingest_file | %s× |',
              v, to_char((SELECT s FROM m WHERE variant = v) / (SELECT s FROM m WHERE variant = 'copy'), 'FM990.00'))
  FROM unnest(ARRAY['cold', 'warm']) v;

CALL pg_temp.reset(false);
DROP TABLE copy_target;
