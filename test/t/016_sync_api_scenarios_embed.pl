# Embedding scenarios of the wire reference's acceptance list (external_apis.md
# §5.6, item 15) not covered by 012: 3,000 inputs, inputs large enough that
# the token budget and not the count splits the requests, a 429 that gives
# its delay only in retry-after-ms, and a 401 with its request id.  Against
# the OpenAI-compatible fake of test/fake/.  (012 covers insufficient_quota,
# a 429 with Retry-After, a wrong key and the dimension checks.)
#
# Failures prevented:
# - a request over OpenAI's 2048 inputs or 300,000 estimated tokens (the API
#   refuses it: the rows would die), or inputs lost or sent twice across
#   requests;
# - vectors asked for in base64: the worker asks for encoding_format float
#   and parses floats only, so every request must say so;
# - "dimensions" not sent, or the answer's length not the one asked for;
# - retry-after-ms ignored (the worker came back after its 1 s default
#   instead of the 2.5 s asked for);
# - a 401 retried in a storm, or stored without OpenAI's x-request-id.
#
# Margins: every wait polls the database or the fake (poll_query_until:
# 180 s; wait_for/poll_value: 90 s).  The one time assertion is a lower
# bound: after "retry-after-ms: 2500" the next request comes at least 2.5 s
# after the refused one (the pause starts when the worker read the answer,
# after the fake logged the request).
use strict;
use warnings;
use lib 'test/perl';
use PostgreSQL::Test::Utils;
use Test::More;
use JSON::PP;
use List::Util qw(max sum0);
use POSIX qw(ceil);
use AmprentaTest;
use AmprentaFake;
use AmprentaSync;

my $KEY = 'sk-test-emb-0001';
my $MODEL = 'text-embedding-3-small';	# takes "dimensions"
my $fake = AmprentaFake->start(seed => {
	openai => { api_keys => [$KEY], models => [ { id => $MODEL, dimension => 384 } ] },
	config => { log => { body_max => 2_000_000 } },
});
my $s = AmprentaSync->new('embed_api', $fake, openai_key => $KEY,
	conf => [ "amprenta.embedding_provider = 'openai'", "amprenta.embedding_model = '$MODEL'",
		"amprenta.embedding_dimension = 256", "amprenta.chunk_size = 200" ]);
my $json = JSON::PP->new;

sub sql { return $s->sql(@_); }
sub insert
{
	my ($prefix, $n, $text, $times) = @_;
	sql(qq{INSERT INTO amprenta.datasets (name, omics_type, description)
		SELECT '$prefix ' || i, 'lipidomics', repeat('$text ' || i || '. ', $times) FROM generate_series(1, $n) i});
}
sub chunks_of
{
	my ($pattern) = @_;
	return sql(qq{SELECT count(*) FROM amprenta.chunks c JOIN amprenta.datasets d ON d.id = c.entity_id
		WHERE d.name LIKE '$pattern'});
}
# Embedding requests since $mark, bodies decoded.
sub requests
{
	my ($mark) = @_;
	my @r = @{ $fake->requests(service => 'openai', since => $mark, path => '^/v1/embeddings$', limit => 50000)->{requests} };
	for (@r)
	{
		die 'body cut in the log' if $_->{body_truncated};
		$_->{json} = $json->decode($_->{body});
	}
	return @r;
}
# OpenAI's estimate of a request's tokens: ceil(UTF-8 bytes / 4) per input.
sub tokens { my ($r) = @_; return sum0(map { ceil(length($_) / 4) } @{ $r->{json}{input} }); }
my $pid = $s->status('pid');

# --- 3,000 inputs --------------------------------------------------------------
{
	my $mark = $s->last_log_id;
	insert('many', 30, 'Acylcarnitines rise in muscle', 600);
	$s->drained('3,000 inputs');
	my $n = chunks_of('many %');
	ok($n >= 3000, "$n chunks to embed");
	my @r = requests($mark);
	my @sizes = map { scalar @{ $_->{json}{input} } } @r;
	note(scalar(@r) . ' requests of ' . join(' + ', @sizes) . ' inputs');
	ok(max(@sizes) <= 2048, 'at most 2048 inputs a request');
	ok(max(map { tokens($_) } @r) <= 300_000, 'at most 300,000 estimated tokens a request');
	is(sum0(@sizes), $n, 'every chunk embedded once');
	is(join(' ', map { $_->{status} } @r), join(' ', ('200') x @r), 'all answered 200');
	is(scalar(grep { ($_->{json}{encoding_format} // '') eq 'float' } @r), scalar(@r),
		'encoding_format float in every request (the worker parses floats, never base64)');
	is(scalar(grep { ($_->{json}{dimensions} // 0) == 256 } @r), scalar(@r), 'dimensions 256 asked for');
	is(sql(q{SELECT count(*) FROM amprenta.chunks c JOIN amprenta.datasets d ON d.id = c.entity_id
		WHERE d.name LIKE 'many %' AND array_length(c.embedding, 1) = 256}), $n, 'and 256 values stored for each');
}

# --- Large inputs: the token budget splits the requests --------------------------
{
	$s->reload_worker('amprenta.chunk_size' => '16000');
	my $mark = $s->last_log_id;
	insert('large', 8, 'Cardiolipin remodelling in mitochondria', 3700);
	$s->drained('inputs of about 4,000 tokens');
	my $n = chunks_of('large %');
	my @r = requests($mark);
	my @tok = map { tokens($_) } @r;
	note(scalar(@r) . " requests for $n inputs, estimated tokens " . join(' + ', @tok));
	ok($n <= 96 && sum0(@tok) > 300_000, "$n inputs: one request by count, over 300,000 tokens together");
	ok(max(@tok) <= 300_000, 'each request within 300,000 estimated tokens');
	ok(@r > 1, 'so they went in ' . scalar(@r) . ' requests');
	is(sum0(map { scalar @{ $_->{json}{input} } } @r), $n, 'every input once');
	$s->reload_worker('amprenta.chunk_size' => '200');
}

# --- 429 with retry-after-ms only ------------------------------------------------
{
	my $mark = $s->last_log_id;
	$fake->fault({ service => 'openai', match => { path => '^/v1/embeddings$' }, times => 1,
		action => { type => 'status', status => 429, headers => { 'retry-after-ms' => '2500' },
			body => { error => { message => 'Rate limit reached for requests', type => 'requests',
				param => undef, code => 'rate_limit_exceeded' } } } });
	insert('paced', 1, 'Carnitine shuttle', 3);
	$s->drained('a 429 with retry-after-ms');
	my @r = requests($mark);
	is(join(' ', map { $_->{status} } @r), '429 200', 'refused once, then embedded');
	my $gap = @r == 2 ? $r[1]{t} - $r[0]{t} : 0;
	ok($gap >= 2.5, sprintf('the retry came %.2f s later (retry-after-ms: 2500)', $gap));
	$fake->clear_faults;
}

# --- 401: the sink pauses, one request, the request id kept ------------------------
{
	my $mark = $s->last_log_id;
	$fake->fault({ service => 'openai', times => -1, action => { type => 'status', status => 401 } });
	insert('refused', 1, 'Malonyl-CoA', 3);
	ok($s->poll("SELECT pinecone_paused_until > now() " . $s->status_from), '401 pauses the index sink');
	$s->worker_rounds(2);
	my @r = requests($mark);
	is(scalar @r, 1, '401: one request, no retry while paused');
	like($s->outbox_row('pinecone', 'refused 1'),
		qr/^pending 0\tembedding: HTTP 401: .*\[request id: \Q$r[0]{request_id}\E\]$/,
		'401: the row waits with no attempt spent; last_error ends with the x-request-id OpenAI sent');
	$fake->clear_faults;
	sql('SELECT pg_reload_conf()');
	$s->drained('after the 401 was lifted');
	is(chunks_of('refused %'), '1', 'embedded after the 401');
	is($s->status('pid'), $pid, 'the same worker process throughout');
}

$s->stop;
$fake->stop;
done_testing();
