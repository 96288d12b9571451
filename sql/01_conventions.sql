-- Schema conventions, checked from the catalogs so that a table added later
-- without them fails here.

-- Every table, view and column carries a comment.
SELECT c.relname, a.attname
  FROM pg_class c
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE c.relnamespace = 'amprenta'::regnamespace AND c.relkind IN ('r', 'v')
   AND (obj_description(c.oid, 'pg_class') IS NULL
        OR (a.attname IS NOT NULL AND col_description(c.oid, a.attnum) IS NULL))
 ORDER BY 1, 2;

-- Every type and function carries a comment.
SELECT t.typname FROM pg_type t
 WHERE t.typnamespace = 'amprenta'::regnamespace AND t.typtype = 'e'
   AND obj_description(t.oid, 'pg_type') IS NULL;
SELECT p.oid::regprocedure FROM pg_proc p
 WHERE p.pronamespace = 'amprenta'::regnamespace
   AND obj_description(p.oid, 'pg_proc') IS NULL;

-- Entities: uuid key with a server default, timestamps, notion_page_id
-- UNIQUE, external_ids jsonb NOT NULL DEFAULT '{}'.  Lists the violations.
WITH entity AS (
	SELECT c.oid, c.relname FROM pg_class c
	 WHERE c.relnamespace = 'amprenta'::regnamespace AND c.relkind = 'r'
	   AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'notion_page_id')
)
SELECT e.relname, x.problem
  FROM entity e,
  LATERAL (
	SELECT 'id is not a uuid primary key with default gen_random_uuid()' AS problem
	 WHERE NOT EXISTS (
		SELECT 1 FROM pg_constraint k
		  JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
		  JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		 WHERE k.conrelid = e.oid AND k.contype = 'p' AND a.attname = 'id'
		   AND a.atttypid = 'uuid'::regtype
		   AND pg_get_expr(d.adbin, d.adrelid) = 'gen_random_uuid()')
	UNION ALL
	SELECT 'notion_page_id is not unique'
	 WHERE NOT EXISTS (
		SELECT 1 FROM pg_index i
		  JOIN pg_attribute a ON a.attrelid = i.indrelid AND i.indnatts = 1 AND i.indkey[0] = a.attnum
		 WHERE i.indrelid = e.oid AND i.indisunique AND a.attname = 'notion_page_id')
	UNION ALL
	SELECT 'external_ids is not jsonb NOT NULL DEFAULT ''{}'''
	 WHERE NOT EXISTS (
		SELECT 1 FROM pg_attribute a
		  JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		 WHERE a.attrelid = e.oid AND a.attname = 'external_ids' AND a.attnotnull
		   AND a.atttypid = 'jsonb'::regtype AND pg_get_expr(d.adbin, d.adrelid) = '''{}''::jsonb')
	UNION ALL
	SELECT 'missing ' || col || ' timestamptz NOT NULL'
	  FROM unnest(ARRAY['created_at', 'updated_at']) AS col
	 WHERE NOT EXISTS (
		SELECT 1 FROM pg_attribute a
		 WHERE a.attrelid = e.oid AND a.attname = col AND a.attnotnull
		   AND a.atttypid = 'timestamptz'::regtype)
  ) x
 ORDER BY 1, 2;

-- The entities themselves.
SELECT c.relname AS entity FROM pg_class c
 WHERE c.relnamespace = 'amprenta'::regnamespace AND c.relkind = 'r'
   AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'notion_page_id')
 ORDER BY 1;

-- Every table with updated_at has the trigger that keeps it.
SELECT c.relname
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'updated_at'
 WHERE c.relnamespace = 'amprenta'::regnamespace AND c.relkind = 'r'
   AND NOT EXISTS (SELECT 1 FROM pg_trigger t
                    WHERE t.tgrelid = c.oid AND t.tgfoid = 'amprenta.amprenta_touch_updated_at()'::regprocedure)
 ORDER BY 1;

-- Every foreign key and its ON DELETE rule (the design, reviewed here).
SELECT conrelid::regclass AS child,
       (SELECT string_agg(attname, ',') FROM pg_attribute
         WHERE attrelid = conrelid AND attnum = ANY (conkey)) AS columns,
       confrelid::regclass AS parent,
       CASE confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'r' THEN 'RESTRICT' WHEN 'n' THEN 'SET NULL'
                        WHEN 'a' THEN 'NO ACTION' WHEN 'd' THEN 'SET DEFAULT' END AS on_delete
  FROM pg_constraint
 WHERE contype = 'f' AND connamespace = 'amprenta'::regnamespace
 ORDER BY child::text, columns;

-- Every foreign key column leads some index (so deletes of parents and joins
-- do not scan the child).  Lists the ones that do not.
SELECT conrelid::regclass AS child, conkey
  FROM pg_constraint k
 WHERE contype = 'f' AND connamespace = 'amprenta'::regnamespace
   AND NOT EXISTS (SELECT 1 FROM pg_index i
                    WHERE i.indrelid = k.conrelid
                      AND (i.indkey::int2[])[0:cardinality(k.conkey) - 1] = k.conkey)
 ORDER BY child::text;
