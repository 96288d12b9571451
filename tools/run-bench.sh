#!/usr/bin/env bash
# Runs every benchmark in test/bench/*.sql on a throw-away cluster and
# rewrites the results table of doc/benchmarks.md.  Each benchmark measures
# its baseline in the same run and prints markdown rows
#   | what | baseline | candidate | candidate/baseline |
# so that the figures are ratios, meaningful on a shared, noisy machine.
# BENCH=name runs only the benchmarks whose file name contains it (the
# results table then holds only those rows).
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/cluster.sh

dir=$(amp_workdir amprenta-bench)
trap 'amp_cluster_stop; rm -rf "$dir"' EXIT
amp_cluster_start "$dir"
"$PG_BINDIR/psql" -X -q -d postgres -c 'CREATE DATABASE amprenta_bench'

# Benchmarks write their generated files here (the server reads them), and
# read the repository's data files through AMPRENTA_SRC_DIR (a copy the
# cluster user can read).
export AMPRENTA_BENCH_DIR=$dir/files AMPRENTA_SRC_DIR=$dir/tree PG_BINDIR
amp_as_user mkdir -p "$AMPRENTA_BENCH_DIR" "$AMPRENTA_SRC_DIR"
tar -C . --exclude=./.git --exclude=./build -cf - test/data | amp_as_user tar -C "$AMPRENTA_SRC_DIR" -xf -

# For the benchmarks that start a sync worker: wait until none serves the
# benchmark database (one left by an earlier benchmark exits after its
# settings were reset), then empty the sync queue, so that nothing an
# earlier benchmark queued is measured and no TRUNCATE runs under a worker.
amp_bench_empty_queue() {
	local q=("$PG_BINDIR/psql" -X -q -At -v ON_ERROR_STOP=1 -d amprenta_bench)
	"${q[@]}" -c "CREATE EXTENSION IF NOT EXISTS amprenta" >/dev/null
	until [ "$("${q[@]}" -c "SELECT count(*) FROM amprenta.amprenta_worker_status() WHERE database = current_database() AND pid IS NOT NULL")" = 0 ]; do
		sleep 0.2
	done
	"${q[@]}" -c "TRUNCATE amprenta.chunks, amprenta.sync_refs, amprenta.sync_outbox, amprenta.sync_leases, amprenta.sync_capture" >/dev/null
}
export -f amp_bench_empty_queue

rows=$dir/rows.md
: >"$rows"
only=${BENCH:-}
for b in test/bench/*.sql test/bench/*.sh; do
	[ -z "$only" ] || [[ "$b" == *"$only"* ]] || continue
	echo "bench: $b" >&2
	case "$b" in
		*.sql) "$PG_BINDIR/psql" -X -q -d amprenta_bench -f "$b" | grep '^|' | tee -a "$rows" ;;
		*.sh) bash "$b" | grep '^|' | tee -a "$rows" ;;
	esac
done

# Replace what lies between the two markers of doc/benchmarks.md.
{
	sed -n '1,/<!-- results:begin -->/p' doc/benchmarks.md
	echo "Last run: $(date -u +%Y-%m-%d), PostgreSQL $("$PG_CONFIG" --version | awk '{print $2}'), $(nproc) cores."
	echo
	echo "| benchmark | baseline | candidate | candidate / baseline time |"
	echo "|---|---|---|---|"
	cat "$rows"
	sed -n '/<!-- results:end -->/,$p' doc/benchmarks.md
} >"$dir/benchmarks.md"
cp "$dir/benchmarks.md" doc/benchmarks.md
echo "doc/benchmarks.md updated" >&2
