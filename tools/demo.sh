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

say "Features measured in the dataset (ingestion functions fill these from files)"
sql "INSERT INTO amprenta.features (feature_type, normalized_name, name) VALUES
  ('lipid', 'Cer 34:1;O2', 'Cer(d18:1/16:0)'),
  ('lipid', 'Cer 42:1;O2', 'Cer(d18:1/24:0)'),
  ('lipid', 'SM 34:1;O2',  'SM(d18:1/16:0)');"
sql "INSERT INTO amprenta.dataset_features
       (dataset_id, ordinal, feature_id, raw_name, log2_fold_change, p_value, rank, sample_values)
SELECT d.id, v.ordinal, f.id, f.name, v.lfc, v.p, v.rank, v.vals
  FROM amprenta.datasets d,
       (VALUES (1, 'Cer 34:1;O2', 1.21, 0.002, 1, '{5.1,4.8,2.2,2.4}'::float4[]),
               (2, 'Cer 42:1;O2', 0.64, 0.030, 2, '{3.3,3.0,2.1,2.0}'),
               (3, 'SM 34:1;O2', -0.35, 0.210, 3, '{7.0,7.2,8.1,8.4}')) v (ordinal, name, lfc, p, rank, vals)
  JOIN amprenta.features f ON f.normalized_name = v.name;"

say "What BI tools and people read: the views"
sql "SELECT name, omics_type, samples, rows, mapped, programs, experiments FROM amprenta.dataset_summary;"
sql "SELECT dataset_name, feature_type, feature, log2_fold_change, p_value, rank, sample_values
  FROM amprenta.feature_matrix ORDER BY rank;"
sql "SELECT * FROM amprenta.sync_status;"

say "Roles for people and tools"
sql "SELECT r.rolname, array_remove(array_agg(g.rolname), NULL) AS member_of
  FROM pg_roles r LEFT JOIN pg_auth_members m ON m.member = r.oid LEFT JOIN pg_roles g ON g.oid = m.roleid
 WHERE r.rolname LIKE 'amprenta\_%' GROUP BY 1 ORDER BY 1;"

say "Done: the cluster is stopped and its directory removed."
