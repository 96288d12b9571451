# amprenta_pinecone_sync() and amprenta_notion_sync() with wait_seconds > 0:
# the worker queues the entities in a transaction of its own, the caller
# watches the queue until they are delivered, and every other way a wait
# ends is an ERROR with its own SQLSTATE, against the loopback fakes.
#
# Failures prevented:
# - a wait that returns while its entities are still queued, or that never
#   notices they died (a 400 from Pinecone) and runs into its timeout;
# - a timeout that takes the entities out of the queue (they must stay, and
#   be delivered once the service answers);
# - a wait inside a transaction block (the worker could never see what the
#   transaction queues: it would wait for nothing, or hang), a negative
#   wait, or a wait in a database no worker serves, accepted;
# - dead entities of an earlier call failing a later wait for others.
#
# No sleeps: the fake delays or refuses requests by fault rules; every wait
# is the function's own or polls the database (poll_query_until: 180 s).
use strict;
use warnings;
use lib 'test/perl';
use PostgreSQL::Test::Utils;
use Test::More;
use AmprentaTest;
use AmprentaFake;
use AmprentaSync;

my $PC_KEY = 'pcsk_test_key_0001';
my $fake = AmprentaFake->start(seed => {
	pinecone => { api_keys => [$PC_KEY],
		indexes => [ { name => 'amprenta', dimension => 384, metric => 'cosine' } ] },
});
my $s = AmprentaSync->new('wait', $fake, pinecone_key => $PC_KEY,
	conf => [ "amprenta.pinecone_index = 'amprenta'" ]);
my $node = $s->node;

sub sql { return $s->sql(@_); }

# Run $q; returns (sqlstate and message, detail, hint) of its error, or
# ('ok: <output>') when it succeeded.
sub try_sql
{
	my ($q, $db) = @_;
	my ($rc, $out, $err) = $node->psql($db // 'postgres', $q,
		extra_params => [ '-v', 'VERBOSITY=verbose', '-v', 'ON_ERROR_STOP=1' ]);
	return ("ok: $out") if $rc == 0;
	my ($e) = $err =~ /ERROR:  (\w{5}: [^\n]*)/;
	my ($d) = $err =~ /DETAIL:  ([^\n]*)/;
	my ($h) = $err =~ /HINT:  ([^\n]*)/;
	return ($e // $err, $d // '', $h // '');
}

sub vector_ids { return join(' ', sort keys %{ $fake->vectors('amprenta') }); }

sql(q{SET amprenta.sync_enabled = off; INSERT INTO amprenta.programs (name, description)
	SELECT 'program ' || i, 'Program number ' || i FROM generate_series(1, 3) i});
my %id = map { split /\|/ } split /\n/, sql(q{SELECT name || '|' || id FROM amprenta.programs});

# --- delivered: returns how many were queued, once they left the queue --------
is(sql(q{SELECT amprenta.amprenta_pinecone_sync('program', NULL, 60)}), '3',
	'three programs queued and delivered');
is(sql('SELECT count(*) FROM amprenta.sync_outbox'), '0', 'nothing left in the queue when the wait returns');
is(vector_ids(), join(' ', sort map { "program:$_:0" } values %id), 'the index holds their vectors');

# --- refused before anything is queued -----------------------------------------
my @e = try_sql(q{BEGIN; SELECT amprenta.amprenta_pinecone_sync('program', NULL, 5);});
is($e[0], '25001: wait_seconds > 0 cannot be used inside a transaction block', 'no wait in a transaction block');
like($e[2], qr/Commit first and call it on its own, or pass wait_seconds => 0/, 'with a hint');
@e = try_sql(q{SELECT amprenta.amprenta_pinecone_sync('program', NULL, -1)});
is($e[0], '22023: wait_seconds must not be negative', 'no negative wait');
sql('CREATE DATABASE other');
sql('CREATE EXTENSION amprenta', 'other');
sql(q{SET amprenta.sync_enabled = off; INSERT INTO amprenta.programs (name) VALUES ('elsewhere')}, 'other');
@e = try_sql(q{SELECT amprenta.amprenta_pinecone_sync('program', NULL, 5)}, 'other');
is($e[0], '55000: no sync worker is running for database "other"', 'no wait where no worker serves');
like($e[2], qr/List the database in amprenta\.databases/, 'with a hint');
is(sql('SELECT count(*) FROM amprenta.sync_outbox', 'other') . ' ' . sql('SELECT count(*) FROM amprenta.sync_outbox'),
	'0 0', 'the refused calls queued nothing');

# --- the entities die: an ERROR as soon as they do, not at the timeout ---------
{
	# Changes with sync off: only the wait queues them.
	$fake->fault({ service => 'pinecone_data', match => { method => 'POST', path => '^/vectors/upsert$' },
		times => -1, action => { type => 'status', status => 400 } });
	sql(q{SET amprenta.sync_enabled = off; UPDATE amprenta.programs SET description = 'Changed' WHERE name = 'program 1'});
	my $t0 = time;
	@e = try_sql(qq{SELECT amprenta.amprenta_pinecone_sync('program', '$id{'program 1'}', 120)});
	is($e[0], '38000: 1 of the entities could not be delivered to pinecone', 'a 400: the wait ends in an ERROR');
	like($e[1], qr/^Last error: .*400/, 'whose detail is the last error');
	like($e[2], qr/amprenta_retry_dead\('pinecone'\)/, 'and whose hint says how to retry');
	cmp_ok(time - $t0, '<', 60, 'long before the 120 s timeout');
	is(sql(q{SELECT state || ' ' || last_http_status FROM amprenta.sync_outbox}), 'dead 400',
		'the entity stays in the queue, dead, with the status');

	# A wait for another entity is not failed by that dead row.
	$fake->clear_faults;
	sql(q{SET amprenta.sync_enabled = off; UPDATE amprenta.programs SET description = 'Changed too' WHERE name = 'program 2'});
	is(sql(qq{SELECT amprenta.amprenta_pinecone_sync('program', '$id{'program 2'}', 60)}), '1',
		'a wait for another entity returns when it is delivered');

	is(sql(q{SELECT amprenta.amprenta_retry_dead('pinecone')}), '1', 'the dead entity is queued again');
	is(sql(qq{SELECT amprenta.amprenta_pinecone_sync('program', '$id{'program 1'}', 60)}), '1',
		'and delivered, its wait returning');
	is(sql('SELECT count(*) FROM amprenta.sync_outbox'), '0', 'the queue is empty');
}

# --- the timeout: an ERROR, the entities stay queued and are delivered ---------
{
	$fake->fault({ service => 'pinecone_data', match => { method => 'POST', path => '^/vectors/upsert$' },
		times => 1, action => { type => 'delay', ms => 6000 } });
	sql(q{SET amprenta.sync_enabled = off; UPDATE amprenta.programs SET description = 'Changed again' WHERE name = 'program 3'});
	@e = try_sql(qq{SELECT amprenta.amprenta_pinecone_sync('program', '$id{'program 3'}', 2)});
	is($e[0], '57014: delivery did not finish within 2 seconds', 'a slow service: the wait times out');
	is($e[1], 'The entities stay queued and will still be delivered.', 'saying the entities stay queued');
	ok($s->poll(q{SELECT NOT EXISTS (SELECT 1 FROM amprenta.sync_outbox)}), 'and they are delivered later');
	is(sql(q{SELECT count(*) FROM amprenta.chunks WHERE content LIKE '%Changed again%'}), '1',
		'with the change');
	$fake->clear_faults;
}

$s->stop;
$fake->stop;
done_testing();
