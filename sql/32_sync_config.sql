-- The index configuration check (amprenta._sync_config_changed), as the
-- worker runs it at every turn its configuration differs from the one it
-- checked last: the first call only stores the fingerprint (and queues
-- what the index already holds), the same fingerprint queues nothing,
-- another one queues every entity for the index, replacing dead rows of
-- the index sink.  No worker runs for this database.
\set VERBOSITY sqlstate
SET client_min_messages = warning;
SET amprenta.sync_enabled = off;
-- In one transaction, rolled back at the end: the earlier tests' rows
-- are out of the way, and stay for the tests after this one.
BEGIN;
TRUNCATE amprenta.sync_capture, amprenta.sync_outbox, amprenta.sync_refs, amprenta.sync_config,
	amprenta.programs, amprenta.experiments, amprenta.datasets, amprenta.signatures, amprenta.features CASCADE;

CREATE FUNCTION pg_temp.queue() RETURNS TABLE (sink text, op text, entity_type text, state text, n bigint)
LANGUAGE sql AS $$
	SELECT sink, op, entity_type, state, count(*) FROM amprenta.sync_outbox GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
$$;

INSERT INTO amprenta.programs (name) VALUES ('program A');
INSERT INTO amprenta.datasets (name, omics_type)
SELECT 'dataset ' || i, 'lipidomics' FROM generate_series(1, 3) i;

-- First call in a new database: stored; the index holds nothing, so
-- nothing is queued.
SELECT amprenta._sync_config_changed('pinecone', 'amprenta-hash-v1|384||||') AS queued;
SELECT sink, fingerprint, changed_at = now() AS now FROM amprenta.sync_config;
SELECT * FROM pg_temp.queue();

-- The same fingerprint again: nothing.
SELECT amprenta._sync_config_changed('pinecone', 'amprenta-hash-v1|384||||') AS queued;
SELECT * FROM pg_temp.queue();

-- Another one: every entity is queued for the index, nothing for Notion;
-- a dead row of the index sink is replaced, one of Notion is kept, a
-- pending delete of an entity that is gone stays a delete.
INSERT INTO amprenta.sync_outbox (sink, op, entity_type, entity_id, state)
SELECT s, 'upsert', 'dataset', d.id, 'dead' FROM amprenta.datasets d, unnest(ARRAY['pinecone', 'notion']) s
 WHERE d.name = 'dataset 1';
INSERT INTO amprenta.sync_outbox (sink, op, entity_type, entity_id)
VALUES ('pinecone', 'delete', 'dataset', '00000000-0000-0000-0000-0000000000aa');
SELECT amprenta._sync_config_changed('pinecone', 'openai:text-embedding-3-small|384|amprenta||') AS queued;
SELECT fingerprint FROM amprenta.sync_config;
SELECT * FROM pg_temp.queue();
DELETE FROM amprenta.sync_outbox;

-- Features are queued by their (disabled) triggers only: those the index
-- holds are queued again, the others are not.
INSERT INTO amprenta.features (feature_type, normalized_name, name)
VALUES ('lipid', 'Cer 18:1;O2/16:0', 'Cer 18:1;O2/16:0'), ('gene', 'STMN2', 'STMN2');
INSERT INTO amprenta.sync_refs (sink, entity_type, entity_id, external_id)
SELECT 'pinecone', 'feature', id, 'feature:' || id FROM amprenta.features WHERE name = 'STMN2';
SELECT amprenta._sync_config_changed('pinecone', 'openai:text-embedding-3-large|384|amprenta||') AS queued;
SELECT * FROM pg_temp.queue();
DELETE FROM amprenta.sync_outbox;

-- No fingerprint stored (the row was deleted, or the tables were restored
-- without it): what the index holds is queued, as made under an unknown
-- configuration; nothing else.
DELETE FROM amprenta.sync_config;
SELECT amprenta._sync_config_changed('pinecone', 'openai:text-embedding-3-large|384|amprenta||') AS queued;
SELECT * FROM pg_temp.queue();
SELECT fingerprint FROM amprenta.sync_config;

-- An index used before.  The refs of the index sink describe the index in
-- use: at a change, those of the old configuration are kept aside and those
-- kept for the new one come back.  Index A holds dataset 1 (3 vectors),
-- dataset 2 (2) and a dataset since deleted (2).
DELETE FROM amprenta.sync_outbox;
DELETE FROM amprenta.sync_refs;
DELETE FROM amprenta.sync_config;
CREATE FUNCTION pg_temp.refs() RETURNS TABLE (entity text, chunk_count int, external_id text)
LANGUAGE sql AS $$
	SELECT coalesce(d.name, r.entity_type || ' ' || left(r.entity_id::text, 8)), r.chunk_count,
	       replace(r.external_id, r.entity_id::text, '<id>')
	  FROM amprenta.sync_refs r LEFT JOIN amprenta.datasets d ON d.id = r.entity_id
	 WHERE r.sink = 'pinecone' ORDER BY 1
$$;
CREATE FUNCTION pg_temp.archive() RETURNS TABLE (fingerprint text, entity text, chunk_count int)
LANGUAGE sql AS $$
	SELECT a.fingerprint, coalesce(d.name, a.entity_type || ' ' || left(a.entity_id::text, 8)), a.chunk_count
	  FROM amprenta.sync_index_archive a LEFT JOIN amprenta.datasets d ON d.id = a.entity_id ORDER BY 1, 2
$$;
SELECT amprenta._sync_config_changed('pinecone', 'index A') AS queued;
INSERT INTO amprenta.sync_refs (sink, entity_type, entity_id, external_id, chunk_count)
SELECT 'pinecone', 'dataset', id, 'dataset:' || id, CASE name WHEN 'dataset 1' THEN 3 ELSE 2 END
  FROM amprenta.datasets WHERE name IN ('dataset 1', 'dataset 2')
UNION ALL
VALUES ('pinecone', 'dataset', '00000000-0000-0000-0000-0000000000bb'::uuid,
        'dataset:00000000-0000-0000-0000-0000000000bb', 2);
-- To index B, new: A's counts are kept aside, B holds nothing yet; every
-- entity is queued, the deleted one too (to be deleted from B, where it
-- has nothing: no request).
SELECT amprenta._sync_config_changed('pinecone', 'index B') AS queued;
SELECT * FROM pg_temp.archive();
SELECT * FROM pg_temp.refs();
SELECT * FROM pg_temp.queue();
-- Under B, dataset 1 is delivered with 1 vector, dataset 2 with 2, dataset
-- 3 with 4; the deleted one's ref goes.
DELETE FROM amprenta.sync_outbox;
UPDATE amprenta.sync_refs r SET chunk_count = CASE d.name WHEN 'dataset 1' THEN 1 ELSE 2 END
  FROM amprenta.datasets d WHERE d.id = r.entity_id;
INSERT INTO amprenta.sync_refs (sink, entity_type, entity_id, external_id, chunk_count)
SELECT 'pinecone', 'dataset', id, 'dataset:' || id, 4 FROM amprenta.datasets WHERE name = 'dataset 3';
DELETE FROM amprenta.sync_refs WHERE entity_id = '00000000-0000-0000-0000-0000000000bb';
-- Back to A: dataset 1 counts A's 3 again (the worker deletes the 2 it no
-- longer has), dataset 3 nothing (A never had it), the deleted dataset is
-- back and queued (its 2 vectors in A are deleted); B's counts kept aside.
SELECT amprenta._sync_config_changed('pinecone', 'index A') AS queued;
SELECT * FROM pg_temp.archive();
SELECT * FROM pg_temp.refs();
SELECT * FROM pg_temp.queue();

ROLLBACK;

-- Only the index sink has a configuration; a fingerprint is never empty.
SELECT amprenta._sync_config_changed('notion', 'x');
SELECT amprenta._sync_config_changed('pinecone', '');

-- Internal: the worker's, not the writers'; the table is the sync
-- machinery's, readable by readers, changed by admins.
SELECT has_function_privilege('amprenta_writer', 'amprenta._sync_config_changed(text, text)', 'EXECUTE') AS writer_may_call,
       has_table_privilege('amprenta_reader', 'amprenta.sync_config', 'SELECT') AS reader_sees,
       has_table_privilege('amprenta_writer', 'amprenta.sync_config', 'UPDATE') AS writer_changes,
       has_table_privilege('amprenta_admin', 'amprenta.sync_config', 'UPDATE') AS admin_changes;
SELECT has_table_privilege('amprenta_reader', 'amprenta.sync_index_archive', 'SELECT') AS reader_sees,
       has_table_privilege('amprenta_writer', 'amprenta.sync_index_archive', 'DELETE') AS writer_changes,
       has_table_privilege('amprenta_admin', 'amprenta.sync_index_archive', 'DELETE') AS admin_changes;
