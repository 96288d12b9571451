-- Insert, update and delete through every foreign key: CASCADE, RESTRICT and
-- SET NULL behave as designed (see 01_conventions for the list).
\set VERBOSITY sqlstate
-- Sync capture has its own test (30_sync_capture); here it would only add
-- queue rows to what is checked.
SET amprenta.sync_enabled = off;

-- A small graph with fixed ids.
INSERT INTO amprenta.programs (id, name) VALUES
	('00000000-0000-0000-0000-0000000000a1', 'ALS'),
	('00000000-0000-0000-0000-0000000000a2', 'Fibrosis');
INSERT INTO amprenta.experiments (id, name) VALUES
	('00000000-0000-0000-0000-0000000000b1', 'CSF cohort');
INSERT INTO amprenta.datasets (id, name, omics_type) VALUES
	('00000000-0000-0000-0000-0000000000c1', 'CSF lipids', 'lipidomics'),
	('00000000-0000-0000-0000-0000000000c2', 'CSF proteins', 'proteomics');
INSERT INTO amprenta.features (id, feature_type, normalized_name, name) VALUES
	('00000000-0000-0000-0000-0000000000d1', 'lipid', 'Cer 34:1;O2', 'Cer(d18:1/16:0)'),
	('00000000-0000-0000-0000-0000000000d2', 'protein', 'P04637', 'sp|P04637|P53_HUMAN');
INSERT INTO amprenta.signatures (id, name) VALUES
	('00000000-0000-0000-0000-0000000000e1', 'ALS CSF ceramides');
INSERT INTO amprenta.signature_components (signature_id, feature_id, feature_type, feature_name, direction) VALUES
	('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-0000000000d1', 'lipid', 'Cer 18:1;O2/16:0', 'up');
INSERT INTO amprenta.dataset_features (dataset_id, ordinal, feature_id, raw_name, mapping, log2_fold_change) VALUES
	('00000000-0000-0000-0000-0000000000c1', 1, '00000000-0000-0000-0000-0000000000d1', 'Cer(d18:1/16:0)', 'exact', 1.5),
	('00000000-0000-0000-0000-0000000000c1', 2, NULL, 'unknown thing', 'unmapped', 0.2);
INSERT INTO amprenta.dataset_features (dataset_id, ordinal, feature_id, raw_name, log2_fold_change) VALUES
	('00000000-0000-0000-0000-0000000000c2', 1, '00000000-0000-0000-0000-0000000000d2', 'P04637', -0.7);
INSERT INTO amprenta.program_experiments VALUES ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b1');
INSERT INTO amprenta.program_datasets VALUES ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000c1');
INSERT INTO amprenta.experiment_datasets VALUES ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000c1');
INSERT INTO amprenta.program_signatures VALUES ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000e1');
INSERT INTO amprenta.dataset_signature_scores (signature_id, dataset_id, score, matched, total) VALUES
	('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-0000000000c1', 1.0, 1, 1);
INSERT INTO amprenta.ingestions (dataset_id, file_name, sha256, file_size, omics_type, format) VALUES
	('00000000-0000-0000-0000-0000000000c1', 'csf.csv', sha256('x'), 1, 'lipidomics', 'results');
INSERT INTO amprenta.compounds (id, compound_id, smiles) VALUES
	('00000000-0000-0000-0000-0000000000f1', 'AMP-0001', 'CCO');
INSERT INTO amprenta.screening_campaigns (id, campaign_id, name, program_id) VALUES
	('00000000-0000-0000-0000-000000000101', 'HTS-1', 'Kinase screen', '00000000-0000-0000-0000-0000000000a2');
INSERT INTO amprenta.screening_results (campaign_id, compound_id, well_position, raw_value) VALUES
	('00000000-0000-0000-0000-000000000101', '00000000-0000-0000-0000-0000000000f1', 'A01', 0.9);
INSERT INTO amprenta.biochemical_results (compound_id, program_id, assay_name, ic50) VALUES
	('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000a2', 'Kinase IC50', 12.5);

-- Inserting a child whose parent does not exist: 23503 for every foreign key.
INSERT INTO amprenta.dataset_features (dataset_id, ordinal, raw_name, mapping) VALUES (gen_random_uuid(), 1, 'x', 'unmapped');
INSERT INTO amprenta.dataset_features (dataset_id, ordinal, feature_id, raw_name) VALUES ('00000000-0000-0000-0000-0000000000c1', 9, gen_random_uuid(), 'x');
INSERT INTO amprenta.signature_components (signature_id, feature_type, feature_name) VALUES (gen_random_uuid(), 'gene', 'TP53');
INSERT INTO amprenta.signature_components (signature_id, feature_id, feature_type, feature_name) VALUES ('00000000-0000-0000-0000-0000000000e1', gen_random_uuid(), 'gene', 'TP53');
INSERT INTO amprenta.program_experiments VALUES (gen_random_uuid(), '00000000-0000-0000-0000-0000000000b1');
INSERT INTO amprenta.program_experiments VALUES ('00000000-0000-0000-0000-0000000000a2', gen_random_uuid());
INSERT INTO amprenta.program_datasets VALUES (gen_random_uuid(), '00000000-0000-0000-0000-0000000000c1');
INSERT INTO amprenta.program_datasets VALUES ('00000000-0000-0000-0000-0000000000a2', gen_random_uuid());
INSERT INTO amprenta.experiment_datasets VALUES (gen_random_uuid(), '00000000-0000-0000-0000-0000000000c1');
INSERT INTO amprenta.experiment_datasets VALUES ('00000000-0000-0000-0000-0000000000b1', gen_random_uuid());
INSERT INTO amprenta.program_signatures VALUES (gen_random_uuid(), '00000000-0000-0000-0000-0000000000e1');
INSERT INTO amprenta.program_signatures VALUES ('00000000-0000-0000-0000-0000000000a2', gen_random_uuid());
INSERT INTO amprenta.dataset_signature_scores (signature_id, dataset_id) VALUES (gen_random_uuid(), '00000000-0000-0000-0000-0000000000c1');
INSERT INTO amprenta.dataset_signature_scores (signature_id, dataset_id) VALUES ('00000000-0000-0000-0000-0000000000e1', gen_random_uuid());
INSERT INTO amprenta.ingestions (dataset_id, file_name, sha256, file_size, omics_type, format) VALUES (gen_random_uuid(), 'f', sha256('y'), 1, 'lipidomics', 'results');
INSERT INTO amprenta.screening_campaigns (campaign_id, name, program_id) VALUES ('HTS-X', 'x', gen_random_uuid());
INSERT INTO amprenta.screening_results (campaign_id, compound_id) VALUES (gen_random_uuid(), '00000000-0000-0000-0000-0000000000f1');
INSERT INTO amprenta.screening_results (campaign_id, compound_id) VALUES ('00000000-0000-0000-0000-000000000101', gen_random_uuid());
INSERT INTO amprenta.biochemical_results (compound_id, assay_name) VALUES (gen_random_uuid(), 'x');
INSERT INTO amprenta.biochemical_results (compound_id, program_id, assay_name) VALUES ('00000000-0000-0000-0000-0000000000f1', gen_random_uuid(), 'x');

-- Updating a referenced key is refused (ON UPDATE NO ACTION everywhere).
UPDATE amprenta.datasets SET id = gen_random_uuid() WHERE id = '00000000-0000-0000-0000-0000000000c1';
UPDATE amprenta.features SET id = gen_random_uuid() WHERE id = '00000000-0000-0000-0000-0000000000d1';
UPDATE amprenta.programs SET id = gen_random_uuid() WHERE id = '00000000-0000-0000-0000-0000000000a1';
-- Re-pointing a child at another existing parent is fine.
UPDATE amprenta.dataset_features SET dataset_id = '00000000-0000-0000-0000-0000000000c2', ordinal = 2
 WHERE dataset_id = '00000000-0000-0000-0000-0000000000c1' AND ordinal = 2;
UPDATE amprenta.dataset_features SET dataset_id = '00000000-0000-0000-0000-0000000000c1', ordinal = 2
 WHERE dataset_id = '00000000-0000-0000-0000-0000000000c2' AND ordinal = 2;

-- RESTRICT: a feature in use, a compound with results.
DELETE FROM amprenta.features WHERE id = '00000000-0000-0000-0000-0000000000d1';
DELETE FROM amprenta.features WHERE id = '00000000-0000-0000-0000-0000000000d2';
DELETE FROM amprenta.compounds WHERE id = '00000000-0000-0000-0000-0000000000f1';

-- SET NULL: a program deleted clears campaigns and results that named it.
DELETE FROM amprenta.programs WHERE id = '00000000-0000-0000-0000-0000000000a2';
SELECT campaign_id, program_id FROM amprenta.screening_campaigns;
SELECT assay_name, program_id FROM amprenta.biochemical_results;

-- CASCADE: a dataset takes its rows, links and scores; its ingestion record
-- stays with dataset_id cleared.
DELETE FROM amprenta.datasets WHERE id = '00000000-0000-0000-0000-0000000000c1';
SELECT (SELECT count(*) FROM amprenta.dataset_features WHERE dataset_id = '00000000-0000-0000-0000-0000000000c1') AS rows,
       (SELECT count(*) FROM amprenta.program_datasets) AS program_links,
       (SELECT count(*) FROM amprenta.experiment_datasets) AS experiment_links,
       (SELECT count(*) FROM amprenta.dataset_signature_scores) AS scores,
       (SELECT count(*) FROM amprenta.ingestions WHERE dataset_id IS NULL) AS orphaned_ingestions;

-- With its dataset gone the feature is free again; the one still used by a
-- signature component is not.
DELETE FROM amprenta.features WHERE id = '00000000-0000-0000-0000-0000000000d1';
-- CASCADE: a signature takes its components and program links.
DELETE FROM amprenta.signatures WHERE id = '00000000-0000-0000-0000-0000000000e1';
SELECT (SELECT count(*) FROM amprenta.signature_components) AS components,
       (SELECT count(*) FROM amprenta.program_signatures) AS signature_links;
DELETE FROM amprenta.features WHERE id = '00000000-0000-0000-0000-0000000000d1';

-- CASCADE: programs and experiments take their link rows.
DELETE FROM amprenta.experiments WHERE id = '00000000-0000-0000-0000-0000000000b1';
SELECT count(*) AS program_experiment_links FROM amprenta.program_experiments;

-- CASCADE: a campaign takes its results; then the compound is free.
DELETE FROM amprenta.screening_campaigns WHERE id = '00000000-0000-0000-0000-000000000101';
SELECT count(*) AS screening_results FROM amprenta.screening_results;
DELETE FROM amprenta.biochemical_results;
DELETE FROM amprenta.compounds WHERE id = '00000000-0000-0000-0000-0000000000f1';

-- Clean up for the next files.
DELETE FROM amprenta.ingestions;
DELETE FROM amprenta.dataset_features;
DELETE FROM amprenta.datasets;
DELETE FROM amprenta.features;
DELETE FROM amprenta.programs;
SELECT sum(n_live) AS rows_left FROM (
	SELECT (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %s', c.oid::regclass), false, true, '')))[1]::text::int AS n_live
	  FROM pg_class c WHERE c.relnamespace = 'amprenta'::regnamespace AND c.relkind = 'r') s;
