# The semantic index with a remote embedder: amprenta.embedding_provider =
# openai (an OpenAI-compatible POST /v1/embeddings) and pinecone (Pinecone's
# hosted inference, POST /embed), against the loopback fakes of test/fake/.
#
# Failures prevented: vectors stored under the wrong model name or with the
# wrong length; a vector stored for the wrong chunk (the fakes' embedder is
# deterministic and documented, so the test asks the fake for the vector of a
# chunk's text and compares it with what was stored); requests over the
# providers' 96-input batch limit, or chunks embedded twice or not at all;
# base64 answers (encoding_format must be float); attempts spent, or rows
# killed, on a rate limit; a worker that keeps calling with a rejected key, or
# that needs a restart once the key is fixed; a worker that crashes (taking
# the server through crash recovery) when amprenta.embedding_model is empty;
# a model answering another dimension that fills the index with vectors of
# mixed lengths instead of failing the rows with a readable error; a change
# of provider, model or dimension that is not carried to every chunk by
# itself (without amprenta_pinecone_sync()); a configuration that comes
# back embedding again what was made under it; unchanged content embedded
# again; the size of the
# vectors asked of a model that does not take it (OpenAI "dimensions" only
# for text-embedding-3 models, Pinecone parameters.dimension only for
# llama-text-embed-v2), or not asked of one that does.
#
# No sleeps: every wait polls the database or the fake until a condition
# holds (poll_query_until: 180 s; poll_value: 60 s; a run takes ~10 s).
# Why the margins are safe:
# - Vectors are compared within 1e-6 although they should agree exactly (the
#   fake rounds to float32, the worker parses into float4, PostgreSQL prints
#   float4 round-trip exact): only decimal formatting can differ (~1e-8).
# - The one time check is a lower bound: a request after a 429 with
#   "retry-after: 1" comes at least 0.9 s after it (the worker pauses 1 s from
#   when it read the answer, which is after the fake logged the request); a
#   slow machine only makes the gap longer.
# - "Paused, no attempt spent" is read in one statement that also requires
#   the sink to be paused and no row in flight, so it never sees a row between
#   claim and record; after a 429 that state lasts 1 s, three times, polled
#   every ~0.1 s.  After a 401 or an empty model it lasts a minute.
# - Counts are exact where the worker is deterministic: one INSERT statement
#   is one capture, one claim (batch_size 100 rows), one embedding pass.
# - Settings changed at run time (ALTER SYSTEM, pg_reload_conf) reach the
#   worker asynchronously; reload_worker() waits until a new session sees the
#   new values (the postmaster has reloaded and signalled the worker) and the
#   worker then began a round (its heartbeat is set at the top of a round,
#   right after it processes a pending reload), so nothing queued afterwards
#   is handled with the old settings.  A change of the index configuration
#   queues every entity again: reload_index() also waits until the worker
#   did (amprenta.sync_config changed), and the re-sync drains before the
#   request log is marked for what follows.
use strict;
use warnings;
use lib 'test/perl';
use PostgreSQL::Test::Utils;
use Test::More;
use HTTP::Tiny;
use JSON::PP;
use List::Util qw(max sum0);
use POSIX qw(ceil);
use Time::HiRes qw(usleep time);
use AmprentaTest;
use AmprentaFake;
use AmprentaSync;

my $OAI_KEY = 'sk-test-emb-0001';		# the worker's key
my $OAI_DIRECT = 'sk-test-direct-0002';	# the test's own requests, told apart in the log
my $PC_KEY = 'pcsk_test_key_0001';
my $PC_DIRECT = 'pcsk_test_direct_0002';
my $OAI_MODEL = 'text-embedding-3-large';	# a family that takes "dimensions"
my $PC_MODEL = 'amprenta-pc-384';

my $fake = AmprentaFake->start(seed => {
	openai => {
		api_keys => [ $OAI_KEY, $OAI_DIRECT ],
		models => [ { id => $OAI_MODEL, dimension => 384 }, { id => 'text-embedding-3-small', dimension => 256 },
			{ id => 'amprenta-test-384', dimension => 384 } ],
	},
	pinecone => {
		api_keys => [ $PC_KEY, $PC_DIRECT ],
		models => [ { name => $PC_MODEL, dimension => 384 }, { name => 'amprenta-pc-256', dimension => 256 },
			{ name => 'llama-text-embed-v2', dimension => 1024 } ],
	},
	# whole request bodies in the log: the inputs of every request are counted
	config => { log => { body_max => 2_000_000 } },
});
my $json = JSON::PP->new->canonical;

my $s = AmprentaSync->new('embeddings', $fake, openai_key => $OAI_KEY,
	# hosted inference only: no amprenta.pinecone_index, so no mirroring
	pinecone_key => $PC_KEY,
	conf => [ "amprenta.embedding_provider = 'openai'", "amprenta.embedding_model = '$OAI_MODEL'",
		'amprenta.embedding_dimension = 384',
		# small chunks: a few datasets make more than one batch of 96 inputs
		'amprenta.chunk_size = 300',
		# the default lease: a slow embedding pass is never taken twice
		'amprenta.lease_timeout = 300' ]);
my $node = $s->node;

sub sql { return $s->sql(@_); }
sub drained { return $s->drained(@_); }
sub poll_value { return $s->poll_value(@_); }
sub last_log_id { return $s->last_log_id; }

sub reload_index { return $s->reload_index(@_); }
my $STATUS = "FROM amprenta.amprenta_worker_status() WHERE database = 'postgres'";

# Worker requests to the embeddings API after log id $since, bodies decoded.
sub embed_requests
{
	my ($service, $path, $since) = @_;
	my $log = $fake->requests(service => $service, path => $path, since => $since // 0)->{requests};
	my @out;
	for my $r (@$log)
	{
		next if ($r->{headers}{Authorization} // $r->{headers}{'Api-Key'} // '') =~ /0002$/;	# the test's own
		die "request body cut in the log" if $r->{body_truncated};
		$r->{json} = eval { $json->decode($r->{body}) } // {};
		push @out, $r;
	}
	return \@out;
}

sub pg_vector { my ($s) = @_; $s =~ s/^\{|\}$//g; return [ split /,/, $s ]; }
sub max_diff
{
	my ($a, $b) = @_;
	return 9e9 unless @$a == @$b;
	return max(map { abs($a->[$_] - $b->[$_]) } 0 .. $#$a);
}

my $http = HTTP::Tiny->new(timeout => 30);
sub fake_openai_vector
{
	my ($text, $model, $dim) = @_;
	my $r = $http->post($fake->url('openai') . '/v1/embeddings', {
		headers => { Authorization => "Bearer $OAI_DIRECT", 'Content-Type' => 'application/json' },
		content => $json->encode({ model => $model, input => [$text], encoding_format => 'float',
			dimensions => $dim }) });
	die "fake openai: $r->{status} $r->{content}" unless $r->{success};
	return $json->decode($r->{content})->{data}[0]{embedding};
}
sub fake_pinecone_vector
{
	my ($text, $model, $dim) = @_;
	my $r = $http->post($fake->url('pinecone_control') . '/embed', {
		headers => { 'Api-Key' => $PC_DIRECT, 'Content-Type' => 'application/json',
			'X-Pinecone-Api-Version' => '2025-10' },
		content => $json->encode({ model => $model, parameters => { input_type => 'passage', truncate => 'END',
				defined $dim ? (dimension => $dim) : () },
			inputs => [ { text => $text } ] }) });
	die "fake pinecone: $r->{status} $r->{content}" unless $r->{success};
	return $json->decode($r->{content})->{data}[0]{values};
}

# The stored vectors of a few chunks (first, middle, last by id) are what
# the fake answers for their text.
sub vectors_match
{
	my ($what, $where, $fetch) = @_;
	my @rows = split /\n/, sql(qq{
		WITH c AS (SELECT vector_id, content, embedding, row_number() OVER (ORDER BY vector_id) AS n,
		                  count(*) OVER () AS total
		             FROM amprenta.chunks WHERE $where)
		SELECT format('%s\t%s', vector_id, embedding) FROM c
		 WHERE n IN (1, (total + 1) / 2, total) ORDER BY n});
	ok(@rows >= 1, "$what: chunks to compare");
	for my $row (@rows)
	{
		my ($vid, $emb) = split /\t/, $row;
		my $content = sql("SELECT content FROM amprenta.chunks WHERE vector_id = '$vid'");
		my $stored = pg_vector($emb);
		my $want = $fetch->($content);
		my $d = max_diff($stored, $want);
		ok($d < 1e-6, "$what: the vector of $vid is the fake's for its text (max diff $d)");
	}
}

ok($node->poll_query_until('postgres', "SELECT state = 'running' $STATUS"), 'a worker runs');
is(sql("SELECT count(*) FROM amprenta.notion_targets"), '0', 'no Notion target: only the index sink works');

# --- 1. OpenAI-compatible provider -------------------------------------------
my $mark = last_log_id();
sql(q{INSERT INTO amprenta.datasets (name, omics_type, disease, description)
	SELECT 'openai ' || i, 'lipidomics', '{ALS}',
	       CASE WHEN i % 4 = 0 THEN NULL ELSE
	       (SELECT string_agg(format('Cohort %s sample %s: ceramide Cer(d18:1/%s:0) rose %s-fold in ALS cerebrospinal fluid.',
	                                 i, j, 14 + j % 12, j), ' ')
	          FROM generate_series(1, 25 * i) j) END
	  FROM generate_series(1, 8) i});
drained('eight datasets, openai');
my $nchunks = sql("SELECT count(*) FROM amprenta.chunks");
ok($nchunks > 96, "long descriptions make many chunks ($nchunks), more than one batch");
is(sql("SELECT count(DISTINCT entity_id) FROM amprenta.chunks"), '8', 'every dataset has chunks');
ok(sql("SELECT count(*) FILTER (WHERE n > 1) >= 5 FROM (SELECT count(*) AS n FROM amprenta.chunks GROUP BY entity_id) s") eq 't',
	'long descriptions were cut into several chunks');
is(sql("SELECT string_agg(DISTINCT embedding_model, ',') FROM amprenta.chunks"), "openai:$OAI_MODEL",
	'chunks.embedding_model names the provider and the model');
is(sql("SELECT count(*) FROM amprenta.chunks WHERE array_length(embedding, 1) = 384"), $nchunks,
	'every chunk has 384 values');

my $reqs = embed_requests('openai', '^/v1/embeddings$', $mark);
my @sizes = map { scalar @{ $_->{json}{input} // [] } } @$reqs;
is(scalar(grep { $_->{method} eq 'POST' && $_->{status} == 200 } @$reqs), scalar(@$reqs), 'POST /v1/embeddings, all answered 200');
is(scalar(@$reqs), ceil($nchunks / 96), 'batches of 96 inputs: ' . join(' + ', @sizes));
ok(max(@sizes) <= 96, 'no request holds more than 96 inputs');
is(scalar(grep { ($_->{json}{encoding_format} // '') eq 'float' } @$reqs), scalar(@$reqs), 'encoding_format float');
is(scalar(grep { ($_->{json}{model} // '') eq $OAI_MODEL && ($_->{json}{dimensions} // 0) == 384 } @$reqs),
	scalar(@$reqs), 'model and dimensions 384 in every request');
is(scalar(grep { ($_->{headers}{Authorization} // '') eq 'Bearer ***0001' } @$reqs), scalar(@$reqs),
	'the key from amprenta.openai_api_key_file, as a bearer token');
is(sum0(@sizes), $nchunks, 'inputs sent = chunks stored');
is(join("\x1e", sort map { @{ $_->{json}{input} } } @$reqs),
	join("\x1e", sort split /\x1e/, sql("SELECT string_agg(content, chr(30)) FROM amprenta.chunks")),
	'each chunk was embedded once, with exactly its text');
my $ostate = $fake->control('GET', '/__fake/state/openai')->{counters};
is($ostate->{per_model}{$OAI_MODEL}{inputs}, $nchunks, "the fake's count of embedded inputs equals the number of chunks");
vectors_match('openai', 'true', sub { fake_openai_vector($_[0], $OAI_MODEL, 384) });
my ($err) = ($node->psql('postgres', "SELECT * FROM amprenta.amprenta_search('ceramide')"))[2];
like($err, qr/built-in embedder only/, 'amprenta_search refuses while vectors come from a remote model');

# --- 2. 429: the sink pauses, no attempt spent ---------------------------------
my $throttled0 = sql("SELECT throttled $STATUS");
$mark = last_log_id();
$fake->fault({ service => 'openai', match => { method => 'POST', path => '^/v1/embeddings$' },
	times => 3, action => { type => 'status', preset => 'openai_429_rpm', retry_after_ms => 1000 } });
sql(q{INSERT INTO amprenta.datasets (name, omics_type, description)
	SELECT 'rate limited ' || i, 'metabolomics', 'Acylcarnitines fall after treatment ' || i FROM generate_series(1, 3) i});
# Read while the sink is paused after a 429 and the rows are back in the queue.
is(poll_value(qq{SELECT CASE WHEN (SELECT throttled > $throttled0 AND pinecone_paused_until > now() $STATUS)
		AND NOT EXISTS (SELECT 1 FROM amprenta.sync_leases)
		AND NOT EXISTS (SELECT 1 FROM amprenta.sync_capture)
	THEN (SELECT string_agg(DISTINCT state || ' attempts ' || attempts, ', ') FROM amprenta.sync_outbox)
	ELSE 'waiting' END}), 'pending attempts 0', 'paused by a 429: the rows wait, no attempt spent');
drained('after three 429s');
$reqs = embed_requests('openai', '^/v1/embeddings$', $mark);
is(join(' ', map { $_->{status} } @$reqs), '429 429 429 200', 'three 429s, then the batch went through');
my @gaps = map { $reqs->[$_]{t} - $reqs->[$_ - 1]{t} } 1 .. $#$reqs;
is(scalar(grep { $_ >= 0.9 } @gaps), 3, 'each retry waited for retry-after (gaps ' . join(', ', map { sprintf '%.2f s', $_ } @gaps) . ')');
ok(sql("SELECT throttled $STATUS") >= $throttled0 + 3, 'amprenta_worker_status().throttled counts the throttled rows');
is(sql(qq{SELECT count(*) FROM amprenta.chunks c JOIN amprenta.datasets d ON d.id = c.entity_id
	WHERE d.name LIKE 'rate limited %' AND c.embedding_model = 'openai:$OAI_MODEL'}), '3',
	'delivered once the limit lifted');
$fake->clear_faults;

# --- 2b. 429 insufficient_quota: waiting cannot help, the row dies ----------
$fake->fault({ service => 'openai', match => { method => 'POST', path => '^/v1/embeddings$' },
	times => -1, action => { type => 'status', preset => 'openai_429_quota' } });
sql(q{INSERT INTO amprenta.datasets (name, omics_type) VALUES ('no quota', 'proteomics')});
ok($node->poll_query_until('postgres', q{SELECT count(*) = 1 FROM amprenta.sync_errors
		WHERE entity_name = 'no quota' AND state = 'dead' AND last_http_status = 429}),
	'a 429 for exhausted quota (no Retry-After) makes the row dead instead of pausing forever');
$fake->clear_faults;
is(sql("SELECT amprenta.amprenta_retry_dead('pinecone')"), '1', 'requeued once the quota is back');
drained('after the quota came back');

# --- 3. 401: the sink pauses, rows untouched; a fixed key and a reload resume -------
$s->write_file('openai.key', 'sk-wrong-key-9999');
$mark = last_log_id();
sql(q{INSERT INTO amprenta.datasets (name, omics_type) VALUES ('unauthorized', 'proteomics')});
is(poll_value(qq{SELECT CASE WHEN (SELECT pinecone_paused_until > now() + interval '30 seconds' $STATUS)
		AND NOT EXISTS (SELECT 1 FROM amprenta.sync_leases)
		AND NOT EXISTS (SELECT 1 FROM amprenta.sync_capture)
	THEN (SELECT string_agg(state || ' attempts ' || attempts, ', ') FROM amprenta.sync_outbox)
	ELSE 'waiting' END}), 'pending attempts 0', '401: the sink pauses for a minute, the row waits with no attempt spent');
$reqs = embed_requests('openai', '^/v1/embeddings$', $mark);
is(join(' ', map { $_->{status} } @$reqs), '401', 'one request with the wrong key, no more while paused');
my $last_error = sql("SELECT last_error FROM amprenta.sync_outbox");
like($last_error, qr/HTTP 401/, 'the row keeps the 401 as its last error');
unlike($last_error, qr/wrong-key-9999/, 'the rejected key is masked in last_error');
$s->write_file('openai.key', $OAI_KEY);
sql('SELECT pg_reload_conf()');
drained('after the key was fixed and the configuration reloaded');
is(sql(qq{SELECT count(*) FROM amprenta.chunks c JOIN amprenta.datasets d ON d.id = c.entity_id
	WHERE d.name = 'unauthorized' AND c.embedding_model = 'openai:$OAI_MODEL'}), '1', 'delivered with the fixed key');

# --- 3b. No model: the sink waits (the worker crashed here: strlen of a NULL body) ---
# A new model (even none) is a new index configuration: every dataset is
# queued again, and meets the empty model.
my $pid = sql("SELECT pid $STATUS");
my $ndatasets = sql("SELECT count(*) FROM amprenta.datasets");
$mark = last_log_id();
reload_index('amprenta.embedding_model' => '');
is(poll_value(qq{SELECT CASE WHEN (SELECT pinecone_paused_until > now() + interval '30 seconds' $STATUS)
		AND NOT EXISTS (SELECT 1 FROM amprenta.sync_leases)
		AND NOT EXISTS (SELECT 1 FROM amprenta.sync_capture)
	THEN (SELECT count(*) || ' ' || string_agg(DISTINCT state || ' attempts ' || attempts || ': ' || last_error, ', ')
	        FROM amprenta.sync_outbox)
	ELSE 'waiting' END}), "$ndatasets pending attempts 0: amprenta.embedding_model is empty",
	'an empty amprenta.embedding_model pauses the sink, every dataset queued again waits with no attempt spent');
sql(q{INSERT INTO amprenta.datasets (name, omics_type) VALUES ('no model', 'proteomics')});
ok($node->poll_query_until('postgres', q{SELECT NOT EXISTS (SELECT 1 FROM amprenta.sync_capture)
		AND (SELECT o.state || ' ' || o.attempts FROM amprenta.sync_outbox o JOIN amprenta.datasets d ON d.id = o.entity_id
		      WHERE d.name = 'no model') = 'pending 0'}), 'a new dataset waits too');
is(sql("SELECT pid $STATUS"), $pid, 'the worker is still the same process');
is(scalar(@{ embed_requests('openai', '.', $mark) }), 0, 'no request was sent');
reload_index('amprenta.embedding_model' => $OAI_MODEL);
drained('after the model was set');
is(sql(qq{SELECT count(*) FROM amprenta.chunks c JOIN amprenta.datasets d ON d.id = c.entity_id
	WHERE d.name = 'no model' AND c.embedding_model = 'openai:$OAI_MODEL'}), '1', 'delivered once the model is set');
$reqs = embed_requests('openai', '^/v1/embeddings$', $mark);
is(join(' ', map { scalar @{ $_->{json}{input} } } @$reqs), '1',
	'back to the model the index was made with: only the new dataset was embedded');

# --- 4. A model of another dimension: the rows die, with a readable error -------
# A text-embedding-3 model whose native dimension (256) is below
# amprenta.embedding_dimension: the API refuses the "dimensions" asked for.
# Every dataset is queued again for the new model, and dies.
$ndatasets = sql("SELECT count(*) FROM amprenta.datasets");
reload_index('amprenta.embedding_model' => 'text-embedding-3-small');
drained('every dataset for a model that refuses 384 dimensions', dead => $ndatasets);
is(sql(q{SELECT count(*) FROM amprenta.sync_errors
	WHERE state = 'dead' AND last_http_status = 400 AND last_error LIKE '%maximum dimensions is 256%'}), $ndatasets,
	'each with the reason the API gave');
sql(q{INSERT INTO amprenta.datasets (name, omics_type) VALUES ('too few dimensions', 'lipidomics')});
ok($node->poll_query_until('postgres', "SELECT count(*) = $ndatasets + 1 FROM amprenta.sync_outbox WHERE state = 'dead'"),
	'a 400 for the dimensions makes the row dead');
like(sql("SELECT format('%s %s %s', state, last_http_status, last_error) FROM amprenta.sync_errors WHERE entity_name = 'too few dimensions'"),
	qr/^dead 400 embedding: HTTP 400: .*maximum dimensions is 256, however you requested 384/,
	'sync_errors shows the API\'s reason, with the entity name');
# A compatible server that ignores "dimensions" and answers 256 values.
my $one = { object => 'embedding', index => 0, embedding => [ map { $_ % 2 ? 0.0625 : -0.0625 } 1 .. 256 ] };
$fake->fault({ service => 'openai', match => { method => 'POST', path => '^/v1/embeddings$' }, times => 1,
	action => { type => 'status', status => 200,
		body => { object => 'list', data => [$one], model => 'text-embedding-3-small', usage => { prompt_tokens => 5, total_tokens => 5 } } } });
sql(q{INSERT INTO amprenta.datasets (name, omics_type) VALUES ('wrong length', 'lipidomics')});
ok($node->poll_query_until('postgres', "SELECT count(*) = $ndatasets + 2 FROM amprenta.sync_outbox WHERE state = 'dead'"),
	'an answer of 256 values for a 384-value index makes the row dead');
is(sql("SELECT format('%s / attempts %s / %s', state, attempts, last_error) FROM amprenta.sync_errors WHERE entity_name = 'wrong length'"),
	'dead / attempts 1 / embedding response: embedding 0 has 256 dimensions, expected 384',
	'sync_errors says which dimension came and which was expected');
is(sql(q{SELECT count(*) FROM amprenta.chunks c JOIN amprenta.datasets d ON d.id = c.entity_id
	WHERE d.name IN ('too few dimensions', 'wrong length')}), '0', 'no chunk of another length was stored');
is(sql("SELECT count(*) FROM amprenta.chunks WHERE array_length(embedding, 1) <> 384"), '0', 'the index holds 384-value vectors only');
$fake->clear_faults;

# --- 4b. A model outside the text-embedding-3 family: no "dimensions" ------------
# (ada-002 answers 400 to it, other compatible servers may too); the model's
# own size is checked against amprenta.embedding_dimension instead.  The
# new model queues every dataset again: the dead rows are replaced, and
# all are delivered.
$ndatasets = sql("SELECT count(*) FROM amprenta.datasets");
reload_index('amprenta.embedding_model' => 'amprenta-test-384');
drained('every dataset for a model told no size');
is(sql("SELECT string_agg(DISTINCT embedding_model || ' ' || array_length(embedding, 1), ',') || ' ' || count(DISTINCT entity_id) FROM amprenta.chunks"),
	"openai:amprenta-test-384 384 $ndatasets", 'every dataset, the two dead ones too, has its 384 values from amprenta-test-384');
$mark = last_log_id();
sql(q{INSERT INTO amprenta.datasets (name, omics_type) VALUES ('native size', 'lipidomics')});
drained('a model told no size');
$reqs = embed_requests('openai', '^/v1/embeddings$', $mark);
is(join(' ', map { ($_->{json}{model} // '') . ' ' . (exists $_->{json}{dimensions} ? 'dimensions' : 'no dimensions') } @$reqs),
	'amprenta-test-384 no dimensions', 'one request, without "dimensions"');
is(sql(q{SELECT string_agg(c.embedding_model || ' ' || array_length(c.embedding, 1), ',') FROM amprenta.chunks c
	JOIN amprenta.datasets d ON d.id = c.entity_id WHERE d.name = 'native size'}), 'openai:amprenta-test-384 384',
	'its native 384 values stored');

# --- 5. Pinecone hosted inference ----------------------------------------------
reload_index('amprenta.embedding_provider' => 'pinecone', 'amprenta.embedding_model' => $PC_MODEL);
drained('every dataset re-embedded by Pinecone');
$mark = last_log_id();
sql(q{INSERT INTO amprenta.datasets (name, omics_type, disease, description)
	SELECT 'pinecone ' || i, 'transcriptomics', '{ALS}',
	       (SELECT string_agg(format('Motor neuron %s of donor %s expresses STMN2 at %s TPM.', j, i, j * 7), ' ')
	          FROM generate_series(1, 60 * i) j)
	  FROM generate_series(1, 4) i});
drained('four datasets, pinecone');
my $pc_where = q{entity_id IN (SELECT id FROM amprenta.datasets WHERE name LIKE 'pinecone %')};
my $pc_chunks = sql("SELECT count(*) FROM amprenta.chunks WHERE $pc_where");
ok($pc_chunks > 96, "pinecone datasets make $pc_chunks chunks");
is(sql("SELECT string_agg(DISTINCT embedding_model || ' ' || array_length(embedding, 1), ',') FROM amprenta.chunks WHERE $pc_where"),
	"pinecone:$PC_MODEL 384", "their chunks have 'pinecone:$PC_MODEL' and 384 values");
$reqs = embed_requests('pinecone_control', '^/embed$', $mark);
@sizes = map { scalar @{ $_->{json}{inputs} // [] } } @$reqs;
is(scalar(grep { $_->{method} eq 'POST' && $_->{status} == 200 } @$reqs), scalar(@$reqs), 'POST /embed, all answered 200');
is(scalar(@$reqs), ceil($pc_chunks / 96), 'batches of 96 inputs: ' . join(' + ', @sizes));
ok(max(@sizes) <= 96, 'no /embed request holds more than 96 inputs');
is(sum0(@sizes), $pc_chunks, 'inputs sent = chunks stored');
is(scalar(grep { ($_->{json}{model} // '') eq $PC_MODEL && ($_->{json}{parameters}{input_type} // '') eq 'passage'
	&& ($_->{headers}{'Api-Key'} // '') eq '***0001' && ($_->{headers}{'X-Pinecone-Api-Version'} // '') ne '' } @$reqs),
	scalar(@$reqs), 'model, input_type passage, Api-Key and API version in every request');
is(scalar(grep { !exists $_->{json}{parameters}{dimension} } @$reqs), scalar(@$reqs),
	"no parameters.dimension for $PC_MODEL (only models documented with a choice of sizes get one)");
is(scalar(@{ embed_requests('openai', '.', $mark) }), 0, 'nothing went to the OpenAI API');
vectors_match('pinecone', $pc_where, sub { fake_pinecone_vector($_[0], $PC_MODEL) });

# A Pinecone model of another dimension: no "dimension" parameter is sent, so
# its native 256 values come back.  Every dataset queued again dies.
$ndatasets = sql("SELECT count(*) FROM amprenta.datasets");
reload_index('amprenta.embedding_model' => 'amprenta-pc-256');
drained('every dataset for a Pinecone model of 256 dimensions', dead => $ndatasets);
sql(q{INSERT INTO amprenta.datasets (name, omics_type) VALUES ('pinecone 256', 'lipidomics')});
ok($node->poll_query_until('postgres', "SELECT count(*) = $ndatasets + 1 FROM amprenta.sync_outbox WHERE state = 'dead'"),
	'a Pinecone model of 256 dimensions makes the row dead');
is(sql("SELECT last_error FROM amprenta.sync_errors WHERE entity_name = 'pinecone 256'"),
	'embedding response: embedding 0 has 256 dimensions, expected 384', 'with the dimensions in last_error');
is(sql("SELECT count(*) FROM amprenta.chunks WHERE array_length(embedding, 1) <> 384"), '0',
	'the index still holds 384-value vectors only');

# Fixed: setting the model back queues every dataset again, in place of the
# dead rows; only the one never delivered is embedded.
$mark = last_log_id();
reload_index('amprenta.embedding_model' => $PC_MODEL);
drained('after the model was fixed');
is(sql(q{SELECT string_agg(DISTINCT c.embedding_model, ',') || ' ' || count(DISTINCT d.id)
	FROM amprenta.chunks c JOIN amprenta.datasets d ON d.id = c.entity_id
	WHERE d.name IN ('too few dimensions', 'wrong length', 'pinecone 256')}), "pinecone:$PC_MODEL 3",
	'the three are delivered with the configured model');
is(sql("SELECT count(*) FROM amprenta.sync_outbox"), '0', 'no dead row left');
is(sum0(map { scalar @{ $_->{json}{inputs} } } @{ embed_requests('pinecone_control', '^/embed$', $mark) }), 1,
	'only the dataset never delivered was embedded');

# --- 6. A new provider, model or dimension re-embeds everything by itself ---
# No amprenta_pinecone_sync(): the reload is enough.
$ndatasets = sql("SELECT count(*) FROM amprenta.datasets");
my $total = sql("SELECT count(*) FROM amprenta.chunks");
is(sql("SELECT string_agg(DISTINCT embedding_model, ',') FROM amprenta.chunks"), "pinecone:$PC_MODEL",
	"$total chunks, all from the Pinecone model");
$mark = last_log_id();
reload_index('amprenta.embedding_provider' => 'openai', 'amprenta.embedding_model' => $OAI_MODEL);
drained('re-embedding with openai');
is(sql("SELECT string_agg(DISTINCT embedding_model || ' ' || array_length(embedding, 1), ',') FROM amprenta.chunks"),
	"openai:$OAI_MODEL 384", 'every chunk comes from the OpenAI model again');
is(sum0(map { scalar @{ $_->{json}{input} } } @{ embed_requests('openai', '^/v1/embeddings$', $mark) }), $total,
	'every chunk was embedded');

$mark = last_log_id();
reload_index('amprenta.embedding_dimension' => '256');
drained('re-embedding at 256 dimensions');
is(sql("SELECT string_agg(DISTINCT embedding_model || ' ' || array_length(embedding, 1), ',') FROM amprenta.chunks"),
	"openai:$OAI_MODEL 256", 'a new dimension re-embeds every chunk with 256 values');
$reqs = embed_requests('openai', '^/v1/embeddings$', $mark);
is(scalar(grep { ($_->{json}{dimensions} // 0) == 256 } @$reqs), scalar(@$reqs), 'asking the API for 256 dimensions');
is(sum0(map { scalar @{ $_->{json}{input} } } @$reqs), $total, 'for every chunk');
vectors_match('openai at 256', 'true', sub { fake_openai_vector($_[0], $OAI_MODEL, 256) });

# --- 7. A Pinecone model with a choice of sizes: parameters.dimension -----------
$mark = last_log_id();
reload_index('amprenta.embedding_provider' => 'pinecone', 'amprenta.embedding_model' => 'llama-text-embed-v2',
	'amprenta.embedding_dimension' => '384');
drained('re-embedding with llama-text-embed-v2 at 384 dimensions');
is(sql("SELECT string_agg(DISTINCT embedding_model || ' ' || array_length(embedding, 1), ',') FROM amprenta.chunks"),
	'pinecone:llama-text-embed-v2 384', 'every chunk has 384 values of llama-text-embed-v2 (native 1024)');
$reqs = embed_requests('pinecone_control', '^/embed$', $mark);
is(scalar(grep { ($_->{json}{parameters}{dimension} // 0) == 384 } @$reqs), scalar(@$reqs),
	'parameters.dimension 384 in every request');
is(sum0(map { scalar @{ $_->{json}{inputs} } } @$reqs), $total, 'for every chunk');
vectors_match('llama at 384', 'true', sub { fake_pinecone_vector($_[0], 'llama-text-embed-v2', 384) });

# Nothing changed: nothing is embedded.
$mark = last_log_id();
is(sql("SELECT amprenta.amprenta_pinecone_sync()"), $ndatasets, 'queued again, unchanged');
drained('unchanged content');
is(scalar(@{ embed_requests('openai', '.', $mark) }) + scalar(@{ embed_requests('pinecone', '.', $mark) }), 0,
	'unchanged content is not embedded again');

$node->stop;
$fake->stop;
done_testing();
