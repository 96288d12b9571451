# The reference in doc/ covers every SQL object and setting.
#
# Failure prevented: a function, view, table or GUC added without its
# documentation, and a doc/schema.md that no longer matches the install
# script's comments.
use strict;
use warnings;
use lib 'test/perl';
use PostgreSQL::Test::Utils;
use Test::More;
use AmprentaTest;

my $src = source_dir();
sub slurp { my ($f) = @_; open my $fh, '<', $f or die "$f: $!"; local $/; my $s = <$fh>; close $fh; return $s; }

my $node = amprenta_node('docs');
$node->safe_psql('postgres', 'CREATE EXTENSION amprenta');

# doc/schema.md is generated from the comments and must be current.
my $generated = $node->safe_psql('postgres', slurp("$src/tools/schema-doc.sql"));
my $committed = slurp("$src/doc/schema.md");
s/\n+\z// for $committed, $generated;
is($committed, $generated, 'doc/schema.md matches the catalog comments (run make schema-doc)');

# Every table and view has its section there.
for my $rel (split /\n/, $node->safe_psql('postgres',
		"SELECT relname FROM pg_class WHERE relnamespace = 'amprenta'::regnamespace AND relkind IN ('r', 'v') ORDER BY 1"))
{
	like($committed, qr/^### (Table|View) `amprenta\.\Q$rel\E`$/m, "doc/schema.md documents $rel");
}

# Every function has a section in doc/functions.md.
my $functions = slurp("$src/doc/functions.md");
for my $fn (split /\n/, $node->safe_psql('postgres',
		"SELECT DISTINCT proname FROM pg_proc WHERE pronamespace = 'amprenta'::regnamespace ORDER BY 1"))
{
	like($functions, qr/^### `?\Q$fn\E\b/m, "doc/functions.md documents $fn");
}

# Every amprenta.* setting has a section in doc/gucs.md, and every section
# names a real setting.
my $gucs = slurp("$src/doc/gucs.md");
my @settings = split /\n/, $node->safe_psql('postgres',
	"SELECT name FROM pg_settings WHERE name LIKE 'amprenta.%' ORDER BY 1");
for my $g (@settings)
{
	like($gucs, qr/^### `\Q$g\E`/m, "doc/gucs.md documents $g");
}
my %known = map { $_ => 1 } @settings;
for my $documented ($gucs =~ /^### `(amprenta\.[a-z_]+)`/mg)
{
	ok($known{$documented}, "documented setting $documented exists");
}

$node->stop;
done_testing();
