-- The first versions of the views, on a small hand-made graph.
-- Sync capture has its own test (30_sync_capture); here it would only add
-- queue rows to what is checked.
SET amprenta.sync_enabled = off;
DELETE FROM amprenta.sync_outbox;

INSERT INTO amprenta.programs (id, name) VALUES
	('00000000-0000-0000-0000-0000000000a1', 'ALS'),
	('00000000-0000-0000-0000-0000000000a2', 'Neurodegeneration');
INSERT INTO amprenta.experiments (id, name) VALUES
	('00000000-0000-0000-0000-0000000000b1', 'CSF cohort');
INSERT INTO amprenta.datasets (id, name, omics_type, organism, sample_names, file_name, file_format) VALUES
	('00000000-0000-0000-0000-0000000000c1', 'CSF lipids', 'lipidomics', '{Homo sapiens}', '{s1,s2,s3}', 'csf.csv', 'matrix'),
	('00000000-0000-0000-0000-0000000000c2', 'Empty', 'transcriptomics', '{}', '{}', NULL, NULL);
INSERT INTO amprenta.features (id, feature_type, normalized_name, name) VALUES
	('00000000-0000-0000-0000-0000000000d1', 'lipid', 'Cer 34:1;O2', 'Cer(d18:1/16:0)'),
	('00000000-0000-0000-0000-0000000000d2', 'lipid', 'SM 34:1;O2', 'SM d34:1');
INSERT INTO amprenta.dataset_features (dataset_id, ordinal, feature_id, raw_name, mapping, log2_fold_change, rank, sample_values) VALUES
	('00000000-0000-0000-0000-0000000000c1', 1, '00000000-0000-0000-0000-0000000000d1', 'Cer(d18:1/16:0)', 'exact', 1.5, 1, '{1,2,NULL}'),
	('00000000-0000-0000-0000-0000000000c1', 2, '00000000-0000-0000-0000-0000000000d2', 'SM d34:1', 'ambiguous', -0.5, 2, '{3,4,5}'),
	('00000000-0000-0000-0000-0000000000c1', 3, NULL, 'unknown 1', 'unmapped', 0.1, NULL, '{0,0,0}');
INSERT INTO amprenta.program_datasets VALUES
	('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000c1'),
	('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1');
INSERT INTO amprenta.experiment_datasets VALUES
	('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000c1');
INSERT INTO amprenta.ingestions (dataset_id, file_name, sha256, file_size, omics_type, format, rows_read, rows_kept, unmapped, ambiguous, warnings,
                                 started_at, finished_at) VALUES
	('00000000-0000-0000-0000-0000000000c1', 'csf.csv', sha256('csf'), 123, 'lipidomics', 'matrix', 3, 3, 1, 1,
	 '[{"line": 4, "message": "unknown 1 is not a lipid name"}]', '2026-01-01 10:00:00+00', '2026-01-01 10:00:02+00');

SELECT dataset_id, name, omics_type, organism, samples, rows, mapped, unmapped, ambiguous,
       programs, experiments, file_name, file_format, last_ingested_at
  FROM amprenta.dataset_summary ORDER BY name;

SELECT dataset_name, feature_type, feature, raw_name, mapping, log2_fold_change, rank, sample_values, sample_names
  FROM amprenta.feature_matrix ORDER BY dataset_name, rank NULLS LAST;

SELECT dataset_name, file_name, sha256 = encode(sha256('csf'), 'hex') AS sha_hex, file_size, omics_type, format,
       rows_read, rows_kept, unmapped, ambiguous, duplicates, warning_count, warnings, duration
  FROM amprenta.ingestion_log;
-- The record outlives its dataset.
DELETE FROM amprenta.datasets WHERE id = '00000000-0000-0000-0000-0000000000c1';
SELECT dataset_id, dataset_name, file_name FROM amprenta.ingestion_log;

-- sync_status lists both sinks even when the queue is empty.
SELECT sink, pending, due, inflight, dead, oldest_pending_age IS NULL AS no_age, synced_entities FROM amprenta.sync_status;
INSERT INTO amprenta.sync_outbox (sink, op, entity_type, entity_id, next_attempt_at) VALUES
	('notion', 'upsert', 'program', '00000000-0000-0000-0000-0000000000a1', now() - interval '1 minute'),
	('notion', 'upsert', 'program', '00000000-0000-0000-0000-0000000000a2', now() + interval '1 hour'),
	('pinecone', 'delete', 'dataset', '00000000-0000-0000-0000-0000000000c1', now());
WITH leased AS (INSERT INTO amprenta.sync_outbox (sink, op, entity_type, entity_id) VALUES
	('pinecone', 'upsert', 'program', '00000000-0000-0000-0000-0000000000a1') RETURNING id)
INSERT INTO amprenta.sync_leases (sink, outbox_ids, leased_by, lease_until)
	SELECT 'pinecone', array_agg(id), 0, now() + interval '5 minutes' FROM leased;
INSERT INTO amprenta.sync_outbox (sink, op, entity_type, entity_id, state, last_error, last_http_status) VALUES
	('notion', 'upsert', 'experiment', '00000000-0000-0000-0000-0000000000b1', 'dead', 'validation_error', 400);
INSERT INTO amprenta.sync_refs (sink, entity_type, entity_id, external_id) VALUES
	('notion', 'program', '00000000-0000-0000-0000-0000000000a1', 'page-a1');
SELECT sink, pending, due, inflight, dead, oldest_pending_age >= interval '0' AS has_age, synced_entities,
       last_synced_at IS NOT NULL AS has_synced
  FROM amprenta.sync_status;

DELETE FROM amprenta.sync_refs;
DELETE FROM amprenta.sync_leases;
DELETE FROM amprenta.sync_outbox;
DELETE FROM amprenta.ingestions;
DELETE FROM amprenta.datasets;
DELETE FROM amprenta.features;
DELETE FROM amprenta.experiments;
DELETE FROM amprenta.programs;
