#!/usr/bin/env bash
# The main job of amprenta, end to end, on built-in defaults, on a throw-away
# cluster in a private directory (never the system cluster, no TCP port).
# The cluster is stopped and removed on exit, on failure and on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/cluster.sh

DEMO_DIR=$(amp_workdir amprenta-demo)
FAKE_PID=
finish() {
	[ -z "$FAKE_PID" ] || kill "$FAKE_PID" 2>/dev/null || true
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

say "Sync: what changed since CREATE EXTENSION waits in the outbox (no worker serves this database yet)"
sql "SELECT sink, captured, pending, inflight, dead, synced_entities FROM amprenta.sync_status;"

say "Starting loopback fakes of Notion and Pinecone for the demo (test/fake/fake_services.py)"
amp_as_user tee "$DEMO_DIR/fake-seed.json" >/dev/null <<'JSON'
{"notion": {"tokens": ["ntn_demo_token"],
            "databases": [{"id": "55555555-5555-4555-8555-555555555555", "title": "Amprenta datasets",
                           "data_sources": [{"id": "66666666-6666-4666-8666-666666666666", "name": "Datasets",
                                             "properties": {"Name": "title", "Amprenta ID": "rich_text",
                                                            "Omics": "select", "Disease": "multi_select"}}]}]},
 "pinecone": {"api_keys": ["pcsk_demo_key"], "indexes": [{"name": "amprenta", "dimension": 384}]}}
JSON
echo ntn_demo_token | amp_as_user tee "$DEMO_DIR/notion.token" >/dev/null
echo pcsk_demo_key | amp_as_user tee "$DEMO_DIR/pinecone.key" >/dev/null
python3 test/fake/fake_services.py --notion-port 0 --pinecone-control-port 0 --pinecone-data-port 0 \
	--openai-port 0 --seed "$DEMO_DIR/fake-seed.json" >"$DEMO_DIR/fake.out" 2>"$DEMO_DIR/fake.err" &
FAKE_PID=$!
until grep -q ready "$DEMO_DIR/fake.out" 2>/dev/null; do kill -0 "$FAKE_PID"; sleep 0.1; done
fake_port() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['ports'][sys.argv[2]])" "$DEMO_DIR/fake.out" "$1"; }
NOTION_URL=http://127.0.0.1:$(fake_port notion)
PINECONE_URL=http://127.0.0.1:$(fake_port pinecone_control)
echo "  Notion fake at $NOTION_URL, Pinecone fake at $PINECONE_URL"

say "Datasets and signatures get Notion pages; the worker is pointed at the fakes"
sql "INSERT INTO amprenta.notion_targets (entity_type, database_id, data_source_id, property_map)
VALUES ('dataset', '55555555-5555-4555-8555-555555555555', '66666666-6666-4666-8666-666666666666',
        '{\"omics_type\": {\"property\": \"Omics\", \"type\": \"select\"},
          \"disease\": {\"property\": \"Disease\", \"type\": \"multi_select\"}}');"
settings=(
	"amprenta.databases = 'amprenta_demo'"
	"amprenta.notion_api_url = '$NOTION_URL'"
	"amprenta.notion_token_file = '$DEMO_DIR/notion.token'"
	"amprenta.pinecone_api_url = '$PINECONE_URL'"
	"amprenta.pinecone_index = 'amprenta'"
	"amprenta.pinecone_api_key_file = '$DEMO_DIR/pinecone.key'"
)
for setting in "${settings[@]}"; do
	sql "ALTER SYSTEM SET $setting;"
done
sql "SELECT pg_reload_conf();"
until [ "$("$PG_BINDIR/psql" -X -At -d amprenta_demo -c "SELECT count(*) FROM amprenta.amprenta_worker_status() WHERE state = 'running'")" = 1 ]; do sleep 0.2; done
sql "SELECT database, state, pid IS NOT NULL AS has_pid FROM amprenta.amprenta_worker_status();"

say "Queue every dataset for Notion and wait until the worker has delivered it (and the index has caught up)"
sql "SELECT amprenta.amprenta_notion_sync('dataset', NULL, 120) AS notion_pages;"
sql "SELECT amprenta.amprenta_pinecone_sync(NULL, NULL, 120) AS indexed_entities;"
sql "SELECT sink, captured, pending, inflight, dead, synced_entities FROM amprenta.sync_status;"
sql "SELECT d.name, d.notion_page_id IS NOT NULL AS has_page, r.chunk_count AS vectors
  FROM amprenta.datasets d JOIN amprenta.sync_refs r ON r.sink = 'pinecone' AND r.entity_id = d.id ORDER BY 1;"
echo "  Pages in the Notion fake: $(python3 -c "import json,urllib.request; print(json.load(urllib.request.urlopen('$NOTION_URL/__fake/state/notion'))['page_count'])")"
echo "  Vectors in the Pinecone fake: $(python3 -c "import json,urllib.request; print(json.load(urllib.request.urlopen('$PINECONE_URL/__fake/state/pinecone'))['indexes']['amprenta']['namespaces'].get('', 0))")"

say "Semantic search over the local index (built-in embedder, no external service)"
sql "SELECT entity_type, round(score::numeric, 3) AS score, left(snippet, 60) AS snippet, notion_page_id IS NOT NULL AS has_page
  FROM amprenta.amprenta_search('ceramides in ALS cerebrospinal fluid', 3);"
echo "  These were loopback fakes. Real Notion and Pinecone are used once amprenta.notion_api_url,"
echo "  amprenta.pinecone_api_url / amprenta.pinecone_index point at them and the files named by"
echo "  amprenta.notion_token_file and amprenta.pinecone_api_key_file hold real secrets (doc/sync.md)."
kill "$FAKE_PID" 2>/dev/null || true

say "Roles for people and tools"
sql "SELECT r.rolname, array_remove(array_agg(g.rolname), NULL) AS member_of
  FROM pg_roles r LEFT JOIN pg_auth_members m ON m.member = r.oid LEFT JOIN pg_roles g ON g.oid = m.roleid
 WHERE r.rolname LIKE 'amprenta\_%' GROUP BY 1 ORDER BY 1;"

say "Done: the cluster is stopped and its directory removed."
