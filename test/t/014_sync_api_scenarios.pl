# Notion scenarios of the wire reference's acceptance list (external_apis.md
# §5.6) not covered by 010-013: Retry-After on a create, a 500 on a create
# (also one applied before the 500), a 409 on an update, the size limits of
# rich text and of block appends, a reconcile query whose match is only on a
# later page of results, transport faults (reset, partial answer, malformed
# answer) and a 401 with its request id.  Against the loopback fakes of
# test/fake/.
#
# Failures prevented:
# - a 429 whose Retry-After is not waited for (the next create comes sooner
#   than it says), or that costs a second page;
# - a create answered 500 sent again blindly, without asking Notion for the
#   page first, which duplicates the page when the 500 came after the page
#   was made;
# - a 409 conflict that kills the row or leaves the page with old content;
# - rich-text items over 2000 characters or more than 100 blocks in one
#   request (Notion refuses both with 400: the row would die), or body text
#   lost between the create and its appends;
# - a reconcile query that reads one answer and takes "no result" for "no
#   page" while Notion said has_more: a second page for the entity (the fake's
#   query_scan_limit makes Notion's partial answers happen);
# - a dropped connection, a half-sent answer or a garbled 200 that kills the
#   row, is taken for success, duplicates a page, or crashes the worker;
# - a 401 retried in a storm, or stored without the request id Notion's
#   support asks for.
#
# Margins: every wait polls the database or the fake (poll_query_until:
# 180 s; wait_for/poll_value: 90 s).  The one time assertion is a lower
# bound: after "Retry-After: 2" the next create comes at least 2 s after the
# rejected one (the worker pauses 2 s from when it read the answer, which is
# after the fake logged the request's start; a slow machine only lengthens
# the gap).  Faults that last "until seen" (times -1) are cleared as soon as
# the row shows the error; amprenta.max_attempts is 50 so a slow machine
# cannot kill the row meanwhile (retry delays are 0.2-1 s).
use strict;
use warnings;
use lib 'test/perl';
use PostgreSQL::Test::Utils;
use Test::More;
use HTTP::Tiny;
use JSON::PP;
use List::Util qw(max);
use AmprentaTest;
use AmprentaFake;
use AmprentaSync;

my $DB = '11111111-1111-4111-8111-111111111111';
my $DS = '22222222-2222-4222-8222-222222222222';
my $TOKEN = 'ntn_test_token_0001';
my $fake = AmprentaFake->start(seed => {
	notion => {
		tokens => [$TOKEN],
		databases => [ { id => $DB, title => 'Datasets',
			data_sources => [ { id => $DS, name => 'Datasets',
				properties => { Name => 'title', 'Amprenta ID' => 'rich_text' } } ] } ],
	},
	# whole request bodies in the log: children and cursors are read from them
	config => { log => { body_max => 2_000_000 } },
});
my $s = AmprentaSync->new('notion_api', $fake, notion_token => $TOKEN, target => [ $DB, $DS ]);
my $json = JSON::PP->new;

sub sql { return $s->sql(@_); }
sub id_of { my ($name) = @_; return sql("SELECT id FROM amprenta.datasets WHERE name = '$name'"); }
sub insert
{
	my ($name, $description) = @_;
	$description = defined $description ? "'$description'" : 'NULL';
	sql(qq{INSERT INTO amprenta.datasets (name, omics_type, description) VALUES ('$name', 'lipidomics', $description)});
	return id_of($name);
}
# Notion requests since $mark that name entity $id in their body (queries,
# creates, updates), oldest first, as "METHOD kind status".
sub entity_calls
{
	my ($mark, $id) = @_;
	return map {
		my $kind = $_->{path} =~ m{/query$} ? 'query' : $_->{path} eq '/v1/pages' ? 'create' : 'update';
		"$_->{method} $kind " . ($_->{status} // '-')
	} $s->logged('notion', $mark, sub { index($_[0]{body} // '', $id) >= 0 });
}
sub creates_of { my ($id) = @_; return $fake->notion_state->{counters}{creates_by_property}{'Amprenta ID'}{$id} // 0; }
my $pid = $s->status('pid');

# --- (2) 429 with Retry-After: 2 on a create --------------------------------
{
	my $mark = $s->last_log_id;
	$fake->fault({ service => 'notion', match => { method => 'POST', path => '^/v1/pages$' }, times => 1,
		action => { type => 'status', preset => 'notion_429', retry_after => 2 } });
	my $id = insert('retry after two');
	$s->drained('429 with Retry-After: 2');
	my @creates = $s->logged('notion', $mark, sub { $_[0]{path} eq '/v1/pages' && index($_[0]{body}, $id) >= 0 });
	is(join(' ', map { $_->{status} } @creates), '429 200', 'Retry-After 2: exactly two creates, the 429 and the one that worked');
	my $gap = @creates == 2 ? $creates[1]{t} - $creates[0]{t} : 0;
	ok($gap >= 2.0, sprintf('the second create came %.2f s after the 429 (Retry-After: 2)', $gap));
	is(scalar @{ $s->pages->{$id} // [] }, 1, 'Retry-After 2: one page');
	is(creates_of($id), 1, 'Retry-After 2: created once');
	$fake->clear_faults;
}

# --- (4) 500 on a create: ask before creating again ---------------------------
{
	my $mark = $s->last_log_id;
	$fake->fault({ service => 'notion', match => { method => 'POST', path => '^/v1/pages$' }, times => 1,
		action => { type => 'status', preset => 'notion_500' } });
	my $id = insert('five hundred');
	$s->drained('500 on a create');
	is(join(', ', entity_calls($mark, $id)), 'POST query 200, POST create 500, POST query 200, POST create 200',
		'500 on a create: the next attempt queries by Amprenta ID before it creates');
	is(scalar @{ $s->pages->{$id} // [] }, 1, '500 on a create: one page');

	# The page was made, then the 500: the query finds it, no second create.
	$mark = $s->last_log_id;
	$fake->fault({ service => 'notion', match => { method => 'POST', path => '^/v1/pages$' }, times => 1,
		action => { type => 'apply_then_status', status => 500 } });
	$id = insert('applied then five hundred');
	$s->drained('500 after the page was made');
	is(join(', ', entity_calls($mark, $id)), 'POST query 200, POST create 500, POST query 200, PATCH update 200',
		'500 after the create was applied: the query finds the page, it is updated, not created again');
	is(scalar @{ $s->pages->{$id} // [] }, 1, 'applied then 500: one page');
	is(creates_of($id), 1, 'applied then 500: created once');
	is(sql("SELECT notion_page_id FROM amprenta.datasets WHERE id = '$id'"), $s->pages->{$id}[0]{id},
		'applied then 500: the found page is recorded');
	$fake->clear_faults;
}

# --- (5) 409 conflict on an update ----------------------------------------------
{
	my $id = insert('conflict');
	$s->drained('before the conflict');
	my $page = $s->pages->{$id}[0]{id};
	my $mark = $s->last_log_id;
	$fake->fault({ service => 'notion', match => { method => 'PATCH', path => "^/v1/pages/$page\$" }, times => 1,
		action => { type => 'status', preset => 'notion_409' } });
	sql("UPDATE amprenta.datasets SET name = 'conflict resolved' WHERE id = '$id'");
	$s->drained('409 on an update');
	is(join(' ', map { $_->{status} } $s->logged('notion', $mark, sub { $_[0]{method} eq 'PATCH' && $_[0]{path} eq "/v1/pages/$page" })),
		'409 200', '409: the update was tried again and went through');
	my ($p) = grep { $_->{id} eq $page } @{ $fake->notion_state->{pages} };
	is(join('', map { $_->{plain_text} } @{ $p->{properties}{Name}{title} }), 'conflict resolved',
		'409: the page has the new content');
	is(scalar @{ $s->pages->{$id} }, 1, '409: still one page');
	$fake->clear_faults;
}

# --- (6) Size limits: 2000-character items, 100 blocks per request --------------
# (test/unit/test_notion_payload.c covers the cutting itself; this is the
# same end to end, checked against what Notion accepted.)
{
	my $long_name = join ' ', map { "Lipid$_" } 1 .. 800;		# 5,000+ characters
	my $long_para = join ' ', map { "Ceramide$_" } 1 .. 600;		# 5,000+ characters
	my @paras = map { "Paragraph $_ of the methods." } 1 .. 320;
	my $description = join "\n\n", $long_para, @paras;
	ok(length($long_name) > 5000 && length($long_para) > 5000, 'a title and a paragraph of 5,000+ characters');
	my $mark = $s->last_log_id;
	my $id = insert($long_name, $description);
	$s->drained('a long title and 322 blocks');
	my $page = $s->pages->{$id}[0];
	ok($page, 'the page exists');
	my @title = @{ $page->{properties}{Name}{title} };
	ok(@title >= 3 && max(map { length $_->{plain_text} } @title) <= 2000,
		'the title became ' . scalar(@title) . ' rich-text items of at most 2000 characters');
	is(join('', map { $_->{plain_text} } @title), $long_name, 'and nothing of it was lost');
	my @blocks = @{ $page->{children} };
	is(scalar @blocks, 2 + @paras, 'every paragraph is a block of the page (a header, the long one, 320 more)');
	my @items = @{ $blocks[1]{content}{rich_text} };
	ok(@items >= 3 && max(map { length $_->{plain_text} } @items) <= 2000,
		'the long paragraph is ' . scalar(@items) . ' rich-text items of at most 2000 characters');
	is($blocks[1]{text}, $long_para, 'the long paragraph arrived whole');
	is(join("\n", map { $_->{text} } @blocks[2 .. $#blocks]), join("\n", @paras), 'the other paragraphs in order');
	my ($create) = $s->logged('notion', $mark, sub { $_[0]{path} eq '/v1/pages' && index($_[0]{body}, $id) >= 0 });
	my @appends = $s->logged('notion', $mark, sub { $_[0]{path} eq "/v1/blocks/$page->{id}/children" });
	my @sizes = map { scalar @{ $json->decode($_->{body})->{children} } } $create, @appends;
	note('children per request: ' . join(' + ', @sizes));
	ok(@appends >= 3, scalar(@appends) . ' appends after the create');
	ok(max(@sizes) <= 100, 'at most 100 blocks per request');
	is(join(' ', map { $_->{status} } @appends), join(' ', ('200') x @appends), 'every append accepted');
}

# --- (7) The reconcile query follows next_cursor ---------------------------------
# A page for the entity already exists (made by a worker that died before
# recording it), 250 pages into the data source.  Notion answers each query
# from 100 examined rows: the first two answers hold no result but say
# has_more.
{
	my $id = sql('SELECT gen_random_uuid()');
	my $http = HTTP::Tiny->new(timeout => 30);
	my $made;
	for my $i (1 .. 250)
	{
		my $key = $i == 245 ? $id : "filler $i";
		my $r = $http->post($fake->url('notion') . '/v1/pages', {
			headers => { Authorization => "Bearer $TOKEN", 'Notion-Version' => '2025-09-03',
				'Content-Type' => 'application/json' },
			content => encode_json({ parent => { data_source_id => $DS }, properties => {
				Name => { title => [ { text => { content => "page $i" } } ] },
				'Amprenta ID' => { rich_text => [ { text => { content => $key } } ] } } }) });
		die "seeding page $i: $r->{status} $r->{content}" unless $r->{success};
		$made = decode_json($r->{content})->{id} if $i == 245;
	}
	$fake->control('POST', '/__fake/config', { notion => { query_scan_limit => 100 } });
	my @rows = map { $_->{id} } grep { !$_->{in_trash} && ($_->{parent}{data_source_id} // '') eq $DS }
		@{ $fake->notion_state->{pages} };
	my $pos = (grep { $rows[$_] eq $made } 0 .. $#rows)[0];
	ok($pos >= 200, "the page to find is row $pos of " . scalar(@rows) . ': in the third answer or later');
	my $mark = $s->last_log_id;
	sql(qq{INSERT INTO amprenta.datasets (id, name, omics_type) VALUES ('$id', 'found on page three', 'lipidomics')});
	$s->drained('a page found on a later page of results');
	my @queries = map { $json->decode($_->{body}) }
		$s->logged('notion', $mark, sub { $_[0]{path} =~ m{/query$} && index($_[0]{body}, $id) >= 0 });
	my $want = int($pos / 100) + 1;
	is(scalar @queries, $want, "$want queries: the worker followed has_more");
	is(join(' ', map { $_->{start_cursor} // 'none' } @queries),
		join(' ', 'none', map { $rows[100 * $_] } 1 .. $want - 1), 'each next query passed the answer\'s next_cursor');
	ok(!grep({ !defined $_->{page_size} || $_->{page_size} > 100 } @queries), 'page_size at most 100');
	is(scalar($s->logged('notion', $mark, sub { $_[0]{path} eq '/v1/pages' })), 0, 'no page was created');
	is(scalar @{ $s->pages->{$id} }, 1, 'one page for the entity');
	is(sql("SELECT notion_page_id FROM amprenta.datasets WHERE id = '$id'"), $made, 'the existing page was adopted');
	$fake->control('POST', '/__fake/config', { notion => { query_scan_limit => undef } });
}

# --- (16) Transport faults on a create ---------------------------------------------
# Retries 2-4 s apart: the row is seen between the failure and its retry.
$s->reload_worker('amprenta.retry_base_delay' => '4s', 'amprenta.retry_max_delay' => '4s');
for my $f ([ 'reset', { type => 'reset' } ],
	[ 'partial', { type => 'partial' } ],
	[ 'malformed', { type => 'malformed', variant => 'truncated_json' } ])
{
	my ($what, $action) = @$f;
	my $name = "transport $what";
	$fake->fault({ service => 'notion', match => { method => 'POST', path => '^/v1/pages$' }, times => -1,
		action => $action });
	my $id = insert($name);
	my $row = $s->poll_value(qq{SELECT coalesce((SELECT o.state || ' ' || (o.attempts > 0) || ': ' || o.last_error
		FROM amprenta.sync_outbox o WHERE o.sink = 'notion' AND o.entity_id = '$id'), 'waiting')});
	$fake->clear_faults;
	like($row, qr/^pending true: Notion create page: \S/, "$what: the error is recorded, the row waits for a retry ($row)");
	$s->drained("$what, then the fault cleared");
	is(scalar @{ $s->pages->{$id} // [] }, 1, "$what: one page");
	is(creates_of($id), 1, "$what: created once" . ($what eq 'partial' ? ' (the half-answered create was found)' : ''));
	is($s->status('pid'), $pid, "$what: the same worker process");
}
$s->reload_worker('amprenta.retry_base_delay' => '200ms', 'amprenta.retry_max_delay' => '1s');

# --- (17) 401: the sink pauses, one request, the request id kept ------------------
{
	my $mark = $s->last_log_id;
	$fake->fault({ service => 'notion', times => -1, action => { type => 'status', status => 401 } });
	my $id = insert('unauthorized');
	ok($s->poll("SELECT notion_paused_until > now() " . $s->status_from), '401 pauses the Notion sink');
	$s->worker_rounds(2);
	my @calls = $s->logged('notion', $mark);
	is(scalar @calls, 1, '401: one request, no retry while paused');
	like($s->outbox_row('notion', 'unauthorized'),
		qr/^pending 0\tNotion query: HTTP 401: .*\[request id: \Q$calls[0]{request_id}\E\]$/,
		'401: the row waits with no attempt spent; last_error ends with the request id Notion sent');
	$fake->clear_faults;
	sql('SELECT pg_reload_conf()');
	$s->drained('after the 401 was lifted');
	is(scalar @{ $s->pages->{$id} // [] }, 1, 'delivered after the 401');
	is($s->status('pid'), $pid, 'the worker survived every fault of this test');
}

$s->stop;
$fake->stop;
done_testing();
