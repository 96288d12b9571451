# AmprentaSync - a cluster whose sync worker talks to the loopback fakes
# (AmprentaFake), and the waits and reads the sync tests share.
#
# Every wait polls the database or the fake until a condition holds, with
# generous limits; nothing sleeps to let something happen.
package AmprentaSync;

use strict;
use warnings;
use File::Spec;
use JSON::PP;
use Test::More;
use Time::HiRes qw(usleep time);
use AmprentaTest;

my $json = JSON::PP->new->canonical;

# AmprentaSync->new(name, fake, %opt): a started cluster with amprenta
# preloaded, the extension created in database postgres, and the worker
# pointed at the fakes.  Options:
#   notion_token   token written to the file amprenta.notion_token_file names
#                  (and the Notion URL set) when given
#   target         [database_id, data_source_id, property_map] of a dataset
#                  target row (data_source_id undef: none; property_map a
#                  JSON text, '{}' when left out)
#   pinecone_key   key written to amprenta.pinecone_api_key_file's file (and
#                  the control-plane URL set) when given
#   openai_key     the same for amprenta.openai_api_key_file
#   conf           more postgresql.conf lines
sub new
{
	my ($class, $name, $fake, %opt) = @_;
	my $node = amprenta_node($name);
	my $dir = File::Spec->rel2abs($node->basedir);
	my $self = bless { node => $node, fake => $fake, dir => $dir }, $class;
	my @conf = ("amprenta.databases = 'postgres'", "amprenta.naptime = 1000",
		"amprenta.retry_base_delay = 200", "amprenta.retry_max_delay = 1000",
		"amprenta.lease_timeout = 5", "amprenta.max_attempts = 50");
	if (defined $opt{notion_token})
	{
		$self->write_file('notion.token', $opt{notion_token});
		push @conf, "amprenta.notion_api_url = '" . $fake->url('notion') . "'",
			"amprenta.notion_token_file = '$dir/notion.token'", "amprenta.notion_max_rps = 50";
	}
	if (defined $opt{pinecone_key})
	{
		$self->write_file('pinecone.key', $opt{pinecone_key});
		push @conf, "amprenta.pinecone_api_url = '" . $fake->url('pinecone_control') . "'",
			"amprenta.pinecone_api_key_file = '$dir/pinecone.key'";
	}
	if (defined $opt{openai_key})
	{
		$self->write_file('openai.key', $opt{openai_key});
		push @conf, "amprenta.openai_api_url = '" . $fake->url('openai') . "/v1'",
			"amprenta.openai_api_key_file = '$dir/openai.key'";
	}
	push @conf, @{ $opt{conf} // [] };
	$node->append_conf('postgresql.conf', join("\n", @conf, ''));
	$node->restart;
	$self->sql('CREATE EXTENSION amprenta');
	if ($opt{target})
	{
		my ($db, $ds, $map) = @{ $opt{target} };
		$ds = defined $ds ? "'$ds'" : 'NULL';
		$map //= '{}';
		$self->sql(qq{INSERT INTO amprenta.notion_targets (entity_type, database_id, data_source_id, property_map)
			VALUES ('dataset', '$db', $ds, '$map')});
	}
	ok($node->poll_query_until('postgres', "SELECT state = 'running' " . $self->status_from),
		'the launcher started a worker');
	return $self;
}

sub node { return $_[0]{node}; }
sub fake { return $_[0]{fake}; }

sub write_file
{
	my ($self, $file, $text) = @_;
	my $path = "$self->{dir}/$file";
	open my $fh, '>', $path or die "$path: $!";
	print $fh "$text\n";
	close $fh;
	return $path;
}

# sql(query[, database]): the query's output (database postgres by default).
sub sql { my ($self, $q, $db) = @_; return $self->{node}->safe_psql($db // 'postgres', $q); }

# "FROM ... WHERE": the worker's row of amprenta_worker_status().
sub status_from { return "FROM amprenta.amprenta_worker_status() WHERE database = 'postgres'"; }
sub status { my ($self, $col) = @_; return $self->sql("SELECT $col " . $self->status_from); }

sub poll { my ($self, $q, $db) = @_; return $self->{node}->poll_query_until($db // 'postgres', $q); }

# wait_for(what, cond[, limit_s]): a test point, passing once cond is true.
sub wait_for
{
	my ($self, $what, $cond, $limit) = @_;
	my $deadline = time + ($limit // 90);
	while (time < $deadline)
	{
		return pass($what) if $cond->();
		usleep(50_000);
	}
	return fail($what);
}

# Poll $q until it returns something other than 'waiting'; that value.
sub poll_value
{
	my ($self, $q, $limit) = @_;
	my $deadline = time + ($limit // 90);
	my $v = 'waiting';
	while (time < $deadline)
	{
		$v = $self->sql($q);
		return $v if $v ne 'waiting';
		usleep(50_000);
	}
	return $v;
}

# Wait until nothing is captured or queued, not even a dead row.  Options:
#   db     the database (postgres by default)
#   dead   the number of dead rows expected to stay (0 by default): the
#          queue drains when only they are left, and exactly they are left
sub drained
{
	my ($self, $what, %o) = @_;
	my $db = $o{db} // 'postgres';
	my $dead = $o{dead} // 0;
	my $ok = $self->poll("SELECT NOT EXISTS (SELECT 1 FROM amprenta.sync_capture)
		AND NOT EXISTS (SELECT 1 FROM amprenta.sync_outbox WHERE state <> 'dead')
		AND NOT EXISTS (SELECT 1 FROM amprenta.sync_leases)", $db);
	ok($ok, "$what: the queue drains");
	my $left = $self->sql(q{SELECT string_agg(format('%s %s %s attempts %s: %s', sink, entity_type, state,
		attempts, last_error), E'\n') FROM amprenta.sync_outbox} . ($dead ? " WHERE state <> 'dead'" : ''), $db);
	is($left, '', $dead ? "$what: no row left but the dead ones" : "$what: no row left, none dead");
	is($self->sql("SELECT count(*) FROM amprenta.sync_outbox WHERE state = 'dead'", $db), $dead,
		"$what: $dead dead rows") if $dead;
}

# ALTER SYSTEM SET each name = value, reload, and wait until the worker began
# a round after the reload (so what is queued next meets the new values).
sub reload_worker
{
	my ($self, %set) = @_;
	$self->sql(join '', map { "ALTER SYSTEM SET $_ = '$set{$_}';" } sort keys %set);
	$self->sql('SELECT pg_reload_conf()');
	my $seen = join ' AND ', map { "current_setting('$_') = '$set{$_}'" } sort keys %set;
	ok($self->poll("SELECT $seen"), 'reload: ' . join(', ', map { "$_ = $set{$_}" } sort keys %set));
	$self->worker_rounds(1);
}

# reload_index(name => value, ...): reload_worker() for settings of the
# semantic index's configuration (embedding provider, model, dimension,
# Pinecone index, host, namespace), then wait until the worker saw the new
# configuration and queued every entity again (amprenta.sync_config
# changed, in the transaction that queued them).  The caller then waits for
# the re-sync to end as it expects it to (drained()).
sub reload_index
{
	my ($self, %set) = @_;
	my $t = $self->sql('SELECT clock_timestamp()');
	$self->reload_worker(%set);
	ok($self->poll("SELECT changed_at > '$t' FROM amprenta.sync_config WHERE sink = 'pinecone'"),
		'the worker queued every entity for the new index configuration');
}

# Wait until the worker began n more rounds.
sub worker_rounds
{
	my ($self, $n) = @_;
	for (1 .. $n)
	{
		my $t = $self->sql('SELECT clock_timestamp()');
		ok($self->poll("SELECT heartbeat > '$t' " . $self->status_from), 'the worker began a round');
	}
}

# Id of the newest entry of the fake's request log (0 when empty).
sub last_log_id
{
	my ($self) = @_;
	my $l = $self->{fake}->requests(limit => 1)->{requests};
	return @$l ? $l->[0]{id} : 0;
}

# Requests of a service logged after id $since for which $pred holds.
sub logged
{
	my ($self, $service, $since, $pred) = @_;
	my $log = $self->{fake}->requests(service => $service, since => $since, limit => 50000)->{requests};
	return grep { !$pred || $pred->($_) } @$log;
}

# Pages of the fake by Amprenta ID (not trashed), each a list.
sub pages
{
	my ($self) = @_;
	my %by;
	for my $p (@{ $self->{fake}->notion_state->{pages} })
	{
		next if $p->{in_trash};
		my $rt = $p->{properties}{'Amprenta ID'}{rich_text} // [];
		my $id = join '', map { $_->{plain_text} // $_->{text}{content} } @$rt;
		push @{ $by{$id} }, $p;
	}
	return \%by;
}

# Every page of the fake, trashed or not, as the fake holds them.
sub all_pages { my ($self) = @_; return $self->{fake}->notion_state->{pages}; }

# The queue row of a dataset in a sink, as "state attempts", and its error.
sub outbox_row
{
	my ($self, $sink, $name) = @_;
	return $self->sql(qq{SELECT o.state || ' ' || o.attempts || E'\t' || coalesce(o.last_error, '')
		FROM amprenta.sync_outbox o JOIN amprenta.datasets d ON d.id = o.entity_id
		WHERE o.sink = '$sink' AND d.name = '$name'});
}

sub decode { my ($self, $text) = @_; return $json->decode($text); }

sub stop { my ($self) = @_; $self->{node}->stop; }

1;
