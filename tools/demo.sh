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

say "A species-level lipid results table sent from the client (illustrative numbers)"
sql "SELECT amprenta.amprenta_ingest_text(E'lipid\\tlogFC\\tt\\tP.Value\\tadj.P.Val\\n'
  'Cer 34:1;O2\\t0.92\\t4.10\\t0.0002\\t0.003\\nCer 36:1;O2\\t0.61\\t2.95\\t0.006\\t0.03\\n'
  'Cer 42:1;O2\\t0.48\\t2.20\\t0.03\\t0.09\\nCer 42:2;O2\\t0.70\\t3.35\\t0.002\\t0.02\\n'
  'SM 34:1;O2\\t-0.35\\t-1.90\\t0.06\\t0.15\\nSM 36:1;O2\\t0.12\\t0.55\\t0.58\\t0.71\\n'
  'PC 34:1\\t0.05\\t0.21\\t0.83\\t0.90\\n', 'csf_lipids_als_vs_control.tsv', 'lipidomics',
  '{\"name\": \"CSF lipids, ALS vs control (illustrative)\", \"disease\": \"ALS\", \"sample_type\": \"CSF\"}');"

say "A signature: the six-ceramide ALS CSF signature, in today's shorthand"
sql "SELECT amprenta.amprenta_create_signature('ALS-CSF-Core-6Ceramides', '[
  {\"feature\": \"Cer 18:1;O2/16:0\", \"direction\": \"up\"},
  {\"feature\": \"Cer 18:1;O2/18:0\", \"direction\": \"up\"},
  {\"feature\": \"Cer 18:1;O2/24:0\", \"direction\": \"up\"},
  {\"feature\": \"Cer 18:1;O2/24:1\", \"direction\": \"up\"},
  {\"feature\": \"SM 18:1;O2/16:0\", \"direction\": \"down\", \"weight\": 0.8},
  {\"feature\": \"SM 18:1;O2/18:0\", \"direction\": \"down\", \"weight\": 0.8}]',
  '{\"description\": \"Ceramides up, sphingomyelins down in ALS cerebrospinal fluid\"}') AS signature_id;"
say "Scores are materialized for BI tools; the leaderboard across the demo datasets"
sql "SELECT amprenta.amprenta_refresh_scores() AS scores_written;"
sql "SELECT signature_name, position, dataset_name, omics_type, round(score::numeric, 3) AS score,
       round(p_value::numeric, 4) AS p, matched, total
  FROM amprenta.signature_leaderboard ORDER BY signature_name, position, dataset_name;"
say "Which dataset lipid each component matched (species-level data meet sn-position names)"
sql "SELECT d.name AS dataset, m->>'component' AS component, m->>'feature' AS matched, m->>'match' AS level
  FROM amprenta.signatures s CROSS JOIN amprenta.datasets d,
       amprenta.amprenta_score_signature(s.id, d.id) r, jsonb_array_elements(r.matches) m
 WHERE d.omics_type = 'lipidomics' AND m->>'feature' IS NOT NULL ORDER BY 1, 2 LIMIT 12;"

say "Roles for people and tools"
sql "SELECT r.rolname, array_remove(array_agg(g.rolname), NULL) AS member_of
  FROM pg_roles r LEFT JOIN pg_auth_members m ON m.member = r.oid LEFT JOIN pg_roles g ON g.oid = m.roleid
 WHERE r.rolname LIKE 'amprenta\_%' GROUP BY 1 ORDER BY 1;"

say "Done: the cluster is stopped and its directory removed."
