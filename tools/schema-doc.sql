-- Prints doc/schema.md from the catalog comments of schema amprenta, so the
-- reference cannot drift from the install script (test/t/003_docs.pl checks
-- that the committed page equals this output).  Run with psql -XAtq.
WITH rel AS (
	SELECT c.oid, c.relname, c.relkind, obj_description(c.oid, 'pg_class') AS descr
	  FROM pg_class c
	 WHERE c.relnamespace = 'amprenta'::regnamespace AND c.relkind IN ('r', 'v')
),
cols AS (
	SELECT a.attrelid, a.attnum,
		   format('| `%s` | %s | %s | %s | %s |', a.attname,
				  format_type(a.atttypid, a.atttypmod),
				  CASE WHEN a.attnotnull THEN 'not null' ELSE '' END,
				  CASE WHEN a.attgenerated = 's' THEN 'generated: `' || pg_get_expr(d.adbin, d.adrelid) || '`'
					   WHEN d.adbin IS NOT NULL THEN '`' || pg_get_expr(d.adbin, d.adrelid) || '`'
					   ELSE '' END,
				  replace(coalesce(col_description(a.attrelid, a.attnum), ''), '|', '\|')) AS line
	  FROM pg_attribute a
	  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
	 WHERE a.attrelid IN (SELECT oid FROM rel) AND a.attnum > 0 AND NOT a.attisdropped
),
keys AS (
	SELECT conrelid, string_agg(line, E'\n' ORDER BY ord, line) AS lines
	  FROM (SELECT k.conrelid, position(k.contype IN 'puf') AS ord,
				   format('- `%s`', pg_get_constraintdef(k.oid)) AS line
			  FROM pg_constraint k
			 WHERE k.conrelid IN (SELECT oid FROM rel) AND k.contype IN ('p', 'u', 'f')
			UNION ALL
			SELECT i.indrelid, 2,
				   format('- `UNIQUE %s`', substring(pg_get_indexdef(i.indexrelid) FROM '(\(.*)$'))
			  FROM pg_index i
			 WHERE i.indrelid IN (SELECT oid FROM rel) AND i.indisunique
			   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)) x
	 GROUP BY conrelid
),
section AS (
	SELECT r.relkind, r.relname,
		   format(E'### %s `amprenta.%s`\n\n%s\n\n| column | type | null | default | description |\n|---|---|---|---|---|\n%s\n%s',
				  CASE r.relkind WHEN 'r' THEN 'Table' ELSE 'View' END, r.relname, r.descr,
				  (SELECT string_agg(line, E'\n' ORDER BY attnum) FROM cols WHERE attrelid = r.oid),
				  coalesce(E'\nKeys:\n\n' || (SELECT lines FROM keys WHERE conrelid = r.oid) || E'\n', '')) AS body
	  FROM rel r
)
SELECT E'# Schema reference\n\n'
	|| E'Generated from the catalog comments by `tools/schema-doc.sql`; do not edit by hand\n'
	|| E'(`make schema-doc` rewrites it, and the test suite fails when it is stale).\n'
	|| E'Design notes are in [schema-design.md](schema-design.md).\n\n'
	|| E'## Types\n\n'
	|| (SELECT string_agg(format('- `amprenta.%s`: %s Values: %s.', t.typname, obj_description(t.oid, 'pg_type'),
								(SELECT string_agg('`' || e.enumlabel || '`', ', ' ORDER BY e.enumsortorder)
								   FROM pg_enum e WHERE e.enumtypid = t.oid)), E'\n' ORDER BY t.typname)
		  FROM pg_type t WHERE t.typnamespace = 'amprenta'::regnamespace AND t.typtype = 'e')
	|| E'\n\n## Tables\n\n'
	|| (SELECT string_agg(body, E'\n' ORDER BY relname) FROM section WHERE relkind = 'r')
	|| E'\n## Views\n\n'
	|| (SELECT string_agg(body, E'\n' ORDER BY relname) FROM section WHERE relkind = 'v');
