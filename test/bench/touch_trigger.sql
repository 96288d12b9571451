-- Benchmark: the C updated_at trigger against the same trigger in PL/pgSQL
-- and against no trigger at all, on UPDATEs of 200,000 rows.  Rounds are
-- interleaved and each figure is the median of 7, so a noisy neighbour hits
-- all variants alike.  Prints one markdown table row per comparison.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS amprenta;

CREATE FUNCTION pg_temp.touch_plpgsql() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN NEW.updated_at := statement_timestamp(); RETURN NEW; END $$;

CREATE TABLE bench_none (id int PRIMARY KEY, v int, updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE bench_c (LIKE bench_none INCLUDING ALL);
CREATE TABLE bench_plpgsql (LIKE bench_none INCLUDING ALL);
CREATE TRIGGER t BEFORE UPDATE ON bench_c FOR EACH ROW EXECUTE FUNCTION amprenta.amprenta_touch_updated_at();
CREATE TRIGGER t BEFORE UPDATE ON bench_plpgsql FOR EACH ROW EXECUTE FUNCTION pg_temp.touch_plpgsql();
INSERT INTO bench_none SELECT g, 0 FROM generate_series(1, 200000) g;
INSERT INTO bench_c SELECT * FROM bench_none;
INSERT INTO bench_plpgsql SELECT * FROM bench_none;
VACUUM ANALYZE bench_none, bench_c, bench_plpgsql;

CREATE TEMP TABLE timings (variant text, seconds float8);
CREATE PROCEDURE pg_temp.run_round() LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	v text;
BEGIN
	FOREACH v IN ARRAY ARRAY['bench_none', 'bench_c', 'bench_plpgsql'] LOOP
		t0 := clock_timestamp();
		EXECUTE format('UPDATE %I SET v = v + 1', v);
		INSERT INTO timings VALUES (v, extract(epoch FROM clock_timestamp() - t0));
	END LOOP;
END $$;

CALL pg_temp.run_round(); VACUUM bench_none, bench_c, bench_plpgsql;
CALL pg_temp.run_round(); VACUUM bench_none, bench_c, bench_plpgsql;
CALL pg_temp.run_round(); VACUUM bench_none, bench_c, bench_plpgsql;
CALL pg_temp.run_round(); VACUUM bench_none, bench_c, bench_plpgsql;
CALL pg_temp.run_round(); VACUUM bench_none, bench_c, bench_plpgsql;
CALL pg_temp.run_round(); VACUUM bench_none, bench_c, bench_plpgsql;
CALL pg_temp.run_round(); VACUUM bench_none, bench_c, bench_plpgsql;

\pset format unaligned
\pset tuples_only on
WITH m AS (
	SELECT variant, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS s FROM timings GROUP BY variant
)
SELECT format('| updated_at trigger, UPDATE of 200,000 rows | %s | %s | %s× |', b, c, to_char(cs / bs, 'FM990.00'))
  FROM (VALUES
		('no trigger', 'C trigger', (SELECT s FROM m WHERE variant = 'bench_none'), (SELECT s FROM m WHERE variant = 'bench_c')),
		('PL/pgSQL trigger', 'C trigger', (SELECT s FROM m WHERE variant = 'bench_plpgsql'), (SELECT s FROM m WHERE variant = 'bench_c'))
	   ) AS x (b, c, bs, cs);

DROP TABLE bench_none, bench_c, bench_plpgsql;
