#!/usr/bin/env bash
# Benchmark: delivery by the sync worker against the loopback fakes
# (test/fake/), in the same run as its baselines.
#
#   Notion: 300 pages (each a query for its Amprenta ID, then a create)
#   against the fake enforcing 3 requests/s on average (burst 3).  Target:
#   no 429 and a total time within 1.15x of the rate limit's minimum
#   (requests / 3 s).
#
#   Pinecone: 20,000 entities, one chunk each, embedded by the built-in
#   embedder, written to amprenta.chunks and upserted to the fake index.
#   Baseline: the embedding and serialization of the same texts alone, in
#   SQL (the texts from _sync_documents, amprenta_embed_local and the JSON
#   text of the vectors).  Target:
#   end to end within 2x of it (queue and HTTP overhead at most equal to the
#   work itself).  Also reports vectors/s and the number of requests.
#
# Run by tools/run-bench.sh with PGHOST, PGPORT, PGUSER, PG_BINDIR and
# AMPRENTA_BENCH_DIR set; the cluster has amprenta preloaded.
#
# AMPRENTA_BENCH_SKIP_NOTION=1 leaves out the Notion part (about 200 s of
# waiting on the rate limit) while working on the Pinecone figures; its row
# is then missing from the output.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
dir=$AMPRENTA_BENCH_DIR
psql=("$PG_BINDIR/psql" -X -q -At -v ON_ERROR_STOP=1 -d amprenta_bench)

cat >"$dir/sync-seed.json" <<'JSON'
{"notion": {"tokens": ["ntn_bench_token"],
            "databases": [{"id": "33333333-3333-4333-8333-333333333333", "title": "Programs",
                           "data_sources": [{"id": "44444444-4444-4444-8444-444444444444", "name": "Programs",
                                             "properties": {"Name": "title", "Amprenta ID": "rich_text"}}]}]},
 "pinecone": {"api_keys": ["pcsk_bench_key"], "indexes": [{"name": "bench", "dimension": 384}]},
 "config": {"notion": {"rate_limit": {"enabled": true, "rate": 3.0, "burst": 3}}}}
JSON
echo ntn_bench_token >"$dir/notion.token"
echo pcsk_bench_key >"$dir/pinecone.key"
chmod 644 "$dir/notion.token" "$dir/pinecone.key" "$dir/sync-seed.json"

python3 "$src/test/fake/fake_services.py" --notion-port 0 --pinecone-control-port 0 \
	--pinecone-data-port 0 --openai-port 0 --seed "$dir/sync-seed.json" >"$dir/fake.out" 2>"$dir/fake.err" &
fake=$!
cleanup() {
	kill "$fake" 2>/dev/null || true
	"${psql[@]}" -c "ALTER SYSTEM RESET ALL" -c "SELECT pg_reload_conf()" >/dev/null 2>&1 || true
}
trap cleanup EXIT
until grep -q ready "$dir/fake.out" 2>/dev/null; do kill -0 "$fake"; sleep 0.1; done
port() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['ports'][sys.argv[2]])" "$dir/fake.out" "$1"; }
notion=http://127.0.0.1:$(port notion)
control=http://127.0.0.1:$(port pinecone_control)
# fake_get URL EXPR: EXPR evaluated on the decoded JSON answer (as d).
fake_get() { python3 -c "import json,sys,urllib.request; d=json.load(urllib.request.urlopen(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "${2:-0}"; }

# Start from an empty queue, before any worker serves this database
# (amp_bench_empty_queue, tools/run-bench.sh).
amp_bench_empty_queue

"${psql[@]}" >/dev/null <<SQL
ALTER SYSTEM SET amprenta.databases = 'amprenta_bench';
ALTER SYSTEM SET amprenta.notion_api_url = '$notion';
ALTER SYSTEM SET amprenta.notion_token_file = '$dir/notion.token';
ALTER SYSTEM SET amprenta.notion_max_rps = 3;
ALTER SYSTEM SET amprenta.pinecone_api_url = '$control';
ALTER SYSTEM SET amprenta.pinecone_index = 'bench';
ALTER SYSTEM SET amprenta.pinecone_api_key_file = '$dir/pinecone.key';
ALTER SYSTEM SET amprenta.batch_size = 500;
SELECT pg_reload_conf();
SQL
until [ "$("${psql[@]}" -c "SELECT count(*) FROM amprenta.amprenta_worker_status() WHERE state = 'running'")" = 1 ]; do sleep 0.2; done

# --- Notion ---------------------------------------------------------------
if [ "${AMPRENTA_BENCH_SKIP_NOTION:-0}" = 1 ]; then
	echo "sync_delivery: Notion part skipped (AMPRENTA_BENCH_SKIP_NOTION=1)" >&2
else
"${psql[@]}" >/dev/null <<'SQL'
SET amprenta.sync_enabled = off;
INSERT INTO amprenta.notion_targets (entity_type, database_id, data_source_id)
VALUES ('program', '33333333-3333-4333-8333-333333333333', '44444444-4444-4444-8444-444444444444');
INSERT INTO amprenta.programs (name, description)
SELECT 'program ' || g, 'Benchmark program ' || g FROM generate_series(1, 300) g;
SQL
t0=$(date +%s.%N)
"${psql[@]}" -c "SELECT amprenta.amprenta_notion_sync('program', NULL, 3600)" >/dev/null
t1=$(date +%s.%N)
read -r requests limited <<<"$(fake_get "$notion/__fake/requests?service=notion&limit=50000" \
	"'%d %d' % (len(d['requests']), sum(1 for r in d['requests'] if r.get('status') == 429))")"
pages=$(fake_get "$notion/__fake/state/notion" "d['page_count']")
python3 - "$t0" "$t1" "$requests" "$limited" "$pages" <<'PY'
import sys
t0, t1, req, lim, pages = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
minimum = req / 3.0
print("| sync to Notion: %d pages at 3 requests/s, %d requests, %d answered 429 (target ≤ 1.15×, no 429) "
      "| rate-limit minimum %.1f s | %.1f s | %.2f× |" % (pages, req, lim, minimum, t1 - t0, (t1 - t0) / minimum))
PY
fi

# --- Pinecone ---------------------------------------------------------------
"${psql[@]}" >/dev/null <<'SQL'
SET amprenta.sync_enabled = off;
DELETE FROM amprenta.notion_targets;
INSERT INTO amprenta.experiments (name, description)
SELECT 'experiment ' || g, 'Lipidomics of cerebrospinal fluid, cohort ' || g || ', ceramides and sphingomyelins measured.'
  FROM generate_series(1, 20000) g;
SQL
# Baseline: embedding and serializing the same documents, nothing else.
# The texts come from one set-based _sync_documents call, the cheapest way
# to read them (the worker makes one per batch), without the rows as JSON
# (Notion properties), which the index does not read either.
b0=$(date +%s.%N)
"${psql[@]}" >/dev/null <<'SQL'
SELECT sum(length(json_build_object('id', 'experiment:' || d.entity_id || ':0',
								   'values', amprenta.amprenta_embed_local(d.body))::text))
  FROM amprenta._sync_documents('experiment', ARRAY(SELECT id FROM amprenta.experiments), false) d;
SQL
b1=$(date +%s.%N)
"${psql[@]}" -c "DELETE FROM amprenta.sync_refs" -c "DELETE FROM amprenta.chunks" >/dev/null
p0=$(date +%s.%N)
"${psql[@]}" -c "SELECT amprenta.amprenta_pinecone_sync('experiment', NULL, 3600)" >/dev/null
p1=$(date +%s.%N)
vectors=$(fake_get "$control/__fake/state/pinecone" "d['indexes']['bench']['namespaces'].get('', 0)")
read -r upserts served <<<"$(fake_get "$control/__fake/requests?service=pinecone_data&limit=50000" \
	"'%d %.3f' % (sum(1 for r in d['requests'] if r['path'].endswith('/vectors/upsert')), sum(r.get('duration_ms', 0) for r in d['requests']) / 1000.0)")"
python3 - "$b0" "$b1" "$p0" "$p1" "$vectors" "$upserts" "$served" <<'PY'
import sys
b0, b1, p0, p1 = map(float, sys.argv[1:5])
vec, ups, served = int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
base, e2e = b1 - b0, p1 - p0
# The fake's own serving time overlaps the worker's (one batch's upsert is
# answered while the next is prepared): reported, not subtracted.
print("| sync to Pinecone: %d vectors in %d upserts, %.0f vectors/s; the fake spent %.0f%% of the time "
      "serving them, alongside the worker (target ≤ 2×) "
      "| embed + serialize alone %.2f s | end to end %.2f s | %.2f× |"
      % (vec, ups, vec / e2e, 100.0 * served / e2e, base, e2e, e2e / base))
PY
