-- Ingestion of real-looking files: layouts, normalization, storage, idempotency.
\getenv abs_srcdir PG_ABS_SRCDIR
\set data :abs_srcdir '/test/data/ingest/'

-- DESeq2 results written by R: empty first header, NA, CRLF, Ensembl versions,
-- the same gene twice (with and without version), a row that is no gene id.
\set f :data 'deseq2_results.csv'
SELECT amprenta.amprenta_ingest_file(:'f') AS deseq2 \gset
SELECT name, omics_type, samples, rows, mapped, unmapped, ambiguous, duplicates, file_name, file_format
  FROM amprenta.dataset_summary WHERE dataset_id = :'deseq2';
SELECT df.ordinal, df.raw_name, f.normalized_name, df.mapping, df.log2_fold_change, df.statistic,
       df.p_value, df.adjusted_p_value, df.abundance, df.rank
  FROM amprenta.dataset_features df LEFT JOIN amprenta.features f ON f.id = df.feature_id
 WHERE df.dataset_id = :'deseq2' ORDER BY df.ordinal;
SELECT rows_read, rows_kept, unmapped, ambiguous, duplicates, warning_count, format, omics_type,
       length(sha256) AS sha_hex_len, file_size
  FROM amprenta.ingestion_log WHERE dataset_id = :'deseq2';
SELECT w->>'line' AS line, w->>'message' AS message
  FROM amprenta.ingestions, jsonb_array_elements(warnings) w WHERE dataset_id = :'deseq2' ORDER BY 1;

-- Re-ingesting the same bytes with the same options: same id, nothing new.
SELECT (SELECT count(*) FROM amprenta.dataset_features) AS rows_before,
       (SELECT count(*) FROM amprenta.features) AS features_before,
       (SELECT count(*) FROM amprenta.ingestions) AS ingestions_before \gset
SELECT amprenta.amprenta_ingest_file(:'f') = :'deseq2' AS same_dataset;
SELECT amprenta.amprenta_ingest_file(:'f', 'transcriptomics') = :'deseq2' AS same_with_explicit_type;
SELECT (SELECT count(*) FROM amprenta.dataset_features) = :rows_before AS no_new_rows,
       (SELECT count(*) FROM amprenta.features) = :features_before AS no_new_features,
       (SELECT count(*) FROM amprenta.ingestions) = :ingestions_before AS no_new_ingestions;
-- Other options make another dataset.
SELECT amprenta.amprenta_ingest_file(:'f', options => '{"name": "airway DE"}') <> :'deseq2' AS new_dataset;

-- A lipid matrix: comment lines, a Biocrates name, an adduct, chain order,
-- a non-number (<LOD), the same molecular species twice.
\set f :data 'lipid_matrix.tsv'
SELECT amprenta.amprenta_ingest_file(:'f', options => '{"organism": "Homo sapiens", "disease": ["ALS"]}') AS lipids \gset
SELECT name, omics_type, organism, disease, samples, rows, mapped, unmapped, duplicates, file_format
  FROM amprenta.dataset_summary WHERE dataset_id = :'lipids';
SELECT d.sample_names FROM amprenta.datasets d WHERE id = :'lipids';
SELECT df.ordinal, df.raw_name, f.normalized_name, f.feature_type, df.mapping, df.sample_values, df.rank
  FROM amprenta.dataset_features df LEFT JOIN amprenta.features f ON f.id = df.feature_id
 WHERE df.dataset_id = :'lipids' ORDER BY df.ordinal;

-- Long format (Skyline-like) is pivoted into per-sample arrays.
\set f :data 'skyline_long.csv'
SELECT amprenta.amprenta_ingest_file(:'f', 'lipidomics') AS long \gset
SELECT d.sample_names, s.rows, s.file_format FROM amprenta.datasets d JOIN amprenta.dataset_summary s ON s.dataset_id = d.id
 WHERE d.id = :'long';
SELECT df.raw_name, df.sample_values, df.rank FROM amprenta.dataset_features df
 WHERE df.dataset_id = :'long' ORDER BY df.ordinal;

-- Semicolons with decimal commas, sent from the client as text.
\set f :data 'semicolon_decimal_comma.csv'
\set content `cat :f`
SELECT amprenta.amprenta_ingest_text(:'content', 'european.csv', 'metabolomics') AS eu \gset
SELECT d.name, d.file_path IS NULL AS from_client, df.raw_name, df.sample_values
  FROM amprenta.datasets d JOIN amprenta.dataset_features df ON df.dataset_id = d.id
 WHERE d.id = :'eu' ORDER BY df.ordinal;

-- Program and experiment links through options.
INSERT INTO amprenta.programs (id, name) VALUES ('00000000-0000-0000-0000-0000000000a1', 'ALS');
SELECT amprenta.amprenta_ingest_text(:'content', 'linked.csv', 'metabolomics',
       '{"program_id": "00000000-0000-0000-0000-0000000000a1", "description": "linked"}') AS linked \gset
SELECT name, programs FROM amprenta.dataset_summary WHERE dataset_id = :'linked';

-- Features are shared: the lipid dataset and a second one reuse rows.
SELECT feature_type, count(*) FROM amprenta.features GROUP BY 1 ORDER BY 1;

-- A writer may ingest text, but not read server files.
CREATE ROLE amp_test_ingester IN ROLE amprenta_writer;
SET ROLE amp_test_ingester;
SELECT amprenta.amprenta_ingest_text(:'content', 'by_writer.csv', 'metabolomics', '{"name": "writer"}') IS NOT NULL AS writer_ingested;
\set VERBOSITY sqlstate
SELECT amprenta.amprenta_ingest_file(:'f');
\set VERBOSITY default
RESET ROLE;
DROP ROLE amp_test_ingester;

-- Several batches (rows are stored 4,096 at a time): new features, then the
-- same features again (the lookup path), with every row linked once.
SELECT 'gene,log2FoldChange,pvalue' || E'\n' ||
       string_agg(format('ENSG%s,%s,%s', lpad(g::text, 11, '0'), (g % 17) - 8, 1.0 / (g + 1)), E'\n' ORDER BY g)
       AS big FROM generate_series(1, 10000) g \gset
SELECT amprenta.amprenta_ingest_text(:'big', 'big_1.csv', 'transcriptomics') AS big1 \gset
SELECT amprenta.amprenta_ingest_text(:'big', 'big_2.csv', 'transcriptomics', '{"name": "again"}') AS big2 \gset
SELECT d.name, s.rows, s.mapped, s.duplicates, count(DISTINCT df.feature_id) AS distinct_features,
       min(df.rank) AS min_rank, max(df.rank) AS max_rank
  FROM amprenta.datasets d JOIN amprenta.dataset_summary s ON s.dataset_id = d.id
  JOIN amprenta.dataset_features df ON df.dataset_id = d.id
 WHERE d.id IN (:'big1', :'big2') GROUP BY 1, 2, 3, 4 ORDER BY 1;
SELECT count(*) AS shared_features FROM (
	SELECT feature_id FROM amprenta.dataset_features WHERE dataset_id = :'big1'
	INTERSECT SELECT feature_id FROM amprenta.dataset_features WHERE dataset_id = :'big2') x;
-- A few names scattered over many existing features: the batch's index
-- range holds far more entries than the batch, so the lookup stops walking
-- it and probes name by name.  Existing features are found (none created
-- twice), the new ones created, every row linked to its own feature.
SELECT count(*) AS features_before FROM amprenta.features \gset
SELECT 'gene,log2FoldChange' || E'\n' ||
       string_agg(format('ENSG%s,%s', lpad(g::text, 11, '0'), g % 5 - 2), E'\n' ORDER BY g)
       AS sparse FROM (SELECT g FROM generate_series(1, 10000, 250) g UNION ALL SELECT generate_series(20001, 20005)) x \gset
SELECT amprenta.amprenta_ingest_text(:'sparse', 'sparse.csv', 'transcriptomics') AS sparse_id \gset
SELECT (SELECT count(*) FROM amprenta.features) - :features_before AS features_created,
       count(*) AS rows, count(*) FILTER (WHERE f.normalized_name = df.raw_name) AS linked_to_own_name
  FROM amprenta.dataset_features df JOIN amprenta.features f ON f.id = df.feature_id
 WHERE df.dataset_id = :'sparse_id';

-- Clean up.
DELETE FROM amprenta.datasets;
DELETE FROM amprenta.ingestions;
DELETE FROM amprenta.features;
DELETE FROM amprenta.programs;
