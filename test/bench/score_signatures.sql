-- Benchmark: signature scoring over 10,000 datasets x 2,000 features
-- (20 million dataset_features rows), against plain SQL computing the same
-- concordance formula on the same tables and indexes, in the same run.
-- Also 100 signatures materialized by amprenta_refresh_scores() against the
-- same rows written by one plain INSERT ... SELECT, and the cost of 1,000
-- permutations against the analytic p-value of the same score.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
CREATE EXTENSION IF NOT EXISTS amprenta;

-- Generated directly (this measures scoring, not ingestion): 4,000 genes,
-- each dataset measures 2,000 of them, statistics uniform in [-5, 5].
SET session_replication_role = replica;
INSERT INTO amprenta.features (id, feature_type, normalized_name, name)
SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(f), 12, '0'))::uuid, 'gene', 'G' || f, 'G' || f
  FROM generate_series(1, 4000) f;
INSERT INTO amprenta.datasets (id, name, omics_type)
SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(d), 12, '0'))::uuid, 'bench ' || d, 'transcriptomics'
  FROM generate_series(1, 10000) d;
INSERT INTO amprenta.dataset_features (dataset_id, ordinal, feature_id, raw_name, log2_fold_change,
                                       statistic, p_value, adjusted_p_value)
SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(d), 12, '0'))::uuid, o,
       ('00000000-0000-4000-8000-' || lpad(to_hex(((o - 1) * 2 + d) % 4000 + 1), 12, '0'))::uuid,
       'G' || (((o - 1) * 2 + d) % 4000 + 1), s / 2, s, r, least(1, r * 1.5)
  FROM generate_series(1, 10000) d,
       LATERAL (SELECT o, random() * 10 - 5 AS s, random() AS r FROM generate_series(1, 2000) o) x;
RESET session_replication_role;
VACUUM ANALYZE amprenta.dataset_features;

-- 100 signatures of 50 genes, half up and half down, weights 1 to 2.
SELECT amprenta.amprenta_create_signature('bench ' || k,
	(SELECT jsonb_agg(jsonb_build_object('feature', 'G' || ((f * 37 + k * 101) % 4000 + 1),
	                                     'feature_type', 'gene',
	                                     'direction', CASE WHEN f % 2 = 0 THEN 'up' ELSE 'down' END,
	                                     'weight', 1 + (f % 3) * 0.5))
	   FROM generate_series(1, 50) f))
  FROM generate_series(1, 100) k;
SELECT id AS sig FROM amprenta.signatures WHERE name = 'bench 1' \gset
SELECT set_config('amprenta_bench.sig', :'sig', false) IS NOT NULL AS sig_set \gset

CREATE TEMP TABLE timings (variant text, seconds float8);
CREATE TABLE plain_scores (signature_id uuid, dataset_id uuid, score float8, matched int,
                           concordant int, discordant int);

-- Best of three runs of a statement, for each variant.
CREATE PROCEDURE pg_temp.time_it(variant text, stmt text) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; best float8 := 'Infinity';
BEGIN
	FOR i IN 1..3 LOOP
		t0 := clock_timestamp();
		EXECUTE stmt;
		best := least(best, extract(epoch FROM clock_timestamp() - t0));
	END LOOP;
	INSERT INTO timings VALUES (variant, best);
END $$;

CALL pg_temp.time_it('amprenta', format($q$SELECT count(*) FROM amprenta.amprenta_score_signature(%L::uuid)$q$,
                                        current_setting('amprenta_bench.sig')));
CALL pg_temp.time_it('sql', format($q$
	SELECT count(*) FROM (
	SELECT df.dataset_id,
	       sum(sc.weight * CASE sc.direction WHEN 'up' THEN 1 ELSE -1 END
	           * sign(coalesce(df.statistic, df.log2_fold_change))) / sum(sc.weight) AS score
	  FROM amprenta.signature_components sc
	  JOIN amprenta.dataset_features df ON df.feature_id = sc.feature_id
	 WHERE sc.signature_id = %L AND sc.direction IN ('up', 'down')
	 GROUP BY df.dataset_id ORDER BY score DESC) s$q$, current_setting('amprenta_bench.sig')));
CALL pg_temp.time_it('sql_same_columns', format($q$
	SELECT count(*) FROM (
	SELECT d.id,
	       sum(sc.weight * CASE sc.direction WHEN 'up' THEN 1 ELSE -1 END
	           * sign(coalesce(df.statistic, df.log2_fold_change))) / sum(sc.weight) AS score,
	       count(df.feature_id) AS matched, count(sc.feature_id) AS total,
	       count(*) FILTER (WHERE sign(coalesce(df.statistic, df.log2_fold_change))
	                              * CASE sc.direction WHEN 'up' THEN 1 ELSE -1 END > 0) AS concordant,
	       count(*) FILTER (WHERE sign(coalesce(df.statistic, df.log2_fold_change))
	                              * CASE sc.direction WHEN 'up' THEN 1 ELSE -1 END < 0) AS discordant,
	       count(df.feature_id)::float8 / count(sc.feature_id) AS coverage,
	       jsonb_build_object('gene', jsonb_build_object('matched', count(df.feature_id), 'total', count(sc.feature_id))) AS layers
	  FROM amprenta.datasets d
	 CROSS JOIN amprenta.signature_components sc
	  LEFT JOIN amprenta.dataset_features df ON df.feature_id = sc.feature_id AND df.dataset_id = d.id
	 WHERE sc.signature_id = %L AND sc.direction IN ('up', 'down')
	 GROUP BY d.id ORDER BY score DESC NULLS LAST) s$q$, current_setting('amprenta_bench.sig')));

-- 100 signatures x 10,000 datasets materialized.
CREATE PROCEDURE pg_temp.refresh_once(variant text) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
	IF variant = 'refresh' THEN
		PERFORM amprenta.amprenta_refresh_scores();
	ELSE
		INSERT INTO plain_scores
		SELECT sc.signature_id, df.dataset_id,
		       sum(sc.weight * CASE sc.direction WHEN 'up' THEN 1 ELSE -1 END
		           * sign(coalesce(df.statistic, df.log2_fold_change))) / sum(sc.weight),
		       count(*), 0, 0
		  FROM amprenta.signature_components sc
		  JOIN amprenta.dataset_features df ON df.feature_id = sc.feature_id
		 WHERE sc.direction IN ('up', 'down')
		 GROUP BY sc.signature_id, df.dataset_id;
	END IF;
	INSERT INTO timings VALUES (variant, extract(epoch FROM clock_timestamp() - t0));
END $$;
CALL pg_temp.refresh_once('plain_insert');
CALL pg_temp.refresh_once('refresh');

-- Permutations: 1,000 against the analytic p-value, one dataset, 2,000 rows.
SELECT id AS ds FROM amprenta.datasets WHERE name = 'bench 1' \gset
CALL pg_temp.time_it('analytic', format($q$SELECT p_value FROM amprenta.amprenta_score_signature(%L, %L::uuid)$q$, :'sig', :'ds'));
CALL pg_temp.time_it('perm1000', format($q$SELECT p_value FROM amprenta.amprenta_score_signature(%L, %L::uuid, '{"permutations": 1000}')$q$, :'sig', :'ds'));

\pset format unaligned
\pset tuples_only on
SELECT format('| score a 50-component signature against 10,000 datasets x 2,000 features (target: 5x faster) | plain SQL, same formula and indexes, score only | amprenta_score_signature(sig) | %s× |',
              to_char((SELECT seconds FROM timings WHERE variant = 'amprenta') / (SELECT seconds FROM timings WHERE variant = 'sql'), 'FM990.00'));
SELECT format('| same | plain SQL also giving matched, total, concordant, discordant, coverage and layers | amprenta_score_signature(sig) | %s× |',
              to_char((SELECT seconds FROM timings WHERE variant = 'amprenta') / (SELECT seconds FROM timings WHERE variant = 'sql_same_columns'), 'FM990.00'));
SELECT format('| materialize 100 signatures x 10,000 datasets (1,000,000 rows) | one INSERT ... SELECT of the formula into a plain table | amprenta_refresh_scores() | %s× |',
              to_char((SELECT seconds FROM timings WHERE variant = 'refresh') / (SELECT seconds FROM timings WHERE variant = 'plain_insert'), 'FM990.00'));
SELECT format('| 1,000 permutations for the p-value of one score (dataset of 2,000 rows) | the same score with its analytic p-value | permutations = 1000 | %s× |',
              to_char((SELECT seconds FROM timings WHERE variant = 'perm1000') / (SELECT seconds FROM timings WHERE variant = 'analytic'), 'FM990.00'));
