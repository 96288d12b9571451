-- Scoring signatures against datasets: the four methods with their
-- reference values, lipid level roll-up, p-values, the every-dataset form,
-- materialization and the leaderboard, and bad or thin input.
\getenv abs_srcdir PG_ABS_SRCDIR
\set data :abs_srcdir '/test/data/signatures/'

CREATE FUNCTION pg_temp.try(sql text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	st text; msg text; hnt text;
BEGIN
	EXECUTE sql;
	RETURN NEXT 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hnt = PG_EXCEPTION_HINT;
	RETURN NEXT st || ': ' || regexp_replace(msg, '[0-9a-f]{8}-[0-9a-f-]{27}', '<uuid>');
	IF hnt <> '' THEN RETURN NEXT 'HINT: ' || hnt; END IF;
END $$;

-- singscore reference (Foroutan et al. 2018; the R package's tests):
-- expression (1, 2, 5, 5); ranks ascending with ties at the minimum.
SELECT amprenta.amprenta_ingest_text(E'gene,log2FoldChange,stat,pvalue,padj\nTP53,0.1,1,0.5,0.6\nBRCA1,0.2,2,0.4,0.5\nEGFR,0.5,5,0.01,0.02\nMYC,0.5,5,0.01,0.02\n',
	'four_genes.csv', 'transcriptomics') AS four \gset
SELECT df.raw_name, df.statistic, df.rank FROM amprenta.dataset_features df
 WHERE df.dataset_id = :'four' ORDER BY df.ordinal;
SELECT amprenta.amprenta_create_signature('up 3,4', '[{"feature": "EGFR", "direction": "up"}, {"feature": "MYC", "direction": "up"}]') AS s_up \gset
SELECT amprenta.amprenta_create_signature('up 3,4 down 1', '[{"feature": "EGFR", "direction": "up"}, {"feature": "MYC", "direction": "up"},
	{"feature": "TP53", "direction": "down"}]') AS s_updown \gset
SELECT method, score, up_score, down_score, matched, total
  FROM amprenta.amprenta_score_signature(:'s_up', :'four', '{"method": "rank"}');
SELECT method, score, up_score, down_score, matched, total
  FROM amprenta.amprenta_score_signature(:'s_updown', :'four', '{"method": "rank"}');
-- Analytic p of the rank score: a normal approximation, in (0, 1].
SELECT p_value > 0 AND p_value <= 1 AS rank_p_in_range
  FROM amprenta.amprenta_score_signature(:'s_updown', :'four', '{"method": "rank"}');

-- Lamb 2006 connectivity score, hand example: N = 10, up tags at positions
-- {1, 2}, down tags at {9, 10} -> ks_up 0.8, ks_down -0.9, s = 1.7.
SELECT amprenta.amprenta_ingest_text(E'gene,log2FoldChange,stat,pvalue,padj\n'
	'TP53,1,10,0.001,0.01\nBRCA1,1,9,0.001,0.01\nEGFR,1,8,0.001,0.01\nMYC,1,7,0.001,0.01\nKRAS,1,6,0.001,0.01\n'
	'PTEN,1,5,0.2,0.3\nAKT1,1,4,0.2,0.3\nGAPDH,1,3,0.2,0.3\nACTB,1,2,0.2,0.3\nSOD1,1,1,0.2,0.3\n',
	'ten_genes.csv', 'transcriptomics') AS ten \gset
SELECT amprenta.amprenta_create_signature('ks example', '[{"feature": "TP53", "direction": "up"}, {"feature": "BRCA1", "direction": "up"},
	{"feature": "ACTB", "direction": "down"}, {"feature": "SOD1", "direction": "down"}]') AS s_ks \gset
SELECT method, round(score::numeric, 12) AS score, round(up_score::numeric, 12) AS ks_up,
       round(down_score::numeric, 12) AS ks_down, p_value
  FROM amprenta.amprenta_score_signature(:'s_ks', :'ten', '{"method": "ks"}');

-- Concordance: Σ w·d·sign(x) / Σ w over matched components; the sign test
-- gives the analytic p (10 of 10 concordant: 2/1024).
SELECT amprenta.amprenta_create_signature('all up', '[{"feature": "TP53", "direction": "up"}, {"feature": "BRCA1", "direction": "up"},
	{"feature": "EGFR", "direction": "up"}, {"feature": "MYC", "direction": "up"}, {"feature": "KRAS", "direction": "up"},
	{"feature": "PTEN", "direction": "up"}, {"feature": "AKT1", "direction": "up"}, {"feature": "GAPDH", "direction": "up"},
	{"feature": "ACTB", "direction": "up"}, {"feature": "SOD1", "direction": "up", "weight": 3}]') AS s_allup \gset
SELECT method, score, p_value, matched, total, concordant, discordant, coverage, layers
  FROM amprenta.amprenta_score_signature(:'s_allup', :'ten'::uuid);
SELECT score, concordant, discordant FROM amprenta.amprenta_score_signature(:'s_ks', :'ten'::uuid);
-- alpha: only features with adjusted p <= alpha carry a sign.
SELECT score, concordant, discordant FROM amprenta.amprenta_score_signature(:'s_allup', :'ten', '{"alpha": 0.05}');
-- legacy: (Σ w·m / Σ w + 1) / 2 over every component.
SELECT method, score FROM amprenta.amprenta_score_signature(:'s_ks', :'ten', '{"method": "legacy"}');

-- Permutation p-values: (1 + extreme) / (1 + permutations), reproducible by seed.
SELECT a.p_value = b.p_value AS same_seed_same_p,
       a.p_value > 0 AND a.p_value <= 1 AS in_range,
       (a.p_value * 2001) = round(a.p_value * 2001) AS counts_permutations
  FROM amprenta.amprenta_score_signature(:'s_ks', :'ten', '{"method": "ks", "permutations": 2000, "seed": 7}') a,
       amprenta.amprenta_score_signature(:'s_ks', :'ten', '{"method": "ks", "permutations": 2000, "seed": 7}') b;
-- With all of a dataset's rows matched every draw is the same set: p = 1.
SELECT p_value FROM amprenta.amprenta_score_signature(:'s_allup', :'ten', '{"permutations": 999, "seed": 1}');
-- 200 genes with statistics from -99 to 100; the ten largest, all "up":
-- no random draw of ten does as well, so p = 1 / (1 + permutations).
SELECT amprenta.amprenta_ingest_text(E'gene,stat\n' || string_agg(format('ENSG%s,%s', lpad(i::text, 11, '0'), i - 100), E'\n'),
	'two_hundred.csv', 'transcriptomics') AS twohundred
  FROM generate_series(1, 200) i \gset
SELECT amprenta.amprenta_create_signature('top ten',
	(SELECT jsonb_agg(jsonb_build_object('feature', format('ENSG%s', lpad(i::text, 11, '0')), 'direction', 'up'))
	   FROM generate_series(191, 200) i)) AS s_top \gset
SELECT score, p_value, p_value = 1.0 / 1000 AS p_is_one_over_1000
  FROM amprenta.amprenta_score_signature(:'s_top', :'twohundred', '{"method": "ks", "permutations": 999, "seed": 3}');
SELECT score, p_value FROM amprenta.amprenta_score_signature(:'s_top', :'twohundred', '{"method": "rank"}');

-- Lipids: the original's six ceramides (sn-position) against a dataset that
-- reports species; they meet at species level, and an exact name wins.
\set f :data 'ALS-CSF-Core-6Ceramides.tsv'
SELECT amprenta.amprenta_ingest_signature_file(:'f') AS als \gset
SELECT amprenta.amprenta_ingest_text(E'lipid,log2FC,t,P.Value,adj.P.Val\n'
	'Cer 34:1;O2,1.2,4.1,0.0001,0.001\nCer 36:1;O2,0.8,3.0,0.001,0.01\nCer 42:1;O2,0.9,3.3,0.001,0.01\n'
	'Cer 42:2;O2,0.4,1.1,0.2,0.3\nSM 34:1;O2,-0.7,-2.5,0.01,0.04\nSM 36:1;O2,-0.5,-2.0,0.04,0.09\n'
	'PC 34:1,0.1,0.2,0.8,0.9\n', 'als_species.csv', 'lipidomics') AS als_species \gset
SELECT score, matched, total, concordant, discordant, coverage
  FROM amprenta.amprenta_score_signature(:'als', :'als_species'::uuid);
SELECT m->>'component' AS component, m->>'feature' AS feature, m->>'match' AS match
  FROM amprenta.amprenta_score_signature(:'als', :'als_species'::uuid) s, jsonb_array_elements(s.matches) m ORDER BY 1;
SELECT amprenta.amprenta_ingest_text(E'lipid,log2FC,t,P.Value,adj.P.Val\n'
	'Cer 34:1;O2,-1.2,-4.1,0.0001,0.001\nCer 18:1;O2/16:0,1.5,5.0,0.0001,0.001\n',
	'als_both_levels.csv', 'lipidomics') AS als_both \gset
SELECT m->>'component' AS component, m->>'feature' AS feature, m->>'match' AS match, m->>'x' AS x
  FROM amprenta.amprenta_score_signature(:'als', :'als_both'::uuid) s, jsonb_array_elements(s.matches) m
 WHERE m->>'feature' IS NOT NULL;
SELECT method, score FROM amprenta.amprenta_score_signature(:'als', :'als_species', '{"method": "legacy"}');

-- A signature with no component of the dataset's feature types: a row with
-- NULL score and coverage 0, not an error.
SELECT score, p_value, matched, total, coverage, layers
  FROM amprenta.amprenta_score_signature(:'s_up', :'als_species'::uuid);

-- Every dataset, best first; datasets the signature cannot score come last.
SELECT d.name, s.score, s.matched, s.total, s.matches IS NULL AS no_details
  FROM amprenta.amprenta_score_signature(:'als') s JOIN amprenta.datasets d ON d.id = s.dataset_id;
SELECT count(*) = (SELECT count(*) FROM amprenta.datasets) AS every_dataset
  FROM amprenta.amprenta_score_signature(:'s_ks', options => '{"method": "rank"}');
SELECT d.name, round(s.score::numeric, 12) AS score FROM amprenta.amprenta_score_signature(:'s_ks', '{"method": "ks", "details": true}'::jsonb) s
  JOIN amprenta.datasets d ON d.id = s.dataset_id WHERE s.matches IS NOT NULL;
-- The rows come best first, equal scores in dataset id order, NULL scores
-- last (ties are common with the legacy formula).
SELECT method, bool_and(ordinality = sorted) AS best_first, count(score) - count(DISTINCT score) > 0 AS has_ties, count(*) - count(score) AS null_scores
  FROM (SELECT s.method, s.score, s.ordinality,
               row_number() OVER (PARTITION BY s.method ORDER BY s.score DESC NULLS LAST, s.dataset_id) AS sorted
          FROM (SELECT * FROM amprenta.amprenta_score_signature(:'als') WITH ORDINALITY
                UNION ALL
                SELECT * FROM amprenta.amprenta_score_signature(:'als', '{"method": "legacy"}'::jsonb) WITH ORDINALITY) s) t
 GROUP BY method ORDER BY method;
-- The two forms agree.
SELECT bool_and(a.score IS NOT DISTINCT FROM b.score AND a.p_value IS NOT DISTINCT FROM b.p_value
                AND a.layers = b.layers) AS forms_agree
  FROM amprenta.amprenta_score_signature(:'als') a,
       LATERAL amprenta.amprenta_score_signature(:'als', a.dataset_id, '{"details": false}') b;

-- Materialized scores and the leaderboard.
SELECT amprenta.amprenta_refresh_scores(:'als') AS written;
SELECT amprenta.amprenta_refresh_scores() = (SELECT count(*) FROM amprenta.signatures) * (SELECT count(*) FROM amprenta.datasets)
	AS every_pair;
SELECT count(*) = (SELECT count(*) FROM amprenta.signatures) * (SELECT count(*) FROM amprenta.datasets) AS stored_once
  FROM amprenta.dataset_signature_scores;
SELECT position, dataset_name, round(score::numeric, 4) AS score, p_value IS NOT NULL AS has_p,
       q_value >= p_value AS q_not_below_p, matched, total
  FROM amprenta.signature_leaderboard WHERE signature_name = 'ALS-CSF-Core-6Ceramides' ORDER BY position, dataset_name;
-- q-values: Benjamini-Hochberg, monotone in p.
SELECT bool_and(q_value IS NULL OR (q_value >= p_value AND q_value <= 1)) AS q_valid
  FROM amprenta.signature_leaderboard;

-- Bad or thin input.
SELECT pg_temp.try(format('SELECT amprenta.amprenta_score_signature(%L, %L::uuid)', gen_random_uuid(), :'four'));
SELECT pg_temp.try(format('SELECT amprenta.amprenta_score_signature(%L, %L::uuid)', :'als', gen_random_uuid()));
-- Two quoted literals could be (signature, dataset) or (signature, options).
SELECT pg_temp.try(format('SELECT amprenta.amprenta_score_signature(%L, %L)', :'als', :'four'));
SELECT pg_temp.try(format('SELECT * FROM amprenta.amprenta_score_signature(%L::uuid)', gen_random_uuid()));
SELECT pg_temp.try(format('SELECT amprenta.amprenta_refresh_scores(%L)', gen_random_uuid()));
SELECT pg_temp.try(format('SELECT amprenta.amprenta_score_signature(%L, %L, ''{"method": "gsea"}'')', :'als', :'four'));
SELECT pg_temp.try(format('SELECT amprenta.amprenta_score_signature(%L, %L, ''{"alpha": 0}'')', :'als', :'four'));
SELECT pg_temp.try(format('SELECT amprenta.amprenta_score_signature(%L, %L, ''{"permutations": 2.5}'')', :'als', :'four'));
SELECT pg_temp.try(format('SELECT amprenta.amprenta_score_signature(%L, %L, ''{"permutations": 100000000}'')', :'als', :'four'));
SELECT pg_temp.try(format('SELECT amprenta.amprenta_score_signature(%L, %L, ''{"top": 5}'')', :'als', :'four'));

-- Readers score; only writers materialize.
SET ROLE amprenta_reader;
SELECT score IS NOT NULL AS reader_scores FROM amprenta.amprenta_score_signature(:'als', :'als_species'::uuid);
SELECT pg_temp.try('SELECT amprenta.amprenta_refresh_scores()');
RESET ROLE;

-- Every-dataset scoring reads each feature's range of the covering index
-- leaf page by leaf page.  800 datasets measuring the four genes of the ks
-- signature put each gene's range on several leaf pages; rows updated,
-- deleted or changed by a rolled-back transaction since the last VACUUM make
-- it visit the heap.  After each change the every-dataset form must agree
-- with the one-dataset form (a separate index probe) and with plain SQL.
CREATE TEMP TABLE many AS SELECT gen_random_uuid() AS id, i FROM generate_series(1, 800) i;
INSERT INTO amprenta.datasets (id, name, omics_type) SELECT id, 'many ' || i, 'transcriptomics' FROM many;
INSERT INTO amprenta.dataset_features (dataset_id, ordinal, feature_id, raw_name, statistic, adjusted_p_value)
SELECT m.id, g.k, f.id, f.normalized_name, CASE WHEN (m.i + g.k) % 3 = 0 THEN -1 ELSE 1 END * (m.i % 7 + 1), 0.01
  FROM many m
 CROSS JOIN (VALUES (1, 'TP53'), (2, 'BRCA1'), (3, 'ACTB'), (4, 'SOD1')) AS g (k, name)
  JOIN amprenta.features f ON f.feature_type = 'gene' AND f.normalized_name = g.name;
VACUUM amprenta.dataset_features;
CREATE FUNCTION pg_temp.forms_agree(sig uuid) RETURNS TABLE (every_dataset bool, agree bool, sql_agrees bool)
LANGUAGE sql AS $$
	WITH a AS (SELECT * FROM amprenta.amprenta_score_signature(sig)),
	     plain AS (SELECT df.dataset_id, sum(sc.weight * CASE sc.direction WHEN 'up' THEN 1 ELSE -1 END
	                                         * sign(df.statistic)) / sum(sc.weight) AS score,
	                      count(*) AS matched
	                 FROM amprenta.signature_components sc
	                 JOIN amprenta.dataset_features df ON df.feature_id = sc.feature_id
	                WHERE sc.signature_id = sig GROUP BY df.dataset_id)
	SELECT count(*) = (SELECT count(*) FROM amprenta.datasets),
	       bool_and(a.score IS NOT DISTINCT FROM b.score AND a.matched = b.matched
	                AND a.concordant = b.concordant AND a.layers = b.layers),
	       bool_and(coalesce(p.matched, 0) = a.matched
	                AND (p.score IS NULL OR abs(p.score - a.score) < 1e-12))
	  FROM a
	 CROSS JOIN LATERAL amprenta.amprenta_score_signature(sig, a.dataset_id, '{"details": false}') b
	  LEFT JOIN plain p ON p.dataset_id = a.dataset_id
$$;
SELECT * FROM pg_temp.forms_agree(:'s_ks');
-- Flipped signs (new index entries, the old ones dead but not vacuumed).
UPDATE amprenta.dataset_features df SET statistic = -statistic
  FROM many m WHERE df.dataset_id = m.id AND m.i % 5 = 0;
SELECT * FROM pg_temp.forms_agree(:'s_ks');
-- Deleted rows.
DELETE FROM amprenta.dataset_features df USING many m, amprenta.features f
 WHERE df.dataset_id = m.id AND m.i % 4 = 0 AND f.id = df.feature_id AND f.normalized_name = 'TP53';
SELECT * FROM pg_temp.forms_agree(:'s_ks');
SELECT sum(matched) AS matched_after_delete
  FROM amprenta.amprenta_score_signature(:'s_ks') s JOIN many m ON m.id = s.dataset_id;
-- A rolled-back change leaves dead index entries that must stay unseen.
BEGIN;
UPDATE amprenta.dataset_features df SET statistic = 100 FROM many m WHERE df.dataset_id = m.id;
ROLLBACK;
SELECT * FROM pg_temp.forms_agree(:'s_ks');
-- Rows with the fold change instead of the statistic, p instead of the
-- adjusted p, and ranks (index entries with other columns missing): the
-- every-dataset reader agrees with the one-dataset form for ks (which uses
-- the ranks) and for concordance under alpha (which uses the p-values).
UPDATE amprenta.dataset_features df
   SET log2_fold_change = statistic / 2, statistic = NULL, p_value = (m.i % 10) / 100.0,
       adjusted_p_value = NULL, rank = df.ordinal
  FROM many m WHERE df.dataset_id = m.id AND m.i % 3 = 0;
UPDATE amprenta.dataset_features df SET rank = 5 - df.ordinal FROM many m WHERE df.dataset_id = m.id AND m.i % 3 = 1;
SELECT count(*) AS datasets,
       bool_and(a.score IS NOT DISTINCT FROM b.score AND a.up_score IS NOT DISTINCT FROM b.up_score
                AND a.down_score IS NOT DISTINCT FROM b.down_score AND a.matched = b.matched) AS ks_forms_agree,
       count(DISTINCT a.score) > 3 AS varied
  FROM amprenta.amprenta_score_signature(:'s_ks', '{"method": "ks"}'::jsonb) a
 CROSS JOIN LATERAL amprenta.amprenta_score_signature(:'s_ks', a.dataset_id, '{"method": "ks", "details": false}') b
 WHERE a.dataset_id IN (SELECT id FROM many);
SELECT count(*) AS datasets,
       bool_and(a.score IS NOT DISTINCT FROM b.score AND a.concordant = b.concordant
                AND a.discordant = b.discordant) AS alpha_forms_agree,
       count(DISTINCT a.score) > 3 AS varied
  FROM amprenta.amprenta_score_signature(:'s_ks', '{"alpha": 0.05}'::jsonb) a
 CROSS JOIN LATERAL amprenta.amprenta_score_signature(:'s_ks', a.dataset_id, '{"alpha": 0.05, "details": false}') b
 WHERE a.dataset_id IN (SELECT id FROM many);
DELETE FROM amprenta.datasets WHERE id IN (SELECT id FROM many);
