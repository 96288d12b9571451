#!/usr/bin/env bash
# Prints doc/schema.md: installs the extension in a throw-away cluster and
# renders the catalog comments with tools/schema-doc.sql.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/cluster.sh
dir=$(amp_workdir amprenta-doc)
trap 'amp_cluster_stop; rm -rf "$dir"' EXIT
amp_cluster_start "$dir"
"$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE EXTENSION amprenta' >/dev/null
"$PG_BINDIR/psql" -X -A -t -q -v ON_ERROR_STOP=1 -d postgres -f tools/schema-doc.sql
