#!/usr/bin/env bash
# Benchmark: backend memory while ingesting a generated 1 GB file (a matrix
# of 20,000 features x 6,800 samples), against COPY of the same bytes in the
# same run.  The growth of the backend's private memory (RssAnon: palloc'd
# and malloc'd pages, not shared buffers) is sampled every 20 ms from
# /proc.  Target: peak growth under 64 MB.  Run by tools/run-bench.sh with
# PGHOST, PGPORT, PGUSER, PG_BINDIR and AMPRENTA_BENCH_DIR set.
set -euo pipefail
psql=("$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d amprenta_bench)
file=$AMPRENTA_BENCH_DIR/matrix_1gb.csv

"${psql[@]}" -c "CREATE EXTENSION IF NOT EXISTS amprenta" >/dev/null
"${psql[@]}" >/dev/null <<SQL
COPY (SELECT line FROM (
        SELECT 0 AS g, 'gene,' || string_agg('S' || s, ',' ORDER BY s) AS line FROM generate_series(1, 6800) s
        UNION ALL
        SELECT g, 'GENE' || g || ',' || (SELECT string_agg(to_char(random() * 1000, 'FM990.000'), ',')
                                          FROM generate_series(1, 6800) s WHERE g > 0)
          FROM generate_series(1, 20000) g) x ORDER BY g)
  TO '$file';
CREATE TABLE IF NOT EXISTS copy_lines (line text);
SQL
size=$(stat -c %s "$file")

# peak_growth KB: run SQL in a session of its own and sample its RssAnon.
peak_growth() {
	local sql=$1 app=amp_mem_$RANDOM pid base peak cur psql_pid
	"${psql[@]}" -c "SET application_name = '$app'" -c "SELECT pg_sleep(0.5)" -c "$sql" >/dev/null &
	psql_pid=$!
	until pid=$("${psql[@]}" -Atc "SELECT pid FROM pg_stat_activity WHERE application_name = '$app'") && [ -n "$pid" ]; do :; done
	base=$(awk '/^RssAnon/ {print $2}' /proc/"$pid"/status)
	peak=$base
	while kill -0 "$psql_pid" 2>/dev/null; do
		cur=$(awk '/^RssAnon/ {print $2}' /proc/"$pid"/status 2>/dev/null || echo 0)
		[ "${cur:-0}" -gt "$peak" ] && peak=$cur
		sleep 0.02
	done
	wait "$psql_pid"
	echo $((peak - base))
}

copy_kb=$(peak_growth "COPY copy_lines FROM '$file' WITH (FORMAT text, DELIMITER E'\\x01')")
ingest_kb=$(peak_growth "SELECT amprenta.amprenta_ingest_file('$file', 'transcriptomics')")
"${psql[@]}" -c "DELETE FROM amprenta.signatures; DELETE FROM amprenta.datasets; DELETE FROM amprenta.ingestions; DELETE FROM amprenta.features; DROP TABLE copy_lines" >/dev/null
rm -f "$file"

# Memory is not a time: the last column gives the growth against the budget.
printf '| backend memory, ingesting a %d MB matrix (target: peak growth under 64 MB) | COPY of the same file: %.1f MB | amprenta_ingest_file: %.1f MB | %.2f of the 64 MB budget |\n' \
	$((size / 1048576)) "$(awk -v k="$copy_kb" 'BEGIN { print k / 1024 }')" \
	"$(awk -v k="$ingest_kb" 'BEGIN { print k / 1024 }')" "$(awk -v k="$ingest_kb" 'BEGIN { print k / 65536 }')"
