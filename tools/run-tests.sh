#!/usr/bin/env bash
# Runs every test suite of amprenta and ends with one summary line:
#   unit     the src/core/ unit tests (TAP binaries built by `make unit`)
#   regress  pg_regress (sql/ + expected/) on a throw-away cluster started
#            here with shared_preload_libraries = 'amprenta'
#   isolation  pg_isolation_regress (test/isolation/*.spec), same cluster
#   fakes    the loopback fakes of test/fake/ (their own TAP test)
#   tap      prove over test/t/*.pl (PostgreSQL::Test::Cluster makes its own
#            clusters); missing IPC::Run is an error, never a silent skip
# Expects the extension to be built and installed (make test does both).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. tools/cluster.sh

WORK=$(amp_workdir amprenta-test)
KEEP=${AMPRENTA_KEEP_TESTDIR:-0}
cleanup() {
	amp_cluster_stop
	if [ "$KEEP" = 1 ] || [ "${failed:-0}" -ne 0 ]; then
		echo "test files kept in $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
suites_failed=()

# count_tap FILE: add the ok / not ok lines of a TAP log to the totals.
count_tap() {
	local ok notok
	ok=$(grep -cE '^[[:space:]]*ok [0-9]+' "$1")
	notok=$(grep -cE '^[[:space:]]*not ok [0-9]+' "$1")
	passed=$((passed + ok))
	failed=$((failed + notok))
}

# --- unit ------------------------------------------------------------------
echo "== unit tests (src/core)"
unit_bins=(build/unit/test_*)
if [ ! -x "${unit_bins[0]}" ]; then
	echo "no unit test binaries in build/unit (run make unit)" >&2
	failed=$((failed + 1)); suites_failed+=(unit)
else
	prove --exec '' --verbose "${unit_bins[@]}" >"$WORK/unit.log" 2>&1
	rc=$?
	grep -vE '^[[:space:]]*ok [0-9]+' "$WORK/unit.log" | grep -vE '^#|^$' | tail -n 25
	count_tap "$WORK/unit.log"
	[ $rc -eq 0 ] || suites_failed+=(unit)
fi

# The server and the TAP tests run as the cluster user, who must be able to
# read the tests and their data files: give it a copy of the tree.
amp_as_user mkdir -p "$WORK/tree"
tar -C "$ROOT" --exclude=./.git --exclude=./build --exclude='*.o' --exclude='*.so' --exclude='*.bc' -cf - . |
	amp_as_user tar -C "$WORK/tree" -xf -
TREE=$WORK/tree

# --- cluster for regress and isolation ---------------------------------------
echo "== starting a throw-away cluster in $WORK"
if ! amp_cluster_start "$WORK"; then
	echo "could not start the test cluster" >&2
	failed=$((failed + 1))
	echo "summary: $passed passed, $failed failed"
	exit 1
fi

# run_pg_regress NAME DRIVER INPUTDIR TEST...: one pg_regress-style suite on
# the cluster; adds to the totals and shows the diffs of failures.
run_pg_regress() {
	local name=$1 driver=$2 inputdir=$3 rc nfail
	shift 3
	mkdir -p "$WORK/$name"
	"$driver" --bindir="$PG_BINDIR" --inputdir="$inputdir" --outputdir="$WORK/$name" \
		--host="$PGHOST" --port="$PGPORT" --user="$PGUSER" \
		--dbname="amprenta_$name" "$@" | tee "$WORK/$name.log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + $#))
		return
	fi
	nfail=$(grep -oE '[0-9]+ of [0-9]+ tests failed' "$WORK/$name.log" | awk '{print $1}')
	nfail=${nfail:-$#}
	passed=$((passed + $# - nfail))
	failed=$((failed + nfail))
	suites_failed+=("$name")
	[ -f "$WORK/$name/regression.diffs" ] && head -n 200 "$WORK/$name/regression.diffs"
}

# --- regress -----------------------------------------------------------------
echo "== pg_regress"
regress_tests=()
for f in sql/*.sql; do regress_tests+=("$(basename "$f" .sql)"); done
run_pg_regress regress "$PGXS_SRC/test/regress/pg_regress" "$TREE" "${regress_tests[@]}"

# --- isolation ---------------------------------------------------------------
specs=(test/isolation/specs/*.spec)
if [ -f "${specs[0]}" ]; then
	echo "== pg_isolation_regress"
	iso_tests=()
	for f in "${specs[@]}"; do iso_tests+=("$(basename "$f" .spec)"); done
	run_pg_regress isolation "$PGXS_SRC/test/isolation/pg_isolation_regress" "$TREE/test/isolation" "${iso_tests[@]}"
fi
amp_cluster_stop

# --- fakes -------------------------------------------------------------------
# The loopback fakes the sync tests rely on, tested from the client's side.
echo "== fakes of Notion, Pinecone and the embeddings API"
prove --exec python3 --verbose test/fake/test_fake_services.py >"$WORK/fakes.log" 2>&1
rc=$?
grep -vE '^[[:space:]]*ok [0-9]+' "$WORK/fakes.log" | grep -vE '^[[:space:]]*#|^$' | tail -n 20
count_tap "$WORK/fakes.log"
[ $rc -eq 0 ] || suites_failed+=(fakes)

# --- TAP ---------------------------------------------------------------------
echo "== TAP tests (prove)"
if ! perl -MIPC::Run -e 1 2>/dev/null; then
	echo "TAP tests cannot run: the Perl module IPC::Run is missing (apt-get install libipc-run-perl)" >&2
	failed=$((failed + 1)); suites_failed+=(tap)
elif [ ! -f "$PGXS_SRC/test/perl/PostgreSQL/Test/Cluster.pm" ]; then
	echo "TAP tests cannot run: PostgreSQL/Test/Cluster.pm not found under $PGXS_SRC/test/perl" >&2
	failed=$((failed + 1)); suites_failed+=(tap)
else
	amp_as_user mkdir -p "$WORK/tap"
	(cd "$WORK/tree" && amp_as_user env TESTDIR="$WORK/tap" \
		PG_REGRESS="$PGXS_SRC/test/regress/pg_regress" \
		PATH="$PG_BINDIR:$PATH" AMPRENTA_SRC="$WORK/tree" \
		prove -I "$PGXS_SRC/test/perl" -I test/perl --verbose test/t/*.pl) >"$WORK/tap.log" 2>&1
	rc=$?
	grep -vE '^[[:space:]]*ok [0-9]+' "$WORK/tap.log" | grep -vE '^[[:space:]]*#|^$' | tail -n 40
	count_tap "$WORK/tap.log"
	[ $rc -eq 0 ] || suites_failed+=(tap)
	if [ $rc -ne 0 ] && [ -d "$WORK/tap/tmp_check/log" ]; then
		tail -n 50 "$WORK"/tap/tmp_check/log/*.log 2>/dev/null | tail -n 120
	fi
fi

if [ ${#suites_failed[@]} -gt 0 ] && [ $failed -eq 0 ]; then
	failed=1
fi
[ ${#suites_failed[@]} -eq 0 ] || echo "failed suites: ${suites_failed[*]}"
echo "summary: $passed passed, $failed failed"
[ $failed -eq 0 ]
