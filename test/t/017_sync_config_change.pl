# A change of the semantic index's configuration (embedding provider, model,
# dimension, Pinecone index, host, namespace) re-syncs every entity by
# itself, against the loopback fakes of test/fake/ (OpenAI-compatible
# embeddings, Pinecone control and data planes).
#
# Failures prevented:
# - a new model that leaves the entities that did not change with vectors
#   of the old model, in amprenta.chunks and in Pinecone, until someone calls
#   amprenta_pinecone_sync();
# - the set-up of doc/sync.md racing: ALTER SYSTEM SET
#   amprenta.pinecone_index, pg_reload_conf(), amprenta_pinecone_sync() in
#   quick succession let the worker claim the queued rows before the reload
#   reached it, deliver them to the old index and record them as up to date,
#   so the new index stayed empty (forced in (b2) by holding the worker
#   inside its turn with a table lock: the race itself is rarely lost);
# - a restart (of the worker, or of the server) with an unchanged
#   configuration that queues, embeds or upserts anything;
# - a new chunk size taken for a new configuration (it is not: vectors cut
#   at another size are still usable, so nothing is re-embedded at once);
# - a switch back to an index used before that leaves there the vectors of
#   entities deleted, and the surplus vectors of entities shrunk, while
#   another index was in use.
#
# No sleeps: every wait polls the database or the fake until a condition
# holds (poll_query_until: 180 s).  The worker stores the new fingerprint in
# amprenta.sync_config in the transaction that queues every entity, so
# "the fingerprint is the new one and the queue is empty" means the re-sync
# ended.  Vectors are compared within 1e-6 (float formatting only, as in
# 012).  "The worker checked its configuration after a restart" is "it began
# three rounds": its first turn, where the check runs, has then ended.
use strict;
use warnings;
use lib 'test/perl';
use PostgreSQL::Test::Utils;
use Test::More;
use HTTP::Tiny;
use JSON::PP;
use List::Util qw(max sum0);
use AmprentaTest;
use AmprentaFake;
use AmprentaSync;

my $KEY = 'sk-test-conf-0001';		# the worker's key
my $DIRECT = 'sk-test-direct-0002';	# the test's own requests, told apart in the log
my $PC_KEY = 'pcsk_test_key_0001';
# Both take "dimensions"; their native sizes differ, so the fake's vectors
# of one text differ between them.
my $M1 = 'text-embedding-3-small';
my $M2 = 'text-embedding-3-large';

my $fake = AmprentaFake->start(seed => {
	openai => { api_keys => [ $KEY, $DIRECT ],
		models => [ { id => $M1, dimension => 1536 }, { id => $M2, dimension => 3072 } ] },
	pinecone => { api_keys => [$PC_KEY],
		indexes => [ map { { name => $_, dimension => 384, metric => 'cosine' } } qw(old new newer newest) ] },
	config => { log => { body_max => 2_000_000 } },
});
my $s = AmprentaSync->new('config_change', $fake, openai_key => $KEY, pinecone_key => $PC_KEY,
	conf => [ "amprenta.embedding_provider = 'openai'", "amprenta.embedding_model = '$M1'",
		'amprenta.embedding_dimension = 384', "amprenta.pinecone_index = 'old'" ]);
my $node = $s->node;
my $json = JSON::PP->new->canonical;
my $http = HTTP::Tiny->new(timeout => 30);

sub sql { return $s->sql(@_); }
sub fingerprint { my ($model, $index) = @_; return "openai:$model|384|$index||"; }

# Embedding requests of the worker after log id $since, bodies decoded.
sub embed_requests
{
	my ($since) = @_;
	my @out;
	for my $r (@{ $fake->requests(service => 'openai', path => '^/v1/embeddings$', since => $since, limit => 50000)->{requests} })
	{
		next if ($r->{headers}{Authorization} // '') =~ /0002$/;
		die 'request body cut in the log' if $r->{body_truncated};
		$r->{json} = $json->decode($r->{body});
		push @out, $r;
	}
	return @out;
}

# The fake's vector of a text under a model, asked with the test's own key.
sub fake_vector
{
	my ($text, $model) = @_;
	my $r = $http->post($fake->url('openai') . '/v1/embeddings', {
		headers => { Authorization => "Bearer $DIRECT", 'Content-Type' => 'application/json' },
		content => $json->encode({ model => $model, input => [$text], encoding_format => 'float', dimensions => 384 }) });
	die "fake openai: $r->{status} $r->{content}" unless $r->{success};
	return $json->decode($r->{content})->{data}[0]{embedding};
}

sub max_diff
{
	my ($a, $b) = @_;
	return 9e9 unless $a && $b && @$a == @$b;
	return max(map { abs($a->[$_] - $b->[$_]) } 0 .. $#$a);
}

# Every chunk: vector_id => [content, embedding, embedding_model].
sub chunks
{
	my %c;
	# Chunk texts hold newlines: rows end with chr(29), fields with chr(30).
	for my $row (split /\x1d/, sql(q{SELECT string_agg(concat_ws(chr(30), vector_id, content, embedding::text,
			embedding_model), chr(29)) FROM amprenta.chunks}))
	{
		my ($id, $content, $emb, $model) = split /\x1e/, $row;
		$emb =~ s/^\{|\}$//g;
		$c{$id} = [ $content, [ split /,/, $emb ], $model ];
	}
	return \%c;
}

# Wait until the worker stored the fingerprint and nothing is left to do.
sub resynced
{
	my ($what, $fp) = @_;
	ok($s->poll(qq{SELECT (SELECT fingerprint FROM amprenta.sync_config WHERE sink = 'pinecone') = '$fp'
		AND NOT EXISTS (SELECT 1 FROM amprenta.sync_capture)
		AND NOT EXISTS (SELECT 1 FROM amprenta.sync_outbox)}), "$what: the worker took the new configuration and the queue drained");
}

# The index holds exactly the local chunks, each with the local vector; every
# chunk comes from $model, with the fake's vector for its text.
sub index_matches
{
	my ($what, $index, $model) = @_;
	my $c = chunks();
	my $v = $fake->vectors($index);
	is(join(' ', sort keys %$v), join(' ', sort keys %$c), "$what: the index $index holds every chunk, nothing else");
	is(scalar(grep { max_diff($v->{$_}{values}, $c->{$_}[1]) < 1e-6 } keys %$c), scalar(keys %$c),
		"$what: with the vectors of amprenta.chunks");
	is(join(',', sort { $a cmp $b } keys %{ { map { $_->[2] => 1 } values %$c } }), "openai:$model",
		"$what: every chunk comes from $model");
	is(scalar(grep { max_diff($c->{$_}[1], fake_vector($c->{$_}[0], $model)) < 1e-6 } keys %$c), scalar(keys %$c),
		"$what: each vector is the fake's for its chunk's text under $model");
}

my $entities = 8;
sql(q{INSERT INTO amprenta.programs (name, description) VALUES ('ALS program', 'Lipids in motor neuron disease')});
sql(q{INSERT INTO amprenta.experiments (name, description) VALUES ('CSF cohort', 'Lumbar punctures of 40 donors')});
sql(q{INSERT INTO amprenta.datasets (name, omics_type, description)
	SELECT 'dataset ' || i, 'lipidomics',
	       repeat(format('Ceramide Cer(d18:1/%s:0) rose %s-fold in cohort %s. ', 14 + i, i, i), 20 * i)
	  FROM generate_series(1, 6) i});
$s->drained('eight entities');
resynced('at the start', fingerprint($M1, 'old'));
my $nchunks = sql('SELECT count(*) FROM amprenta.chunks');
ok($nchunks > $entities, "$nchunks chunks, several for the long descriptions");
is(sql('SELECT count(DISTINCT entity_id) FROM amprenta.chunks'), $entities, 'every entity has chunks');
index_matches('at the start', 'old', $M1);

# --- (a) A new model and a reload: every entity is embedded again -------------
{
	my $mark = $s->last_log_id;
	sql("ALTER SYSTEM SET amprenta.embedding_model = '$M2'");
	sql('SELECT pg_reload_conf()');
	resynced('a new model', fingerprint($M2, 'old'));
	# Read before the test asks the fake for vectors of $M2 itself.
	is($fake->control('GET', '/__fake/state/openai')->{counters}{per_model}{$M2}{inputs}, $nchunks,
		"the fake embedded $nchunks inputs with $M2, as many as there are chunks");
	index_matches('a new model, no amprenta_pinecone_sync()', 'old', $M2);
	my @r = embed_requests($mark);
	is(scalar(grep { $_->{json}{model} eq $M2 } @r), scalar(@r), "every embedding request names $M2");
	is(join("\x1e", sort map { @{ $_->{json}{input} } } @r),
		join("\x1e", sort map { $_->[0] } values %{ chunks() }), 'each chunk embedded once, with its text');
	is(sql('SELECT count(*) FROM amprenta.sync_refs WHERE sink = \'pinecone\''), $entities, 'every entity recorded');
}

# --- (b) The set-up of doc/sync.md: a new index, reload, sync at once ----------
# The three statements in quick succession, as an administrator types them;
# the commit of amprenta_pinecone_sync() may wake the worker before the
# reload reaches it.  Twice, into two new indexes.
for my $index (qw(new newer))
{
	my $mark = $s->last_log_id;
	$node->safe_psql('postgres', join("\n", "ALTER SYSTEM SET amprenta.pinecone_index = '$index';",
		'SELECT pg_reload_conf();', 'SELECT amprenta.amprenta_pinecone_sync();'));
	resynced("index $index", fingerprint($M2, $index));
	index_matches("index $index", $index, $M2);
	is(sum0(map { scalar @{ $_->{json}{input} } } embed_requests($mark)), 0,
		"index $index: nothing embedded again, the stored embeddings of $M2 are sent");
	is(sql(q{SELECT count(*) FROM amprenta.sync_outbox WHERE state = 'dead'}), '0', "index $index: no dead row");
}

# --- (b2) The same, with the reload reaching the worker inside its turn ----------
# In (b) the postmaster usually passes the reload on before the commit of
# amprenta_pinecone_sync() wakes the worker.  Here the worker is held inside
# a turn, past the point where it processes a reload and before it claims:
# a lock in SHARE mode on sync_capture stops the worker's move of captured
# changes into the queue (a write), not its reads.  The reload and the sync
# happen meanwhile; released, the worker claims the rows under the old
# index (its worker_status().delivered counts them once), and its next turn
# must queue them all again for the new one (counted a second time).
{
	my $pid = $s->status('pid');
	my $delivered = $s->status('delivered');
	my $holder = $node->background_psql('postgres');
	$holder->query_safe('BEGIN');
	$holder->query_safe('LOCK TABLE amprenta.sync_capture IN SHARE MODE');
	ok($s->poll("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $pid"),
		'held: the worker waits inside its turn');
	sql("ALTER SYSTEM SET amprenta.pinecone_index = 'newest'");
	sql('SELECT pg_reload_conf()');
	# A new session sees the new value once the postmaster reloaded and
	# signalled its children, the held worker too.
	ok($s->poll("SELECT current_setting('amprenta.pinecone_index') = 'newest'"), 'held: the reload is done');
	is(sql('SELECT amprenta.amprenta_pinecone_sync()'), $entities, 'held: every entity queued');
	$holder->query_safe('COMMIT');
	$holder->quit;
	resynced('reload inside a turn', fingerprint($M2, 'newest'));
	index_matches('reload inside a turn', 'newest', $M2);
	is($s->status('delivered') - $delivered, 2 * $entities,
		'the rows went to the old index first, then every entity again to the new one');
	is($s->status('pid'), $pid, 'the same worker process');
}

# --- (b3) An edit embeds only the chunks whose text changed ----------------------
{
	my $id = sql(q{SELECT id FROM amprenta.datasets WHERE name = 'dataset 6'});
	my $mark = $s->last_log_id;
	my $c0 = chunks();
	my %was = map { $c0->{$_}[0] => 1 } grep { /^dataset:$id:/ } keys %$c0;
	sql(q{UPDATE amprenta.datasets SET description = description || ' Sphingomyelin rose as well.'
		   WHERE name = 'dataset 6'});
	$s->drained('an edit at the end of a long description');
	my $c1 = chunks();
	my @new = map { $c1->{$_}[0] } grep { /^dataset:$id:/ } keys %$c1;
	my @changed = grep { !$was{$_} } @new;
	ok(@changed > 0 && @changed < @new, sprintf('the edit changed %d of the %d chunks', scalar @changed, scalar @new));
	is(join("\x1e", sort map { @{ $_->{json}{input} } } embed_requests($mark)), join("\x1e", sort @changed),
		'only the changed chunks were embedded');
	index_matches('after an edit', 'newest', $M2);
}

# --- (c) A restart with an unchanged configuration queues nothing ---------------
for my $how ('the worker is terminated', 'the server restarts')
{
	my $mark = $s->last_log_id;
	my $changed = sql(q{SELECT changed_at FROM amprenta.sync_config WHERE sink = 'pinecone'});
	my $pid = $s->status('pid');
	if ($how =~ /worker/)
	{
		sql("SELECT pg_terminate_backend($pid)");
	}
	else
	{
		$node->restart;
	}
	ok($s->poll("SELECT state = 'running' AND pid <> $pid " . $s->status_from), "$how: a new worker runs");
	$s->worker_rounds(3);
	is(sql(q{SELECT format('%s captured, %s pending, %s in flight, %s dead', captured, pending, inflight, dead)
		FROM amprenta.sync_status WHERE sink = 'pinecone'}), '0 captured, 0 pending, 0 in flight, 0 dead',
		"$how: nothing queued for the index");
	is(sql('SELECT count(*) FROM amprenta.sync_outbox'), '0', "$how: the queue is empty");
	is(sql(q{SELECT changed_at FROM amprenta.sync_config WHERE sink = 'pinecone'}), $changed,
		"$how: the stored configuration is the same row");
	is(scalar($s->logged('pinecone_data', $mark)) + scalar(embed_requests($mark)), 0,
		"$how: no embedding, no upsert");
}

# --- (d) A new chunk size is no new configuration ---------------------------------
# The vectors of the old chunks are still of the same space: nothing is
# embedded at once; an entity is cut at the new size when it changes (or
# when amprenta_pinecone_sync() queues it).
{
	my $mark = $s->last_log_id;
	my $changed = sql(q{SELECT changed_at FROM amprenta.sync_config WHERE sink = 'pinecone'});
	$s->reload_worker('amprenta.chunk_size' => '600');
	$s->worker_rounds(2);
	is(sql('SELECT count(*) FROM amprenta.sync_outbox'), '0', 'a new chunk size queues nothing');
	is(sql(q{SELECT changed_at FROM amprenta.sync_config WHERE sink = 'pinecone'}), $changed,
		'and is not a new index configuration');
	is(scalar(embed_requests($mark)), 0, 'nothing embedded');
	sql(q{UPDATE amprenta.datasets SET description = description || ' Sphingomyelin too.' WHERE name = 'dataset 6'});
	$s->drained('a changed dataset, cut at the new size');
	is(sql(q{SELECT max(octet_length(c.content)) <= 600 FROM amprenta.chunks c
		JOIN amprenta.datasets d ON d.id = c.entity_id WHERE d.name = 'dataset 6'}), 't',
		'the changed dataset was cut at the new size');
	index_matches('after a new chunk size', 'newest', $M2);
}

# --- (e) Back to an index used before ----------------------------------------------
# Index newer still holds the vectors of (b).  While newest is in use, a
# dataset shrinks to one chunk and another is deleted; back to newer, the
# worker must delete there what it wrote before and no entity has now (it
# knows from what was kept aside when newer was left: sync_index_archive).
# Then back to newest, which kept the state of before the switch.
{
	sql(q{UPDATE amprenta.datasets SET description = 'Short now.' WHERE name = 'dataset 5'});
	sql(q{DELETE FROM amprenta.datasets WHERE name = 'dataset 4'});
	$s->drained('a dataset shrunk, another deleted');
	index_matches('a dataset shrunk, another deleted', 'newest', $M2);
	my $c = chunks();
	my $stale = grep { !exists $c->{$_} } keys %{ $fake->vectors('newer') };
	ok($stale > 0, "index newer holds $stale vectors no entity has now");
	for my $back (qw(newer newest))
	{
		sql("ALTER SYSTEM SET amprenta.pinecone_index = '$back'");
		sql('SELECT pg_reload_conf()');
		resynced("back to $back", fingerprint($M2, $back));
		index_matches("back to $back, used before", $back, $M2);
		is(sql(q{SELECT count(*) FROM amprenta.sync_index_archive WHERE fingerprint = '} . fingerprint($M2, $back) . q{'}),
			'0', "back to $back: what was kept aside for it is in use again");
		is(sql(q{SELECT count(*) FROM amprenta.sync_outbox WHERE state = 'dead'}), '0', "back to $back: no dead row");
	}
	is(sql(q{SELECT count(DISTINCT entity_id) FROM amprenta.sync_index_archive WHERE fingerprint = '}
		. fingerprint($M2, 'newer') . q{'}), $entities - 1, 'what newer holds is kept aside, per entity');
}

$s->stop;
$fake->stop;
done_testing();
