# Versions, install scripts and upgrade paths.
#
# Failure prevented: an installed script that differs from the one in
# src/sql/ (a stale install), version numbers that disagree between the
# control file, META.json and the scripts, and an upgrade script that leaves
# a database different from a fresh install.  Each release adds its script
# amprenta--<old>--<new>.sql and keeps amprenta--<old>.sql; this test then
# compares "install <old> + ALTER EXTENSION UPDATE" with "install <new>" for
# every older version, object by object (tables, columns, constraints,
# indexes, views, triggers, functions, comments, privileges).
use strict;
use warnings;
use lib 'test/perl';
use File::Basename;
use PostgreSQL::Test::Utils;
use Test::More;
use AmprentaTest;

my $src = source_dir();
sub slurp { my ($f) = @_; open my $fh, '<', $f or die "$f: $!"; local $/; my $s = <$fh>; close $fh; return $s; }
sub vcmp { my @a = split /\./, $_[0]; my @b = split /\./, $_[1]; for my $i (0 .. 2) { my $c = ($a[$i] // 0) <=> ($b[$i] // 0); return $c if $c; } return 0; }

my ($default) = slurp("$src/amprenta.control") =~ /^default_version\s*=\s*'([^']+)'/m;
ok(defined $default, "control file has default_version ($default)");

my @scripts = map { basename($_) } glob("$src/src/sql/amprenta--*.sql");
my @installs = sort { vcmp($a, $b) } map { /^amprenta--([0-9.]+)\.sql$/ ? ($1) : () } @scripts;
my @upgrades = map { /^amprenta--([0-9.]+)--([0-9.]+)\.sql$/ ? ([$1, $2]) : () } @scripts;
is($installs[-1], $default, 'the newest install script is the default version');

# META.json (PGXN) carries the same version, twice.
my $meta = slurp("$src/META.json");
my @meta_versions = $meta =~ /"version"\s*:\s*"([0-9.]+)"/g;
ok(scalar(grep { $_ eq $default } @meta_versions) >= 2,
	'META.json version and provides.amprenta.version match the control file');

# The installed scripts are the ones in src/sql/.
my $sharedir = `pg_config --sharedir`;
chomp $sharedir;
for my $s (@scripts)
{
	my $installed = "$sharedir/extension/$s";
	ok(-f $installed && slurp($installed) eq slurp("$src/src/sql/$s"),
		"installed $s is the one in src/sql/");
}

my $node = amprenta_node('upgrade');

# Every older install version reaches the default through upgrade scripts.
$node->safe_psql('postgres', 'CREATE EXTENSION amprenta');
for my $v (@installs[0 .. $#installs - 1])
{
	is($node->safe_psql('postgres',
			"SELECT count(*) FROM pg_extension_update_paths('amprenta') WHERE source = '$v' AND target = '$default' AND path IS NOT NULL"),
		'1', "an upgrade path leads from $v to $default");
}
for my $u (@upgrades)
{
	ok((grep { $_ eq $u->[1] } @installs) || $u->[1] eq $default,
		"upgrade script $u->[0]--$u->[1] ends at a known version");
}

# The snapshot used for the comparison is deterministic and complete.
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION amprenta');
my $fresh = catalog_snapshot($node, 'fresh');
is(catalog_snapshot($node, 'postgres'), $fresh, 'two fresh installs have identical catalogs');
like($fresh, qr/^rel datasets kind r/m, 'the snapshot lists tables');
like($fresh, qr/^view dataset_summary /m, 'the snapshot lists views');
like($fresh, qr/^trigger CREATE TRIGGER touch_updated_at/m, 'the snapshot lists triggers');

# Fresh install versus upgraded install, for every older version.
for my $v (@installs[0 .. $#installs - 1])
{
	my $db = "from_" . ($v =~ s/\./_/gr);
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, "CREATE EXTENSION amprenta VERSION '$v'");
	$node->safe_psql($db, 'ALTER EXTENSION amprenta UPDATE');
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'amprenta'"),
		$default, "$v updated to $default");
	is(catalog_snapshot($node, $db), $fresh, "$v + updates has the catalogs of a fresh $default");
}

$node->stop;
done_testing();
