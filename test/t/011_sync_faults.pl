# Sync under faults: the sync worker killed, the server stopped, a request
# that hangs, databases dropped and renamed under their workers, several
# databases at once, a listed database without the extension, and a Notion
# rate changed by a reload.  Against the loopback fakes of test/fake/.
#
# Failures prevented:
# - a kill -9 of the worker, or an immediate shutdown, in the middle of a
#   delivery loses a change, leaves a row leased for ever, creates a second
#   Notion page for an entity (the create landed but was never recorded), or
#   leaves Pinecone with vectors the local index does not have;
# - a worker stuck in a request that never answers ignores SIGTERM, or is not
#   restarted by the launcher afterwards;
# - DROP DATABASE (with or without FORCE) or ALTER DATABASE ... RENAME fails
#   because the sync worker is connected to the database, or the worker comes
#   back to a dropped database;
# - two databases' workers mix their queues or their chunks;
# - a listed database without the extension makes the worker fail and
#   restart in a loop (log spam), or CREATE EXTENSION there is not noticed
#   until the launcher's minute-long retry (also when CREATE EXTENSION runs
#   in a transaction block that commits later);
# - amprenta.notion_max_rps is not applied at a reload, so the worker sends
#   faster than Notion allows (429s).
#
# Why the margins are safe on a slow, shared machine: no step sleeps to let
# something happen; every wait polls the database, the server log or the
# fake until a condition holds, with limits of a minute or more
# (poll_query_until: PG_TEST_TIMEOUT_DEFAULT, 180 s).  The only time bounds
# asserted are liveness bounds far above the expected values: a worker
# leaves within 10 s of SIGTERM (expected: a fraction of a second), a worker
# starts within 30 s of CREATE EXTENSION (the retry without the wake-up is
# 60 s).  The slow fault (3 s) only has to outlast the few milliseconds
# between seeing the request in the fake's log and the kill; the lease
# (5 s) outlasts the 3 s delay, so a create that lands after the crash is in
# Notion before the row can be taken again and is found by its Amprenta ID.
# The rate check counts 429 answers, not seconds; the reload to a higher
# rate is shown by comparing the two phases' request spacing (at 3/s the
# worker cannot send faster than one request per 333 ms after its burst; at
# 20/s it is only bounded by the machine), and the lower bound on the 3/s
# spacing only gets safer on a slow machine.  The one deliberate pause: a
# transaction holding CREATE EXTENSION stays open 2 s (a worker started at
# the CREATE EXTENSION, the bug, would look and leave within milliseconds).
use strict;
use warnings;
use lib 'test/perl';
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep time);
use AmprentaTest;
use AmprentaFake;
use AmprentaSync;
use JSON::PP ();

my $t_start = time;

my $fake = AmprentaFake->start(seed => {
	notion => {
		tokens => ['ntn_test_token_0001'],
		databases => [ { id => '11111111-1111-4111-8111-111111111111', title => 'Datasets',
			data_sources => [ { id => '22222222-2222-4222-8222-222222222222', name => 'Datasets',
				properties => { Name => 'title', 'Amprenta ID' => 'rich_text',
					Omics => 'select', Disease => 'multi_select' } } ] } ],
	},
	pinecone => {
		api_keys => ['pcsk_test_key_0001'],
		indexes => [ { name => 'amprenta', dimension => 384, metric => 'cosine' } ],
	},
});

my $s = AmprentaSync->new('faults', $fake, notion_token => 'ntn_test_token_0001',
	pinecone_key => 'pcsk_test_key_0001',
	# PostgreSQL::Test::Cluster turns restart_after_crash off; the kill -9 needs it.
	conf => [ 'restart_after_crash = on', "amprenta.pinecone_index = 'amprenta'" ],
	target => [ '11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222',
		'{"omics_type": {"property": "Omics", "type": "select"},
		  "disease": {"property": "Disease", "type": "multi_select"}}' ]);
my $node = $s->node;

# Databases whose chunks Pinecone mirrors (they share the one index).
my @served = ('postgres');

sub sql { return $s->sql(@_); }
sub wait_for { return $s->wait_for(@_); }
sub pages { return $s->pages; }
sub drained { return $s->drained(@_); }

# The worker of a database as "pid state" (pid 0 when none).
sub worker
{
	my ($db) = @_;
	return sql("SELECT coalesce(pid, 0) || ' ' || state FROM amprenta.amprenta_worker_status()
		WHERE database = '$db'");
}

sub running_worker_pid
{
	my ($db, $what) = @_;
	ok($node->poll_query_until('postgres',
			"SELECT state = 'running' AND pid IS NOT NULL FROM amprenta.amprenta_worker_status()
			  WHERE database = '$db'"),
		$what // "$db has a running worker");
	return sql("SELECT pid FROM amprenta.amprenta_worker_status() WHERE database = '$db'");
}

# Nothing waits in a database: no capture to expand, no queue row (not even
# a dead one).
my $empty = "SELECT NOT EXISTS (SELECT 1 FROM amprenta.sync_capture)
	AND NOT EXISTS (SELECT 1 FROM amprenta.sync_outbox)";

# The delivery end state of database postgres, after a fault: every dataset
# has exactly one Notion page, created once (the fake's duplicate detector),
# recorded in sync_refs and on the row; Pinecone holds exactly the vectors of
# the local indexes; every dataset has chunks; the queue is empty.
sub end_state
{
	my ($what) = @_;
	my @ids = split / /, sql("SELECT string_agg(id::text, ' ' ORDER BY id) FROM amprenta.datasets");
	my $pages = pages();
	my $created = $fake->notion_state->{counters}{creates_by_property}{'Amprenta ID'} // {};
	my @bad = grep { @{ $pages->{$_} // [] } != 1 } @ids;
	is("@bad", '', "$what: exactly one Notion page per dataset");
	@bad = grep { ($created->{$_} // 0) != 1 } @ids;
	is("@bad", '', "$what: each page was created once");
	is(sql(q{SELECT count(*) FROM amprenta.datasets d
		JOIN amprenta.sync_refs r ON r.sink = 'notion' AND r.entity_id = d.id
		 AND r.external_id = d.notion_page_id}), scalar(@ids), "$what: page ids recorded");
	is(sql("SELECT count(*) FROM amprenta.datasets d
		WHERE NOT EXISTS (SELECT 1 FROM amprenta.chunks c WHERE c.entity_id = d.id)"), '0',
		"$what: every dataset has chunks");
	my @chunk_ids = sort map { split / /, sql("SELECT string_agg(vector_id, ' ') FROM amprenta.chunks", $_) } @served;
	is(join(' ', sort keys %{ $fake->vectors('amprenta') }), join(' ', @chunk_ids),
		"$what: Pinecone holds exactly the vectors of the local index");
	is(sql($empty), 't', "$what: the queue is empty");
}

# Entries of the server log from an offset on; an entry's continuation
# lines (a statement over several lines) stay with it.
sub log_entries
{
	my ($from) = @_;
	my @e;
	for (split /\n/, slurp_file($node->logfile, $from))
	{
		if (/^\d{4}-\d\d-\d\d / || !@e) { push @e, $_; }
		else { $e[-1] .= "\n$_"; }
	}
	return @e;
}

sub insert_datasets
{
	my ($prefix, $n, $db) = @_;
	sql(qq{INSERT INTO amprenta.datasets (name, omics_type, disease, description)
		SELECT '$prefix ' || i, 'lipidomics', '{ALS}',
		       repeat('$prefix: ceramides rise in ALS cerebrospinal fluid. ', 40 * i)
		  FROM generate_series(1, $n) i}, $db);
}

running_worker_pid('postgres', 'the launcher started a worker');
insert_datasets('warm-up', 2);
drained('warm-up');

# --- 1. kill -9 of the worker inside a slow Notion create ---------------------
{
	my $log_offset = -s $node->logfile;
	my $seen = $fake->requests(service => 'notion', limit => 1)->{requests}[0]{id} // 0;
	$fake->fault({ service => 'notion', match => { method => 'POST', path => '^/v1/pages$' },
		times => 1, action => { type => 'delay', ms => 3000 } });
	insert_datasets('kill9', 5);
	my $in_create = wait_for('kill -9: the worker is inside the slow Notion create', sub {
		scalar $s->logged('notion', $seen, sub { $_[0]{method} eq 'POST'
			&& $_[0]{path} eq '/v1/pages' && !defined $_[0]{outcome} }) });
	my $pid = sql("SELECT pid FROM pg_stat_activity
		WHERE backend_type = 'amprenta sync worker' AND datname = 'postgres'");
	is($pid, (split / /, worker('postgres'))[0], 'kill -9: pg_stat_activity and worker_status agree on the pid');
	is(kill('KILL', $pid), 1, 'kill -9: the worker was killed');
	$node->wait_for_log(qr/all server processes terminated; reinitializing/, $log_offset);
	pass('kill -9: the postmaster restarted everything');
	my $new = running_worker_pid('postgres', 'kill -9: a worker runs again after the restart');
	isnt($new, $pid, 'kill -9: it is a new worker');
	drained('kill -9');
	my ($slow) = $s->logged('notion', $seen, sub { ($_[0]{fault} // {})->{type}
		&& $_[0]{fault}{type} eq 'delay' });
	ok($slow && $slow->{status} && $slow->{status} == 200,
		'kill -9: the interrupted create was applied by Notion');
	end_state('kill -9');
	$fake->clear_faults;
}

# --- 2. immediate shutdown inside a slow Pinecone upsert ------------------------
{
	my $seen = $fake->requests(service => 'pinecone', limit => 1)->{requests}[0]{id} // 0;
	$fake->fault({ service => 'pinecone_data', match => { method => 'POST', path => '^/vectors/upsert$' },
		times => 1, action => { type => 'delay', ms => 3000 } });
	# The Notion creates slow too, so a Notion round may be caught as well.
	$fake->fault({ service => 'notion', match => { method => 'POST', path => '^/v1/pages$' },
		times => 1, action => { type => 'delay', ms => 3000 } });
	insert_datasets('immediate', 5);
	wait_for('immediate stop: the worker is inside the slow Pinecone upsert', sub {
		scalar $s->logged('pinecone', $seen, sub { $_[0]{path} eq '/vectors/upsert'
			&& !defined $_[0]{outcome} }) });
	my $pid = (split / /, worker('postgres'))[0];
	$node->stop('immediate');
	$node->start;
	my $new = running_worker_pid('postgres', 'immediate stop: a worker runs after the start');
	isnt($new, $pid, 'immediate stop: it is a new worker');
	drained('immediate stop');
	end_state('immediate stop');
	$fake->clear_faults;
}

# --- 3. SIGTERM while a request hangs -----------------------------------------
{
	my $seen = $fake->requests(service => 'pinecone', limit => 1)->{requests}[0]{id} // 0;
	$fake->fault({ service => 'pinecone_data', match => { method => 'POST', path => '^/vectors/upsert$' },
		times => -1, action => { type => 'hang' } });
	insert_datasets('sigterm', 1);
	wait_for('SIGTERM: the Pinecone upsert hangs', sub {
		scalar $s->logged('pinecone', $seen, sub { $_[0]{path} eq '/vectors/upsert'
			&& ($_[0]{outcome} // '') eq 'hanging' }) });
	my $pid = (split / /, worker('postgres'))[0];
	my $exits = sql("SELECT exits FROM amprenta.amprenta_worker_status() WHERE database = 'postgres'");
	my $t0 = time;
	is(sql("SELECT pg_terminate_backend($pid)"), 't', 'SIGTERM: pg_terminate_backend');
	wait_for('SIGTERM: the worker left', sub {
		sql("SELECT count(*) FROM pg_stat_activity WHERE pid = $pid") eq '0' }, 60);
	my $took = time - $t0;
	note(sprintf('the worker left %.3f s after SIGTERM', $took));
	ok($took < 10, 'SIGTERM: the worker left while its request hung (liveness bound 10 s)');
	wait_for('SIGTERM: the hanging request was abandoned', sub {
		scalar $s->logged('pinecone', $seen, sub { $_[0]{path} eq '/vectors/upsert'
			&& ($_[0]{outcome} // '') eq 'hang' }) });
	ok($node->poll_query_until('postgres',
			"SELECT state = 'running' AND pid <> $pid AND exits > $exits
			   FROM amprenta.amprenta_worker_status() WHERE database = 'postgres'"),
		'SIGTERM: the launcher started a new worker');
	$fake->clear_faults;
	drained('SIGTERM, then the fault cleared');
	end_state('SIGTERM');
}

# --- 3b. Two batches in hand -------------------------------------------------
# The index sink leaves a batch's last upsert running and claims the next
# batch meanwhile; the next one's upsert waits for the answer to the first.
# Here the first upsert hangs until the worker's timeout (4 s, far above the
# poll's 0.1 s): the second batch must be claimed within that, and once the
# timeout decided the first (retried), everything arrives exactly once.
# Experiments have no Notion target: the index sink alone.
{
	$s->reload_worker('amprenta.batch_size' => 2, 'amprenta.http_timeout' => '4s');
	my $seen = $s->last_log_id;
	$fake->fault({ service => 'pinecone_data', match => { method => 'POST', path => '^/vectors/upsert$' },
		times => 1, action => { type => 'hang' } });
	sql(q{INSERT INTO amprenta.experiments (name, description)
		SELECT 'overlap ' || i, 'Overlap: sphingolipids of cohort ' || i FROM generate_series(1, 4) i});
	wait_for('two batches: the first upsert hangs', sub {
		scalar $s->logged('pinecone', $seen, sub { $_[0]{path} eq '/vectors/upsert'
			&& ($_[0]{outcome} // '') eq 'hanging' }) });
	ok($node->poll_query_until('postgres',
			"SELECT count(*) = 4 FROM amprenta.sync_outbox o
			  WHERE sink = 'pinecone' AND entity_type = 'experiment'
			    AND EXISTS (SELECT 1 FROM amprenta.sync_leases l WHERE o.id = ANY (l.outbox_ids))"),
		'two batches: the next batch is claimed while the first upsert is being answered');
	# Changes to entities being delivered (one in each batch) are queued
	# into their leased rows; the worker sees the rows' versions moved on
	# and delivers them again instead of deleting them.
	sql(q{UPDATE amprenta.experiments SET description = 'Overlap: changed during delivery ' || name
		   WHERE name IN ('overlap 1', 'overlap 4')});
	drained('two batches');
	is(sql(q{SELECT string_agg(e.name, ', ' ORDER BY e.name) FROM amprenta.chunks c
			   JOIN amprenta.experiments e ON e.id = c.entity_id
			  WHERE c.content LIKE '%changed during delivery%'}), 'overlap 1, overlap 4',
		'two batches: changes made during delivery are delivered too');
	my $want = join ' ', sort map { "experiment:$_:0" }
		split / /, sql("SELECT string_agg(id::text, ' ') FROM amprenta.experiments WHERE name LIKE 'overlap %'");
	is(join(' ', sort grep { /^experiment:/ } keys %{ $fake->vectors('amprenta') }), $want,
		'two batches: Pinecone holds each experiment\'s vector');
	is(sql("SELECT count(*) FROM amprenta.sync_refs WHERE sink = 'pinecone' AND entity_type = 'experiment'"), '4',
		'two batches: both recorded');
	$fake->clear_faults;
	# Deleted again (a batch with deletes is delivered within its round):
	# the later sections count datasets' chunks only.
	sql("DELETE FROM amprenta.experiments WHERE name LIKE 'overlap %'");
	drained('two batches, deleted');
	is(join(' ', grep { /^experiment:/ } keys %{ $fake->vectors('amprenta') }), '',
		'two batches: the deleted experiments\' vectors are gone');
	sql('ALTER SYSTEM RESET amprenta.batch_size; ALTER SYSTEM RESET amprenta.http_timeout');
	sql('SELECT pg_reload_conf()');
}

# --- 4. DROP DATABASE and ALTER DATABASE RENAME with a worker attached ---------
{
	for my $db (qw(x_drop y_force z_rename))
	{
		sql("CREATE DATABASE $db");
		sql('CREATE EXTENSION amprenta', $db);
	}
	sql("ALTER SYSTEM SET amprenta.databases = 'postgres, x_drop, y_force, z_rename, z_renamed'");
	sql('SELECT pg_reload_conf()');
	my %pid = map { $_ => running_worker_pid($_) } qw(x_drop y_force z_rename);

	my ($ret, $out, $err) = $node->psql('postgres', 'DROP DATABASE x_drop');
	is($ret, 0, 'DROP DATABASE with its worker attached succeeds') or diag($err);
	is(sql("SELECT count(*) FROM amprenta.amprenta_worker_status()
		WHERE database = 'x_drop' AND state = 'running'"), '0', 'no running worker for the dropped database');

	($ret, $out, $err) = $node->psql('postgres', 'DROP DATABASE y_force WITH (FORCE)');
	is($ret, 0, 'DROP DATABASE WITH (FORCE) with its worker attached succeeds') or diag($err);
	is(sql("SELECT count(*) FROM amprenta.amprenta_worker_status()
		WHERE database = 'y_force' AND state = 'running'"), '0', 'no running worker for the force-dropped database');

	($ret, $out, $err) = $node->psql('postgres', 'ALTER DATABASE z_rename RENAME TO z_renamed');
	is($ret, 0, 'ALTER DATABASE RENAME with its worker attached succeeds') or diag($err);

	ok($node->poll_query_until('postgres',
			"SELECT count(*) = 0 FROM amprenta.amprenta_worker_status() WHERE database IN ('x_drop', 'y_force')"),
		'the launcher forgets the dropped databases');
	is(sql("SELECT count(*) FROM pg_stat_activity WHERE pid IN ($pid{x_drop}, $pid{y_force}, $pid{z_rename})"),
		'0', 'the workers of the dropped and renamed databases are gone');
	my $z = running_worker_pid('z_renamed', 'the renamed database (still listed) gets its worker back');
	is(sql("SELECT datname FROM pg_stat_activity WHERE pid = $z"), 'z_renamed', 'connected to the renamed database');
}

# --- 5. Two databases served at once ---------------------------------------------
{
	push @served, 'z_renamed';
	insert_datasets('alpha', 4, 'postgres');
	insert_datasets('beta', 3, 'z_renamed');
	drained('two databases: postgres', db => 'postgres');
	drained('two databases: z_renamed', db => 'z_renamed');
	for my $c ([ 'postgres', 'alpha', 'beta' ], [ 'z_renamed', 'beta', 'alpha' ])
	{
		my ($db, $mine, $other) = @$c;
		is(sql("SELECT count(*) FROM amprenta.datasets d WHERE d.name LIKE '$mine %'
			AND NOT EXISTS (SELECT 1 FROM amprenta.chunks c WHERE c.entity_id = d.id)", $db), '0',
			"two databases: every dataset of $db has chunks");
		is(sql("SELECT count(*) FROM amprenta.chunks c
			WHERE NOT EXISTS (SELECT 1 FROM amprenta.datasets d WHERE d.id = c.entity_id)
			   OR c.content LIKE '%$other:%'", $db), '0', "two databases: $db has only its own chunks");
	}
	end_state('two databases');
}

# --- 6a. A listed database without the extension (while 7 runs) -----------------
my $noext_from = -s $node->logfile;
my $noext_t0 = time;
sql('CREATE DATABASE noext_db');
sql("ALTER SYSTEM SET amprenta.databases = 'postgres, z_renamed, noext_db'");
sql('SELECT pg_reload_conf()');
ok($node->poll_query_until('postgres',
		"SELECT state = 'no extension' AND pid IS NULL AND exits = 1 AND restart_at > now() + interval '30 s'
		   FROM amprenta.amprenta_worker_status() WHERE database = 'noext_db'"),
	"a listed database without the extension: state 'no extension', looked at again in a minute");

# --- 7. A reload changes the Notion rate -------------------------------------------
{
	# Wait for a reload to reach the worker: two turns of its loop after the
	# reload (it processes the reload at the top of the next turn).
	my $reloaded = sub {
		my ($what) = @_;
		my $t = sql('SELECT now()');
		sql('SELECT pg_reload_conf()');
		ok($node->poll_query_until('postgres',
				"SELECT heartbeat > '$t' FROM amprenta.amprenta_worker_status() WHERE database = 'postgres'"),
			"$what: a turn of the worker after the reload");
		my $h = sql("SELECT heartbeat FROM amprenta.amprenta_worker_status() WHERE database = 'postgres'");
		ok($node->poll_query_until('postgres',
				"SELECT heartbeat > '$h' FROM amprenta.amprenta_worker_status() WHERE database = 'postgres'"),
			"$what: and another");
	};
	sql('ALTER SYSTEM SET amprenta.notion_max_rps = 3');
	$reloaded->('notion_max_rps = 3');
	$fake->control('POST', '/__fake/config', { notion => { rate_limit => { enabled => JSON::PP::true, rate => 3, burst => 3 } } });
	my $seen = $fake->requests(service => 'notion', limit => 1)->{requests}[0]{id} // 0;
	insert_datasets('rated', 20);
	drained('20 pages at 3 requests/s');
	my @slow = $s->logged('notion', $seen);
	is(scalar(grep { ($_->{status} // 0) == 429 } @slow), 0, 'at notion_max_rps = 3: no 429 from a Notion limited to 3/s')
		or diag(join "\n", map { sprintf('%.4f %s %s %s', $_->{t}, $_->{method}, $_->{path}, $_->{status} // '-') } @slow);
	is(scalar(grep { $_->{method} eq 'POST' && $_->{path} eq '/v1/pages' && ($_->{status} // 0) == 200 } @slow), 20,
		'20 pages created');
	is(sql("SELECT count(*) FROM amprenta.datasets WHERE name LIKE 'rated %' AND notion_page_id IS NOT NULL"), '20',
		'all 20 recorded');

	$fake->control('POST', '/__fake/config', { notion => { rate_limit => { enabled => JSON::PP::false } } });
	sql('ALTER SYSTEM SET amprenta.notion_max_rps = 20');
	$reloaded->('notion_max_rps = 20');
	$seen = $fake->requests(service => 'notion', limit => 1)->{requests}[0]{id} // 0;
	insert_datasets('faster', 10);
	drained('10 pages at 20 requests/s');
	my @fast = $s->logged('notion', $seen);
	my $gap = sub { my @r = @_; return ($r[-1]{t} - $r[0]{t}) / (@r - 1); };
	my ($g1, $g2) = ($gap->(@slow), $gap->(@fast));
	note(sprintf('mean gap between Notion requests: %.3f s at 3/s, %.3f s at 20/s', $g1, $g2));
	ok($g1 >= (@slow - 3) / 3 / (@slow - 1) - 0.01, 'at 3/s the worker never went faster than 3/s after its burst');
	ok($g2 < $g1, 'after the reload to 20/s the requests come closer together');
	end_state('rate');
}

# --- 6b. ... no spam; CREATE EXTENSION brings the worker ---------------------------
{
	my $waited = time - $noext_t0;
	my @entries = log_entries($noext_from);
	my @lines = grep { /noext_db/ && !/ (statement|parameter "amprenta.databases" changed)/ } @entries;
	my @errors = grep { /\b(ERROR|FATAL|PANIC):/ } @entries;
	note(sprintf('%.1f s without the extension', $waited));
	ok(@lines <= 2, 'no extension: the server log barely mentions the database') or diag(join "\n", @lines);
	ok(@errors <= 2, 'no extension: no errors in the server log') or diag(join "\n", @errors);
	is(sql("SELECT exits || ' ' || state FROM amprenta.amprenta_worker_status() WHERE database = 'noext_db'"),
		'1 no extension', 'no extension: the worker was not restarted in a loop');

	my $t0 = time;
	sql('CREATE EXTENSION amprenta', 'noext_db');
	wait_for('CREATE EXTENSION: the database gets a running worker', sub {
		worker('noext_db') =~ /^[1-9]\d* running$/ });
	my $took = time - $t0;
	note(sprintf('running %.1f s after CREATE EXTENSION', $took));
	ok($took < 30, 'CREATE EXTENSION: promptly, not at the launcher\'s next minute (bound 30 s)');
	push @served, 'noext_db';
	insert_datasets('gamma', 1, 'noext_db');
	drained('the new worker delivers', db => 'noext_db');

	# CREATE EXTENSION in a transaction block that commits later: the
	# launcher must not conclude "no extension" from a look taken before the
	# commit.  The transaction stays open 2 s, time enough for a worker
	# started at the CREATE EXTENSION to look and leave.
	sql('CREATE DATABASE later_db');
	sql("ALTER SYSTEM SET amprenta.databases = 'postgres, z_renamed, noext_db, later_db'");
	sql('SELECT pg_reload_conf()');
	ok($node->poll_query_until('postgres',
			"SELECT state = 'no extension' AND pid IS NULL AND restart_at > now() + interval '30 s'
			   FROM amprenta.amprenta_worker_status() WHERE database = 'later_db'"),
		"later_db: state 'no extension'");
	my $s = $node->background_psql('later_db');
	$s->query_safe('BEGIN');
	$s->query_safe('CREATE EXTENSION amprenta');
	my $open = time;
	wait_for('later_db: the transaction stays open 2 s', sub { time - $open >= 2 }, 10);
	$s->query_safe('COMMIT');
	$s->quit;
	$t0 = time;
	wait_for('CREATE EXTENSION in a transaction block: the database gets a running worker', sub {
		worker('later_db') =~ /^[1-9]\d* running$/ });
	$took = time - $t0;
	note(sprintf('running %.1f s after COMMIT', $took));
	ok($took < 30, 'CREATE EXTENSION in a transaction block: promptly after the commit (bound 30 s)');
}

$node->stop;
$fake->stop;
note(sprintf('011_sync_faults ran %.1f s', time - $t_start));
done_testing();
