-- amprenta 0.1.0: schema, views, roles.
-- Objects are created in schema amprenta (amprenta.control: schema = amprenta).

\echo Use "CREATE EXTENSION amprenta" to load this file. \quit

-------------------------------------------------------------------------------
-- Enumerations
-------------------------------------------------------------------------------

CREATE TYPE amprenta.omics_type AS ENUM
	('lipidomics', 'metabolomics', 'proteomics', 'transcriptomics');
COMMENT ON TYPE amprenta.omics_type IS
	'Kind of omics experiment a dataset comes from.';

CREATE TYPE amprenta.feature_type AS ENUM
	('gene', 'protein', 'metabolite', 'lipid');
COMMENT ON TYPE amprenta.feature_type IS
	'Kind of measured feature; each kind has its own identifier normalizer.';

CREATE TYPE amprenta.signature_direction AS ENUM
	('up', 'down', 'neutral', 'complex');
COMMENT ON TYPE amprenta.signature_direction IS
	'Expected change of a signature component: up, down, neutral (no change) or complex (context dependent).';

CREATE TYPE amprenta.mapping_status AS ENUM
	('exact', 'repaired', 'ambiguous', 'unmapped', 'duplicate');
COMMENT ON TYPE amprenta.mapping_status IS
	'How a raw identifier in a file mapped to a feature: exact (normalized cleanly), repaired (an unambiguous repair, e.g. Excel date damage), ambiguous (best reading kept, another exists), unmapped (no feature), duplicate (its feature already appeared earlier in the same file; the numbers are kept, the link is not).';

-------------------------------------------------------------------------------
-- Internal helpers
-------------------------------------------------------------------------------

CREATE FUNCTION amprenta.amprenta_touch_updated_at() RETURNS trigger
	AS 'MODULE_PATHNAME', 'amprenta_touch_updated_at'
	LANGUAGE C;
COMMENT ON FUNCTION amprenta.amprenta_touch_updated_at() IS
	'Trigger function: sets updated_at to the statement time on every UPDATE.';

CREATE FUNCTION amprenta.amprenta_version(
	OUT extension_version text,
	OUT library_version text,
	OUT preloaded boolean)
	AS 'MODULE_PATHNAME', 'amprenta_version'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION amprenta.amprenta_version() IS
	'Installed SQL version, loaded library version, and whether the library was loaded through shared_preload_libraries.';

-------------------------------------------------------------------------------
-- Research entities
-------------------------------------------------------------------------------

CREATE TABLE amprenta.programs (
	id				uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name			text NOT NULL CHECK (btrim(name) <> ''),
	description		text,
	disease			text[] NOT NULL DEFAULT '{}',
	notion_page_id	text,
	external_ids	jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(external_ids) = 'object'),
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now()
);
-- Only pages that exist are indexed: most rows have none yet.
CREATE UNIQUE INDEX programs_notion_page_id_key ON amprenta.programs (notion_page_id) WHERE notion_page_id IS NOT NULL;
CREATE INDEX ON amprenta.programs (name);
COMMENT ON TABLE amprenta.programs IS 'Research programs (therapeutic areas) that group experiments, datasets and signatures.';
COMMENT ON COLUMN amprenta.programs.id IS 'Primary key.';
COMMENT ON COLUMN amprenta.programs.name IS 'Program name as people use it.';
COMMENT ON COLUMN amprenta.programs.description IS 'Free-text description.';
COMMENT ON COLUMN amprenta.programs.disease IS 'Diseases the program addresses.';
COMMENT ON COLUMN amprenta.programs.notion_page_id IS 'Notion page that mirrors this row; set by sync or by the user to adopt an existing page.';
COMMENT ON COLUMN amprenta.programs.external_ids IS 'Identifiers in other systems, as a JSON object (e.g. {"doi": ...}).';
COMMENT ON COLUMN amprenta.programs.created_at IS 'When the row was created.';
COMMENT ON COLUMN amprenta.programs.updated_at IS 'When the row last changed (kept by a trigger).';

CREATE TABLE amprenta.experiments (
	id				uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name			text NOT NULL CHECK (btrim(name) <> ''),
	type			text,
	description		text,
	disease			text[] NOT NULL DEFAULT '{}',
	matrix			text[] NOT NULL DEFAULT '{}',
	model_systems	text[] NOT NULL DEFAULT '{}',
	targets			text[] NOT NULL DEFAULT '{}',
	modality		text[] NOT NULL DEFAULT '{}',
	biomarker_role	text[] NOT NULL DEFAULT '{}',
	treatment_arms	text[] NOT NULL DEFAULT '{}',
	stage			text,
	notion_page_id	text,
	external_ids	jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(external_ids) = 'object'),
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now()
);
-- Only pages that exist are indexed: most rows have none yet.
CREATE UNIQUE INDEX experiments_notion_page_id_key ON amprenta.experiments (notion_page_id) WHERE notion_page_id IS NOT NULL;
CREATE INDEX ON amprenta.experiments (name);
COMMENT ON TABLE amprenta.experiments IS 'Experiments (studies, cohorts, in vitro or in vivo work) that produce datasets.';
COMMENT ON COLUMN amprenta.experiments.id IS 'Primary key.';
COMMENT ON COLUMN amprenta.experiments.name IS 'Experiment name.';
COMMENT ON COLUMN amprenta.experiments.type IS 'Kind of experiment, e.g. in_vivo, in_vitro, patient.';
COMMENT ON COLUMN amprenta.experiments.description IS 'Free-text description.';
COMMENT ON COLUMN amprenta.experiments.disease IS 'Diseases studied.';
COMMENT ON COLUMN amprenta.experiments.matrix IS 'Sample matrices, e.g. CSF, plasma, tissue.';
COMMENT ON COLUMN amprenta.experiments.model_systems IS 'Model systems (cell lines, animal models, patients).';
COMMENT ON COLUMN amprenta.experiments.targets IS 'Molecular targets.';
COMMENT ON COLUMN amprenta.experiments.modality IS 'Therapeutic or measurement modalities.';
COMMENT ON COLUMN amprenta.experiments.biomarker_role IS 'Roles of the biomarkers studied (diagnostic, prognostic, ...).';
COMMENT ON COLUMN amprenta.experiments.treatment_arms IS 'Treatment arms of the design.';
COMMENT ON COLUMN amprenta.experiments.stage IS 'Development stage.';
COMMENT ON COLUMN amprenta.experiments.notion_page_id IS 'Notion page that mirrors this row.';
COMMENT ON COLUMN amprenta.experiments.external_ids IS 'Identifiers in other systems, as a JSON object.';
COMMENT ON COLUMN amprenta.experiments.created_at IS 'When the row was created.';
COMMENT ON COLUMN amprenta.experiments.updated_at IS 'When the row last changed (kept by a trigger).';

CREATE TABLE amprenta.datasets (
	id				uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name			text NOT NULL CHECK (btrim(name) <> ''),
	omics_type		amprenta.omics_type NOT NULL,
	description		text,
	organism		text[] NOT NULL DEFAULT '{}',
	disease			text[] NOT NULL DEFAULT '{}',
	sample_type		text[] NOT NULL DEFAULT '{}',
	sample_names	text[] NOT NULL DEFAULT '{}',
	file_name		text,
	file_path		text,
	file_sha256		bytea CHECK (file_sha256 IS NULL OR octet_length(file_sha256) = 32),
	file_size		bigint CHECK (file_size IS NULL OR file_size >= 0),
	file_format		text,
	source_url		text,
	methods			text,
	summary			text,
	results			text,
	conclusions		text,
	data_origin		text,
	notion_page_id	text,
	external_ids	jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(external_ids) = 'object'),
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now()
);
-- Only pages that exist are indexed: most rows have none yet.
CREATE UNIQUE INDEX datasets_notion_page_id_key ON amprenta.datasets (notion_page_id) WHERE notion_page_id IS NOT NULL;
CREATE INDEX ON amprenta.datasets (name);
CREATE INDEX ON amprenta.datasets (omics_type);
CREATE INDEX ON amprenta.datasets (file_sha256);
COMMENT ON TABLE amprenta.datasets IS 'One omics result file (or other data source) and its metadata; its numbers are in dataset_features.';
COMMENT ON COLUMN amprenta.datasets.id IS 'Primary key.';
COMMENT ON COLUMN amprenta.datasets.name IS 'Dataset name (defaults to the file name on ingestion).';
COMMENT ON COLUMN amprenta.datasets.omics_type IS 'Omics type of the measurements.';
COMMENT ON COLUMN amprenta.datasets.description IS 'Free-text description.';
COMMENT ON COLUMN amprenta.datasets.organism IS 'Organisms sampled.';
COMMENT ON COLUMN amprenta.datasets.disease IS 'Diseases studied.';
COMMENT ON COLUMN amprenta.datasets.sample_type IS 'Sample types (CSF, plasma, tissue, cell line ...).';
COMMENT ON COLUMN amprenta.datasets.sample_names IS 'Sample column names, in file order; dataset_features.sample_values is aligned with this array.';
COMMENT ON COLUMN amprenta.datasets.file_name IS 'Base name of the ingested file.';
COMMENT ON COLUMN amprenta.datasets.file_path IS 'Server path the file was read from (NULL when the bytes came from the client).';
COMMENT ON COLUMN amprenta.datasets.file_sha256 IS 'SHA-256 of the ingested bytes.';
COMMENT ON COLUMN amprenta.datasets.file_size IS 'Size of the ingested file in bytes.';
COMMENT ON COLUMN amprenta.datasets.file_format IS 'Detected format and layout (e.g. results, matrix, maxquant, mwtab).';
COMMENT ON COLUMN amprenta.datasets.source_url IS 'Where the data was published, if anywhere.';
COMMENT ON COLUMN amprenta.datasets.methods IS 'Methods text (e.g. from an mwTab file).';
COMMENT ON COLUMN amprenta.datasets.summary IS 'Study summary text.';
COMMENT ON COLUMN amprenta.datasets.results IS 'Results text.';
COMMENT ON COLUMN amprenta.datasets.conclusions IS 'Conclusions text.';
COMMENT ON COLUMN amprenta.datasets.data_origin IS 'Provenance class, e.g. internal, published, open dataset.';
COMMENT ON COLUMN amprenta.datasets.notion_page_id IS 'Notion page that mirrors this row.';
COMMENT ON COLUMN amprenta.datasets.external_ids IS 'Identifiers in other systems (e.g. {"mw_study_id": "ST000122"}).';
COMMENT ON COLUMN amprenta.datasets.created_at IS 'When the row was created.';
COMMENT ON COLUMN amprenta.datasets.updated_at IS 'When the row last changed (kept by a trigger).';

CREATE TABLE amprenta.features (
	id				uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	feature_type	amprenta.feature_type NOT NULL,
	normalized_name	text NOT NULL CHECK (normalized_name <> ''),
	name			text NOT NULL,
	aliases			text[] NOT NULL DEFAULT '{}',
	notion_page_id	text,
	external_ids	jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(external_ids) = 'object'),
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	UNIQUE (feature_type, normalized_name)
);
-- Only pages that exist are indexed: most rows have none yet.
CREATE UNIQUE INDEX features_notion_page_id_key ON amprenta.features (notion_page_id) WHERE notion_page_id IS NOT NULL;
COMMENT ON TABLE amprenta.features IS 'Dictionary of measured features: one row per (feature_type, normalized_name), shared by every dataset and signature.';
COMMENT ON COLUMN amprenta.features.id IS 'Primary key.';
COMMENT ON COLUMN amprenta.features.feature_type IS 'Gene, protein, metabolite or lipid.';
COMMENT ON COLUMN amprenta.features.normalized_name IS 'Canonical identifier produced by the normalizer of feature_type; unique per type.';
COMMENT ON COLUMN amprenta.features.name IS 'Display name (the raw name first seen).';
COMMENT ON COLUMN amprenta.features.aliases IS 'Other raw spellings seen for this feature.';
COMMENT ON COLUMN amprenta.features.notion_page_id IS 'Notion page that mirrors this row (feature sync is off by default).';
COMMENT ON COLUMN amprenta.features.external_ids IS 'Identifiers in other databases (UniProt, HMDB, KEGG, ChEBI, LIPID MAPS ...).';
COMMENT ON COLUMN amprenta.features.created_at IS 'When the row was created.';
COMMENT ON COLUMN amprenta.features.updated_at IS 'When the row last changed (kept by a trigger).';

CREATE TABLE amprenta.dataset_features (
	dataset_id		uuid NOT NULL REFERENCES amprenta.datasets (id) ON DELETE CASCADE,
	ordinal			integer NOT NULL CHECK (ordinal > 0),
	feature_id		uuid REFERENCES amprenta.features (id) ON DELETE RESTRICT,
	raw_name		text NOT NULL,
	mapping			amprenta.mapping_status NOT NULL DEFAULT 'exact',
	log2_fold_change float8,
	statistic		float8,
	p_value			float8 CHECK (p_value IS NULL OR p_value BETWEEN 0 AND 1),
	adjusted_p_value float8 CHECK (adjusted_p_value IS NULL OR adjusted_p_value BETWEEN 0 AND 1),
	abundance		float8,
	sample_values	float4[],
	rank			integer CHECK (rank IS NULL OR rank > 0),
	PRIMARY KEY (dataset_id, ordinal),
	-- The scorer reads a feature's values across datasets from this index
	-- alone (index-only), never from the scattered heap rows.
	UNIQUE (feature_id, dataset_id) INCLUDE (statistic, log2_fold_change, adjusted_p_value, p_value, rank),
	CHECK ((feature_id IS NULL) = (mapping IN ('unmapped', 'duplicate')))
);
COMMENT ON TABLE amprenta.dataset_features IS 'The numbers of a dataset: one row per data row of the file, linked to its feature.';
COMMENT ON COLUMN amprenta.dataset_features.dataset_id IS 'Dataset the row belongs to (rows go with their dataset).';
COMMENT ON COLUMN amprenta.dataset_features.ordinal IS 'Position of the data row in the file, from 1.';
COMMENT ON COLUMN amprenta.dataset_features.feature_id IS 'Feature the raw name normalized to; NULL when unmapped or a duplicate. A feature appears at most once per dataset.';
COMMENT ON COLUMN amprenta.dataset_features.raw_name IS 'Identifier exactly as written in the file.';
COMMENT ON COLUMN amprenta.dataset_features.mapping IS 'How the raw name mapped: exact, repaired, ambiguous, unmapped or duplicate.';
COMMENT ON COLUMN amprenta.dataset_features.log2_fold_change IS 'log2 fold change, when the file has one.';
COMMENT ON COLUMN amprenta.dataset_features.statistic IS 'Test statistic (t, Wald, F ...), when the file has one; its sign is the direction.';
COMMENT ON COLUMN amprenta.dataset_features.p_value IS 'Nominal p-value.';
COMMENT ON COLUMN amprenta.dataset_features.adjusted_p_value IS 'Multiple-testing adjusted p-value (FDR, q).';
COMMENT ON COLUMN amprenta.dataset_features.abundance IS 'Single abundance or mean expression value, when that is what the file has.';
COMMENT ON COLUMN amprenta.dataset_features.sample_values IS 'Per-sample values, aligned with datasets.sample_names; NULL elements are missing values.';
COMMENT ON COLUMN amprenta.dataset_features.rank IS 'Rank within the dataset (1 = most increased; ties share the best rank), from the statistic, else the fold change, else the mean of the sample values.';

CREATE TABLE amprenta.signatures (
	id				uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name			text NOT NULL UNIQUE CHECK (btrim(name) <> ''),
	short_id		text,
	description		text,
	source			text,
	biomarker_role	text[] NOT NULL DEFAULT '{}',
	phenotype_axes	text[] NOT NULL DEFAULT '{}',
	data_ownership	text,
	notion_page_id	text,
	external_ids	jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(external_ids) = 'object'),
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now()
);
-- Only pages that exist are indexed: most rows have none yet.
CREATE UNIQUE INDEX signatures_notion_page_id_key ON amprenta.signatures (notion_page_id) WHERE notion_page_id IS NOT NULL;
CREATE INDEX ON amprenta.signatures (short_id);
COMMENT ON TABLE amprenta.signatures IS 'Multi-omics signatures: named sets of features with expected directions and weights.';
COMMENT ON COLUMN amprenta.signatures.id IS 'Primary key.';
COMMENT ON COLUMN amprenta.signatures.name IS 'Unique signature name.';
COMMENT ON COLUMN amprenta.signatures.short_id IS 'Short code people use for the signature.';
COMMENT ON COLUMN amprenta.signatures.description IS 'Free-text description.';
COMMENT ON COLUMN amprenta.signatures.source IS 'Where the signature comes from (file name, publication, consortium).';
COMMENT ON COLUMN amprenta.signatures.biomarker_role IS 'Biomarker roles (diagnostic, prognostic, ...).';
COMMENT ON COLUMN amprenta.signatures.phenotype_axes IS 'Phenotype axes the signature describes.';
COMMENT ON COLUMN amprenta.signatures.data_ownership IS 'Ownership class, e.g. Public.';
COMMENT ON COLUMN amprenta.signatures.notion_page_id IS 'Notion page that mirrors this row.';
COMMENT ON COLUMN amprenta.signatures.external_ids IS 'Identifiers in other systems, as a JSON object.';
COMMENT ON COLUMN amprenta.signatures.created_at IS 'When the row was created.';
COMMENT ON COLUMN amprenta.signatures.updated_at IS 'When the row last changed (kept by a trigger).';

CREATE TABLE amprenta.signature_components (
	id				uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	signature_id	uuid NOT NULL REFERENCES amprenta.signatures (id) ON DELETE CASCADE,
	feature_id		uuid REFERENCES amprenta.features (id) ON DELETE RESTRICT,
	feature_type	amprenta.feature_type NOT NULL,
	feature_name	text NOT NULL CHECK (btrim(feature_name) <> ''),
	direction		amprenta.signature_direction,
	weight			float8 NOT NULL DEFAULT 1.0 CHECK (weight >= 0 AND weight <> 'Infinity'::float8),
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	UNIQUE (signature_id, feature_type, feature_name)
);
CREATE INDEX ON amprenta.signature_components (feature_id);
COMMENT ON TABLE amprenta.signature_components IS 'Members of a signature: a feature, its expected direction and its weight.';
COMMENT ON COLUMN amprenta.signature_components.id IS 'Primary key.';
COMMENT ON COLUMN amprenta.signature_components.signature_id IS 'Signature the component belongs to (components go with their signature).';
COMMENT ON COLUMN amprenta.signature_components.feature_id IS 'Normalized feature; NULL when the name could not be normalized.';
COMMENT ON COLUMN amprenta.signature_components.feature_type IS 'Gene, protein, metabolite or lipid.';
COMMENT ON COLUMN amprenta.signature_components.feature_name IS 'Feature name as written in the signature source.';
COMMENT ON COLUMN amprenta.signature_components.direction IS 'Expected direction; NULL when the source gave none.';
COMMENT ON COLUMN amprenta.signature_components.weight IS 'Non-negative weight, 1.0 by default.';
COMMENT ON COLUMN amprenta.signature_components.created_at IS 'When the row was created.';
COMMENT ON COLUMN amprenta.signature_components.updated_at IS 'When the row last changed (kept by a trigger).';

-------------------------------------------------------------------------------
-- Link tables
-------------------------------------------------------------------------------

CREATE TABLE amprenta.program_experiments (
	program_id		uuid NOT NULL REFERENCES amprenta.programs (id) ON DELETE CASCADE,
	experiment_id	uuid NOT NULL REFERENCES amprenta.experiments (id) ON DELETE CASCADE,
	created_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (program_id, experiment_id)
);
CREATE INDEX ON amprenta.program_experiments (experiment_id);
COMMENT ON TABLE amprenta.program_experiments IS 'Which experiments belong to which programs (many to many).';
COMMENT ON COLUMN amprenta.program_experiments.program_id IS 'The program.';
COMMENT ON COLUMN amprenta.program_experiments.experiment_id IS 'The experiment.';
COMMENT ON COLUMN amprenta.program_experiments.created_at IS 'When the link was made.';

CREATE TABLE amprenta.program_datasets (
	program_id		uuid NOT NULL REFERENCES amprenta.programs (id) ON DELETE CASCADE,
	dataset_id		uuid NOT NULL REFERENCES amprenta.datasets (id) ON DELETE CASCADE,
	created_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (program_id, dataset_id)
);
CREATE INDEX ON amprenta.program_datasets (dataset_id);
COMMENT ON TABLE amprenta.program_datasets IS 'Which datasets belong to which programs (many to many).';
COMMENT ON COLUMN amprenta.program_datasets.program_id IS 'The program.';
COMMENT ON COLUMN amprenta.program_datasets.dataset_id IS 'The dataset.';
COMMENT ON COLUMN amprenta.program_datasets.created_at IS 'When the link was made.';

CREATE TABLE amprenta.experiment_datasets (
	experiment_id	uuid NOT NULL REFERENCES amprenta.experiments (id) ON DELETE CASCADE,
	dataset_id		uuid NOT NULL REFERENCES amprenta.datasets (id) ON DELETE CASCADE,
	created_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (experiment_id, dataset_id)
);
CREATE INDEX ON amprenta.experiment_datasets (dataset_id);
COMMENT ON TABLE amprenta.experiment_datasets IS 'Which datasets an experiment produced (many to many).';
COMMENT ON COLUMN amprenta.experiment_datasets.experiment_id IS 'The experiment.';
COMMENT ON COLUMN amprenta.experiment_datasets.dataset_id IS 'The dataset.';
COMMENT ON COLUMN amprenta.experiment_datasets.created_at IS 'When the link was made.';

CREATE TABLE amprenta.program_signatures (
	program_id		uuid NOT NULL REFERENCES amprenta.programs (id) ON DELETE CASCADE,
	signature_id	uuid NOT NULL REFERENCES amprenta.signatures (id) ON DELETE CASCADE,
	created_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (program_id, signature_id)
);
CREATE INDEX ON amprenta.program_signatures (signature_id);
COMMENT ON TABLE amprenta.program_signatures IS 'Which signatures a program uses (many to many).';
COMMENT ON COLUMN amprenta.program_signatures.program_id IS 'The program.';
COMMENT ON COLUMN amprenta.program_signatures.signature_id IS 'The signature.';
COMMENT ON COLUMN amprenta.program_signatures.created_at IS 'When the link was made.';

CREATE TABLE amprenta.dataset_signature_scores (
	signature_id	uuid NOT NULL REFERENCES amprenta.signatures (id) ON DELETE CASCADE,
	dataset_id		uuid NOT NULL REFERENCES amprenta.datasets (id) ON DELETE CASCADE,
	method			text NOT NULL DEFAULT 'concordance'
					CHECK (method IN ('concordance', 'rank', 'ks', 'legacy')),
	score			float8,
	p_value			float8 CHECK (p_value IS NULL OR p_value BETWEEN 0 AND 1),
	matched			integer NOT NULL DEFAULT 0 CHECK (matched >= 0),
	total			integer NOT NULL DEFAULT 0 CHECK (total >= 0),
	concordant		integer NOT NULL DEFAULT 0 CHECK (concordant >= 0),
	discordant		integer NOT NULL DEFAULT 0 CHECK (discordant >= 0),
	coverage		float8 CHECK (coverage IS NULL OR coverage BETWEEN 0 AND 1),
	layers			jsonb NOT NULL DEFAULT '{}',
	options			jsonb NOT NULL DEFAULT '{}',
	computed_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (signature_id, dataset_id, method)
);
CREATE INDEX ON amprenta.dataset_signature_scores (dataset_id);
COMMENT ON TABLE amprenta.dataset_signature_scores IS 'Materialized signature scores per dataset and method, for BI tools.';
COMMENT ON COLUMN amprenta.dataset_signature_scores.signature_id IS 'The signature scored.';
COMMENT ON COLUMN amprenta.dataset_signature_scores.dataset_id IS 'The dataset scored.';
COMMENT ON COLUMN amprenta.dataset_signature_scores.method IS 'Scoring method: concordance, rank, ks or legacy.';
COMMENT ON COLUMN amprenta.dataset_signature_scores.score IS 'The score; NULL when no component matched.';
COMMENT ON COLUMN amprenta.dataset_signature_scores.p_value IS 'p-value of the score, analytic or by permutation (see options).';
COMMENT ON COLUMN amprenta.dataset_signature_scores.matched IS 'Components found in the dataset.';
COMMENT ON COLUMN amprenta.dataset_signature_scores.total IS 'Components of the dataset''s feature types.';
COMMENT ON COLUMN amprenta.dataset_signature_scores.concordant IS 'Matched components whose direction agrees.';
COMMENT ON COLUMN amprenta.dataset_signature_scores.discordant IS 'Matched components whose direction disagrees.';
COMMENT ON COLUMN amprenta.dataset_signature_scores.coverage IS 'matched / total.';
COMMENT ON COLUMN amprenta.dataset_signature_scores.layers IS 'Per omics layer: score, matched, total.';
COMMENT ON COLUMN amprenta.dataset_signature_scores.options IS 'Options the score was computed with.';
COMMENT ON COLUMN amprenta.dataset_signature_scores.computed_at IS 'When the score was computed.';

-------------------------------------------------------------------------------
-- Chemistry and screening
-------------------------------------------------------------------------------

CREATE TABLE amprenta.compounds (
	id				uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	compound_id		text NOT NULL UNIQUE CHECK (btrim(compound_id) <> ''),
	name			text,
	smiles			text NOT NULL,
	canonical_smiles text,
	inchi_key		text UNIQUE CHECK (inchi_key IS NULL OR inchi_key ~ '^[A-Z]{14}-[A-Z]{10}-[A-Z]$'),
	molecular_formula text,
	molecular_weight float8 CHECK (molecular_weight IS NULL OR molecular_weight > 0),
	logp			float8,
	hbd_count		integer CHECK (hbd_count IS NULL OR hbd_count >= 0),
	hba_count		integer CHECK (hba_count IS NULL OR hba_count >= 0),
	rotatable_bonds	integer CHECK (rotatable_bonds IS NULL OR rotatable_bonds >= 0),
	notion_page_id	text,
	external_ids	jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(external_ids) = 'object'),
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now()
);
-- Only pages that exist are indexed: most rows have none yet.
CREATE UNIQUE INDEX compounds_notion_page_id_key ON amprenta.compounds (notion_page_id) WHERE notion_page_id IS NOT NULL;
CREATE INDEX ON amprenta.compounds (smiles);
COMMENT ON TABLE amprenta.compounds IS 'Small molecules screened or tested.';
COMMENT ON COLUMN amprenta.compounds.id IS 'Primary key.';
COMMENT ON COLUMN amprenta.compounds.compound_id IS 'Registry identifier of the compound (unique).';
COMMENT ON COLUMN amprenta.compounds.name IS 'Common name.';
COMMENT ON COLUMN amprenta.compounds.smiles IS 'SMILES as supplied.';
COMMENT ON COLUMN amprenta.compounds.canonical_smiles IS 'Canonical SMILES, when computed.';
COMMENT ON COLUMN amprenta.compounds.inchi_key IS 'Standard InChIKey (unique).';
COMMENT ON COLUMN amprenta.compounds.molecular_formula IS 'Molecular formula.';
COMMENT ON COLUMN amprenta.compounds.molecular_weight IS 'Molecular weight (g/mol).';
COMMENT ON COLUMN amprenta.compounds.logp IS 'Computed logP.';
COMMENT ON COLUMN amprenta.compounds.hbd_count IS 'Hydrogen-bond donors.';
COMMENT ON COLUMN amprenta.compounds.hba_count IS 'Hydrogen-bond acceptors.';
COMMENT ON COLUMN amprenta.compounds.rotatable_bonds IS 'Rotatable bonds.';
COMMENT ON COLUMN amprenta.compounds.notion_page_id IS 'Notion page that mirrors this row.';
COMMENT ON COLUMN amprenta.compounds.external_ids IS 'Identifiers in other systems (PubChem, ChEMBL ...).';
COMMENT ON COLUMN amprenta.compounds.created_at IS 'When the row was created.';
COMMENT ON COLUMN amprenta.compounds.updated_at IS 'When the row last changed (kept by a trigger).';

CREATE TABLE amprenta.screening_campaigns (
	id				uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	campaign_id		text NOT NULL UNIQUE CHECK (btrim(campaign_id) <> ''),
	name			text NOT NULL CHECK (btrim(name) <> ''),
	description		text,
	program_id		uuid REFERENCES amprenta.programs (id) ON DELETE SET NULL,
	assay_type		text,
	target			text,
	library_id		text,
	total_wells		integer CHECK (total_wells IS NULL OR total_wells >= 0),
	run_date		date,
	notion_page_id	text,
	external_ids	jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(external_ids) = 'object'),
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now()
);
-- Only pages that exist are indexed: most rows have none yet.
CREATE UNIQUE INDEX screening_campaigns_notion_page_id_key ON amprenta.screening_campaigns (notion_page_id) WHERE notion_page_id IS NOT NULL;
CREATE INDEX ON amprenta.screening_campaigns (program_id);
COMMENT ON TABLE amprenta.screening_campaigns IS 'High-throughput screening campaigns.';
COMMENT ON COLUMN amprenta.screening_campaigns.id IS 'Primary key.';
COMMENT ON COLUMN amprenta.screening_campaigns.campaign_id IS 'Campaign identifier used by the lab (unique).';
COMMENT ON COLUMN amprenta.screening_campaigns.name IS 'Campaign name.';
COMMENT ON COLUMN amprenta.screening_campaigns.description IS 'Free-text description.';
COMMENT ON COLUMN amprenta.screening_campaigns.program_id IS 'Program the campaign serves; cleared if the program is deleted.';
COMMENT ON COLUMN amprenta.screening_campaigns.assay_type IS 'Assay type.';
COMMENT ON COLUMN amprenta.screening_campaigns.target IS 'Molecular target.';
COMMENT ON COLUMN amprenta.screening_campaigns.library_id IS 'Compound library screened.';
COMMENT ON COLUMN amprenta.screening_campaigns.total_wells IS 'Number of wells screened.';
COMMENT ON COLUMN amprenta.screening_campaigns.run_date IS 'Date the screen ran.';
COMMENT ON COLUMN amprenta.screening_campaigns.notion_page_id IS 'Notion page that mirrors this row.';
COMMENT ON COLUMN amprenta.screening_campaigns.external_ids IS 'Identifiers in other systems.';
COMMENT ON COLUMN amprenta.screening_campaigns.created_at IS 'When the row was created.';
COMMENT ON COLUMN amprenta.screening_campaigns.updated_at IS 'When the row last changed (kept by a trigger).';

CREATE TABLE amprenta.screening_results (
	id				uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	campaign_id		uuid NOT NULL REFERENCES amprenta.screening_campaigns (id) ON DELETE CASCADE,
	compound_id		uuid NOT NULL REFERENCES amprenta.compounds (id) ON DELETE RESTRICT,
	well_position	text,
	raw_value		float8,
	normalized_value float8,
	z_score			float8,
	hit				boolean NOT NULL DEFAULT false,
	hit_category	text,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	UNIQUE (campaign_id, compound_id, well_position)
);
CREATE INDEX ON amprenta.screening_results (compound_id);
COMMENT ON TABLE amprenta.screening_results IS 'One measurement of a compound in a screening campaign.';
COMMENT ON COLUMN amprenta.screening_results.id IS 'Primary key.';
COMMENT ON COLUMN amprenta.screening_results.campaign_id IS 'Campaign (results go with their campaign).';
COMMENT ON COLUMN amprenta.screening_results.compound_id IS 'Compound measured (a compound with results cannot be deleted).';
COMMENT ON COLUMN amprenta.screening_results.well_position IS 'Plate well, e.g. A01.';
COMMENT ON COLUMN amprenta.screening_results.raw_value IS 'Raw readout.';
COMMENT ON COLUMN amprenta.screening_results.normalized_value IS 'Normalized readout (e.g. percent inhibition).';
COMMENT ON COLUMN amprenta.screening_results.z_score IS 'Plate z-score.';
COMMENT ON COLUMN amprenta.screening_results.hit IS 'Whether the result is a hit.';
COMMENT ON COLUMN amprenta.screening_results.hit_category IS 'Hit class, e.g. hit, inactive.';
COMMENT ON COLUMN amprenta.screening_results.created_at IS 'When the row was created.';
COMMENT ON COLUMN amprenta.screening_results.updated_at IS 'When the row last changed (kept by a trigger).';

CREATE TABLE amprenta.biochemical_results (
	id				uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	compound_id		uuid NOT NULL REFERENCES amprenta.compounds (id) ON DELETE RESTRICT,
	program_id		uuid REFERENCES amprenta.programs (id) ON DELETE SET NULL,
	assay_name		text NOT NULL CHECK (btrim(assay_name) <> ''),
	target			text,
	ic50			float8 CHECK (ic50 IS NULL OR ic50 > 0),
	ec50			float8 CHECK (ec50 IS NULL OR ec50 > 0),
	ki				float8 CHECK (ki IS NULL OR ki > 0),
	kd				float8 CHECK (kd IS NULL OR kd > 0),
	activity_type	text,
	units			text NOT NULL DEFAULT 'nM',
	run_date		date,
	notion_page_id	text,
	external_ids	jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(external_ids) = 'object'),
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now()
);
-- Only pages that exist are indexed: most rows have none yet.
CREATE UNIQUE INDEX biochemical_results_notion_page_id_key ON amprenta.biochemical_results (notion_page_id) WHERE notion_page_id IS NOT NULL;
CREATE INDEX ON amprenta.biochemical_results (compound_id);
CREATE INDEX ON amprenta.biochemical_results (program_id);
COMMENT ON TABLE amprenta.biochemical_results IS 'Dose-response and binding results of a compound in an assay.';
COMMENT ON COLUMN amprenta.biochemical_results.id IS 'Primary key.';
COMMENT ON COLUMN amprenta.biochemical_results.compound_id IS 'Compound tested (a compound with results cannot be deleted).';
COMMENT ON COLUMN amprenta.biochemical_results.program_id IS 'Program the result serves; cleared if the program is deleted.';
COMMENT ON COLUMN amprenta.biochemical_results.assay_name IS 'Assay name.';
COMMENT ON COLUMN amprenta.biochemical_results.target IS 'Molecular target.';
COMMENT ON COLUMN amprenta.biochemical_results.ic50 IS 'Half-maximal inhibitory concentration, in units.';
COMMENT ON COLUMN amprenta.biochemical_results.ec50 IS 'Half-maximal effective concentration, in units.';
COMMENT ON COLUMN amprenta.biochemical_results.ki IS 'Inhibition constant, in units.';
COMMENT ON COLUMN amprenta.biochemical_results.kd IS 'Dissociation constant, in units.';
COMMENT ON COLUMN amprenta.biochemical_results.activity_type IS 'Which measure is primary (IC50, EC50, Ki, Kd).';
COMMENT ON COLUMN amprenta.biochemical_results.units IS 'Concentration units of the measures, nM by default.';
COMMENT ON COLUMN amprenta.biochemical_results.run_date IS 'Date the assay ran.';
COMMENT ON COLUMN amprenta.biochemical_results.notion_page_id IS 'Notion page that mirrors this row.';
COMMENT ON COLUMN amprenta.biochemical_results.external_ids IS 'Identifiers in other systems.';
COMMENT ON COLUMN amprenta.biochemical_results.created_at IS 'When the row was created.';
COMMENT ON COLUMN amprenta.biochemical_results.updated_at IS 'When the row last changed (kept by a trigger).';

-------------------------------------------------------------------------------
-- Provenance
-------------------------------------------------------------------------------

CREATE TABLE amprenta.ingestions (
	id				uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	dataset_id		uuid REFERENCES amprenta.datasets (id) ON DELETE SET NULL,
	file_name		text NOT NULL,
	file_path		text,
	sha256			bytea NOT NULL CHECK (octet_length(sha256) = 32),
	file_size		bigint NOT NULL CHECK (file_size >= 0),
	omics_type		amprenta.omics_type NOT NULL,
	format			text NOT NULL,
	options			jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(options) = 'object'),
	rows_read		bigint NOT NULL DEFAULT 0 CHECK (rows_read >= 0),
	rows_kept		bigint NOT NULL DEFAULT 0 CHECK (rows_kept >= 0),
	unmapped		bigint NOT NULL DEFAULT 0 CHECK (unmapped >= 0),
	ambiguous		bigint NOT NULL DEFAULT 0 CHECK (ambiguous >= 0),
	duplicates		bigint NOT NULL DEFAULT 0 CHECK (duplicates >= 0),
	warnings		jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(warnings) = 'array'),
	ingested_by		name NOT NULL DEFAULT current_user,
	started_at		timestamptz NOT NULL DEFAULT now(),
	finished_at		timestamptz NOT NULL DEFAULT clock_timestamp(),
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	CHECK (rows_kept <= rows_read)
);
CREATE INDEX ON amprenta.ingestions (dataset_id);
CREATE INDEX ON amprenta.ingestions (sha256);
COMMENT ON TABLE amprenta.ingestions IS 'One row per successful ingestion: what was read, what was kept, and what was odd about it.';
COMMENT ON COLUMN amprenta.ingestions.id IS 'Primary key.';
COMMENT ON COLUMN amprenta.ingestions.dataset_id IS 'Dataset created; NULL once that dataset has been deleted (the record stays).';
COMMENT ON COLUMN amprenta.ingestions.file_name IS 'Base name of the file.';
COMMENT ON COLUMN amprenta.ingestions.file_path IS 'Server path, or NULL when the bytes came from the client.';
COMMENT ON COLUMN amprenta.ingestions.sha256 IS 'SHA-256 of the bytes read.';
COMMENT ON COLUMN amprenta.ingestions.file_size IS 'Number of bytes read.';
COMMENT ON COLUMN amprenta.ingestions.omics_type IS 'Omics type, given or inferred.';
COMMENT ON COLUMN amprenta.ingestions.format IS 'Detected format and layout.';
COMMENT ON COLUMN amprenta.ingestions.options IS 'Options the ingestion ran with.';
COMMENT ON COLUMN amprenta.ingestions.rows_read IS 'Data rows read from the file.';
COMMENT ON COLUMN amprenta.ingestions.rows_kept IS 'Data rows stored in dataset_features.';
COMMENT ON COLUMN amprenta.ingestions.unmapped IS 'Rows whose identifier did not normalize.';
COMMENT ON COLUMN amprenta.ingestions.ambiguous IS 'Rows whose identifier had more than one reading.';
COMMENT ON COLUMN amprenta.ingestions.duplicates IS 'Rows whose feature was already seen in the same file.';
COMMENT ON COLUMN amprenta.ingestions.warnings IS 'JSON array of warnings, each with the line and what was seen.';
COMMENT ON COLUMN amprenta.ingestions.ingested_by IS 'Role that ran the ingestion.';
COMMENT ON COLUMN amprenta.ingestions.started_at IS 'When the ingestion started.';
COMMENT ON COLUMN amprenta.ingestions.finished_at IS 'When the ingestion finished.';
COMMENT ON COLUMN amprenta.ingestions.created_at IS 'When the row was created.';
COMMENT ON COLUMN amprenta.ingestions.updated_at IS 'When the row last changed (kept by a trigger).';

-------------------------------------------------------------------------------
-- Semantic index
-------------------------------------------------------------------------------

CREATE TABLE amprenta.chunks (
	entity_type		text NOT NULL
					CHECK (entity_type IN ('program', 'experiment', 'dataset', 'signature', 'feature')),
	entity_id		uuid NOT NULL,
	chunk_no		integer NOT NULL CHECK (chunk_no >= 0),
	vector_id		text GENERATED ALWAYS AS
					(entity_type || ':' || entity_id::text || ':' || chunk_no::text) STORED,
	content			text NOT NULL,
	content_sha256	bytea NOT NULL CHECK (octet_length(content_sha256) = 32),
	embedding		float4[],
	embedding_model	text,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (entity_type, entity_id, chunk_no),
	CHECK ((embedding IS NULL) = (embedding_model IS NULL))
-- A chunk with a 384-dimension embedding is about 2 kB, around the
-- default TOAST threshold (2032 bytes), above which PostgreSQL tries to
-- compress the row's text and embedding on the way in (random floats do
-- not compress).  Kept inline up to a full page, rows up to 1,536
-- dimensions are stored and read as they are.
) WITH (toast_tuple_target = 8160);
COMMENT ON TABLE amprenta.chunks IS 'Semantic index: text chunks built from entities and their embeddings (the local vector index; mirrored to Pinecone when configured).';
COMMENT ON COLUMN amprenta.chunks.entity_type IS 'Kind of entity the chunk describes.';
COMMENT ON COLUMN amprenta.chunks.entity_id IS 'Id of that entity (no foreign key: chunks of deleted entities are removed by the sync worker).';
COMMENT ON COLUMN amprenta.chunks.chunk_no IS 'Position of the chunk within the entity, from 0.';
COMMENT ON COLUMN amprenta.chunks.vector_id IS 'Deterministic vector id `<entity_type>:<uuid>:<chunk>` used in Pinecone.';
COMMENT ON COLUMN amprenta.chunks.content IS 'Chunk text that was embedded.';
COMMENT ON COLUMN amprenta.chunks.content_sha256 IS 'SHA-256 of content (UTF-8); a chunk of the same entity with the same text keeps its embedding when delivered again under the same model and dimension.';
COMMENT ON COLUMN amprenta.chunks.embedding IS 'Embedding vector; NULL until embedded.';
COMMENT ON COLUMN amprenta.chunks.embedding_model IS 'Provider and model that produced the embedding.';
COMMENT ON COLUMN amprenta.chunks.created_at IS 'When the row was created.';
COMMENT ON COLUMN amprenta.chunks.updated_at IS 'When the row last changed (kept by a trigger).';

-------------------------------------------------------------------------------
-- Sync to Notion and Pinecone
-------------------------------------------------------------------------------

CREATE TABLE amprenta.sync_outbox (
	id				bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sink			text NOT NULL CHECK (sink IN ('notion', 'pinecone')),
	op				text NOT NULL CHECK (op IN ('upsert', 'delete')),
	entity_type		text NOT NULL
					CHECK (entity_type IN ('program', 'experiment', 'dataset', 'signature', 'feature')),
	entity_id		uuid NOT NULL,
	state			text NOT NULL DEFAULT 'pending'
					CHECK (state IN ('pending', 'dead')),
	attempts		integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	next_attempt_at	timestamptz NOT NULL DEFAULT now(),
	last_error		text,
	last_http_status integer,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now()
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01);
-- One pending row per entity and sink: repeated changes coalesce, also
-- into a row a worker is delivering (the worker then sees the row's
-- version changed and leaves it queued instead of deleting it).
CREATE UNIQUE INDEX sync_outbox_pending_key
	ON amprenta.sync_outbox (sink, entity_type, entity_id) WHERE state = 'pending';
-- The claim's order: with id in the key a claim reads its batch off the
-- index and stops, instead of sorting every due row first.
CREATE INDEX sync_outbox_due
	ON amprenta.sync_outbox (sink, next_attempt_at, id) WHERE state = 'pending';
COMMENT ON TABLE amprenta.sync_outbox IS 'Durable queue of changes to deliver to Notion and Pinecone; drained by the sync worker. Delivered rows are deleted; rows being delivered are listed in sync_leases.';
COMMENT ON COLUMN amprenta.sync_outbox.id IS 'Queue order.';
COMMENT ON COLUMN amprenta.sync_outbox.sink IS 'Destination: notion or pinecone.';
COMMENT ON COLUMN amprenta.sync_outbox.op IS 'upsert (send the current row) or delete.';
COMMENT ON COLUMN amprenta.sync_outbox.entity_type IS 'Kind of entity changed.';
COMMENT ON COLUMN amprenta.sync_outbox.entity_id IS 'Id of the entity changed.';
COMMENT ON COLUMN amprenta.sync_outbox.state IS 'pending (waiting, or being delivered when a lease in sync_leases lists it) or dead (given up; see last_error).';
COMMENT ON COLUMN amprenta.sync_outbox.attempts IS 'Delivery attempts spent and failed (rate-limit pauses spend none).';
COMMENT ON COLUMN amprenta.sync_outbox.next_attempt_at IS 'Earliest time of the next attempt (backoff).';
COMMENT ON COLUMN amprenta.sync_outbox.last_error IS 'Last error message (API keys never appear here).';
COMMENT ON COLUMN amprenta.sync_outbox.last_http_status IS 'HTTP status of the last attempt, if any.';
COMMENT ON COLUMN amprenta.sync_outbox.created_at IS 'When the change was first enqueued.';
COMMENT ON COLUMN amprenta.sync_outbox.updated_at IS 'When the row last changed (kept by a trigger).';

-- A claim writes one lease row for its whole batch instead of rewriting
-- every claimed queue row (and its index entries): claiming 500 rows was
-- a fifth of a worker's time.  Claims take this table's lock in turn
-- (amprenta._sync_claim), so a claim sees every lease committed before it.
CREATE TABLE amprenta.sync_leases (
	id				bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sink			text NOT NULL CHECK (sink IN ('notion', 'pinecone')),
	outbox_ids		bigint[] NOT NULL CHECK (cardinality(outbox_ids) > 0),
	leased_by		integer NOT NULL,
	lease_until		timestamptz NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE amprenta.sync_leases IS 'Batches of sync_outbox rows a worker is delivering, one row per claim; deleted when the batch is recorded, or when the lease expires (the rows return to the queue with one attempt spent).';
COMMENT ON COLUMN amprenta.sync_leases.id IS 'Lease number.';
COMMENT ON COLUMN amprenta.sync_leases.sink IS 'notion or pinecone.';
COMMENT ON COLUMN amprenta.sync_leases.outbox_ids IS 'The sync_outbox rows leased.';
COMMENT ON COLUMN amprenta.sync_leases.leased_by IS 'Process id of the worker holding the lease.';
COMMENT ON COLUMN amprenta.sync_leases.lease_until IS 'When the lease expires.';
COMMENT ON COLUMN amprenta.sync_leases.created_at IS 'When the batch was claimed.';

-- What the capture triggers write: one row per statement and sink, the ids
-- of every entity the statement changed.  Writing 100,000 queue rows (and
-- their index entries) inside a user's COPY would cost about as much as the
-- COPY itself; one array is nearly free.  The worker turns these rows into
-- sync_outbox rows (coalesced) in a transaction of its own.
CREATE TABLE amprenta.sync_capture (
	id				bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sink			text NOT NULL CHECK (sink IN ('notion', 'pinecone')),
	op				text NOT NULL CHECK (op IN ('upsert', 'delete')),
	entity_type		text NOT NULL
					CHECK (entity_type IN ('program', 'experiment', 'dataset', 'signature', 'feature')),
	entity_ids		uuid[] NOT NULL CHECK (cardinality(entity_ids) > 0),
	created_at		timestamptz NOT NULL DEFAULT now()
) WITH (autovacuum_vacuum_scale_factor = 0.01);
COMMENT ON TABLE amprenta.sync_capture IS 'Changes captured by the sync triggers, one row per statement and sink, not yet moved into sync_outbox by the worker.';
COMMENT ON COLUMN amprenta.sync_capture.id IS 'Capture order.';
COMMENT ON COLUMN amprenta.sync_capture.sink IS 'notion or pinecone.';
COMMENT ON COLUMN amprenta.sync_capture.op IS 'upsert or delete.';
COMMENT ON COLUMN amprenta.sync_capture.entity_type IS 'Kind of the entities.';
COMMENT ON COLUMN amprenta.sync_capture.entity_ids IS 'Ids of the entities the statement changed.';
COMMENT ON COLUMN amprenta.sync_capture.created_at IS 'When the statement ran.';

CREATE TABLE amprenta.sync_refs (
	sink			text NOT NULL CHECK (sink IN ('notion', 'pinecone')),
	entity_type		text NOT NULL
					CHECK (entity_type IN ('program', 'experiment', 'dataset', 'signature', 'feature')),
	entity_id		uuid NOT NULL,
	external_id		text,
	content_sha256	bytea CHECK (content_sha256 IS NULL OR octet_length(content_sha256) = 32),
	chunk_count		integer NOT NULL DEFAULT 0 CHECK (chunk_count >= 0),
	owned			boolean NOT NULL DEFAULT true,
	synced_at		timestamptz NOT NULL DEFAULT now(),
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (sink, entity_type, entity_id),
	UNIQUE (sink, external_id)
);
COMMENT ON TABLE amprenta.sync_refs IS 'What each sink holds for each entity: external id and hash of the content last delivered.';
COMMENT ON COLUMN amprenta.sync_refs.sink IS 'notion or pinecone.';
COMMENT ON COLUMN amprenta.sync_refs.entity_type IS 'Kind of entity.';
COMMENT ON COLUMN amprenta.sync_refs.entity_id IS 'Id of the entity.';
COMMENT ON COLUMN amprenta.sync_refs.external_id IS 'Notion page id, or the Pinecone id prefix of the entity''s vectors.';
COMMENT ON COLUMN amprenta.sync_refs.content_sha256 IS 'Hash of the content last delivered; equal content is not sent again.';
COMMENT ON COLUMN amprenta.sync_refs.chunk_count IS 'Pinecone: number of vectors last written (surplus ones are deleted when an entity shrinks).';
COMMENT ON COLUMN amprenta.sync_refs.owned IS 'Notion: true when sync created the page; false for a page the user linked (notion_page_id), which is updated but never archived.';
COMMENT ON COLUMN amprenta.sync_refs.synced_at IS 'When the sink last acknowledged the entity.';
COMMENT ON COLUMN amprenta.sync_refs.created_at IS 'When the row was created.';
COMMENT ON COLUMN amprenta.sync_refs.updated_at IS 'When the row last changed (kept by a trigger).';

-- The configuration each sink's content was last made under (today the
-- index sink's: provider and model, dimension, Pinecone index, host and
-- namespace).  The worker compares it with its own at every turn; a
-- difference re-syncs the whole index (amprenta._sync_config_changed).
CREATE TABLE amprenta.sync_config (
	sink			text PRIMARY KEY CHECK (sink IN ('notion', 'pinecone')),
	fingerprint		text NOT NULL,
	changed_at		timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE amprenta.sync_config IS 'The configuration a sink''s content is made under, as the sync worker last saw it. When the semantic index''s changes (embedding provider, model, dimension, Pinecone index, host or namespace), the worker queues every entity to be indexed again.';
COMMENT ON COLUMN amprenta.sync_config.sink IS 'pinecone (the semantic index; the only sink tracked today).';
COMMENT ON COLUMN amprenta.sync_config.fingerprint IS 'Embedding model (with its provider), dimension, Pinecone index, host and namespace, separated by |.';
COMMENT ON COLUMN amprenta.sync_config.changed_at IS 'When the worker first saw this fingerprint (and queued the re-sync).';

-- What the indexes of earlier configurations hold.  The index sink's rows
-- of sync_refs describe the index in use; when the configuration changes,
-- they are kept here under the fingerprint they describe, and the rows kept
-- for the new fingerprint (an index used before) take their place.  So a
-- switch back to an index deletes there the vectors of the entities deleted,
-- and the surplus vectors of those that shrank, while another was in use.
CREATE TABLE amprenta.sync_index_archive (
	fingerprint		text NOT NULL,
	entity_type		text NOT NULL
					CHECK (entity_type IN ('program', 'experiment', 'dataset', 'signature', 'feature')),
	entity_id		uuid NOT NULL,
	chunk_count		integer NOT NULL CHECK (chunk_count > 0),
	archived_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (fingerprint, entity_type, entity_id)
);
COMMENT ON TABLE amprenta.sync_index_archive IS 'Vectors the semantic index of an earlier configuration holds, per entity: brought back into sync_refs when that configuration is used again, so that what was deleted or shrank meanwhile is deleted there.';
COMMENT ON COLUMN amprenta.sync_index_archive.fingerprint IS 'The configuration (as in sync_config) whose index holds the vectors.';
COMMENT ON COLUMN amprenta.sync_index_archive.entity_type IS 'Kind of entity.';
COMMENT ON COLUMN amprenta.sync_index_archive.entity_id IS 'Id of the entity (which may since have been deleted).';
COMMENT ON COLUMN amprenta.sync_index_archive.chunk_count IS 'Number of vectors of the entity that index holds (ids <entity_type>:<uuid>:0 onwards).';
COMMENT ON COLUMN amprenta.sync_index_archive.archived_at IS 'When the configuration was left.';

CREATE TABLE amprenta.notion_targets (
	entity_type		text PRIMARY KEY
					CHECK (entity_type IN ('program', 'experiment', 'dataset', 'signature', 'feature')),
	database_id		text,
	data_source_id	text,
	title_property	text NOT NULL DEFAULT 'Name',
	property_map	jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(property_map) = 'object'),
	enabled			boolean NOT NULL DEFAULT true,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	CHECK (database_id IS NOT NULL OR data_source_id IS NOT NULL)
);
COMMENT ON TABLE amprenta.notion_targets IS 'Where each entity type goes in Notion: the database (2022-06-28 API) or data source (2025-09-03 API), the title property and the column-to-property mapping.';
COMMENT ON COLUMN amprenta.notion_targets.entity_type IS 'Entity type this target receives.';
COMMENT ON COLUMN amprenta.notion_targets.database_id IS 'Notion database id (API version 2022-06-28).';
COMMENT ON COLUMN amprenta.notion_targets.data_source_id IS 'Notion data source id (API version 2025-09-03).';
COMMENT ON COLUMN amprenta.notion_targets.title_property IS 'Name of the title property of the database.';
COMMENT ON COLUMN amprenta.notion_targets.property_map IS 'JSON object: column name -> {"property": name, "type": notion property type}.';
COMMENT ON COLUMN amprenta.notion_targets.enabled IS 'Whether changes of this entity type are sent to Notion.';
COMMENT ON COLUMN amprenta.notion_targets.created_at IS 'When the row was created.';
COMMENT ON COLUMN amprenta.notion_targets.updated_at IS 'When the row last changed (kept by a trigger).';

-------------------------------------------------------------------------------
-- Guard of the feature dictionary
-------------------------------------------------------------------------------
-- Ingestion links rows to existing features without locking each one: it
-- holds this advisory lock in shared mode instead, and deleting a feature (or
-- changing its id) takes it exclusively, so such a statement waits for the
-- ingestions in progress and then sees their rows (RESTRICT applies).

CREATE FUNCTION amprenta.amprenta_features_guard() RETURNS trigger
	LANGUAGE plpgsql AS
$$
BEGIN
	-- (1634562162, 1): the key ingestion takes in shared mode (see ingest_features.c).
	PERFORM pg_advisory_xact_lock(1634562162, 1);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION amprenta.amprenta_features_guard() IS
	'Trigger function: makes DELETE and UPDATE OF id on features wait for ingestions in progress.';
CREATE TRIGGER features_guard BEFORE DELETE OR UPDATE OF id ON amprenta.features
	FOR EACH STATEMENT EXECUTE FUNCTION amprenta.amprenta_features_guard();

-------------------------------------------------------------------------------
-- updated_at triggers on every table that has the column
-------------------------------------------------------------------------------

DO $$
DECLARE
	t regclass;
BEGIN
	FOR t IN
		SELECT c.oid::regclass
		  FROM pg_class c
		  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'updated_at' AND NOT a.attisdropped
		 WHERE c.relnamespace = 'amprenta'::regnamespace AND c.relkind = 'r'
		 ORDER BY c.relname
	LOOP
		EXECUTE format('CREATE TRIGGER touch_updated_at BEFORE UPDATE ON %s '
					   'FOR EACH ROW EXECUTE FUNCTION amprenta.amprenta_touch_updated_at()', t);
	END LOOP;
END
$$;

-------------------------------------------------------------------------------
-- Views
-------------------------------------------------------------------------------

CREATE VIEW amprenta.dataset_summary AS
SELECT d.id AS dataset_id,
	   d.name,
	   d.omics_type,
	   d.organism,
	   d.disease,
	   d.sample_type,
	   cardinality(d.sample_names) AS samples,
	   coalesce(f.rows, 0) AS rows,
	   coalesce(f.mapped, 0) AS mapped,
	   coalesce(f.unmapped, 0) AS unmapped,
	   coalesce(f.ambiguous, 0) AS ambiguous,
	   coalesce(f.duplicates, 0) AS duplicates,
	   coalesce(p.programs, '{}') AS programs,
	   coalesce(e.experiments, '{}') AS experiments,
	   d.file_name,
	   d.file_format,
	   i.last_ingested_at,
	   d.notion_page_id,
	   d.created_at,
	   d.updated_at
  FROM amprenta.datasets d
  LEFT JOIN LATERAL (
		SELECT count(*) AS rows,
			   count(df.feature_id) AS mapped,
			   count(*) FILTER (WHERE df.mapping = 'unmapped') AS unmapped,
			   count(*) FILTER (WHERE df.mapping = 'ambiguous') AS ambiguous,
			   count(*) FILTER (WHERE df.mapping = 'duplicate') AS duplicates
		  FROM amprenta.dataset_features df
		 WHERE df.dataset_id = d.id) f ON true
  LEFT JOIN LATERAL (
		SELECT array_agg(pr.name ORDER BY pr.name) AS programs
		  FROM amprenta.program_datasets pd
		  JOIN amprenta.programs pr ON pr.id = pd.program_id
		 WHERE pd.dataset_id = d.id) p ON true
  LEFT JOIN LATERAL (
		SELECT array_agg(ex.name ORDER BY ex.name) AS experiments
		  FROM amprenta.experiment_datasets ed
		  JOIN amprenta.experiments ex ON ex.id = ed.experiment_id
		 WHERE ed.dataset_id = d.id) e ON true
  LEFT JOIN LATERAL (
		SELECT max(ig.finished_at) AS last_ingested_at
		  FROM amprenta.ingestions ig
		 WHERE ig.dataset_id = d.id) i ON true;
COMMENT ON VIEW amprenta.dataset_summary IS 'One row per dataset: metadata, row and mapping counts, programs and experiments it belongs to.';
COMMENT ON COLUMN amprenta.dataset_summary.dataset_id IS 'Dataset id.';
COMMENT ON COLUMN amprenta.dataset_summary.name IS 'Dataset name.';
COMMENT ON COLUMN amprenta.dataset_summary.omics_type IS 'Omics type.';
COMMENT ON COLUMN amprenta.dataset_summary.organism IS 'Organisms.';
COMMENT ON COLUMN amprenta.dataset_summary.disease IS 'Diseases.';
COMMENT ON COLUMN amprenta.dataset_summary.sample_type IS 'Sample types.';
COMMENT ON COLUMN amprenta.dataset_summary.samples IS 'Number of samples (length of sample_names).';
COMMENT ON COLUMN amprenta.dataset_summary.rows IS 'Rows in dataset_features.';
COMMENT ON COLUMN amprenta.dataset_summary.mapped IS 'Rows linked to a feature.';
COMMENT ON COLUMN amprenta.dataset_summary.unmapped IS 'Rows whose identifier did not normalize.';
COMMENT ON COLUMN amprenta.dataset_summary.ambiguous IS 'Rows whose identifier had more than one reading.';
COMMENT ON COLUMN amprenta.dataset_summary.duplicates IS 'Rows whose feature appeared earlier in the same file.';
COMMENT ON COLUMN amprenta.dataset_summary.programs IS 'Names of the programs the dataset belongs to.';
COMMENT ON COLUMN amprenta.dataset_summary.experiments IS 'Names of the experiments that produced it.';
COMMENT ON COLUMN amprenta.dataset_summary.file_name IS 'Ingested file name.';
COMMENT ON COLUMN amprenta.dataset_summary.file_format IS 'Detected format and layout.';
COMMENT ON COLUMN amprenta.dataset_summary.last_ingested_at IS 'When the dataset was last ingested.';
COMMENT ON COLUMN amprenta.dataset_summary.notion_page_id IS 'Notion page of the dataset.';
COMMENT ON COLUMN amprenta.dataset_summary.created_at IS 'When the dataset was created.';
COMMENT ON COLUMN amprenta.dataset_summary.updated_at IS 'When the dataset last changed.';

CREATE VIEW amprenta.feature_matrix AS
SELECT df.dataset_id,
	   d.name AS dataset_name,
	   d.omics_type,
	   df.feature_id,
	   f.feature_type,
	   f.normalized_name AS feature,
	   df.raw_name,
	   df.mapping,
	   df.log2_fold_change,
	   df.statistic,
	   df.p_value,
	   df.adjusted_p_value,
	   df.abundance,
	   df.rank,
	   df.sample_values,
	   d.sample_names
  FROM amprenta.dataset_features df
  JOIN amprenta.datasets d ON d.id = df.dataset_id
  LEFT JOIN amprenta.features f ON f.id = df.feature_id;
COMMENT ON VIEW amprenta.feature_matrix IS 'Datasets x features in long (tidy) form with every stored statistic; filter by dataset_id or feature for BI pivots.';
COMMENT ON COLUMN amprenta.feature_matrix.dataset_id IS 'Dataset id.';
COMMENT ON COLUMN amprenta.feature_matrix.dataset_name IS 'Dataset name.';
COMMENT ON COLUMN amprenta.feature_matrix.omics_type IS 'Omics type of the dataset.';
COMMENT ON COLUMN amprenta.feature_matrix.feature_id IS 'Feature id (NULL when unmapped).';
COMMENT ON COLUMN amprenta.feature_matrix.feature_type IS 'Feature type.';
COMMENT ON COLUMN amprenta.feature_matrix.feature IS 'Normalized feature name.';
COMMENT ON COLUMN amprenta.feature_matrix.raw_name IS 'Name as written in the file.';
COMMENT ON COLUMN amprenta.feature_matrix.mapping IS 'exact, repaired, ambiguous or unmapped.';
COMMENT ON COLUMN amprenta.feature_matrix.log2_fold_change IS 'log2 fold change.';
COMMENT ON COLUMN amprenta.feature_matrix.statistic IS 'Test statistic.';
COMMENT ON COLUMN amprenta.feature_matrix.p_value IS 'Nominal p-value.';
COMMENT ON COLUMN amprenta.feature_matrix.adjusted_p_value IS 'Adjusted p-value.';
COMMENT ON COLUMN amprenta.feature_matrix.abundance IS 'Abundance or mean expression.';
COMMENT ON COLUMN amprenta.feature_matrix.rank IS 'Rank within the dataset.';
COMMENT ON COLUMN amprenta.feature_matrix.sample_values IS 'Per-sample values, aligned with sample_names.';
COMMENT ON COLUMN amprenta.feature_matrix.sample_names IS 'Sample names of the dataset.';

CREATE VIEW amprenta.ingestion_log AS
SELECT i.id AS ingestion_id,
	   i.dataset_id,
	   d.name AS dataset_name,
	   i.file_name,
	   i.file_path,
	   encode(i.sha256, 'hex') AS sha256,
	   i.file_size,
	   i.omics_type,
	   i.format,
	   i.rows_read,
	   i.rows_kept,
	   i.unmapped,
	   i.ambiguous,
	   i.duplicates,
	   jsonb_array_length(i.warnings) AS warning_count,
	   i.warnings,
	   i.options,
	   i.ingested_by,
	   i.started_at,
	   i.finished_at,
	   i.finished_at - i.started_at AS duration
  FROM amprenta.ingestions i
  LEFT JOIN amprenta.datasets d ON d.id = i.dataset_id;
COMMENT ON VIEW amprenta.ingestion_log IS 'Ingestions, newest last, with their counts and warnings and the dataset they produced.';
COMMENT ON COLUMN amprenta.ingestion_log.ingestion_id IS 'Ingestion id.';
COMMENT ON COLUMN amprenta.ingestion_log.dataset_id IS 'Dataset produced (NULL if since deleted).';
COMMENT ON COLUMN amprenta.ingestion_log.dataset_name IS 'Name of that dataset.';
COMMENT ON COLUMN amprenta.ingestion_log.file_name IS 'File name.';
COMMENT ON COLUMN amprenta.ingestion_log.file_path IS 'Server path, if read from the server.';
COMMENT ON COLUMN amprenta.ingestion_log.sha256 IS 'SHA-256 of the bytes, hex.';
COMMENT ON COLUMN amprenta.ingestion_log.file_size IS 'Bytes read.';
COMMENT ON COLUMN amprenta.ingestion_log.omics_type IS 'Omics type.';
COMMENT ON COLUMN amprenta.ingestion_log.format IS 'Detected format and layout.';
COMMENT ON COLUMN amprenta.ingestion_log.rows_read IS 'Data rows read.';
COMMENT ON COLUMN amprenta.ingestion_log.rows_kept IS 'Data rows stored.';
COMMENT ON COLUMN amprenta.ingestion_log.unmapped IS 'Rows not normalized.';
COMMENT ON COLUMN amprenta.ingestion_log.ambiguous IS 'Rows with more than one reading.';
COMMENT ON COLUMN amprenta.ingestion_log.duplicates IS 'Duplicate rows within the file.';
COMMENT ON COLUMN amprenta.ingestion_log.warning_count IS 'Number of warnings.';
COMMENT ON COLUMN amprenta.ingestion_log.warnings IS 'The warnings.';
COMMENT ON COLUMN amprenta.ingestion_log.options IS 'Options used.';
COMMENT ON COLUMN amprenta.ingestion_log.ingested_by IS 'Role that ran it.';
COMMENT ON COLUMN amprenta.ingestion_log.started_at IS 'Start time.';
COMMENT ON COLUMN amprenta.ingestion_log.finished_at IS 'End time.';
COMMENT ON COLUMN amprenta.ingestion_log.duration IS 'finished_at - started_at.';

CREATE VIEW amprenta.sync_status AS
SELECT s.sink,
	   (SELECT coalesce(sum(cardinality(c.entity_ids)), 0) FROM amprenta.sync_capture c WHERE c.sink = s.sink)::bigint AS captured,
	   count(o.id) FILTER (WHERE o.state = 'pending' AND l.id IS NULL) AS pending,
	   count(o.id) FILTER (WHERE o.state = 'pending' AND l.id IS NULL AND o.next_attempt_at <= now()) AS due,
	   count(o.id) FILTER (WHERE o.state = 'pending' AND l.id IS NOT NULL) AS inflight,
	   count(o.id) FILTER (WHERE o.state = 'dead') AS dead,
	   now() - min(o.created_at) FILTER (WHERE o.state = 'pending' AND l.id IS NULL) AS oldest_pending_age,
	   min(o.next_attempt_at) FILTER (WHERE o.state = 'pending' AND l.id IS NULL) AS next_attempt_at,
	   (SELECT max(r.synced_at) FROM amprenta.sync_refs r WHERE r.sink = s.sink) AS last_synced_at,
	   (SELECT count(*) FROM amprenta.sync_refs r WHERE r.sink = s.sink) AS synced_entities
  FROM (VALUES ('notion'), ('pinecone')) AS s (sink)
  LEFT JOIN amprenta.sync_outbox o ON o.sink = s.sink
  LEFT JOIN (SELECT DISTINCT unnest(x.outbox_ids) AS id FROM amprenta.sync_leases x) l ON l.id = o.id
 GROUP BY s.sink;
COMMENT ON VIEW amprenta.sync_status IS 'Per sink: queue depth by state, age of the oldest pending change, and what has been delivered.';
COMMENT ON COLUMN amprenta.sync_status.sink IS 'notion or pinecone.';
COMMENT ON COLUMN amprenta.sync_status.captured IS 'Entity changes captured by the triggers and not yet moved into the queue (the worker does that first).';
COMMENT ON COLUMN amprenta.sync_status.pending IS 'Changes waiting (not leased).';
COMMENT ON COLUMN amprenta.sync_status.due IS 'Pending changes whose next attempt is due now.';
COMMENT ON COLUMN amprenta.sync_status.inflight IS 'Changes a worker is delivering (leased, see sync_leases).';
COMMENT ON COLUMN amprenta.sync_status.dead IS 'Changes given up on (see sync_outbox.last_error).';
COMMENT ON COLUMN amprenta.sync_status.oldest_pending_age IS 'Age of the oldest pending change.';
COMMENT ON COLUMN amprenta.sync_status.next_attempt_at IS 'Earliest next attempt of a pending change.';
COMMENT ON COLUMN amprenta.sync_status.last_synced_at IS 'Last time the sink acknowledged an entity.';
COMMENT ON COLUMN amprenta.sync_status.synced_entities IS 'Entities the sink holds.';

-------------------------------------------------------------------------------
-- Sync: capture, documents, requests
-------------------------------------------------------------------------------

CREATE FUNCTION amprenta._sync_begin() RETURNS boolean
	AS 'MODULE_PATHNAME', 'amprenta_sync_begin'
	LANGUAGE C VOLATILE;
COMMENT ON FUNCTION amprenta._sync_begin() IS
	'Internal: false when amprenta.sync_enabled is off; otherwise arranges for the commit to wake the sync worker.';

CREATE FUNCTION amprenta._sync_wake_launcher() RETURNS void
	AS 'MODULE_PATHNAME', 'amprenta_sync_wake_launcher'
	LANGUAGE C VOLATILE;
COMMENT ON FUNCTION amprenta._sync_wake_launcher() IS
	'Internal: asks the sync launcher to look at the databases again (run by CREATE EXTENSION).';

-- The sinks an entity type is queued for: the semantic index always (the
-- local index needs no configuration), Notion when a target is enabled.
CREATE FUNCTION amprenta._sync_sinks(entity_type text) RETURNS SETOF text
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, amprenta AS
$$
	SELECT 'pinecone'
	UNION ALL
	SELECT 'notion' FROM amprenta.notion_targets t
	 WHERE t.entity_type = $1 AND t.enabled
$$;
COMMENT ON FUNCTION amprenta._sync_sinks(text) IS
	'Internal: sinks that receive changes of an entity type.';

-- One statement per table and statement: the transition tables hold every
-- row the statement touched, so a COPY of a million rows queues them with
-- one INSERT ... SELECT.  Updates queue only rows whose synced content
-- changed (updated_at and notion_page_id are not content).
CREATE FUNCTION amprenta._sync_capture() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, amprenta AS
$$
DECLARE
	etype text := TG_ARGV[0];
BEGIN
	IF NOT amprenta._sync_begin() THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		INSERT INTO amprenta.sync_capture (sink, op, entity_type, entity_ids)
		SELECT s.sink, 'upsert', etype, c.ids
		  FROM (SELECT array_agg(n.id) AS ids FROM new_rows n) c, amprenta._sync_sinks(etype) AS s (sink)
		 WHERE c.ids IS NOT NULL;
	ELSIF TG_OP = 'UPDATE' THEN
		INSERT INTO amprenta.sync_capture (sink, op, entity_type, entity_ids)
		SELECT s.sink, 'upsert', etype, c.ids
		  FROM (SELECT array_agg(n.id) AS ids
				  FROM new_rows n
				  LEFT JOIN old_rows p ON p.id = n.id
				 WHERE p.id IS NULL
					OR (to_jsonb(n) - '{updated_at,notion_page_id}'::text[])
					   IS DISTINCT FROM (to_jsonb(p) - '{updated_at,notion_page_id}'::text[])) c,
			   amprenta._sync_sinks(etype) AS s (sink)
		 WHERE c.ids IS NOT NULL;
		-- A changed id is the old entity gone.
		INSERT INTO amprenta.sync_capture (sink, op, entity_type, entity_ids)
		SELECT s.sink, 'delete', etype, c.ids
		  FROM (SELECT array_agg(p.id) AS ids FROM old_rows p
				 WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = p.id)) c,
			   amprenta._sync_sinks(etype) AS s (sink)
		 WHERE c.ids IS NOT NULL;
	ELSE
		INSERT INTO amprenta.sync_capture (sink, op, entity_type, entity_ids)
		SELECT s.sink, 'delete', etype, c.ids
		  FROM (SELECT array_agg(p.id) AS ids FROM old_rows p) c, amprenta._sync_sinks(etype) AS s (sink)
		 WHERE c.ids IS NOT NULL;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION amprenta._sync_capture() IS
	'Trigger function (statement level, transition tables): records the ids of changed entities in sync_capture, one row per statement and sink.';

-- A signature's document lists its components: changing them re-syncs it.
CREATE FUNCTION amprenta._sync_capture_components() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, amprenta AS
$$
BEGIN
	IF NOT amprenta._sync_begin() THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' THEN
		INSERT INTO amprenta.sync_capture (sink, op, entity_type, entity_ids)
		SELECT s.sink, 'upsert', 'signature', c.ids
		  FROM (SELECT array_agg(DISTINCT o.signature_id) AS ids FROM old_rows o
				 WHERE EXISTS (SELECT 1 FROM amprenta.signatures g WHERE g.id = o.signature_id)) c,
			   amprenta._sync_sinks('signature') AS s (sink)
		 WHERE c.ids IS NOT NULL;
	ELSE
		INSERT INTO amprenta.sync_capture (sink, op, entity_type, entity_ids)
		SELECT s.sink, 'upsert', 'signature', c.ids
		  FROM (SELECT array_agg(DISTINCT n.signature_id) AS ids FROM new_rows n) c,
			   amprenta._sync_sinks('signature') AS s (sink)
		 WHERE c.ids IS NOT NULL;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION amprenta._sync_capture_components() IS
	'Trigger function (statement level): queues the signatures whose components changed.';

DO $$
DECLARE
	t record;
BEGIN
	FOR t IN SELECT * FROM (VALUES ('programs', 'program'), ('experiments', 'experiment'),
								   ('datasets', 'dataset'), ('signatures', 'signature'),
								   ('features', 'feature')) AS v (tab, etype)
	LOOP
		EXECUTE format('CREATE TRIGGER sync_insert AFTER INSERT ON amprenta.%I '
					   'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT '
					   'EXECUTE FUNCTION amprenta._sync_capture(%L)', t.tab, t.etype);
		EXECUTE format('CREATE TRIGGER sync_update AFTER UPDATE ON amprenta.%I '
					   'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT '
					   'EXECUTE FUNCTION amprenta._sync_capture(%L)', t.tab, t.etype);
		EXECUTE format('CREATE TRIGGER sync_delete AFTER DELETE ON amprenta.%I '
					   'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT '
					   'EXECUTE FUNCTION amprenta._sync_capture(%L)', t.tab, t.etype);
	END LOOP;
END
$$;
-- Features are many and rarely worth a page each: their sync is off until
-- an administrator enables these three triggers (see doc/sync.md).
ALTER TABLE amprenta.features DISABLE TRIGGER sync_insert;
ALTER TABLE amprenta.features DISABLE TRIGGER sync_update;
ALTER TABLE amprenta.features DISABLE TRIGGER sync_delete;

CREATE TRIGGER sync_insert AFTER INSERT ON amprenta.signature_components
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
	EXECUTE FUNCTION amprenta._sync_capture_components();
CREATE TRIGGER sync_update AFTER UPDATE ON amprenta.signature_components
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
	EXECUTE FUNCTION amprenta._sync_capture_components();
CREATE TRIGGER sync_delete AFTER DELETE ON amprenta.signature_components
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
	EXECUTE FUNCTION amprenta._sync_capture_components();

-- What the sinks receive for an entity: a title, a text body (the chunks of
-- the semantic index, the blocks of a new Notion page), the row as JSON for
-- Notion properties, and the page the user linked.  Built here, in SQL, so
-- an administrator can read (and adapt) exactly what leaves the database.
-- Set-based: the worker asks once per entity type for a whole batch (a
-- call per entity cost as much as embedding it); _sync_document below is
-- the same for one entity.  Generic plans: each query's plan (index lookups
-- by id) suits one id as well as hundreds, and planning these queries anew
-- at every call cost more than running them for one entity.  The semantic
-- index leaves the row out (with_properties false): turning a row into
-- JSON cost twice as much as the rest of its document.
CREATE FUNCTION amprenta._sync_documents(entity_type text, entity_ids uuid[],
										 with_properties boolean DEFAULT true,
										 OUT entity_id uuid, OUT title text, OUT body text,
										 OUT properties jsonb, OUT notion_page_id text)
	RETURNS SETOF record
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, amprenta
	SET plan_cache_mode = force_generic_plan AS
$$
BEGIN
	IF entity_type = 'dataset' THEN
		RETURN QUERY
		SELECT d.id, d.name,
			   concat_ws(E'\n\n',
				 concat_ws(E'\n',
					'Dataset: ' || d.name,
					'Omics type: ' || d.omics_type::text,
					'Organism: ' || nullif(array_to_string(d.organism, ', '), ''),
					'Disease: ' || nullif(array_to_string(d.disease, ', '), ''),
					'Sample type: ' || nullif(array_to_string(d.sample_type, ', '), ''),
					'File: ' || d.file_name),
				 d.description, d.summary, d.methods, d.results, d.conclusions,
				 (SELECT 'Top features: ' || string_agg(format('%s (%s, log2FC %s, adj. p %s)',
						 f.normalized_name, f.feature_type,
						 coalesce(round(x.log2_fold_change::numeric, 2)::text, 'NA'),
						 coalesce(trim(to_char(x.adjusted_p_value, '9.99EEEE')), 'NA')), '; ' ORDER BY x.ord)
					FROM (SELECT df.feature_id, df.log2_fold_change, df.adjusted_p_value,
								 row_number() OVER (ORDER BY abs(df.statistic) DESC NULLS LAST,
													df.adjusted_p_value NULLS LAST, df.ordinal) AS ord
							FROM amprenta.dataset_features df
						   WHERE df.dataset_id = d.id AND df.feature_id IS NOT NULL
						   ORDER BY ord LIMIT 20) x
					JOIN amprenta.features f ON f.id = x.feature_id),
				 (SELECT 'Signature scores: ' || string_agg(format('%s (%s %s%s)', g.name, s.method,
						 coalesce(round(s.score::numeric, 3)::text, 'NA'),
						 coalesce(', p ' || trim(to_char(s.p_value, '9.99EEEE')), '')), '; '
						 ORDER BY s.score DESC NULLS LAST, g.name)
					FROM (SELECT * FROM amprenta.dataset_signature_scores s0
						   WHERE s0.dataset_id = d.id ORDER BY s0.score DESC NULLS LAST LIMIT 10) s
					JOIN amprenta.signatures g ON g.id = s.signature_id)),
			   CASE WHEN with_properties THEN to_jsonb(d) - '{sample_names,file_sha256,external_ids}'::text[] END,
			   d.notion_page_id
		  FROM amprenta.datasets d WHERE d.id = ANY (entity_ids);
	ELSIF entity_type = 'signature' THEN
		RETURN QUERY
		SELECT g.id, g.name,
			   concat_ws(E'\n\n',
				 concat_ws(E'\n',
					'Signature: ' || g.name,
					'Source: ' || g.source,
					'Biomarker role: ' || nullif(array_to_string(g.biomarker_role, ', '), ''),
					'Phenotype axes: ' || nullif(array_to_string(g.phenotype_axes, ', '), '')),
				 g.description,
				 (SELECT 'Components: ' || string_agg(format('%s %s %s%s', c.feature_type, c.feature_name,
						 coalesce(c.direction::text, 'unspecified'),
						 CASE WHEN c.weight <> 1 THEN ' (weight ' || c.weight || ')' ELSE '' END), '; '
						 ORDER BY c.feature_type, c.feature_name)
					FROM amprenta.signature_components c WHERE c.signature_id = g.id),
				 (SELECT 'Best datasets: ' || string_agg(format('%s (%s %s)', d.name, s.method,
						 coalesce(round(s.score::numeric, 3)::text, 'NA')), '; '
						 ORDER BY s.score DESC NULLS LAST, d.name)
					FROM (SELECT * FROM amprenta.dataset_signature_scores s0
						   WHERE s0.signature_id = g.id ORDER BY s0.score DESC NULLS LAST LIMIT 10) s
					JOIN amprenta.datasets d ON d.id = s.dataset_id)),
			   CASE WHEN with_properties THEN to_jsonb(g) - '{external_ids}'::text[]
				 || jsonb_build_object('components',
						(SELECT count(*) FROM amprenta.signature_components c WHERE c.signature_id = g.id)) END,
			   g.notion_page_id
		  FROM amprenta.signatures g WHERE g.id = ANY (entity_ids);
	ELSIF entity_type = 'program' THEN
		RETURN QUERY
		SELECT p.id, p.name,
			   concat_ws(E'\n\n',
				 concat_ws(E'\n', 'Program: ' || p.name,
					'Disease: ' || nullif(array_to_string(p.disease, ', '), '')),
				 p.description,
				 (SELECT 'Experiments: ' || string_agg(e.name, '; ' ORDER BY e.name)
					FROM amprenta.program_experiments pe JOIN amprenta.experiments e ON e.id = pe.experiment_id
				   WHERE pe.program_id = p.id),
				 (SELECT 'Datasets: ' || string_agg(d.name, '; ' ORDER BY d.name)
					FROM amprenta.program_datasets pd JOIN amprenta.datasets d ON d.id = pd.dataset_id
				   WHERE pd.program_id = p.id)),
			   CASE WHEN with_properties THEN to_jsonb(p) - '{external_ids}'::text[] END,
			   p.notion_page_id
		  FROM amprenta.programs p WHERE p.id = ANY (entity_ids);
	ELSIF entity_type = 'experiment' THEN
		RETURN QUERY
		SELECT e.id, e.name,
			   concat_ws(E'\n\n',
				 concat_ws(E'\n', 'Experiment: ' || e.name,
					'Type: ' || e.type,
					'Disease: ' || nullif(array_to_string(e.disease, ', '), ''),
					'Matrix: ' || nullif(array_to_string(e.matrix, ', '), ''),
					'Model systems: ' || nullif(array_to_string(e.model_systems, ', '), ''),
					'Targets: ' || nullif(array_to_string(e.targets, ', '), ''),
					'Modality: ' || nullif(array_to_string(e.modality, ', '), ''),
					'Stage: ' || e.stage),
				 e.description,
				 (SELECT 'Datasets: ' || string_agg(d.name, '; ' ORDER BY d.name)
					FROM amprenta.experiment_datasets ed JOIN amprenta.datasets d ON d.id = ed.dataset_id
				   WHERE ed.experiment_id = e.id)),
			   CASE WHEN with_properties THEN to_jsonb(e) - '{external_ids}'::text[] END,
			   e.notion_page_id
		  FROM amprenta.experiments e WHERE e.id = ANY (entity_ids);
	ELSIF entity_type = 'feature' THEN
		RETURN QUERY
		SELECT f.id, f.normalized_name,
			   concat_ws(E'\n', 'Feature: ' || f.normalized_name,
				  'Type: ' || f.feature_type::text,
				  'Name as first seen: ' || f.name,
				  'Aliases: ' || nullif(array_to_string(f.aliases, ', '), '')),
			   CASE WHEN with_properties THEN to_jsonb(f) END,
			   f.notion_page_id
		  FROM amprenta.features f WHERE f.id = ANY (entity_ids);
	END IF;
END
$$;
COMMENT ON FUNCTION amprenta._sync_documents(text, uuid[], boolean) IS
	'Internal: id, title, text body, row as JSON (NULL unless with_properties) and linked Notion page of each listed entity of one type, as sent to Notion and embedded for search.';

CREATE FUNCTION amprenta._sync_document(entity_type text, entity_id uuid,
										OUT title text, OUT body text,
										OUT properties jsonb, OUT notion_page_id text)
	RETURNS SETOF record
	LANGUAGE sql STABLE ROWS 1 AS
$$
	SELECT d.title, d.body, d.properties, d.notion_page_id
	  FROM amprenta._sync_documents($1, ARRAY[$2]) d
$$;
COMMENT ON FUNCTION amprenta._sync_document(text, uuid) IS
	'Internal: title, text body, row as JSON and linked Notion page of an entity, as sent to Notion and embedded for search (_sync_documents for one entity).';

-- Queue entities of one sink now (the body of amprenta_notion_sync and
-- amprenta_pinecone_sync, also run by the worker for callers that wait).
CREATE FUNCTION amprenta._sync_enqueue(sink text, entity_type text, entity_id uuid)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, amprenta AS
$$
DECLARE
	t record;
	n bigint;
	total bigint := 0;
BEGIN
	FOR t IN SELECT * FROM (VALUES ('program', 'programs'), ('experiment', 'experiments'),
								   ('dataset', 'datasets'), ('signature', 'signatures'),
								   ('feature', 'features')) AS v (etype, tab)
			  WHERE (_sync_enqueue.entity_type IS NULL AND v.etype <> 'feature')
				 OR v.etype = _sync_enqueue.entity_type
	LOOP
		IF sink = 'notion' AND NOT EXISTS (SELECT 1 FROM amprenta.notion_targets n
											WHERE n.entity_type = t.etype AND n.enabled) THEN
			CONTINUE;
		END IF;
		EXECUTE format('INSERT INTO amprenta.sync_outbox (sink, op, entity_type, entity_id) '
					   'SELECT $1, ''upsert'', $2, x.id FROM amprenta.%I x WHERE $3 IS NULL OR x.id = $3 '
					   'ON CONFLICT (sink, entity_type, entity_id) WHERE state = ''pending'' '
					   'DO UPDATE SET op = ''upsert''', t.tab)
			USING sink, t.etype, entity_id;
		GET DIAGNOSTICS n = ROW_COUNT;
		total := total + n;
	END LOOP;
	RETURN total;
END
$$;
COMMENT ON FUNCTION amprenta._sync_enqueue(text, text, uuid) IS
	'Internal: queues the matching entities for one sink; returns how many.';

-- The worker's check of the index configuration (src/sync_config.c), at
-- every turn its own fingerprint differs from the one it checked last.
-- One transaction: the stored fingerprint changes together with the
-- queueing, so a crash in between leaves both or neither.
-- - Same fingerprint: nothing.
-- - Another one: every entity is queued (as amprenta_pinecone_sync() does,
--   plus the features the index holds); dead rows of the sink whose entity
--   is now pending are dropped (their errors were about the old
--   configuration; one that still fails dies again with a fresh error).
-- - None stored yet (a new database): stored; what the index already
--   holds, if anything, was made under an unknown configuration and is
--   queued (an entity whose hash still matches costs only a read).
-- An entity already pending keeps its row (and op: a pending delete stays
-- one), except that _sync_enqueue makes an existing entity's row an upsert.
CREATE FUNCTION amprenta._sync_config_changed(sink text, fingerprint text)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, amprenta AS
$$
#variable_conflict use_column
DECLARE
	old text;
	n bigint;
	total bigint := 0;
BEGIN
	IF _sync_config_changed.sink IS DISTINCT FROM 'pinecone' THEN
		RAISE EXCEPTION 'the configuration of sink "%" is not tracked', _sync_config_changed.sink USING ERRCODE = '22023',
			HINT = 'Only the semantic index (pinecone) has one.';
	END IF;
	IF coalesce(_sync_config_changed.fingerprint, '') = '' THEN
		RAISE EXCEPTION 'empty fingerprint' USING ERRCODE = '22023';
	END IF;
	-- Taking the row first serialises concurrent callers: a second insert
	-- waits for the first, then finds its row.
	INSERT INTO amprenta.sync_config AS c (sink, fingerprint, changed_at)
	VALUES (_sync_config_changed.sink, _sync_config_changed.fingerprint, now())
	ON CONFLICT ON CONSTRAINT sync_config_pkey DO NOTHING;
	IF FOUND THEN
		INSERT INTO amprenta.sync_outbox (sink, op, entity_type, entity_id)
		SELECT r.sink, 'upsert', r.entity_type, r.entity_id
		  FROM amprenta.sync_refs r WHERE r.sink = _sync_config_changed.sink
		ON CONFLICT (sink, entity_type, entity_id) WHERE state = 'pending' DO UPDATE SET op = sync_outbox.op;
		GET DIAGNOSTICS total = ROW_COUNT;
	ELSE
		SELECT c.fingerprint INTO old FROM amprenta.sync_config c
		 WHERE c.sink = _sync_config_changed.sink FOR UPDATE;
		IF old = _sync_config_changed.fingerprint THEN
			RETURN 0;
		END IF;
		UPDATE amprenta.sync_config c SET fingerprint = _sync_config_changed.fingerprint, changed_at = now()
		 WHERE c.sink = _sync_config_changed.sink;
		-- The sink's refs go on describing the index in use: those of the
		-- old configuration are kept aside, those kept for the new one (an
		-- index used before) come back; an entity the new index holds
		-- nothing of counts no vector there.  Content hashes stay: they
		-- include the fingerprint, so every entity is sent again, and the
		-- counts tell the worker which vectors to delete.
		DELETE FROM amprenta.sync_index_archive a WHERE a.fingerprint = old;
		INSERT INTO amprenta.sync_index_archive (fingerprint, entity_type, entity_id, chunk_count)
		SELECT old, r.entity_type, r.entity_id, r.chunk_count
		  FROM amprenta.sync_refs r WHERE r.sink = _sync_config_changed.sink AND r.chunk_count > 0;
		UPDATE amprenta.sync_refs r SET chunk_count = x.chunk_count
		  FROM (SELECT r2.entity_type, r2.entity_id, coalesce(a.chunk_count, 0) AS chunk_count
				  FROM amprenta.sync_refs r2
				  LEFT JOIN amprenta.sync_index_archive a
						 ON a.fingerprint = _sync_config_changed.fingerprint
						AND a.entity_type = r2.entity_type AND a.entity_id = r2.entity_id
				 WHERE r2.sink = _sync_config_changed.sink) x
		 WHERE r.sink = _sync_config_changed.sink AND r.entity_type = x.entity_type
		   AND r.entity_id = x.entity_id AND r.chunk_count <> x.chunk_count;
		INSERT INTO amprenta.sync_refs (sink, entity_type, entity_id, external_id, chunk_count)
		SELECT _sync_config_changed.sink, a.entity_type, a.entity_id, a.entity_type || ':' || a.entity_id,
			   a.chunk_count
		  FROM amprenta.sync_index_archive a
		 WHERE a.fingerprint = _sync_config_changed.fingerprint
		   AND NOT EXISTS (SELECT 1 FROM amprenta.sync_refs r
							WHERE r.sink = _sync_config_changed.sink
							  AND r.entity_type = a.entity_type AND r.entity_id = a.entity_id);
		DELETE FROM amprenta.sync_index_archive a WHERE a.fingerprint = _sync_config_changed.fingerprint;
		total := amprenta._sync_enqueue(_sync_config_changed.sink, NULL, NULL);
		-- And what else the index holds: features (queued by their triggers
		-- only, when enabled) are indexed again; entities deleted since are
		-- deleted from it (an upsert of an entity that no longer exists
		-- deletes its vectors).
		INSERT INTO amprenta.sync_outbox (sink, op, entity_type, entity_id)
		SELECT r.sink, 'upsert', r.entity_type, r.entity_id
		  FROM amprenta.sync_refs r
		 WHERE r.sink = _sync_config_changed.sink
		   AND NOT EXISTS (SELECT 1 FROM amprenta.sync_outbox o
							WHERE o.sink = r.sink AND o.entity_type = r.entity_type
							  AND o.entity_id = r.entity_id AND o.state = 'pending')
		ON CONFLICT (sink, entity_type, entity_id) WHERE state = 'pending' DO UPDATE SET op = sync_outbox.op;
		GET DIAGNOSTICS n = ROW_COUNT;
		total := total + n;
	END IF;
	DELETE FROM amprenta.sync_outbox d
	 WHERE d.sink = _sync_config_changed.sink AND d.state = 'dead'
	   AND EXISTS (SELECT 1 FROM amprenta.sync_outbox p
				    WHERE p.state = 'pending' AND p.sink = d.sink
					  AND p.entity_type = d.entity_type AND p.entity_id = d.entity_id);
	RETURN total;
END
$$;
COMMENT ON FUNCTION amprenta._sync_config_changed(text, text) IS
	'Internal: run by the sync worker when its index configuration differs from the one it checked last; stores it in sync_config and, when the stored one differs, keeps the refs of the index left in sync_index_archive, brings back those kept for the new one, and queues every entity for the index (and those the index holds that are gone). Returns how many were queued.';

-- The worker records a page it created on the entity row, unless the user
-- linked one already.  notion_page_id is not synced content: no new change.
CREATE FUNCTION amprenta._sync_set_page_id(entity_type text, entity_id uuid, page_id text,
											replaces text DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, amprenta AS
$$
BEGIN
	IF entity_type NOT IN ('program', 'experiment', 'dataset', 'signature', 'feature') THEN
		RAISE EXCEPTION 'unknown entity type "%"', entity_type USING ERRCODE = '22023';
	END IF;
	-- replaces: the page the worker had made before, gone from Notion since.
	EXECUTE format('UPDATE amprenta.%I SET notion_page_id = $2 WHERE id = $1 '
				   'AND (notion_page_id IS NULL OR notion_page_id = $3)', entity_type || 's')
		USING entity_id, page_id, replaces;
END
$$;
COMMENT ON FUNCTION amprenta._sync_set_page_id(text, uuid, text, text) IS
	'Internal: stores the Notion page the worker created on the entity row, unless one is set (or the one set is replaces, a page the worker made that is gone).';

-- Captured changes become queue rows: the worker runs this in a
-- transaction of its own before it claims.  Of several captures of one
-- entity the latest op wins; a pending row of the entity is reused
-- (coalescing).  FOR UPDATE without SKIP LOCKED: two expanders take
-- captures in order, so an older capture never overrides a newer one.
CREATE FUNCTION amprenta._sync_expand(batch integer DEFAULT 100)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, amprenta AS
$$
DECLARE
	n bigint;
BEGIN
	WITH taken AS (
		DELETE FROM amprenta.sync_capture c
		 WHERE c.id IN (SELECT id FROM amprenta.sync_capture ORDER BY id LIMIT batch FOR UPDATE)
		RETURNING c.*),
	latest AS (
		SELECT DISTINCT ON (t.sink, t.entity_type, e.id) t.sink, t.op, t.entity_type, e.id, t.created_at
		  FROM taken t, unnest(t.entity_ids) AS e (id)
		 ORDER BY t.sink, t.entity_type, e.id, t.id DESC)
	INSERT INTO amprenta.sync_outbox AS o (sink, op, entity_type, entity_id, created_at)
	SELECT sink, op, entity_type, id, created_at FROM latest
	ON CONFLICT (sink, entity_type, entity_id) WHERE state = 'pending'
	DO UPDATE SET op = EXCLUDED.op;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;
COMMENT ON FUNCTION amprenta._sync_expand(integer) IS
	'Internal: moves up to batch captured statements from sync_capture into sync_outbox (coalesced); returns the number of queue rows written.';

-- The claim of the sync worker (and of any external process that drains
-- the queue instead): lease up to batch due rows of a sink, committed at
-- once by the caller.  The claim writes one sync_leases row for the batch
-- and leaves the queue rows alone: rewriting each claimed row (a new
-- version and three index entries per row) was most of a claim's cost.
-- Claims take the lease table's lock in turn, and each one's snapshot is
-- taken after the lock (READ COMMITTED), so it sees every lease committed
-- before it: two claimers never get the same row.  Each row comes with its
-- version (xmin): a change of the entity queued meanwhile updates the row,
-- and the worker's record then leaves it queued instead of deleting it.
-- One queue row per entity and sink (sync_outbox_pending_key) keeps an
-- entity's changes in order.
CREATE FUNCTION amprenta._sync_claim(sink text, batch integer, lease_seconds integer)
	RETURNS TABLE (id bigint, op text, entity_type text, entity_id uuid, attempts integer,
				   version xid, lease_id bigint)
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, amprenta AS
$$
#variable_conflict use_column
BEGIN
	IF current_setting('transaction_isolation') <> 'read committed' THEN
		RAISE EXCEPTION 'amprenta._sync_claim() needs READ COMMITTED isolation'
			USING ERRCODE = '25000',
				  HINT = 'A claim must see the leases committed before it; claim in a transaction of its own.';
	END IF;
	LOCK TABLE amprenta.sync_leases IN SHARE ROW EXCLUSIVE MODE;
	RETURN QUERY
	WITH c AS (
		SELECT o.id, o.op, o.entity_type, o.entity_id, o.attempts, o.xmin AS version
		  FROM amprenta.sync_outbox o
		 WHERE o.sink = _sync_claim.sink AND o.state = 'pending' AND o.next_attempt_at <= now()
		   AND o.id NOT IN (SELECT unnest(l.outbox_ids) FROM amprenta.sync_leases l
							 WHERE l.sink = _sync_claim.sink)
		 ORDER BY o.next_attempt_at, o.id
		 LIMIT batch),
	lease AS (
		INSERT INTO amprenta.sync_leases (sink, outbox_ids, leased_by, lease_until)
		SELECT _sync_claim.sink, array_agg(c.id), pg_backend_pid(),
			   now() + lease_seconds * interval '1 second'
		  FROM c HAVING count(*) > 0
		RETURNING sync_leases.id)
	SELECT c.id, c.op, c.entity_type, c.entity_id, c.attempts, c.version, lease.id
	  FROM c, lease;
END
$$;
COMMENT ON FUNCTION amprenta._sync_claim(text, integer, integer) IS
	'Internal: leases up to batch due queue rows of a sink for lease_seconds (one sync_leases row); returns them with their version and the lease.';

-- Leases that expired (their worker died or hung): the rows return to the
-- queue, due now, with the attempt spent.
CREATE FUNCTION amprenta._sync_reclaim() RETURNS bigint
	LANGUAGE sql VOLATILE
	SET search_path = pg_catalog, amprenta AS
$$
	WITH expired AS (
		DELETE FROM amprenta.sync_leases l WHERE l.lease_until < now() RETURNING l.outbox_ids),
	back AS (
		UPDATE amprenta.sync_outbox o
		   SET attempts = o.attempts + 1, next_attempt_at = now(),
			   last_error = coalesce(o.last_error, 'lease expired: the worker stopped during delivery')
		 WHERE o.state = 'pending' AND o.id IN (SELECT unnest(e.outbox_ids) FROM expired e)
		RETURNING 1)
	SELECT count(*) FROM back
$$;
COMMENT ON FUNCTION amprenta._sync_reclaim() IS
	'Internal: ends expired leases; their rows are due again with one attempt spent. Returns how many rows returned.';

-- NULL when nothing is queued: the worker then sleeps its full naptime.
-- (greatest(0, NULL) would be 0, a wake-up every millisecond.)
CREATE FUNCTION amprenta._sync_ms_until_due(sink text) RETURNS bigint
	LANGUAGE sql VOLATILE
	SET search_path = pg_catalog, amprenta AS
$$
	SELECT CASE
		WHEN EXISTS (SELECT 1 FROM amprenta.sync_capture c WHERE c.sink = $1) THEN 0
		ELSE (SELECT greatest(0, ceil(extract(epoch FROM d.t - clock_timestamp()) * 1000))::bigint
				FROM (SELECT least(
						(SELECT min(o.next_attempt_at) FROM amprenta.sync_outbox o
						  WHERE o.sink = $1 AND o.state = 'pending'
							AND o.id NOT IN (SELECT unnest(l.outbox_ids) FROM amprenta.sync_leases l
											  WHERE l.sink = $1)),
						(SELECT min(l.lease_until) FROM amprenta.sync_leases l WHERE l.sink = $1)) AS t) d
			   WHERE d.t IS NOT NULL)
	END
$$;
COMMENT ON FUNCTION amprenta._sync_ms_until_due(text) IS
	'Internal: milliseconds until the worker has something to do for a sink (a pending row falls due, a lease expires, or captured changes wait); NULL when nothing is queued.';

CREATE FUNCTION amprenta.amprenta_notion_sync(entity_type text DEFAULT NULL, entity_id uuid DEFAULT NULL,
											  wait_seconds integer DEFAULT 0)
	RETURNS bigint
	AS 'MODULE_PATHNAME', 'amprenta_notion_sync'
	LANGUAGE C VOLATILE;
COMMENT ON FUNCTION amprenta.amprenta_notion_sync(text, uuid, integer) IS
	'Queues entities (all, one type, or one entity) for Notion now; with wait_seconds > 0, waits until they are delivered. Returns the number queued.';

CREATE FUNCTION amprenta.amprenta_pinecone_sync(entity_type text DEFAULT NULL, entity_id uuid DEFAULT NULL,
												wait_seconds integer DEFAULT 0)
	RETURNS bigint
	AS 'MODULE_PATHNAME', 'amprenta_pinecone_sync'
	LANGUAGE C VOLATILE;
COMMENT ON FUNCTION amprenta.amprenta_pinecone_sync(text, uuid, integer) IS
	'Queues entities (all, one type, or one entity) for the semantic index (chunks, and Pinecone when configured) now; with wait_seconds > 0, waits until they are delivered. Returns the number queued.';

CREATE FUNCTION amprenta.amprenta_retry_dead(sink text DEFAULT NULL, entity_type text DEFAULT NULL,
											 entity_id uuid DEFAULT NULL)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, amprenta AS
$$
DECLARE
	n bigint;
BEGIN
	IF sink IS NOT NULL AND sink NOT IN ('notion', 'pinecone') THEN
		RAISE EXCEPTION 'unknown sink "%"', sink USING ERRCODE = '22023',
			HINT = 'Valid sinks: notion, pinecone.';
	END IF;
	IF entity_type IS NOT NULL AND entity_type NOT IN ('program', 'experiment', 'dataset', 'signature', 'feature') THEN
		RAISE EXCEPTION 'unknown entity type "%"', entity_type USING ERRCODE = '22023',
			HINT = 'Valid entity types: program, experiment, dataset, signature, feature.';
	END IF;
	-- The newest dead row of each entity goes back to the queue (unless a
	-- newer change is already pending); older dead rows of it are dropped.
	WITH locked AS (
		SELECT o.id FROM amprenta.sync_outbox o
		 WHERE o.state = 'dead'
		   AND (amprenta_retry_dead.sink IS NULL OR o.sink = amprenta_retry_dead.sink)
		   AND (amprenta_retry_dead.entity_type IS NULL OR o.entity_type = amprenta_retry_dead.entity_type)
		   AND (amprenta_retry_dead.entity_id IS NULL OR o.entity_id = amprenta_retry_dead.entity_id)
		   FOR UPDATE),
	dead AS (
		SELECT o.id, o.sink, o.entity_type, o.entity_id,
			   row_number() OVER (PARTITION BY o.sink, o.entity_type, o.entity_id ORDER BY o.id DESC) AS newest
		  FROM amprenta.sync_outbox o JOIN locked l ON l.id = o.id),
	revive AS (
		SELECT d.id FROM dead d
		 WHERE d.newest = 1
		   AND NOT EXISTS (SELECT 1 FROM amprenta.sync_outbox p
							WHERE p.state = 'pending' AND p.sink = d.sink
							  AND p.entity_type = d.entity_type AND p.entity_id = d.entity_id)),
	dropped AS (
		DELETE FROM amprenta.sync_outbox o USING dead d
		 WHERE o.id = d.id AND d.id NOT IN (SELECT id FROM revive))
	UPDATE amprenta.sync_outbox o
	   SET state = 'pending', attempts = 0, next_attempt_at = now()
	  FROM revive r WHERE o.id = r.id;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n > 0 THEN
		PERFORM amprenta._sync_begin();
	END IF;
	RETURN n;
END
$$;
COMMENT ON FUNCTION amprenta.amprenta_retry_dead(text, text, uuid) IS
	'Puts dead queue rows (optionally of one sink, entity type or entity) back in the queue with their attempts reset; returns how many.';

CREATE FUNCTION amprenta.amprenta_worker_status(
		OUT database name, OUT pid integer, OUT state text,
		OUT started_at timestamptz, OUT heartbeat timestamptz, OUT restart_at timestamptz,
		OUT exits integer, OUT requests bigint, OUT delivered bigint, OUT retried bigint,
		OUT throttled bigint, OUT dead bigint,
		OUT notion_paused_until timestamptz, OUT pinecone_paused_until timestamptz,
		OUT last_error text, OUT last_error_at timestamptz)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'amprenta_worker_status'
	LANGUAGE C VOLATILE;
COMMENT ON FUNCTION amprenta.amprenta_worker_status() IS
	'One row per sync worker slot (database), from shared memory; one row with state ''not preloaded'' when the library was not loaded through shared_preload_libraries.';

-------------------------------------------------------------------------------
-- Semantic search over the local index
-------------------------------------------------------------------------------

CREATE FUNCTION amprenta.amprenta_embed_local(content text, dimension integer DEFAULT NULL) RETURNS real[]
	AS 'MODULE_PATHNAME', 'amprenta_embed_local'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION amprenta.amprenta_embed_local(text, integer) IS
	'The vector the built-in embedder (amprenta-hash-v1) gives a text; dimension NULL = amprenta.embedding_dimension.';

CREATE FUNCTION amprenta.amprenta_cosine(a real[], b real[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'amprenta_cosine'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION amprenta.amprenta_cosine(real[], real[]) IS
	'Cosine similarity of two vectors of the same dimension (0 when either is zero).';

CREATE FUNCTION amprenta.amprenta_search(query text, top_k integer DEFAULT 10, filter jsonb DEFAULT '{}')
	RETURNS TABLE (entity_type text, entity_id uuid, chunk_no integer, score double precision,
				   snippet text, notion_page_id text)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, amprenta AS
$$
DECLARE
	q real[];
	model text := 'amprenta-hash-v1';
BEGIN
	IF top_k IS NULL OR top_k < 1 THEN
		RAISE EXCEPTION 'top_k must be positive' USING ERRCODE = '22023';
	END IF;
	IF filter IS NULL OR jsonb_typeof(filter) <> 'object'
	   OR EXISTS (SELECT 1 FROM jsonb_object_keys(filter) k WHERE k NOT IN ('entity_type')) THEN
		RAISE EXCEPTION 'invalid filter %', filter USING ERRCODE = '22023',
			HINT = 'The filter is a JSON object; its one key is "entity_type".';
	END IF;
	IF current_setting('amprenta.embedding_provider') <> 'local' THEN
		RAISE EXCEPTION 'amprenta_search embeds the query with the built-in embedder only'
			USING ERRCODE = '0A000',
			HINT = 'Set amprenta.embedding_provider = local, or query Pinecone directly.';
	END IF;
	q := amprenta.amprenta_embed_local(query);
	RETURN QUERY
	SELECT c.entity_type, c.entity_id, c.chunk_no, amprenta.amprenta_cosine(c.embedding, q) AS score,
		   left(c.content, 200), r.external_id
	  FROM amprenta.chunks c
	  LEFT JOIN amprenta.sync_refs r ON r.sink = 'notion' AND r.entity_type = c.entity_type
		   AND r.entity_id = c.entity_id
	 WHERE c.embedding_model = model AND array_length(c.embedding, 1) = array_length(q, 1)
	   AND (filter->>'entity_type' IS NULL OR c.entity_type = filter->>'entity_type')
	 ORDER BY score DESC, c.entity_type, c.entity_id, c.chunk_no
	 LIMIT top_k;
END
$$;
COMMENT ON FUNCTION amprenta.amprenta_search(text, integer, jsonb) IS
	'The chunks of the local index most similar to a query (exact cosine, built-in embedder), best first, with the Notion page of their entity.';

CREATE VIEW amprenta.sync_errors AS
SELECT o.id AS outbox_id,
	   o.sink,
	   o.op,
	   o.entity_type,
	   o.entity_id,
	   coalesce(p.name, e.name, d.name, g.name, f.normalized_name) AS entity_name,
	   CASE WHEN o.state = 'pending' AND EXISTS (SELECT 1 FROM amprenta.sync_leases x WHERE o.id = ANY (x.outbox_ids))
			THEN 'inflight' ELSE o.state END AS state,
	   o.attempts,
	   o.last_http_status,
	   o.last_error,
	   o.next_attempt_at,
	   o.updated_at
  FROM amprenta.sync_outbox o
  LEFT JOIN amprenta.programs p ON o.entity_type = 'program' AND p.id = o.entity_id
  LEFT JOIN amprenta.experiments e ON o.entity_type = 'experiment' AND e.id = o.entity_id
  LEFT JOIN amprenta.datasets d ON o.entity_type = 'dataset' AND d.id = o.entity_id
  LEFT JOIN amprenta.signatures g ON o.entity_type = 'signature' AND g.id = o.entity_id
  LEFT JOIN amprenta.features f ON o.entity_type = 'feature' AND f.id = o.entity_id
 WHERE o.last_error IS NOT NULL OR o.state = 'dead';
COMMENT ON VIEW amprenta.sync_errors IS 'Queue rows that failed at least once: dead ones and pending ones waiting for a retry, with the entity''s name and the last error.';
COMMENT ON COLUMN amprenta.sync_errors.outbox_id IS 'sync_outbox.id.';
COMMENT ON COLUMN amprenta.sync_errors.sink IS 'notion or pinecone.';
COMMENT ON COLUMN amprenta.sync_errors.op IS 'upsert or delete.';
COMMENT ON COLUMN amprenta.sync_errors.entity_type IS 'Kind of entity.';
COMMENT ON COLUMN amprenta.sync_errors.entity_id IS 'Id of the entity.';
COMMENT ON COLUMN amprenta.sync_errors.entity_name IS 'Name of the entity (NULL when it was deleted).';
COMMENT ON COLUMN amprenta.sync_errors.state IS 'pending (will be retried), inflight or dead.';
COMMENT ON COLUMN amprenta.sync_errors.attempts IS 'Attempts spent.';
COMMENT ON COLUMN amprenta.sync_errors.last_http_status IS 'HTTP status of the last attempt (NULL: no response).';
COMMENT ON COLUMN amprenta.sync_errors.last_error IS 'Last error (secrets masked).';
COMMENT ON COLUMN amprenta.sync_errors.next_attempt_at IS 'When it is tried again (pending rows).';
COMMENT ON COLUMN amprenta.sync_errors.updated_at IS 'When the row last changed.';

-------------------------------------------------------------------------------
-- Identifier normalization
-------------------------------------------------------------------------------

CREATE FUNCTION amprenta.amprenta_normalize_lipid(name text, level text DEFAULT NULL) RETURNS text
	AS 'MODULE_PATHNAME', 'amprenta_normalize_lipid'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION amprenta.amprenta_normalize_lipid(text, text) IS
	'Lipid name in Shorthand 2020 at the given level (species, molecular_species, sn_position, structure_defined, full_structure; NULL = the level the name supports); NULL when the name is not a lipid or lacks that level.';

CREATE FUNCTION amprenta.amprenta_normalize_gene(text) RETURNS text
	AS 'MODULE_PATHNAME', 'amprenta_normalize_gene'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION amprenta.amprenta_normalize_gene(text) IS
	'Canonical gene identifier (HGNC-style symbol, Ensembl id without version, repaired spreadsheet dates); NULL when not a gene identifier.';

CREATE FUNCTION amprenta.amprenta_normalize_protein(text) RETURNS text
	AS 'MODULE_PATHNAME', 'amprenta_normalize_protein'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION amprenta.amprenta_normalize_protein(text) IS
	'Canonical protein identifier (UniProt accession from accessions, FASTA headers, groups); NULL for decoys, contaminants and non-identifiers.';

CREATE FUNCTION amprenta.amprenta_normalize_metabolite(text) RETURNS text
	AS 'MODULE_PATHNAME', 'amprenta_normalize_metabolite'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION amprenta.amprenta_normalize_metabolite(text) IS
	'Canonical metabolite name or database id (adducts and charges removed, stereo and acid/anion forms unified, HMDB/KEGG/ChEBI/LIPID MAPS ids recognised); NULL when not a metabolite.';

CREATE FUNCTION amprenta.amprenta_normalize_feature(name text, feature_type amprenta.feature_type) RETURNS text
	AS 'MODULE_PATHNAME', 'amprenta_normalize_feature'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION amprenta.amprenta_normalize_feature(text, amprenta.feature_type) IS
	'The normalizer of the given feature type applied to name (the one ingestion and scoring use).';

CREATE FUNCTION amprenta.amprenta_infer_feature_type(text) RETURNS amprenta.feature_type
	AS 'MODULE_PATHNAME', 'amprenta_infer_feature_type'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION amprenta.amprenta_infer_feature_type(text) IS
	'Feature type a name looks like (gene, protein, metabolite or lipid); NULL when it gives no evidence.';

CREATE FUNCTION amprenta.amprenta_normalize_explain(
	name text, feature_type amprenta.feature_type DEFAULT NULL,
	OUT feature_type amprenta.feature_type, OUT normalized text, OUT status text, OUT reason text)
	AS 'MODULE_PATHNAME', 'amprenta_normalize_explain'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION amprenta.amprenta_normalize_explain(text, amprenta.feature_type) IS
	'Why a name normalizes as it does: the feature type used (inferred when NULL), the result, the status (ok, repaired, ambiguous, invalid) and the reason.';

-- Signature scoring matches a lipid component to dataset lipids written at
-- another level through their common species (needs the normalizer above).
CREATE INDEX features_lipid_species_idx ON amprenta.features
	(amprenta.amprenta_normalize_lipid(normalized_name, 'species')) WHERE feature_type = 'lipid';

-------------------------------------------------------------------------------
-- Ingestion
-------------------------------------------------------------------------------

CREATE FUNCTION amprenta.amprenta_ingest_file(
	path text, omics_type amprenta.omics_type DEFAULT NULL, options jsonb DEFAULT '{}')
	RETURNS uuid
	AS 'MODULE_PATHNAME', 'amprenta_ingest_file'
	LANGUAGE C VOLATILE;
COMMENT ON FUNCTION amprenta.amprenta_ingest_file(text, amprenta.omics_type, jsonb) IS
	'Ingests an omics result file on the server (superuser or pg_read_server_files) into a new dataset and returns its id; identical bytes and options return the earlier dataset.';

CREATE FUNCTION amprenta.amprenta_ingest_text(
	content text, filename text, omics_type amprenta.omics_type DEFAULT NULL, options jsonb DEFAULT '{}')
	RETURNS uuid
	AS 'MODULE_PATHNAME', 'amprenta_ingest_text'
	LANGUAGE C VOLATILE;
COMMENT ON FUNCTION amprenta.amprenta_ingest_text(text, text, amprenta.omics_type, jsonb) IS
	'Ingests the content of an omics result file sent by the client; filename names the dataset. Same rules as amprenta_ingest_file.';

-------------------------------------------------------------------------------
-- Signatures and scoring
-------------------------------------------------------------------------------

CREATE FUNCTION amprenta.amprenta_create_signature(
	name text, components jsonb, options jsonb DEFAULT '{}')
	RETURNS uuid
	AS 'MODULE_PATHNAME', 'amprenta_create_signature'
	LANGUAGE C VOLATILE;
COMMENT ON FUNCTION amprenta.amprenta_create_signature(text, jsonb, jsonb) IS
	'Creates a signature from a JSON array of {feature, feature_type, direction, weight} and returns its id; the same name and components again return the same id.';

CREATE FUNCTION amprenta.amprenta_ingest_signature_file(path text, options jsonb DEFAULT '{}')
	RETURNS uuid
	AS 'MODULE_PATHNAME', 'amprenta_ingest_signature_file'
	LANGUAGE C VOLATILE;
COMMENT ON FUNCTION amprenta.amprenta_ingest_signature_file(text, jsonb) IS
	'Creates a signature from a TSV or CSV file on the server (superuser or pg_read_server_files) and returns its id; a file holding several signatures needs options.signature.';

CREATE FUNCTION amprenta.amprenta_ingest_signature_files(path text, options jsonb DEFAULT '{}')
	RETURNS TABLE (signature_name text, signature_id uuid)
	AS 'MODULE_PATHNAME', 'amprenta_ingest_signature_files'
	LANGUAGE C VOLATILE ROWS 10;
COMMENT ON FUNCTION amprenta.amprenta_ingest_signature_files(text, jsonb) IS
	'Creates one signature per signature_name of a discovery export (or the one signature of a plain file) and returns each name and id.';

CREATE TYPE amprenta.signature_score AS (
	signature_id	uuid,
	dataset_id		uuid,
	method			text,
	score			float8,
	p_value			float8,
	matched			integer,
	total			integer,
	concordant		integer,
	discordant		integer,
	coverage		float8,
	up_score		float8,
	down_score		float8,
	layers			jsonb,
	matches			jsonb
);
COMMENT ON TYPE amprenta.signature_score IS
	'One signature scored against one dataset: score, p-value, counts, coverage, up/down parts, per-layer breakdown and the matches chosen.';

CREATE FUNCTION amprenta.amprenta_score_signature(
	signature_id uuid, dataset_id uuid, options jsonb DEFAULT '{}')
	RETURNS amprenta.signature_score
	AS 'MODULE_PATHNAME', 'amprenta_score_signature_one'
	LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION amprenta.amprenta_score_signature(uuid, uuid, jsonb) IS
	'Scores a signature against one dataset (options: method concordance|rank|ks|legacy, alpha, permutations, seed, details).';

CREATE FUNCTION amprenta.amprenta_score_signature(signature_id uuid, options jsonb DEFAULT '{}')
	RETURNS SETOF amprenta.signature_score
	AS 'MODULE_PATHNAME', 'amprenta_score_signature_all'
	LANGUAGE C STABLE STRICT ROWS 1000;
COMMENT ON FUNCTION amprenta.amprenta_score_signature(uuid, jsonb) IS
	'Scores a signature against every dataset, best first (same options as the one-dataset form).';

CREATE FUNCTION amprenta.amprenta_refresh_scores(signature_id uuid DEFAULT NULL)
	RETURNS bigint
	AS 'MODULE_PATHNAME', 'amprenta_refresh_scores'
	LANGUAGE C VOLATILE;
COMMENT ON FUNCTION amprenta.amprenta_refresh_scores(uuid) IS
	'Recomputes the concordance score of one signature (NULL = every signature) against every dataset into dataset_signature_scores; returns the rows written.';

CREATE VIEW amprenta.signature_leaderboard AS
SELECT r.signature_id,
	   g.name AS signature_name,
	   r.method,
	   r.position,
	   r.dataset_id,
	   d.name AS dataset_name,
	   d.omics_type,
	   d.disease,
	   r.score,
	   r.p_value,
	   -- Benjamini-Hochberg: the smallest p * m / i over this p and every
	   -- larger one, among the datasets scored with the same signature and
	   -- method.
	   CASE WHEN r.p_value IS NOT NULL THEN
		   least(1, min(r.bh) OVER (PARTITION BY r.signature_id, r.method ORDER BY r.p_order DESC
									ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
	   END AS q_value,
	   r.matched,
	   r.total,
	   r.coverage,
	   r.concordant,
	   r.discordant,
	   r.layers,
	   r.computed_at
  FROM (SELECT s.*,
			   rank() OVER (PARTITION BY s.signature_id, s.method
							ORDER BY s.score DESC NULLS LAST) AS position,
			   row_number() OVER w_p AS p_order,
			   s.p_value * count(s.p_value) OVER (PARTITION BY s.signature_id, s.method)
				   / row_number() OVER w_p AS bh
		  FROM amprenta.dataset_signature_scores s
		WINDOW w_p AS (PARTITION BY s.signature_id, s.method
					   ORDER BY s.p_value NULLS LAST, s.dataset_id)) r
  JOIN amprenta.signatures g ON g.id = r.signature_id
  JOIN amprenta.datasets d ON d.id = r.dataset_id;
COMMENT ON VIEW amprenta.signature_leaderboard IS
	'Materialized signature scores with names, position per signature and method (1 = best), and Benjamini-Hochberg q-values; refreshed by amprenta_refresh_scores().';
COMMENT ON COLUMN amprenta.signature_leaderboard.signature_id IS 'The signature.';
COMMENT ON COLUMN amprenta.signature_leaderboard.signature_name IS 'Its name.';
COMMENT ON COLUMN amprenta.signature_leaderboard.method IS 'Scoring method.';
COMMENT ON COLUMN amprenta.signature_leaderboard.position IS 'Rank of the dataset among those scored with this signature and method (1 = best; ties share).';
COMMENT ON COLUMN amprenta.signature_leaderboard.dataset_id IS 'The dataset.';
COMMENT ON COLUMN amprenta.signature_leaderboard.dataset_name IS 'Its name.';
COMMENT ON COLUMN amprenta.signature_leaderboard.omics_type IS 'Its omics type.';
COMMENT ON COLUMN amprenta.signature_leaderboard.disease IS 'Its diseases.';
COMMENT ON COLUMN amprenta.signature_leaderboard.score IS 'The score; NULL when nothing could be matched.';
COMMENT ON COLUMN amprenta.signature_leaderboard.p_value IS 'p-value of the score.';
COMMENT ON COLUMN amprenta.signature_leaderboard.q_value IS 'Benjamini-Hochberg adjusted p-value over the datasets scored with this signature and method.';
COMMENT ON COLUMN amprenta.signature_leaderboard.matched IS 'Components found in the dataset.';
COMMENT ON COLUMN amprenta.signature_leaderboard.total IS 'Components of the dataset''s feature types.';
COMMENT ON COLUMN amprenta.signature_leaderboard.coverage IS 'matched / total.';
COMMENT ON COLUMN amprenta.signature_leaderboard.concordant IS 'Matched components whose direction agrees.';
COMMENT ON COLUMN amprenta.signature_leaderboard.discordant IS 'Matched components whose direction disagrees.';
COMMENT ON COLUMN amprenta.signature_leaderboard.layers IS 'Per omics layer: score, matched, total, weight.';
COMMENT ON COLUMN amprenta.signature_leaderboard.computed_at IS 'When the score was computed.';

-------------------------------------------------------------------------------
-- Roles and privileges
-------------------------------------------------------------------------------
-- Roles are cluster-wide: created if missing, never dropped by DROP EXTENSION.
-- reader < writer < admin (each role is a member of the one before it).

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'amprenta_reader') THEN
		CREATE ROLE amprenta_reader NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'amprenta_writer') THEN
		CREATE ROLE amprenta_writer NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'amprenta_admin') THEN
		CREATE ROLE amprenta_admin NOLOGIN;
	END IF;
	IF NOT pg_has_role('amprenta_writer', 'amprenta_reader', 'MEMBER') THEN
		GRANT amprenta_reader TO amprenta_writer;
	END IF;
	IF NOT pg_has_role('amprenta_admin', 'amprenta_writer', 'MEMBER') THEN
		GRANT amprenta_writer TO amprenta_admin;
	END IF;
END
$$;

REVOKE ALL ON SCHEMA amprenta FROM PUBLIC;
GRANT USAGE ON SCHEMA amprenta TO PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA amprenta FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA amprenta FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA amprenta FROM PUBLIC;

-- Readers see everything.
GRANT SELECT ON ALL TABLES IN SCHEMA amprenta TO amprenta_reader;
GRANT EXECUTE ON FUNCTION
	amprenta.amprenta_version(),
	amprenta.amprenta_normalize_lipid(text, text),
	amprenta.amprenta_normalize_gene(text),
	amprenta.amprenta_normalize_protein(text),
	amprenta.amprenta_normalize_metabolite(text),
	amprenta.amprenta_normalize_feature(text, amprenta.feature_type),
	amprenta.amprenta_infer_feature_type(text),
	amprenta.amprenta_normalize_explain(text, amprenta.feature_type),
	amprenta.amprenta_score_signature(uuid, uuid, jsonb),
	amprenta.amprenta_score_signature(uuid, jsonb),
	amprenta.amprenta_embed_local(text, integer),
	amprenta.amprenta_cosine(real[], real[]),
	amprenta.amprenta_search(text, integer, jsonb)
	TO amprenta_reader;

-- Writers change research data; the sync machinery stays with admins.
GRANT INSERT, UPDATE, DELETE ON
	amprenta.programs, amprenta.experiments, amprenta.datasets,
	amprenta.features, amprenta.dataset_features,
	amprenta.signatures, amprenta.signature_components,
	amprenta.program_experiments, amprenta.program_datasets,
	amprenta.experiment_datasets, amprenta.program_signatures,
	amprenta.dataset_signature_scores,
	amprenta.compounds, amprenta.screening_campaigns,
	amprenta.screening_results, amprenta.biochemical_results,
	amprenta.ingestions
	TO amprenta_writer;

GRANT EXECUTE ON FUNCTION
	amprenta.amprenta_ingest_file(text, amprenta.omics_type, jsonb),
	amprenta.amprenta_ingest_text(text, text, amprenta.omics_type, jsonb),
	amprenta.amprenta_create_signature(text, jsonb, jsonb),
	amprenta.amprenta_ingest_signature_file(text, jsonb),
	amprenta.amprenta_ingest_signature_files(text, jsonb),
	amprenta.amprenta_refresh_scores(uuid),
	amprenta.amprenta_notion_sync(text, uuid, integer),
	amprenta.amprenta_pinecone_sync(text, uuid, integer),
	amprenta._sync_begin(),
	amprenta._sync_enqueue(text, text, uuid)
	TO amprenta_writer;

-- Admins configure and repair sync.
GRANT INSERT, UPDATE, DELETE ON
	amprenta.notion_targets, amprenta.sync_outbox, amprenta.sync_leases, amprenta.sync_capture,
	amprenta.sync_refs, amprenta.sync_config, amprenta.sync_index_archive, amprenta.chunks
	TO amprenta_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA amprenta TO amprenta_admin;
GRANT EXECUTE ON FUNCTION
	amprenta.amprenta_retry_dead(text, text, uuid),
	amprenta.amprenta_worker_status()
	TO amprenta_admin;

-- A database listed in amprenta.databases gets its worker now.
SELECT amprenta._sync_wake_launcher();
