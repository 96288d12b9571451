# Notion pages under the older API version and pages the user linked.
#
# Failures prevented: a worker that only speaks the 2025-09-03 API
# (data sources) and breaks against a workspace pinned to 2022-06-28
# (databases); a page the user linked by setting notion_page_id that gets
# duplicated by a new page, or archived when the entity is deleted.
#
# No sleeps: every wait polls the database until the queue has drained.
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

my $db = '77777777-7777-4777-8777-777777777777';
my $fake = AmprentaFake->start(seed => {
	notion => {
		tokens => ['ntn_test_token_0002'],
		databases => [ { id => $db, title => 'Datasets',
			properties => { Name => 'title', 'Amprenta ID' => 'rich_text', Omics => 'select' } } ],
	},
});

my $s = AmprentaSync->new('pages', $fake, notion_token => 'ntn_test_token_0002',
	conf => [ "amprenta.notion_version = '2022-06-28'" ],
	target => [ $db, undef, '{"omics_type": {"property": "Omics", "type": "select"}}' ]);
my $node = $s->node;

sub sql { return $s->sql(@_); }
sub drained { return $s->drained(@_); }
sub pages { return $s->all_pages; }

# --- 2022-06-28: databases, not data sources ---------------------------------
sql(q{INSERT INTO amprenta.datasets (name, omics_type) VALUES ('old api 1', 'lipidomics'), ('old api 2', 'proteomics')});
drained('under 2022-06-28');
my @made = grep { !$_->{in_trash} } @{ pages() };
is(scalar @made, 2, 'two pages');
is(scalar(grep { ($_->{parent}{database_id} // '') eq $db } @made), 2, 'created with a database_id parent');
my $log = $fake->requests(service => 'notion', limit => 1000)->{requests};
is(scalar(grep { $_->{path} eq "/v1/databases/$db/query" } @$log), 2,
	'the Amprenta ID was looked up through the database query endpoint');
is(scalar(grep { $_->{path} =~ m{^/v1/data_sources/} } @$log), 0, 'no data-source endpoint was called');
ok(!grep({ ($_->{headers}{'Notion-Version'} // $_->{headers}{'notion-version'} // '') ne '2022-06-28' } @$log),
	'every request said Notion-Version 2022-06-28');

# --- A page the user linked is updated, never duplicated or archived ---------
my $http = HTTP::Tiny->new(timeout => 30);
my $r = $http->request('POST', $fake->url('notion') . '/v1/pages', {
	headers => { Authorization => 'Bearer ntn_test_token_0002', 'Notion-Version' => '2022-06-28',
		'Content-Type' => 'application/json' },
	content => encode_json({ parent => { database_id => $db },
		properties => { Name => { title => [ { text => { content => 'written by a person' } } ] } } }) });
ok($r->{success}, 'a page made by hand in Notion');
my $linked = decode_json($r->{content})->{id};
$fake->control('DELETE', '/__fake/requests');
sql(qq{INSERT INTO amprenta.datasets (name, omics_type, notion_page_id) VALUES ('linked', 'metabolomics', '$linked')});
drained('a dataset linked to an existing page');
$log = $fake->requests(service => 'notion', limit => 1000)->{requests};
is(scalar(grep { $_->{method} eq 'POST' && $_->{path} eq '/v1/pages' } @$log), 0, 'no page created for it');
is(scalar(grep { $_->{method} eq 'PATCH' && $_->{path} eq "/v1/pages/$linked" } @$log), 1, 'its page was updated');
my ($page) = grep { $_->{id} eq $linked } @{ pages() };
is(join('', map { $_->{plain_text} // $_->{text}{content} } @{ $page->{properties}{Name}{title} }), 'linked',
	'the linked page now carries the dataset name');
is(sql("SELECT external_id FROM amprenta.sync_refs WHERE sink = 'notion' AND entity_id =
	(SELECT id FROM amprenta.datasets WHERE name = 'linked')"), $linked, 'sync_refs knows the page');

sql(q{DELETE FROM amprenta.datasets WHERE name = 'linked'});
drained('deleting the linked dataset');
($page) = grep { $_->{id} eq $linked } @{ pages() };
ok(!$page->{in_trash}, 'the page the user linked stays (it was theirs)');
is(scalar(grep { $_->{in_trash} } @{ pages() }), 0, 'nothing was archived');

# --- A page the sink made, gone from Notion: a new one, and the row follows --
sql(q{INSERT INTO amprenta.datasets (name, omics_type) VALUES ('own', 'lipidomics')});
drained('a dataset with a page of its own');
my $own = sql(q{SELECT id FROM amprenta.datasets WHERE name = 'own'});
my $p1 = sql(qq{SELECT notion_page_id FROM amprenta.datasets WHERE id = '$own'});
ok($p1 ne '', 'its page id was written back to the row');
# Someone deletes the page in Notion for good: trashed (the Amprenta ID
# query no longer finds it), and the update answers 404 once.
$r = $http->request('PATCH', $fake->url('notion') . "/v1/pages/$p1", {
	headers => { Authorization => 'Bearer ntn_test_token_0002', 'Notion-Version' => '2022-06-28',
		'Content-Type' => 'application/json' },
	content => encode_json({ archived => JSON::PP::true }) });
ok($r->{success}, 'the page is trashed by hand');
$fake->fault({ service => 'notion', match => { method => 'PATCH', path => "^/v1/pages/$p1\$" },
	times => 1, action => { type => 'status', status => 404 } });
sql(qq{UPDATE amprenta.datasets SET description = 'after the page was lost' WHERE id = '$own'});
drained('an update after the page was lost');
my $p2 = sql(qq{SELECT external_id FROM amprenta.sync_refs WHERE sink = 'notion' AND entity_id = '$own'});
isnt($p2, $p1, 'a new page was made');
is(sql(qq{SELECT notion_page_id FROM amprenta.datasets WHERE id = '$own'}), $p2,
	'and the row points at it, not at the lost one');
$fake->control('DELETE', '/__fake/requests');
sql(qq{UPDATE amprenta.datasets SET description = 'and once more' WHERE id = '$own'});
drained('a second update');
$log = $fake->requests(service => 'notion', limit => 1000)->{requests};
is(scalar(grep { $_->{method} eq 'PATCH' && $_->{path} eq "/v1/pages/$p2" } @$log), 1, 'the new page is updated');
is(scalar(grep { $_->{method} eq 'POST' && $_->{path} eq '/v1/pages' } @$log), 0, 'and no other is made');
is(sql(qq{SELECT owned FROM amprenta.sync_refs WHERE sink = 'notion' AND entity_id = '$own'}), 't',
	'the page stays the sink\'s own');

$node->stop;
$fake->stop;
done_testing();
