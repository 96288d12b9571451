-- Benchmark: amprenta_normalize_lipid() throughput against lower() over the
-- same names in the same run (the Goslin and SwissLipids test names, about
-- 12,000 in several dialects, repeated to 200,000).  Target: within 5x.  Medians of 5 interleaved rounds.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS amprenta;
\getenv srcdir AMPRENTA_SRC_DIR
\set goslin :srcdir '/test/data/goslin/goslin-test.csv'
\set swiss :srcdir '/test/data/goslin/swiss-lipids-test.csv'

CREATE TEMP TABLE raw_names (name text);
COPY raw_names FROM :'goslin' WITH (FORMAT text);
COPY raw_names FROM :'swiss' WITH (FORMAT text);
CREATE TEMP TABLE names AS
	SELECT r.name FROM (SELECT name FROM raw_names WHERE name <> '' AND name NOT LIKE '#%') r,
	                   generate_series(1, 200000 / (SELECT count(*) FROM raw_names) + 1)
	 LIMIT 200000;
ANALYZE names;
CREATE TEMP TABLE timings (variant text, seconds float8);
CREATE PROCEDURE pg_temp.run_round() LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; n bigint;
BEGIN
	t0 := clock_timestamp();
	SELECT count(lower(name)) INTO n FROM names;
	INSERT INTO timings VALUES ('lower', extract(epoch FROM clock_timestamp() - t0));
	t0 := clock_timestamp();
	SELECT count(amprenta.amprenta_normalize_lipid(name)) INTO n FROM names;
	INSERT INTO timings VALUES ('lipid', extract(epoch FROM clock_timestamp() - t0));
END $$;
CALL pg_temp.run_round(); CALL pg_temp.run_round(); CALL pg_temp.run_round();
CALL pg_temp.run_round(); CALL pg_temp.run_round();

\pset format unaligned
\pset tuples_only on
WITH m AS (SELECT variant, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS s FROM timings GROUP BY variant)
SELECT format('| lipid normalization of 200,000 names (target: within 5x) | lower() | amprenta_normalize_lipid | %s× |',
              to_char((SELECT s FROM m WHERE variant = 'lipid') / (SELECT s FROM m WHERE variant = 'lower'), 'FM990.00'));
