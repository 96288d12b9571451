# tools/cluster.sh - sourced by run-tests.sh, demo.sh and run-bench.sh.
#
# Starts and stops a throw-away PostgreSQL cluster in a private directory,
# with amprenta preloaded.  It listens on a Unix socket inside that directory
# only (no TCP), on a port number the kernel reported free, so it can never
# collide with the system cluster or another run.  PostgreSQL refuses to run
# as root: when invoked as root, server processes run as the 'postgres' user.

PG_CONFIG=${PG_CONFIG:-pg_config}
PG_BINDIR=$("$PG_CONFIG" --bindir)
PGXS_SRC=$(dirname "$(dirname "$("$PG_CONFIG" --pgxs)")")   # .../pgxs/src

if [ "$(id -u)" -eq 0 ]; then
	AMP_RUN_AS=postgres
	id "$AMP_RUN_AS" >/dev/null 2>&1 || {
		echo "cluster: running as root needs the 'postgres' user (package postgresql-common)" >&2
		exit 1
	}
else
	AMP_RUN_AS=$(id -un)
fi

# Run a command as the cluster's OS user, keeping the environment.
amp_as_user() {
	if [ "$(id -un)" = "$AMP_RUN_AS" ]; then
		"$@"
	else
		runuser -u "$AMP_RUN_AS" -- env PATH="$PATH" "$@"
	fi
}

# A port nobody listens on, as reported by the kernel.
amp_free_port() {
	perl -MIO::Socket::INET -e \
		'my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0) or die; print $s->sockport, "\n";'
}

# amp_workdir PREFIX: a fresh directory owned by the cluster user.
amp_workdir() {
	local dir
	dir=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	chmod 755 "$dir"
	[ "$(id -un)" = "$AMP_RUN_AS" ] || chown "$AMP_RUN_AS" "$dir"
	echo "$dir"
}

# amp_cluster_start DIR: initdb + start; exports PGHOST, PGPORT, PGUSER.
amp_cluster_start() {
	local dir=$1
	AMP_PGDATA=$dir/data
	export PGHOST=$dir/sock PGPORT=$(amp_free_port) PGUSER=$AMP_RUN_AS PGDATABASE=postgres
	amp_as_user mkdir -p "$PGHOST"
	amp_as_user "$PG_BINDIR/initdb" -D "$AMP_PGDATA" --no-locale -E UTF8 -A trust >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		return 1
	}
	amp_as_user tee -a "$AMP_PGDATA/postgresql.conf" >/dev/null <<CONF
# amprenta throw-away cluster
shared_preload_libraries = 'amprenta'
listen_addresses = ''
unix_socket_directories = '$PGHOST'
port = $PGPORT
# Throw-away data: no durability, and WAL segments are not zero-filled
# (a long-lived server recycles them; a new cluster would create each one).
fsync = off
wal_init_zero = off
max_wal_size = 4GB
max_worker_processes = 16
log_min_messages = warning
CONF
	amp_as_user "$PG_BINDIR/pg_ctl" -D "$AMP_PGDATA" -l "$dir/server.log" -w -t 60 start >/dev/null || {
		cat "$dir/server.log" >&2
		return 1
	}
}

amp_cluster_stop() {
	if [ -n "${AMP_PGDATA:-}" ] && [ -f "$AMP_PGDATA/postmaster.pid" ]; then
		amp_as_user "$PG_BINDIR/pg_ctl" -D "$AMP_PGDATA" -m fast -w stop >/dev/null 2>&1 || true
	fi
}
