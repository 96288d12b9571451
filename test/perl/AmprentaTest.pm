# AmprentaTest - helpers shared by the TAP tests in test/t/.
package AmprentaTest;

use strict;
use warnings;
use Exporter 'import';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;

our @EXPORT = qw(amprenta_node source_dir catalog_snapshot);

# The source tree (tools/run-tests.sh exports AMPRENTA_SRC; prove runs from
# the tree's root otherwise).
sub source_dir
{
	return $ENV{AMPRENTA_SRC} // '.';
}

# amprenta_node(name, preload => 1): an initialised, started cluster, with
# amprenta in shared_preload_libraries unless preload => 0.
sub amprenta_node
{
	my ($name, %opt) = @_;
	my $preload = $opt{preload} // 1;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf', "shared_preload_libraries = 'amprenta'")
	  if $preload;
	$node->start;
	return $node;
}

# A text description of every object in schema amprenta, deterministic and
# independent of OIDs, for comparing a fresh install with an upgraded one.
# pg_dump cannot serve: it dumps extension members as one CREATE EXTENSION.
my $snapshot_sql = <<'SQL';
WITH ns AS (SELECT 'amprenta'::regnamespace AS oid)
SELECT line FROM (
  SELECT 'type ' || t.typname || ' (' || string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) || ')' AS line
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid, ns
   WHERE t.typnamespace = ns.oid GROUP BY t.typname
  UNION ALL
  SELECT format('rel %s kind %s options %s acl %s comment %s', c.relname, c.relkind,
                c.reloptions, c.relacl, obj_description(c.oid, 'pg_class'))
    FROM pg_class c, ns WHERE c.relnamespace = ns.oid AND c.relkind IN ('r', 'v', 'S', 'm')
  UNION ALL
  SELECT format('col %s.%s %s notnull %s default %s generated %s comment %s', c.relname, a.attname,
                format_type(a.atttypid, a.atttypmod), a.attnotnull,
                pg_get_expr(d.adbin, d.adrelid), a.attgenerated, col_description(c.oid, a.attnum))
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum, ns
   WHERE c.relnamespace = ns.oid AND c.relkind IN ('r', 'v')
  UNION ALL
  SELECT format('constraint %s.%s %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid, ns WHERE c.relnamespace = ns.oid
  UNION ALL
  SELECT 'index ' || pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid, ns WHERE c.relnamespace = ns.oid
  UNION ALL
  SELECT format('view %s %s', c.relname, pg_get_viewdef(c.oid))
    FROM pg_class c, ns WHERE c.relnamespace = ns.oid AND c.relkind = 'v'
  UNION ALL
  SELECT format('trigger %s', pg_get_triggerdef(t.oid))
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid, ns
   WHERE c.relnamespace = ns.oid AND NOT t.tgisinternal
  UNION ALL
  SELECT format('function %s acl %s comment %s def %s', p.oid::regprocedure, p.proacl,
                obj_description(p.oid, 'pg_proc'), pg_get_functiondef(p.oid))
    FROM pg_proc p, ns WHERE p.pronamespace = ns.oid
  UNION ALL
  SELECT format('role %s member of %s', r.rolname,
                (SELECT string_agg(g.rolname, ',' ORDER BY g.rolname) FROM pg_auth_members m
                   JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid))
    FROM pg_roles r WHERE r.rolname LIKE 'amprenta\_%'
) s ORDER BY line;
SQL

sub catalog_snapshot
{
	my ($node, $db) = @_;
	return $node->safe_psql($db, $snapshot_sql);
}

1;
