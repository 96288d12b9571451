# The semantic index with the narrative of a Notion page the user linked:
# the page's blocks are read from Notion and embedded with the entity.
#
# Failures prevented: narrative text that never reaches the chunks (so
# amprenta_search cannot find an entity by what its page says); only the
# first 100 blocks of a long page indexed; a page that cannot be read (404)
# failing the entity instead of being indexed without narrative; the page
# the Notion sink itself wrote from the database read back and indexed
# twice; a narrative edited in Notion that a later sync does not embed; a
# 429 from Notion spending attempts or killing rows; requests to Notion
# without a token or without Notion-Version.
#
# No sleeps: every wait polls the database until the queue has drained
# (poll_query_until, 180 s).  Request counts are exact: the worker reads a
# page of 250 blocks in three requests of at most 100.
use strict;
use warnings;
use lib 'test/perl';
use HTTP::Tiny;
use JSON::PP;
use PostgreSQL::Test::Utils;
use Test::More;
use AmprentaTest;
use AmprentaFake;
use AmprentaSync;

my $TOKEN = 'ntn_test_token_0015';
my $db = '15151515-1515-4515-8515-151515151515';
my $fake = AmprentaFake->start(seed => {
	notion => {
		tokens => [$TOKEN],
		databases => [ { id => $db, title => 'Datasets',
			properties => { Name => 'title', 'Amprenta ID' => 'rich_text' } } ],
	},
});

my $sync = AmprentaSync->new('narrative', $fake, notion_token => $TOKEN,
	conf => [ "amprenta.notion_version = '2022-06-28'" ], target => [ $db ]);
my $node = $sync->node;

sub sql { my ($s) = @_; return $node->safe_psql('postgres', $s); }

# The index's queue is empty: every change delivered there.  (The Notion
# sink's rows are not waited for: a linked page that is missing is dead
# there, by design.)
sub indexed
{
	my ($what) = @_;
	ok($node->poll_query_until('postgres',
			"SELECT count(*) = 0 FROM amprenta.sync_outbox WHERE sink = 'pinecone' AND state <> 'dead'
			   AND NOT EXISTS (SELECT 1 FROM amprenta.sync_capture)"),
		"$what: the index queue drains");
	is(sql("SELECT count(*) FROM amprenta.sync_outbox WHERE sink = 'pinecone'"), '0', "$what: nothing died");
}

# Everything the worker has to do is done, Notion sink included.
sub settled
{
	my ($what) = @_;
	ok($node->poll_query_until('postgres',
			"SELECT count(*) = 0 FROM amprenta.sync_outbox WHERE state <> 'dead'
			   AND NOT EXISTS (SELECT 1 FROM amprenta.sync_capture)"),
		"$what: the queue drains");
}

my $http = HTTP::Tiny->new(timeout => 30);
my %headers = (Authorization => "Bearer $TOKEN", 'Notion-Version' => '2022-06-28',
	'Content-Type' => 'application/json');
sub notion
{
	my ($method, $path, $body) = @_;
	my $r = $http->request($method, $fake->url('notion') . $path,
		{ headers => \%headers, content => encode_json($body) });
	die "$method $path: $r->{status} $r->{content}" unless $r->{success};
	return decode_json($r->{content});
}
sub para { my ($s) = @_; return { object => 'block', type => 'paragraph',
	paragraph => { rich_text => [ { type => 'text', text => { content => $s } } ] } }; }
# A page written by a person, with these blocks (appended 100 at a time).
sub user_page
{
	my ($title, @blocks) = @_;
	my @first = splice @blocks, 0, 100;
	my $page = notion('POST', '/v1/pages', { parent => { database_id => $db },
		properties => { Name => { title => [ { text => { content => $title } } ] } },
		children => \@first });
	while (my @next = splice @blocks, 0, 100)
	{
		notion('PATCH', "/v1/blocks/$page->{id}/children", { children => \@next });
	}
	return $page->{id};
}
sub chunks_of
{
	my ($name) = @_;
	return sql(qq{SELECT string_agg(content, E'\\n' ORDER BY chunk_no) FROM amprenta.chunks c
		JOIN amprenta.datasets d ON d.id = c.entity_id WHERE d.name = '$name'});
}
sub block_reads
{
	my ($page) = @_;
	return [ grep { $_->{method} eq 'GET' && $_->{path} eq "/v1/blocks/$page/children" }
		@{ $fake->requests(service => 'notion', limit => 5000)->{requests} } ];
}

# --- A page the user linked: its text is indexed -----------------------------
my $linked = user_page('lab notes',
	{ object => 'block', type => 'heading_2',
	  heading_2 => { rich_text => [ { type => 'text', text => { content => 'Observations' } } ] } },
	para('The zymoglyphic marker rose in every cohort.'),
	{ object => 'block', type => 'bulleted_list_item',
	  bulleted_list_item => { rich_text => [ { type => 'text', text => { content => 'replicated twice' } } ] } });
$fake->control('DELETE', '/__fake/requests');
sql(qq{INSERT INTO amprenta.datasets (name, omics_type, description, notion_page_id)
	VALUES ('linked', 'lipidomics', 'Ceramides in plasma.', '$linked'),
	       ('plain one', 'lipidomics', 'Ceramides in plasma.', NULL)});
indexed('a dataset linked to a page with text');
my $text = chunks_of('linked');
like($text, qr/Ceramides in plasma\.\n\nNotes from Notion\n\nObservations\nThe zymoglyphic marker rose in every cohort\.\n- replicated twice/,
	'the chunks hold the page text after the row text, under "Notes from Notion"');
unlike(chunks_of('plain one'), qr/Notes from Notion/, 'an entity without a linked page has no narrative');
is(sql(q{SELECT d.name FROM amprenta.amprenta_search('zymoglyphic marker', 1) s
	JOIN amprenta.datasets d ON d.id = s.entity_id}), 'linked',
	'amprenta_search finds the dataset by a word only its Notion page holds');
my $reads = block_reads($linked);
is(scalar @$reads, 1, 'one request read the page');
like($reads->[0]{query} // '', qr/(^|&)page_size=100(&|$)/, 'with page_size 100');
is(($reads->[0]{headers}{'Notion-Version'} // $reads->[0]{headers}{'notion-version'}), '2022-06-28',
	'with the configured Notion-Version');
like(($reads->[0]{headers}{Authorization} // $reads->[0]{headers}{authorization}), qr/0015$/, 'with the token');

# --- The page the Notion sink made is not read back --------------------------
settled('the Notion pages');
my $ours = sql("SELECT notion_page_id FROM amprenta.datasets WHERE name = 'plain one'");
ok($ours ne '', 'the Notion sink made a page for the unlinked dataset');
$fake->control('DELETE', '/__fake/requests');
sql(q{SELECT amprenta.amprenta_pinecone_sync('dataset')});
indexed('re-syncing every dataset');
is(scalar @{ block_reads($ours) }, 0, 'the page the Notion sink wrote from the row is not read back');
unlike(chunks_of('plain one'), qr/Notes from Notion/, 'so its text is not indexed twice');
is(scalar @{ block_reads($linked) }, 1, 'the linked page is read again at the next sync');

# --- An edit in Notion is embedded at the next sync --------------------------
notion('PATCH', "/v1/blocks/$linked/children", { children => [ para('Later the quillwort effect appeared.') ] });
sql(q{SELECT amprenta.amprenta_pinecone_sync('dataset', id) FROM amprenta.datasets WHERE name = 'linked'});
indexed('a re-sync after the page changed');
like(chunks_of('linked'), qr/quillwort effect/, 'the edited narrative was embedded');

# --- Pagination: a page of 250 blocks ----------------------------------------
my $long = user_page('long notes', map { para("Paragraph $_ " . ($_ == 1 ? 'alphaword' : $_ == 250 ? 'omegaword' : 'filler')) } 1 .. 250);
$fake->control('DELETE', '/__fake/requests');
sql(qq{INSERT INTO amprenta.datasets (name, omics_type, notion_page_id) VALUES ('long', 'proteomics', '$long')});
indexed('a dataset linked to a page of 250 blocks');
$text = chunks_of('long');
like($text, qr/Paragraph 1 alphaword/, 'the first block is indexed');
like($text, qr/Paragraph 101 filler/, 'a block of the second page is indexed');
like($text, qr/Paragraph 250 omegaword/, 'the last block is indexed');
$reads = block_reads($long);
is(scalar @$reads, 3, 'three requests of 100 blocks');
is(scalar(grep { ($_->{query} // '') =~ /(^|&)start_cursor=[-0-9a-f]+/ } @$reads), 2,
	'the second and third follow next_cursor');

# --- A page that cannot be read: indexed without narrative -------------------
my $gone = '0badc0de-0000-4000-8000-000000000404';
sql(qq{INSERT INTO amprenta.datasets (name, omics_type, description, notion_page_id)
	VALUES ('missing page', 'metabolomics', 'Bile acids.', '$gone')});
indexed('a dataset linked to a page Notion does not have');
$text = chunks_of('missing page');
like($text, qr/Bile acids\./, 'the row text is indexed');
unlike($text, qr/Notes from Notion/, 'without a narrative');
is(scalar @{ block_reads($gone) }, 1, 'the page was asked for once');

# --- 429 from Notion: no attempt spent, delivered after the pause ------------
$fake->fault({ service => 'notion', match => { method => 'GET', path => "^/v1/blocks/$linked/children" },
	times => 1, action => { type => 'status', preset => 'notion_429', retry_after => 1 } });
$fake->control('DELETE', '/__fake/requests');
sql(qq{UPDATE amprenta.datasets SET description = 'Ceramides in serum.' WHERE name = 'linked'});
ok($node->poll_query_until('postgres',
		"SELECT count(*) = 0 FROM amprenta.sync_outbox WHERE sink = 'pinecone'
		   AND NOT EXISTS (SELECT 1 FROM amprenta.sync_capture)"),
	'after a 429 the row is delivered');
like(chunks_of('linked'), qr/Ceramides in serum\.\n\nNotes from Notion\n\n.*quillwort/s,
	'with the new row text and the narrative');
is(scalar @{ block_reads($linked) }, 2, 'the page was read again after the pause');
$fake->clear_faults;

# --- Without a Notion token: no request, no error ----------------------------
sql(q{ALTER SYSTEM SET amprenta.notion_token_file = ''});
sql('SELECT pg_reload_conf()');
ok($node->poll_query_until('postgres', "SELECT current_setting('amprenta.notion_token_file') = ''"),
	'new sessions see no token file');
my $since = sql('SELECT clock_timestamp()');
ok($node->poll_query_until('postgres', "SELECT heartbeat > '$since'
	FROM amprenta.amprenta_worker_status() WHERE database = 'postgres'"), 'the worker began a round after the reload');
$fake->control('DELETE', '/__fake/requests');
sql(qq{UPDATE amprenta.datasets SET description = 'Ceramides in urine.' WHERE name = 'linked'});
indexed('a change without a Notion token');
is(scalar @{ block_reads($linked) }, 0, 'the page was not read');
$text = chunks_of('linked');
like($text, qr/Ceramides in urine\./, 'the row text is indexed');
unlike($text, qr/Notes from Notion/, 'without the narrative');

$node->stop;
$fake->stop;
done_testing();
