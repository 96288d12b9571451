# Pinecone scenarios of the wire reference's acceptance list (external_apis.md
# §5.6) not covered by 010-013: host discovery (an index still Initializing,
# a bare host and an http:// URL, the host asked for once), deletes by id,
# eventual consistency, 429 and 503 before success, batches split by count
# and by size, transport faults (reset, partial answer, malformed answer) and
# a 401 with its request id.  Against the loopback fakes of test/fake/, with
# the built-in embedder (test 016 covers the remote embedding APIs).
#
# Failures prevented:
# - upserts sent to an index that still says ready: false, or a describe on
#   every batch instead of once;
# - a bare host used without a scheme, or an http:// host given one twice;
# - vectors left behind by a shrunk or deleted entity, or deleted otherwise
#   than by id (the worker deletes only the ids it upserted: deleteAll and
#   delete by filter are features of the fake, tested by its own test);
# - a worker that needs read-after-write from Pinecone (it never queries it);
# - a 429 or a 503 that kills the rows or leaves vectors missing or doubled;
# - an upsert over 1000 vectors or over 2 MB (Pinecone refuses both: the
#   rows would die);
# - a dropped connection, a half-sent answer or a garbled 200 taken for
#   success (vectors missing for good), or that kills the row or the worker;
# - a 401 retried in a storm, or stored without Pinecone's request id, on
#   the data plane or on the describe that discovers the index's host;
# - a discovered host kept after the index moved (404) or while it refuses
#   connections, so nothing is delivered until the worker restarts; or a
#   host set by amprenta.pinecone_host replaced by a describe;
# - a new index (name or host) that receives only what changes afterwards:
#   every switch of index here must bring every entity into it.
#
# Margins: every wait polls the database or the fake (poll_query_until:
# 180 s; wait_for/poll_value: 90 s).  Time assertions are lower bounds
# only: after a 429 without Retry-After the worker pauses 1 s, after a 503 it
# backs off at least half of amprenta.retry_base_delay (200 ms), both counted
# from when it read the answer, after the fake logged the request.  Faults
# that last "until seen" (times -1) are cleared as soon as the row shows the
# error, while retries are 2-4 s apart.  A switch of index queues every
# entity again (reload_index waits until the worker did); the re-sync
# drains before the request log is marked for what follows.
use strict;
use warnings;
use lib 'test/perl';
use PostgreSQL::Test::Utils;
use Test::More;
use HTTP::Tiny;
use JSON::PP;
use List::Util qw(max sum0);
use POSIX qw(ceil);
use AmprentaTest;
use AmprentaFake;
use AmprentaSync;

my $KEY = 'pcsk_test_key_0001';
my $fake = AmprentaFake->start(seed => {
	pinecone => {
		api_keys => [$KEY],
		indexes => [ { name => 'amprenta', dimension => 384, metric => 'cosine', initializing_describes => 2 },
			{ name => 'tiny', dimension => 8, metric => 'cosine' },
			{ name => 'wide', dimension => 4096, metric => 'cosine' } ],
	},
	config => { log => { body_max => 1_000_000 } },
});
my $s = AmprentaSync->new('pinecone_api', $fake, pinecone_key => $KEY,
	conf => [ "amprenta.pinecone_index = 'amprenta'" ]);
my $http = HTTP::Tiny->new(timeout => 60);
my $json = JSON::PP->new;

sub sql { return $s->sql(@_); }
# The ids an index holds (namespace ''), sorted; read with a regex, the
# state of a 4096-dimension index is too big to decode quickly.
sub index_ids
{
	my ($index, $like) = @_;
	my $r = $http->get($fake->url('notion') . "/__fake/state/pinecone/$index");
	die "state of $index: $r->{status}" unless $r->{success};
	return join ' ', sort grep { /$like/ } $r->{content} =~ /"id":\s*"([^"]+)"/g;
}
# The ids of the local index for datasets whose name matches a LIKE pattern.
sub chunk_ids
{
	my ($pattern) = @_;
	return join ' ', sort split / /, sql(qq{SELECT string_agg(c.vector_id, ' ') FROM amprenta.chunks c
		JOIN amprenta.datasets d ON d.id = c.entity_id WHERE d.name LIKE '$pattern'});
}
sub ids_of
{
	my ($pattern) = @_;
	return split / /, sql("SELECT string_agg(id::text, ' ') FROM amprenta.datasets WHERE name LIKE '$pattern'");
}
sub insert
{
	my ($prefix, $n, $text, $times) = @_;
	sql(qq{INSERT INTO amprenta.datasets (name, omics_type, description)
		SELECT '$prefix ' || i, 'lipidomics', repeat('$text ' || i || '. ', $times) FROM generate_series(1, $n) i});
}
sub upserts
{
	my ($mark, $index) = @_;
	return grep { $_->{index} eq $index }
		@{ $fake->requests(service => 'pinecone_data', since => $mark, path => '^/vectors/upsert$', limit => 50000)->{requests} };
}
sub vectors_in { my ($r) = @_; die 'body cut in the log' if $r->{body_truncated}; my $n = () = $r->{body} =~ /"id":"/g; return $n; }
my $pid = $s->status('pid');

# --- (9) Host discovery: Initializing, then Ready; asked once ------------------
{
	my $mark = $s->last_log_id;
	insert('discovery', 2, 'Sphingolipids in motor neurons', 60);
	$s->drained('an index that is Initializing first');
	my @describes = $s->logged('pinecone_control', $mark, sub { $_[0]{path} eq '/indexes/amprenta' });
	is(scalar @describes, 3, 'three describes: two answered Initializing, the third Ready');
	my @data = $s->logged('pinecone_data', $mark);
	ok(@data && @describes == 3 && $data[0]{id} > $describes[2]{id},
		'no data-plane request before the index said it was ready');
	is(index_ids('amprenta', '^dataset:'), chunk_ids('discovery %'), 'the vectors arrived (bare host, http scheme added)');
	insert('second batch', 1, 'Ceramide synthase', 10);
	$s->drained('a second batch');
	insert('third batch', 1, 'Glucosylceramide', 10);
	$s->drained('a third batch');
	ok(scalar(upserts($mark, 'amprenta')) >= 3, 'three batches, each upserted');
	is(scalar($s->logged('pinecone_control', $mark)), 3, 'the host was asked for once: no describe for the later batches');
}

# --- (14) Deletes by id ----------------------------------------------------------
# The worker deletes only by id, the ids it upserted; deleteAll and delete by
# filter are the fake's features, tested by test/fake/test_fake_services.py.
{
	my ($shrink, $gone) = ids_of('discovery %');
	my $before = scalar grep { /^dataset:$shrink:/ } split / /, index_ids('amprenta', '^dataset:');
	ok($before > 1, "an entity with $before vectors");
	my $mark = $s->last_log_id;
	sql("UPDATE amprenta.datasets SET description = 'short' WHERE id = '$shrink'");
	sql("DELETE FROM amprenta.datasets WHERE id = '$gone'");
	$s->drained('a shrink and a delete');
	my @deletes = map { $json->decode($_->{body}) } $s->logged('pinecone_data', $mark, sub { $_[0]{path} eq '/vectors/delete' });
	ok(@deletes >= 2, scalar(@deletes) . ' delete requests');
	is(scalar(grep { ref $_->{ids} eq 'ARRAY' && !exists $_->{deleteAll} && !exists $_->{filter} } @deletes),
		scalar @deletes, 'every delete is by ids');
	my $ids = index_ids('amprenta', '^dataset:');
	is(scalar(grep { /^dataset:$shrink:/ } split / /, $ids), 1, 'the shrunk entity keeps one vector');
	is(scalar(grep { /^dataset:$gone:/ } split / /, $ids), 0, 'the deleted entity has none');
	is($ids, chunk_ids('%'), 'the index holds exactly the local chunks');
}

# --- (13) Eventual consistency: visible to query only after a delay -------------
{
	$fake->control('POST', '/__fake/config', { pinecone => { visibility_delay_ms => 1500 } });
	my $mark = $s->last_log_id;
	insert('late', 1, 'Lysophosphatidylcholine in serum', 3);
	$s->drained('with a visibility delay');
	is(scalar($s->logged('pinecone_data', $mark, sub { $_[0]{path} ne '/vectors/upsert' })), 0,
		'the worker does not wait for or read back what it wrote');
	my ($id) = ids_of('late %');
	my $vec = sql("SELECT embedding FROM amprenta.chunks WHERE entity_id = '$id' AND chunk_no = 0");
	$vec =~ s/^\{|\}$//g;
	my $query = encode_json({ vector => [ map { $_ + 0 } split /,/, $vec ], topK => 1, includeMetadata => JSON::PP::true,
		filter => { entity_id => { '$eq' => $id } } });
	# Bounded polling: query until the vector is visible.
	$s->wait_for('a query finds the vector once Pinecone made it visible', sub {
		my $r = $http->post('http://127.0.0.1:' . $fake->port('pinecone_data')->{amprenta} . '/query', {
			headers => { 'Api-Key' => $KEY, 'Content-Type' => 'application/json', 'X-Pinecone-Api-Version' => '2025-10' },
			content => $query });
		die "query: $r->{status} $r->{content}" unless $r->{success};
		my $m = $json->decode($r->{content})->{matches};
		return @$m && $m->[0]{id} eq "dataset:$id:0";
	}, 30);
	$fake->control('POST', '/__fake/config', { pinecone => { visibility_delay_ms => 0 } });
}

# --- (10) 429, then 503, then success ------------------------------------------------
{
	my $mark = $s->last_log_id;
	$fake->fault([ { service => 'pinecone_data', match => { path => '^/vectors/upsert$' }, times => 1, action => 'pinecone_429' },
		{ service => 'pinecone_data', match => { path => '^/vectors/upsert$' }, times => 1, action => 'pinecone_503' } ]);
	insert('overloaded', 1, 'Plasmalogens decline', 30);
	$s->drained('429, then 503');
	my @u = upserts($mark, 'amprenta');
	is(join(' ', map { $_->{status} } @u), '429 503 200', 'the upsert was refused twice, then went through');
	my @gaps = map { $u[$_]{t} - $u[$_ - 1]{t} } 1 .. $#u;
	ok(@gaps == 2 && $gaps[0] >= 1.0 && $gaps[1] >= 0.1,
		sprintf('it waited 1 s after the 429 and backed off after the 503 (gaps %s)', join(', ', map { sprintf '%.2f s', $_ } @gaps)));
	my $ids = index_ids('amprenta', '^dataset:');
	my %n;
	$n{$_}++ for split / /, $ids;
	is(scalar(grep { $n{$_} > 1 } keys %n), 0, 'each id once');
	is($ids, chunk_ids('%'), 'the index holds exactly the local chunks');
	$fake->clear_faults;
}

# --- (11) Batches: at most 1000 vectors, at most 2 MB ------------------------------
{
	$fake->control('POST', '/__fake/config', { pinecone => { host_style => 'http_url' } });
	my $switch = $s->last_log_id;
	$s->reload_index('amprenta.pinecone_index' => 'tiny', 'amprenta.embedding_dimension' => '8',
		'amprenta.chunk_size' => '200');
	$s->drained('every dataset into the index tiny');
	is(index_ids('tiny', '^dataset:'), chunk_ids('%'), 'the new index holds every dataset, none queued by hand');
	my $mark = $s->last_log_id;
	insert('many', 25, 'Sphingomyelin levels shift in plasma', 500);
	$s->drained('2,500+ vectors');
	my $total = sql(q{SELECT count(*) FROM amprenta.chunks c JOIN amprenta.datasets d ON d.id = c.entity_id WHERE d.name LIKE 'many %'});
	ok($total >= 2500, "$total vectors");
	my @u = upserts($mark, 'tiny');
	my @n = map { vectors_in($_) } @u;
	note('vectors per upsert: ' . join(' + ', @n));
	ok(@u >= 3, scalar(@u) . ' upserts');
	ok(max(@n) <= 1000, 'at most 1000 vectors each');
	is(sum0(@n), $total, 'every vector sent once');
	is(index_ids('tiny', '^dataset:'), chunk_ids('%'), 'the index holds them all, and every dataset before them (http:// host used as given)');
	is(scalar($s->logged('pinecone_control', $switch)), 1, 'one describe for the new index');

	# 4096 values a vector (most of them zeros, written 0): about 10 kB
	# each, 2 MB hold about 200, and the batch's are more than that.
	$fake->control('POST', '/__fake/config', { log => { body_max => 1000 } });
	$s->reload_index('amprenta.pinecone_index' => 'wide', 'amprenta.embedding_dimension' => '4096',
		'amprenta.chunk_size' => '1500');
	$s->drained('every dataset into the index wide');
	$mark = $s->last_log_id;
	insert('wide', 10, 'Gangliosides accumulate in lysosomes', 1000);
	$s->drained('100+ vectors of 4096 values');
	$total = sql(q{SELECT count(*) FROM amprenta.chunks c JOIN amprenta.datasets d ON d.id = c.entity_id WHERE d.name LIKE 'wide %'});
	@u = upserts($mark, 'wide');
	note("$total vectors in upserts of " . join(' + ', map { $_->{body_bytes} } @u) . ' bytes');
	my $bytes = sum0(map { $_->{body_bytes} } @u);
	ok($total <= 1000 && $bytes > 2_000_000 && @u >= 2,
		"$total vectors (one batch by count, $bytes bytes) went in " . scalar(@u) . ' upserts');
	ok(max(map { $_->{body_bytes} } @u) <= 2_000_000, 'none over 2 MB');
	is(join(' ', map { $_->{status} } @u), join(' ', ('200') x @u), 'all accepted');
	is(index_ids('wide', '^dataset:'), chunk_ids('%'), 'the index holds them all, and every dataset before them');
	$fake->control('POST', '/__fake/config', { log => { body_max => 1_000_000 } });
	$s->reload_index('amprenta.pinecone_index' => 'tiny', 'amprenta.embedding_dimension' => '8',
		'amprenta.chunk_size' => '1500');
	$s->drained('every dataset back into the index tiny');
}

# --- (16) Transport faults on an upsert --------------------------------------------
$s->reload_worker('amprenta.retry_base_delay' => '4s', 'amprenta.retry_max_delay' => '4s');
for my $f ([ 'reset', { type => 'reset' } ],
	[ 'partial', { type => 'partial' } ],
	[ 'malformed', { type => 'malformed', variant => 'truncated_json' } ])
{
	my ($what, $action) = @$f;
	$fake->fault({ service => 'pinecone_data', match => { path => '^/vectors/upsert$' }, times => -1, action => $action });
	insert("pc $what", 1, 'Sulfatides in myelin', 5);
	my ($id) = ids_of("pc $what %");
	my $row = $s->poll_value(qq{SELECT coalesce((SELECT o.state || ' ' || (o.attempts > 0) || ': ' || o.last_error
		FROM amprenta.sync_outbox o WHERE o.sink = 'pinecone' AND o.entity_id = '$id'), 'waiting')});
	$fake->clear_faults;
	like($row, qr/^pending true: Pinecone upsert: \S/, "$what: the error is recorded, the row waits for a retry ($row)");
	$s->drained("$what, then the fault cleared");
	is(index_ids('tiny', "^dataset:$id:"), chunk_ids("pc $what %"), "$what: the vectors are in the index");
	is($s->status('pid'), $pid, "$what: the same worker process");
}
$s->reload_worker('amprenta.retry_base_delay' => '200ms', 'amprenta.retry_max_delay' => '1s');

# --- (17) 401: the sink pauses, one request, the request id kept ------------------
{
	my $mark = $s->last_log_id;
	$fake->fault({ service => 'pinecone', times => -1, action => { type => 'status', status => 401 } });
	insert('pc unauthorized', 1, 'Sphingosine', 3);
	ok($s->poll("SELECT pinecone_paused_until > now() " . $s->status_from), '401 pauses the Pinecone sink');
	$s->worker_rounds(2);
	my @calls = $s->logged('pinecone', $mark);
	is(scalar @calls, 1, '401: one request, no retry while paused');
	like($s->outbox_row('pinecone', 'pc unauthorized 1'),
		qr/^pending 0\tPinecone upsert: HTTP 401: .*\[request id: \Q$calls[0]{request_id}\E\]$/,
		'401: the row waits with no attempt spent; last_error ends with the request id Pinecone sent');
	$fake->clear_faults;
	sql('SELECT pg_reload_conf()');
	$s->drained('after the 401 was lifted');
	my ($id) = ids_of('pc unauthorized %');
	is(index_ids('tiny', "^dataset:$id:"), chunk_ids('pc unauthorized %'), 'delivered after the 401');
	is($s->status('pid'), $pid, 'the worker survived every fault of this test');
}

# --- (17b) 401 from the control plane: host discovery refused --------------------
# A new index name makes the worker describe the index again
# (amprenta.pinecone_host is empty); the describe is refused.
{
	$s->reload_index('amprenta.pinecone_index' => 'amprenta', 'amprenta.embedding_dimension' => '384');
	$s->drained('every dataset back into the index amprenta');
	insert('pc back', 1, 'Sulfatide', 3);
	$s->drained('back on the index amprenta');
	my $mark = $s->last_log_id;
	$fake->fault({ service => 'pinecone_control', match => { method => 'GET', path => '^/indexes/' },
		times => -1, action => { type => 'status', status => 401 } });
	# Every dataset is queued again for the index tiny, whose describe is refused.
	$s->reload_index('amprenta.pinecone_index' => 'tiny', 'amprenta.embedding_dimension' => '8');
	insert('pc describe unauthorized', 1, 'Ganglioside GM1', 3);
	ok($s->poll("SELECT pinecone_paused_until > now() " . $s->status_from), 'control-plane 401 pauses the Pinecone sink');
	$s->worker_rounds(2);
	my @calls = $s->logged('pinecone', $mark);
	is(join(' ', map { "$_->{method} $_->{path} $_->{status}" } @calls), 'GET /indexes/tiny 401',
		'control-plane 401: one describe, no retry while paused, no data-plane request');
	like($s->outbox_row('pinecone', 'pc back 1'),
		qr/^pending 0\tdescribing the Pinecone index: HTTP 401: .*\[request id: \Q$calls[0]{request_id}\E\]$/,
		'control-plane 401: the row waits with no attempt spent; last_error ends with the request id Pinecone sent');
	is($s->sql(q{SELECT count(*) FROM amprenta.sync_outbox WHERE state <> 'pending' OR attempts > 0}), '0',
		'control-plane 401: every queued row is untouched');
	$fake->clear_faults;
	sql('SELECT pg_reload_conf()');
	$s->drained('after the control-plane 401 was lifted');
	my ($id) = ids_of('pc describe unauthorized %');
	is(index_ids('tiny', "^dataset:$id:"), chunk_ids('pc describe unauthorized %'), 'delivered after the control-plane 401');
	($id) = ids_of('pc back %');
	is(index_ids('tiny', "^dataset:$id:"), chunk_ids('pc back %'), 'and so is every dataset queued again for the index tiny');
	is($s->status('pid'), $pid, 'the worker survived the control-plane 401');
}

# --- (18) A discovered host that fails is forgotten ---------------------------------
# external_apis.md §2: describe the index again when its host answers 404 (the
# index was deleted or recreated) or keeps failing to connect (3 requests in a
# row without an answer); never when amprenta.pinecone_host names the host.
{
	my $r = $http->get($fake->url('pinecone_control') . '/indexes/tiny',
		{ headers => { 'Api-Key' => $KEY, 'X-Pinecone-Api-Version' => '2025-10' } });
	die "describe tiny: $r->{status} $r->{content}" unless $r->{success};
	my $dead_host = $json->decode($r->{content});
	$dead_host->{host} = '127.0.0.1:1';		# nothing listens there: connection refused
	my $gone = { type => 'status', status => 404,
		body => { error => { code => 'NOT_FOUND', message => 'Index not found' }, status => 404 } };
	my $calls = sub {
		my ($mark) = @_;
		return join ', ', map { "$_->{method} $_->{path} $_->{status}" } $s->logged('pinecone', $mark);
	};

	my $mark = $s->last_log_id;
	$fake->fault({ service => 'pinecone_data', match => { path => '^/vectors/upsert$' }, times => 1, action => $gone });
	insert('pc index recreated', 1, 'Phosphatidylserine', 3);
	$s->drained('a 404 from the data plane');
	is($calls->($mark), 'POST /vectors/upsert 404, GET /indexes/tiny 200, POST /vectors/upsert 200',
		'a 404 from the discovered host: the index is described again, the row retried');
	my ($id) = ids_of('pc index recreated %');
	is(index_ids('tiny', "^dataset:$id:"), chunk_ids('pc index recreated %'), 'and delivered');

	# The host answers 404, the new describe names a host that refuses
	# connections: after three refusals it is described once more.
	$mark = $s->last_log_id;
	$fake->fault([ { service => 'pinecone_data', match => { path => '^/vectors/upsert$' }, times => 1, action => $gone },
		{ service => 'pinecone_control', match => { method => 'GET', path => '^/indexes/tiny$' }, times => 1,
			action => { type => 'status', status => 200, body => $dead_host } } ]);
	insert('pc host refuses', 1, 'Phosphatidylinositol', 3);
	$s->drained('a host that refuses connections');
	is($calls->($mark), 'POST /vectors/upsert 404, GET /indexes/tiny 200, GET /indexes/tiny 200, POST /vectors/upsert 200',
		'a discovered host that refused three times in a row is described again');
	($id) = ids_of('pc host refuses %');
	is(index_ids('tiny', "^dataset:$id:"), chunk_ids('pc host refuses %'), 'and the vectors went to the right host');
	$fake->clear_faults;

	# A host given in amprenta.pinecone_host is not second-guessed: a 404 is
	# the row's error, no describe.
	$s->reload_index('amprenta.pinecone_host' => 'http://127.0.0.1:' . $fake->port('pinecone_data')->{tiny});
	$s->drained('with amprenta.pinecone_host set: every dataset sent to it');
	$mark = $s->last_log_id;
	$fake->fault({ service => 'pinecone_data', match => { path => '^/vectors/upsert$' }, times => 1, action => $gone });
	insert('pc fixed host', 1, 'Phosphatidic acid', 3);
	like($s->poll_value(q{SELECT coalesce((SELECT o.state || ': ' || o.last_error FROM amprenta.sync_outbox o
		JOIN amprenta.datasets d ON d.id = o.entity_id WHERE d.name = 'pc fixed host 1' AND o.state = 'dead'), 'waiting')}),
		qr/^dead: Pinecone upsert: HTTP 404/, 'a 404 from amprenta.pinecone_host: the row dies with the error');
	is($calls->($mark), 'POST /vectors/upsert 404', 'and the index was not described');
	is(sql("SELECT amprenta.amprenta_retry_dead('pinecone')"), '1', 'requeued');
	$s->drained('the fixed host answers again');
	($id) = ids_of('pc fixed host %');
	is(index_ids('tiny', "^dataset:$id:"), chunk_ids('pc fixed host %'), 'delivered to the fixed host');
	is($s->status('pid'), $pid, 'the worker survived the forgotten hosts');
}

$s->stop;
$fake->stop;
done_testing();
