-- Constraints that protect the data: SQLSTATEs and that nothing was written.
\set VERBOSITY sqlstate
-- Sync capture has its own test (30_sync_capture); here it would only add
-- queue rows to what is checked.
SET amprenta.sync_enabled = off;

INSERT INTO amprenta.features (feature_type, normalized_name, name) VALUES ('gene', 'TP53', 'TP53');
-- The same (feature_type, normalized_name) twice: unique_violation.
INSERT INTO amprenta.features (feature_type, normalized_name, name) VALUES ('gene', 'TP53', 'tp53');
-- Also when it arrives in one multi-row statement: nothing of it is kept.
INSERT INTO amprenta.features (feature_type, normalized_name, name) VALUES
	('gene', 'BRCA1', 'BRCA1'), ('gene', 'BRCA1', 'brca1');
SELECT feature_type, normalized_name, name FROM amprenta.features ORDER BY 2;
-- The same name under another type is another feature.
INSERT INTO amprenta.features (feature_type, normalized_name, name) VALUES ('protein', 'TP53', 'TP53');
SELECT count(*) FROM amprenta.features WHERE normalized_name = 'TP53';

-- A bad enum value: invalid_text_representation.
INSERT INTO amprenta.datasets (name, omics_type) VALUES ('x', 'genomics');
INSERT INTO amprenta.features (feature_type, normalized_name, name) VALUES ('transcript', 'X', 'X');
INSERT INTO amprenta.signatures (name) VALUES ('S');
INSERT INTO amprenta.signature_components (signature_id, feature_type, feature_name, direction)
	SELECT id, 'gene', 'TP53', 'sideways' FROM amprenta.signatures;
SELECT count(*) AS datasets FROM amprenta.datasets;
SELECT count(*) AS components FROM amprenta.signature_components;

-- CHECK constraints: check_violation.
INSERT INTO amprenta.programs (name) VALUES ('   ');
INSERT INTO amprenta.programs (name, external_ids) VALUES ('p', '[1, 2]');
INSERT INTO amprenta.signature_components (signature_id, feature_type, feature_name, weight)
	SELECT id, 'gene', 'TP53', -1 FROM amprenta.signatures;
INSERT INTO amprenta.datasets (id, name, omics_type) VALUES ('00000000-0000-0000-0000-000000000001', 'd', 'proteomics');
INSERT INTO amprenta.dataset_features (dataset_id, ordinal, raw_name, mapping, p_value)
	VALUES ('00000000-0000-0000-0000-000000000001', 1, 'x', 'unmapped', 1.5);
-- A row linked to a feature cannot say it is unmapped, and the reverse.
INSERT INTO amprenta.dataset_features (dataset_id, ordinal, raw_name, mapping)
	VALUES ('00000000-0000-0000-0000-000000000001', 1, 'x', 'exact');
INSERT INTO amprenta.dataset_features (dataset_id, ordinal, feature_id, raw_name, mapping)
	SELECT '00000000-0000-0000-0000-000000000001', 1, id, 'TP53', 'unmapped' FROM amprenta.features WHERE feature_type = 'gene';
-- A feature appears once per dataset.
INSERT INTO amprenta.dataset_features (dataset_id, ordinal, feature_id, raw_name)
	SELECT '00000000-0000-0000-0000-000000000001', g, f.id, 'TP53'
	  FROM amprenta.features f, generate_series(1, 2) g WHERE f.feature_type = 'gene';
SELECT count(*) AS dataset_rows FROM amprenta.dataset_features;
INSERT INTO amprenta.sync_outbox (sink, op, entity_type, entity_id) VALUES ('slack', 'upsert', 'dataset', gen_random_uuid());
INSERT INTO amprenta.sync_outbox (sink, op, entity_type, entity_id, state) VALUES ('notion', 'upsert', 'dataset', gen_random_uuid(), 'inflight');
INSERT INTO amprenta.notion_targets (entity_type) VALUES ('dataset');
-- notion_page_id is unique across rows of a table.
INSERT INTO amprenta.programs (name, notion_page_id) VALUES ('a', 'page-1'), ('b', 'page-1');
SELECT count(*) AS programs FROM amprenta.programs;

-- The outbox keeps one pending row per entity and sink.
INSERT INTO amprenta.sync_outbox (sink, op, entity_type, entity_id)
	VALUES ('notion', 'upsert', 'dataset', '00000000-0000-0000-0000-000000000001');
INSERT INTO amprenta.sync_outbox (sink, op, entity_type, entity_id)
	VALUES ('notion', 'upsert', 'dataset', '00000000-0000-0000-0000-000000000001');
INSERT INTO amprenta.sync_outbox (sink, op, entity_type, entity_id)
	VALUES ('pinecone', 'upsert', 'dataset', '00000000-0000-0000-0000-000000000001');
SELECT sink, state FROM amprenta.sync_outbox ORDER BY sink;

-- Chunk vector ids are derived, never written.
INSERT INTO amprenta.chunks (entity_type, entity_id, chunk_no, content, content_sha256)
	VALUES ('dataset', '00000000-0000-0000-0000-000000000001', 0, 'text', sha256('text'));
SELECT vector_id FROM amprenta.chunks;
UPDATE amprenta.chunks SET vector_id = 'x';

\set VERBOSITY default
-- updated_at moves on UPDATE; created_at does not.
INSERT INTO amprenta.programs (id, name, created_at, updated_at)
	VALUES ('00000000-0000-0000-0000-0000000000a1', 'ALS', '2000-01-01', '2000-01-01');
UPDATE amprenta.programs SET description = 'motor neuron disease' WHERE id = '00000000-0000-0000-0000-0000000000a1';
SELECT created_at = '2000-01-01' AS created_kept,
       updated_at > '2000-01-01' AND updated_at <= now() AS updated_moved
  FROM amprenta.programs WHERE id = '00000000-0000-0000-0000-0000000000a1';
-- Even an UPDATE that tries to set it back gets the statement time.
UPDATE amprenta.programs SET updated_at = '1999-01-01' WHERE id = '00000000-0000-0000-0000-0000000000a1';
SELECT updated_at > '2000-01-01' AS not_rewound
  FROM amprenta.programs WHERE id = '00000000-0000-0000-0000-0000000000a1';
-- A second UPDATE in the same transaction moves it again (statement time).
BEGIN;
UPDATE amprenta.programs SET name = 'ALS 1' WHERE id = '00000000-0000-0000-0000-0000000000a1';
SELECT updated_at AS first_update FROM amprenta.programs WHERE id = '00000000-0000-0000-0000-0000000000a1' \gset
UPDATE amprenta.programs SET name = 'ALS 2' WHERE id = '00000000-0000-0000-0000-0000000000a1';
SELECT updated_at > :'first_update' AS moved_within_transaction
  FROM amprenta.programs WHERE id = '00000000-0000-0000-0000-0000000000a1';
COMMIT;
-- It works on every table that has the column, e.g. the link-free ones.
UPDATE amprenta.features SET name = 'p53' WHERE feature_type = 'gene' AND normalized_name = 'TP53';
SELECT updated_at > created_at AS feature_touched FROM amprenta.features WHERE feature_type = 'gene' AND normalized_name = 'TP53';

DELETE FROM amprenta.chunks;
DELETE FROM amprenta.sync_outbox;
DELETE FROM amprenta.dataset_features;
DELETE FROM amprenta.datasets;
DELETE FROM amprenta.signatures;
DELETE FROM amprenta.features;
DELETE FROM amprenta.programs;
