-- Benchmark: the cost of sync capture.  COPY of 100,000 dataset rows into
-- amprenta.datasets with amprenta.sync_enabled on (the statement triggers
-- queue every row for the semantic index: 100,000 outbox rows) against the
-- same COPY with it off (the triggers fire and return at once), in the same
-- run.  Rounds are interleaved, the figure is the median of 5.  No worker
-- serves this database, so the captures and the queue are only filled,
-- then emptied between rounds (nothing is left for the benchmarks that
-- start a worker).  Target: within 1.3x.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS amprenta;
\getenv benchdir AMPRENTA_BENCH_DIR
\set file :benchdir '/datasets_100k.csv'

COPY (SELECT 'dataset ' || g, CASE g % 4 WHEN 0 THEN 'lipidomics' WHEN 1 THEN 'metabolomics'
										 WHEN 2 THEN 'proteomics' ELSE 'transcriptomics' END,
			 'Generated dataset number ' || g || ' for the capture benchmark.', '{ALS}'
		FROM generate_series(1, 100000) g) TO :'file' (FORMAT csv);

CREATE TEMP TABLE timings (variant text, seconds float8);
CREATE PROCEDURE pg_temp.run_round(file text) LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	v text;
BEGIN
	FOREACH v IN ARRAY ARRAY['off', 'on'] LOOP
		PERFORM set_config('amprenta.sync_enabled', v, false);
		t0 := clock_timestamp();
		EXECUTE format('COPY amprenta.datasets (name, omics_type, description, disease) FROM %L (FORMAT csv)', file);
		INSERT INTO timings VALUES (v, extract(epoch FROM clock_timestamp() - t0));
		COMMIT;
		PERFORM set_config('amprenta.sync_enabled', 'off', false);
		TRUNCATE amprenta.datasets CASCADE;
		TRUNCATE amprenta.sync_outbox, amprenta.sync_leases, amprenta.sync_capture;
		COMMIT;
	END LOOP;
END $$;

CALL pg_temp.run_round(:'file');
CALL pg_temp.run_round(:'file');
CALL pg_temp.run_round(:'file');
CALL pg_temp.run_round(:'file');
CALL pg_temp.run_round(:'file');

\pset format unaligned
\pset tuples_only on
WITH m AS (
	SELECT variant, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS s FROM timings GROUP BY variant
)
SELECT format('| sync capture: COPY of 100,000 datasets (target ≤ 1.3×) | sync off %s s | sync on %s s | %s× |',
			  to_char(off.s, 'FM990.00'), to_char(onn.s, 'FM990.00'), to_char(onn.s / off.s, 'FM990.00'))
  FROM m off, m onn WHERE off.variant = 'off' AND onn.variant = 'on';
