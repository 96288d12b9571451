#!/usr/bin/env bash
# Benchmark: the sync worker's memory over a drain of 100,000 queue rows
# (programs, indexed locally by the built-in embedder; no external
# service).  The growth of the worker's private memory (RssAnon: palloc'd
# and malloc'd pages, not shared buffers) is sampled every 50 ms from /proc,
# next to the same measure over the first 10,000 rows: flat means the peak
# over 100,000 is no higher than over 10,000 plus noise.  Target: flat.
# Run by tools/run-bench.sh with PGHOST, PGPORT, PGUSER and PG_BINDIR set.
set -euo pipefail
psql=("$PG_BINDIR/psql" -X -q -At -v ON_ERROR_STOP=1 -d amprenta_bench)

"${psql[@]}" >/dev/null <<'SQL'
CREATE EXTENSION IF NOT EXISTS amprenta;
ALTER SYSTEM SET amprenta.databases = 'amprenta_bench';
ALTER SYSTEM SET amprenta.batch_size = 500;
SELECT pg_reload_conf();
SQL
trap '"${psql[@]}" -c "ALTER SYSTEM RESET ALL" -c "SELECT pg_reload_conf()" >/dev/null 2>&1 || true' EXIT
until pid=$("${psql[@]}" -c "SELECT pid FROM amprenta.amprenta_worker_status() WHERE state = 'running'") && [ -n "$pid" ]; do sleep 0.2; done

"${psql[@]}" >/dev/null <<'SQL'
SET amprenta.sync_enabled = off;
TRUNCATE amprenta.chunks, amprenta.sync_refs, amprenta.sync_outbox, amprenta.sync_capture;
INSERT INTO amprenta.programs (name, description)
SELECT 'memory program ' || g, 'Fluid biomarkers, cohort ' || g || ': ceramides, sphingomyelins and neurofilament light.'
  FROM generate_series(1, 100000) g;
SQL

rss() { awk '/^RssAnon/ {print $2}' /proc/"$pid"/status; }
base=$(rss)
peak10=$base
peak=$base
"${psql[@]}" -c "SELECT amprenta.amprenta_pinecone_sync('program', NULL, 3600)" >/dev/null &
waiter=$!
while kill -0 "$waiter" 2>/dev/null; do
	cur=$(rss)
	[ "$cur" -gt "$peak" ] && peak=$cur
	done_rows=$("${psql[@]}" -c "SELECT count(*) FROM amprenta.sync_refs WHERE sink = 'pinecone'")
	if [ "$done_rows" -le 10000 ] && [ "$cur" -gt "$peak10" ]; then peak10=$cur; fi
	sleep 0.05
done
wait "$waiter"
delivered=$("${psql[@]}" -c "SELECT count(*) FROM amprenta.sync_refs WHERE sink = 'pinecone' AND entity_type = 'program'")
echo "| sync worker memory over a drain of $delivered rows (target: flat) | growth over the first 10,000: $(( (peak10 - base) / 1024 )) MB | growth over all: $(( (peak - base) / 1024 )) MB | $(awk -v a="$peak10" -v b="$peak" -v c="$base" 'BEGIN { printf "%.2f", (b - c + 1) / (a - c + 1) }')× |"
