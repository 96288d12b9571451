#!/usr/bin/env bash
# Benchmark: the sync worker's memory over a drain of 100,000 queue rows
# (programs, indexed locally by the built-in embedder; no external
# service).  The growth of the worker's private memory (RssAnon: palloc'd
# and malloc'd pages, not shared buffers) is sampled every 50 ms from /proc:
# its median growth while the last 10,000 rows are delivered against the
# same while the first 10,000 are (a leak raises the later one).  Medians,
# because the memory rises and falls by several MB within a round (freed
# batch memory is not always handed back to the system at once): a peak
# depends on which sample happens to catch the top of a swing.  The peaks
# are printed too.  Target: flat.
# Run by tools/run-bench.sh with PGHOST, PGPORT, PGUSER and PG_BINDIR set.
set -euo pipefail
psql=("$PG_BINDIR/psql" -X -q -At -v ON_ERROR_STOP=1 -d amprenta_bench)

# The queue is emptied (amp_bench_empty_queue, tools/run-bench.sh) and
# filled before a worker serves this database.
amp_bench_empty_queue
"${psql[@]}" >/dev/null <<'SQL'
SET amprenta.sync_enabled = off;
INSERT INTO amprenta.programs (name, description)
SELECT 'memory program ' || g, 'Fluid biomarkers, cohort ' || g || ': ceramides, sphingomyelins and neurofilament light.'
  FROM generate_series(1, 100000) g;
ALTER SYSTEM SET amprenta.databases = 'amprenta_bench';
ALTER SYSTEM SET amprenta.batch_size = 500;
SELECT pg_reload_conf();
SQL
trap '"${psql[@]}" -c "ALTER SYSTEM RESET ALL" -c "SELECT pg_reload_conf()" >/dev/null 2>&1 || true' EXIT
until pid=$("${psql[@]}" -c "SELECT pid FROM amprenta.amprenta_worker_status() WHERE state = 'running'") && [ -n "$pid" ]; do sleep 0.2; done

rss() { awk '/^RssAnon/ {print $2}' /proc/"$pid"/status; }
total=$("${psql[@]}" -c "SELECT count(*) FROM amprenta.programs")
base=$(rss)
first=() last=()
"${psql[@]}" -c "SELECT amprenta.amprenta_pinecone_sync('program', NULL, 3600)" >/dev/null &
waiter=$!
while kill -0 "$waiter" 2>/dev/null; do
	cur=$(( $(rss) - base ))
	done_rows=$("${psql[@]}" -c "SELECT count(*) FROM amprenta.sync_refs WHERE sink = 'pinecone'")
	[ "$done_rows" -gt 0 ] && [ "$done_rows" -le 10000 ] && first+=("$cur")
	[ "$done_rows" -ge $((total - 10000)) ] && last+=("$cur")
	sleep 0.05
done
wait "$waiter"
delivered=$("${psql[@]}" -c "SELECT count(*) FROM amprenta.sync_refs WHERE sink = 'pinecone' AND entity_type = 'program'")
# median and peak of a window's samples, in kB
stats() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)], v[NR]}'; }
read -r med_first peak_first <<<"$(stats "${first[@]}")"
read -r med_last peak_last <<<"$(stats "${last[@]}")"
echo "| sync worker memory over a drain of $delivered rows: median growth while the first and the last 10,000 are delivered (peaks $(( peak_first / 1024 )) and $(( peak_last / 1024 )) MB) (target: flat) | first 10,000: $(( med_first / 1024 )) MB | last 10,000: $(( med_last / 1024 )) MB | $(awk -v a="$med_first" -v b="$med_last" 'BEGIN { printf "%.2f", (b + 1024) / (a + 1024) }')× |"
