# The extension with and without shared_preload_libraries.
#
# Failure prevented: an installation that forgot shared_preload_libraries
# must still have every SQL function working, and amprenta_version() must
# tell the truth about the library state, since later the sync workers only
# start when preloaded.
use strict;
use warnings;
use lib 'test/perl';
use PostgreSQL::Test::Utils;
use Test::More;
use AmprentaTest;

my $node = amprenta_node('nopreload', preload => 0);
$node->safe_psql('postgres', 'CREATE EXTENSION amprenta');

is($node->safe_psql('postgres', 'SELECT preloaded FROM amprenta.amprenta_version()'),
	'f', 'not preloaded: amprenta_version() says so');
is($node->safe_psql('postgres',
		"INSERT INTO amprenta.programs (name) VALUES ('p') RETURNING name"),
	'p', 'not preloaded: the schema works');
is($node->safe_psql('postgres',
		"UPDATE amprenta.programs SET name = 'q' RETURNING updated_at >= created_at"),
	't', 'not preloaded: the C trigger loads on demand');

# Before the library is loaded in a session, amprenta.* is not yet reserved;
# once it is, an unknown amprenta.* setting is refused.
# Sync capture works without the library preloaded, and says once per
# session that nothing will deliver it; amprenta_worker_status() tells so.
my ($rc, $out, $err) = $node->psql('postgres',
	"INSERT INTO amprenta.programs (name) VALUES ('queued 1'); INSERT INTO amprenta.programs (name) VALUES ('queued 2');");
is($rc, 0, 'not preloaded: changes are still accepted');
my @warnings = ($err =~ /WARNING:  amprenta is not in shared_preload_libraries/g);
is(scalar @warnings, 1, 'one warning per session that changes are queued but not delivered');
like($err, qr/HINT:  Add amprenta to shared_preload_libraries/, 'with a hint');
is($node->safe_psql('postgres', "SELECT count(*) FROM amprenta.sync_capture c, unnest(c.entity_ids) i (id)
	JOIN amprenta.programs p ON p.id = i.id WHERE p.name LIKE 'queued %'"),
	'2', 'the changes are captured');
is($node->safe_psql('postgres', 'SELECT state FROM amprenta.amprenta_worker_status()'),
	'not preloaded', 'amprenta_worker_status() tells the truth');
($rc, $out, $err) = $node->psql('postgres', "SELECT amprenta.amprenta_pinecone_sync('program', NULL, 5)");
like($err, qr/no sync worker can deliver: amprenta is not in shared_preload_libraries/,
	'waiting for delivery is refused with the reason');

($rc, $out, $err) = $node->psql('postgres',
	"LOAD 'amprenta'; SET amprenta.no_such_setting = 1;");
isnt($rc, 0, 'after LOAD the prefix is reserved');
like($err, qr/invalid configuration parameter name "amprenta\.no_such_setting"/,
	'the error names the setting');

$node->append_conf('postgresql.conf', "shared_preload_libraries = 'amprenta'");
$node->restart;
is($node->safe_psql('postgres', 'SELECT preloaded FROM amprenta.amprenta_version()'),
	't', 'preloaded after restart');
is($node->safe_psql('postgres',
		'SELECT extension_version = library_version FROM amprenta.amprenta_version()'),
	't', 'SQL and library versions agree');
($rc, $out, $err) = $node->psql('postgres', 'SET amprenta.no_such_setting = 1');
isnt($rc, 0, 'preloaded: unknown amprenta.* setting refused in a new session');

# A database without the extension: the library is loaded but harmless.
$node->safe_psql('postgres', 'CREATE DATABASE plain');
is($node->safe_psql('plain', "SELECT count(*) FROM pg_extension WHERE extname = 'amprenta'"),
	'0', 'a database without the extension is unaffected');

$node->stop;
done_testing();
