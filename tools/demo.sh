#!/usr/bin/env bash
# The main job of amprenta, end to end, on built-in defaults, on a throw-away
# cluster in a private directory (never the system cluster, no TCP port).
# The cluster is stopped and removed on exit, on failure and on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/cluster.sh

DEMO_DIR=$(amp_workdir amprenta-demo)
finish() {
	amp_cluster_stop
	rm -rf "$DEMO_DIR"
}
trap finish EXIT
trap 'echo; echo "interrupted"; exit 130' INT TERM

if [ -t 1 ]; then say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }; else say() { printf '\n== %s\n' "$*"; }; fi
# Show a SQL statement, then run it.
sql() {
	printf '%s\n' "$1" | sed 's/^/  sql> /'
	"$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d amprenta_demo -P pager=off -c "$1"
}

say "Starting a throw-away PostgreSQL cluster in $DEMO_DIR (shared_preload_libraries = 'amprenta')"
amp_cluster_start "$DEMO_DIR"
"$PG_BINDIR/psql" -X -q -d postgres -c 'CREATE DATABASE amprenta_demo'

say "Installing the extension"
sql "CREATE EXTENSION amprenta;"
sql "SELECT * FROM amprenta.amprenta_version();"

say "A research program, an experiment and a dataset, linked together"
sql "INSERT INTO amprenta.programs (name, description, disease)
VALUES ('ALS biomarkers', 'Fluid biomarkers of amyotrophic lateral sclerosis', '{ALS}');"
sql "INSERT INTO amprenta.experiments (name, type, matrix, disease)
VALUES ('CSF lipidomics cohort', 'patient', '{CSF}', '{ALS}');"
sql "INSERT INTO amprenta.datasets (name, omics_type, organism, disease, sample_type, sample_names)
VALUES ('CSF ceramides, ALS vs control', 'lipidomics', '{Homo sapiens}', '{ALS}', '{CSF}',
        '{ALS_1,ALS_2,CTRL_1,CTRL_2}');"
sql "INSERT INTO amprenta.program_experiments
SELECT p.id, e.id FROM amprenta.programs p, amprenta.experiments e;
INSERT INTO amprenta.program_datasets
SELECT p.id, d.id FROM amprenta.programs p, amprenta.datasets d;
INSERT INTO amprenta.experiment_datasets
SELECT e.id, d.id FROM amprenta.experiments e, amprenta.datasets d;"

say "Ingesting one result file of each omics type (server files, as a superuser or pg_read_server_files)"
files=$DEMO_DIR/files
amp_as_user mkdir -p "$files"
for f in test/data/omics/lipidr_brca_matrix.csv test/data/omics/mwtab_ST000122_AN000204.txt \
	test/data/omics/maxquant_proteinGroups_head40.txt test/data/ingest/deseq2_results.csv; do
	amp_as_user cp "$f" "$files/"
done
sql "SELECT amprenta.amprenta_ingest_file('$files/lipidr_brca_matrix.csv', 'lipidomics',
  '{\"name\": \"Breast cancer lipidome (lipidr)\", \"disease\": \"breast cancer\"}');"
sql "SELECT amprenta.amprenta_ingest_file('$files/mwtab_ST000122_AN000204.txt');"
sql "SELECT amprenta.amprenta_ingest_file('$files/maxquant_proteinGroups_head40.txt');"
sql "SELECT amprenta.amprenta_ingest_file('$files/deseq2_results.csv', 'transcriptomics',
  '{\"name\": \"Airway smooth muscle, dexamethasone vs control\"}');"
sql "INSERT INTO amprenta.program_datasets
SELECT p.id, d.id FROM amprenta.programs p, amprenta.datasets d
 WHERE d.file_name IS NOT NULL ON CONFLICT DO NOTHING;"

say "Re-ingesting identical bytes returns the same dataset and writes nothing"
sql "SELECT amprenta.amprenta_ingest_file('$files/mwtab_ST000122_AN000204.txt') AS same_id,
       (SELECT count(*) FROM amprenta.ingestions) AS ingestions;"

say "What was stored: datasets, mapping of identifiers, warnings"
sql "SELECT name, omics_type, file_format, samples, rows, mapped, unmapped, ambiguous, duplicates
  FROM amprenta.dataset_summary ORDER BY omics_type, name;"
sql "SELECT f.feature_type, f.normalized_name, df.raw_name, df.mapping, df.rank
  FROM amprenta.dataset_features df JOIN amprenta.datasets d ON d.id = df.dataset_id
  LEFT JOIN amprenta.features f ON f.id = df.feature_id
 WHERE d.omics_type = 'lipidomics' AND df.raw_name <> coalesce(f.normalized_name, '')
 ORDER BY df.ordinal LIMIT 8;"
sql "SELECT dataset_name, w->>'line' AS line, w->>'message' AS warning
  FROM amprenta.ingestion_log, jsonb_array_elements(warnings) w ORDER BY 1 LIMIT 6;"
sql "SELECT * FROM amprenta.amprenta_normalize_explain('1-Sep', 'gene');"

say "What BI tools and people read: the views"
sql "SELECT name, omics_type, samples, rows, mapped, programs, experiments FROM amprenta.dataset_summary;"
sql "SELECT dataset_name, feature_type, feature, log2_fold_change, p_value, rank
  FROM amprenta.feature_matrix WHERE rank <= 3 ORDER BY dataset_name, rank;"
sql "SELECT * FROM amprenta.sync_status;"

say "Roles for people and tools"
sql "SELECT r.rolname, array_remove(array_agg(g.rolname), NULL) AS member_of
  FROM pg_roles r LEFT JOIN pg_auth_members m ON m.member = r.oid LEFT JOIN pg_roles g ON g.oid = m.roleid
 WHERE r.rolname LIKE 'amprenta\_%' GROUP BY 1 ORDER BY 1;"

say "Done: the cluster is stopped and its directory removed."
