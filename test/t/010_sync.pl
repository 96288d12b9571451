# Sync end to end: the launcher, a worker, the Notion and Pinecone sinks,
# against the loopback fakes of test/fake/.
#
# Failures prevented: changes that never reach Notion or the index; a second
# Notion page for one entity after a crash or a lost answer; vectors left
# behind by a shrunk or deleted entity; attempts spent on rate limits; a
# worker that keeps delivering with a rejected token; a queue that loses rows
# when the worker or the server dies mid-delivery.
#
# No sleeps: every wait polls the database or the fake until a condition
# holds (poll_query_until, or AmprentaSync's waits), with generous time limits.
use strict;
use warnings;
use lib 'test/perl';
use PostgreSQL::Test::Utils;
use Test::More;
use AmprentaTest;
use AmprentaFake;
use AmprentaSync;

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

# The launcher starts a worker for the listed database (asserted by new).
my $s = AmprentaSync->new('sync', $fake, notion_token => 'ntn_test_token_0001',
	pinecone_key => 'pcsk_test_key_0001', conf => [ "amprenta.pinecone_index = 'amprenta'" ],
	target => [ '11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222',
		'{"omics_type": {"property": "Omics", "type": "select"},
		  "disease": {"property": "Disease", "type": "multi_select"}}' ]);
my $node = $s->node;

sub sql { return $s->sql(@_); }
sub drained { return $s->drained(@_); }
sub pages { return $s->pages; }

# --- Delivery ---------------------------------------------------------------
sql(q{INSERT INTO amprenta.datasets (name, omics_type, disease, description)
	SELECT 'dataset ' || i, 'lipidomics', '{ALS}', repeat('Ceramides rise in ALS cerebrospinal fluid. ', 10 * i)
	  FROM generate_series(1, 5) i});
drained('five datasets');
my $ids = sql("SELECT string_agg(id::text, ' ' ORDER BY name) FROM amprenta.datasets");
my @ids = split / /, $ids;
my $pages = pages();
is(scalar(grep { @{ $pages->{$_} // [] } == 1 } @ids), 5, 'one Notion page per dataset');
is($pages->{ $ids[0] }[0]{properties}{Omics}{select}{name}, 'lipidomics', 'the mapped select property');
is(sql(q{SELECT count(*) FROM amprenta.datasets d
	JOIN amprenta.sync_refs r ON r.sink = 'notion' AND r.entity_id = d.id AND r.external_id = d.notion_page_id}),
	'5', 'page ids written back to the rows and to sync_refs');
# The hash is of the document as delivered: before the page id was written
# back to the row (which also moved updated_at, at first equal to created_at).
is(sql(q{SELECT count(*) FROM amprenta.sync_refs r, amprenta._sync_document('dataset', r.entity_id) x
	WHERE r.sink = 'notion' AND r.entity_type = 'dataset'
	  AND r.content_sha256 = sha256(convert_to(coalesce(x.title, '') || chr(1) || coalesce(x.body, '') || chr(1)
	      || (x.properties || jsonb_build_object('notion_page_id', NULL, 'updated_at', x.properties->'created_at'))::text,
	      'UTF8'))}),
	'5', 'the content hash recorded is that of the title, body and properties as delivered');
my $chunk_ids = sql("SELECT string_agg(vector_id, ' ' ORDER BY vector_id) FROM amprenta.chunks");
my $vectors = $fake->vectors('amprenta');
is(join(' ', sort keys %$vectors), $chunk_ids, 'Pinecone holds exactly the vectors of the local index');

# An edit of a column that is not in the text goes to the Notion page and
# sends no vector: the index's content hash covers what its vectors carry
# (title, text, linked page).  The first edit may send them: the page id
# written back after the first delivery is new to their metadata.  The
# page stays the sink's own (the delete below must archive it).
sql(qq{UPDATE amprenta.datasets SET source_url = 'https://example.org/study' WHERE id = '$ids[3]'});
drained('after an edit outside the text');
my $mark = $s->last_log_id;
sql(qq{UPDATE amprenta.datasets SET source_url = 'https://example.org/study/2' WHERE id = '$ids[3]'});
drained('after a second edit outside the text');
is(scalar $s->logged('pinecone', $mark, sub { $_[0]{path} eq '/vectors/upsert' }), 0,
	'an edit of a column outside the text sends no vector');
is(scalar $s->logged('notion', $mark, sub { $_[0]{method} eq 'PATCH' && $_[0]{path} =~ m{^/v1/pages/} }), 1,
	'and updates the Notion page');
is(sql(qq{SELECT owned FROM amprenta.sync_refs WHERE sink = 'notion' AND entity_id = '$ids[3]'}), 't',
	'which stays the one the sink made, not a page the user linked');
is(join(' ', sort keys %{ $fake->vectors('amprenta') }), $chunk_ids, 'the vectors are the same');

# An update that changes content updates the page; the entity shrinks: its
# surplus vectors are deleted.
my $creates = $fake->notion_state->{counters}{pages_created} // scalar @{ $fake->notion_state->{pages} };
sql(qq{UPDATE amprenta.datasets SET description = 'short now' WHERE id = '$ids[4]'});
drained('an update');
$vectors = $fake->vectors('amprenta');
is(scalar(grep { /^dataset:$ids[4]:/ } keys %$vectors), 1, 'a shrunk entity keeps only its one vector');
is(join(' ', sort keys %$vectors), sql("SELECT string_agg(vector_id, ' ' ORDER BY vector_id) FROM amprenta.chunks"),
	'Pinecone still mirrors the local index');
is(sql(q{SELECT count(*) > 0 AND bool_and(content_sha256 = sha256(convert_to(content, 'UTF8'))
		AND cardinality(embedding) = current_setting('amprenta.embedding_dimension')::int
		AND embedding_model IS NOT NULL AND created_at = updated_at)
	FROM amprenta.chunks}), 't',
	'every chunk has the hash of its text, an embedding of the index dimension and its model');
is(scalar(@{ pages()->{ $ids[4] } }), 1, 'an update makes no new page');

# A delete trashes the page (the sink's own, updated since) and removes the vectors.
sql(qq{DELETE FROM amprenta.datasets WHERE id = '$ids[3]'});
drained('a delete');
ok(!pages()->{ $ids[3] }, 'the page of a deleted dataset is in the trash');
is(scalar(grep { /^dataset:$ids[3]:/ } keys %{ $fake->vectors('amprenta') }), 0, 'its vectors are gone');
is(sql(qq{SELECT count(*) FROM amprenta.chunks WHERE entity_id = '$ids[3]'}), '0', 'and its chunks');

# --- wait_seconds: queue and wait for delivery -------------------------------
is(sql("SELECT amprenta.amprenta_notion_sync('dataset', NULL, 60)"), '4',
	'amprenta_notion_sync(wait_seconds) queues the four datasets and returns when they are delivered');
is(sql("SELECT count(*) FROM amprenta.sync_outbox"), '0', 'nothing left in the queue after the wait');

# --- A lost answer after a create: no second page -----------------------------
$fake->fault({ service => 'notion', match => { method => 'POST', path => '^/v1/pages$' },
	times => 1, action => { type => 'apply_then_reset' } });
sql(q{INSERT INTO amprenta.datasets (name, omics_type) VALUES ('lost answer', 'proteomics')});
drained('a create whose answer was lost');
my $lost = sql("SELECT id FROM amprenta.datasets WHERE name = 'lost answer'");
is(scalar(@{ pages()->{$lost} }), 1, 'the page created before the reset was found, not created twice');
$fake->clear_faults;

# --- 429: the sink pauses, no attempt spent -----------------------------------
$fake->fault({ service => 'notion', match => { method => 'POST', path => '^/v1/pages$' },
	times => 3, action => { type => 'status', preset => 'notion_429', retry_after => 1 } });
sql(q{INSERT INTO amprenta.datasets (name, omics_type) VALUES ('rate limited', 'metabolomics')});
$s->wait_for('the worker met the 429s', sub {
	diag(sql("SELECT format('%s %s %s %s', sink, state, attempts, last_error) FROM amprenta.sync_outbox")) if $ENV{AMPRENTA_DEBUG};
	sql("SELECT throttled >= 1 FROM amprenta.amprenta_worker_status() WHERE database = 'postgres'") eq 't' });
is(sql(q{SELECT coalesce(max(attempts), 0) FROM amprenta.sync_outbox WHERE sink = 'notion'}), '0',
	'a rate-limited row has spent no attempt');
drained('after the 429 storm');
is(scalar(@{ pages()->{ sql("SELECT id FROM amprenta.datasets WHERE name = 'rate limited'") } }), 1,
	'delivered once the limit lifted');
$fake->clear_faults;

# --- 401: the sink pauses with the rows untouched -----------------------------
$fake->fault({ service => 'notion', times => -1, action => { type => 'status', status => 401 } });
sql(q{INSERT INTO amprenta.datasets (name, omics_type) VALUES ('unauthorized', 'metabolomics')});
ok($node->poll_query_until('postgres',
		"SELECT notion_paused_until > now() FROM amprenta.amprenta_worker_status() WHERE database = 'postgres'"),
	'401 pauses the Notion sink');
is(sql(q{SELECT state || ' ' || attempts FROM amprenta.sync_outbox WHERE sink = 'notion'}), 'pending 0',
	'the row waits, no attempt spent');
$fake->clear_faults;
sql('SELECT pg_reload_conf()');
drained('after the token was fixed and the configuration reloaded');

# --- A permanent error: dead, kept, retried on demand --------------------------
sql(q{UPDATE amprenta.notion_targets SET property_map = property_map || '{"name": {"property": "No such property", "type": "rich_text"}}'});
sql(q{INSERT INTO amprenta.datasets (name, omics_type) VALUES ('bad mapping', 'metabolomics')});
ok($node->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM amprenta.sync_outbox WHERE state = 'dead' AND last_http_status = 400"),
	'a 400 makes the row dead');
like(sql("SELECT last_error FROM amprenta.sync_errors WHERE entity_name = 'bad mapping'"), qr/HTTP 400/,
	'sync_errors shows the error with the entity name');
sql(q{UPDATE amprenta.notion_targets SET property_map = property_map - 'name'});
is(sql("SELECT amprenta.amprenta_retry_dead('notion')"), '1', 'amprenta_retry_dead requeues it');
drained('after the fix');
is(scalar(@{ pages()->{ sql("SELECT id FROM amprenta.datasets WHERE name = 'bad mapping'") } }), 1,
	'delivered after the retry');

# --- A document that cannot be built: that entity dies, the others go on ----
sql(q{ALTER FUNCTION amprenta._sync_documents(text, uuid[], boolean) RENAME TO _sync_documents_real});
sql(q{CREATE FUNCTION amprenta._sync_documents(entity_type text, entity_ids uuid[], with_properties boolean DEFAULT true,
		OUT entity_id uuid, OUT title text, OUT body text, OUT properties jsonb, OUT notion_page_id text)
	RETURNS SETOF record LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM amprenta.datasets d WHERE d.id = ANY (entity_ids) AND d.name = 'poison') THEN
		RAISE EXCEPTION 'cannot build this document';
	END IF;
	RETURN QUERY SELECT * FROM amprenta._sync_documents_real(entity_type, entity_ids, with_properties);
END $$});
sql(q{INSERT INTO amprenta.datasets (name, omics_type)
	VALUES ('healthy 1', 'lipidomics'), ('poison', 'lipidomics'), ('healthy 2', 'lipidomics')});
ok($node->poll_query_until('postgres', q{SELECT count(*) = 2 FROM amprenta.sync_outbox o
		JOIN amprenta.datasets d ON d.id = o.entity_id WHERE d.name = 'poison' AND o.state = 'dead'}),
	'the entity whose document fails goes dead in both sinks');
drained('next to a poisoned entity', dead => 2);
is(scalar(grep { @{ pages()->{ sql("SELECT id FROM amprenta.datasets WHERE name = '$_'") } // [] } == 1 }
		('healthy 1', 'healthy 2')), 2, 'the other entities of its batch were delivered');
like(sql(q{SELECT last_error FROM amprenta.sync_errors WHERE entity_name = 'poison' LIMIT 1}),
	qr/cannot build this document/, 'the error is kept for the poisoned entity');
sql(q{DROP FUNCTION amprenta._sync_documents(text, uuid[], boolean)});
sql(q{ALTER FUNCTION amprenta._sync_documents_real(text, uuid[], boolean) RENAME TO _sync_documents});

$node->stop;
$fake->stop;
done_testing();
