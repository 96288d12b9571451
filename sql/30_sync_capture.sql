-- Sync capture: statement triggers record changed entities in sync_capture
-- (one row per statement and sink), _sync_expand() turns them into
-- coalesced sync_outbox rows, only when synced content changed; the SQL
-- surface around the queue.  No worker runs for this database: the test
-- moves captures into the queue itself, as the worker would.
\set VERBOSITY sqlstate
SET client_min_messages = warning;
DELETE FROM amprenta.sync_capture;
DELETE FROM amprenta.sync_outbox;
DELETE FROM amprenta.sync_refs;

-- The queue as the worker sees it, after moving the captures into it.
CREATE FUNCTION pg_temp.outbox() RETURNS SETOF amprenta.sync_outbox LANGUAGE plpgsql AS $$
BEGIN
	PERFORM amprenta._sync_expand(1000);
	RETURN QUERY SELECT * FROM amprenta.sync_outbox;
END $$;
CREATE FUNCTION pg_temp.clear() RETURNS void LANGUAGE sql AS $$
	DELETE FROM amprenta.sync_capture;
	DELETE FROM amprenta.sync_leases;
	DELETE FROM amprenta.sync_outbox;
$$;

CREATE FUNCTION pg_temp.queue() RETURNS TABLE (sink text, op text, entity_type text, name text, state text, attempts int)
LANGUAGE sql AS $$
	SELECT o.sink, o.op, o.entity_type, coalesce(e.name, '(' || o.entity_type || ')'), o.state, o.attempts
	  FROM pg_temp.outbox() o
	  LEFT JOIN LATERAL (SELECT title AS name FROM amprenta._sync_document(o.entity_type, o.entity_id)) e ON true
	 ORDER BY 4, 1, 2
$$;

-- Without a Notion target only the semantic index ("pinecone") is fed.
INSERT INTO amprenta.programs (name, description) VALUES ('ALS program', 'Lipids in ALS');
SELECT * FROM pg_temp.queue();

-- With a target for datasets, both sinks; one statement, many rows.
INSERT INTO amprenta.notion_targets (entity_type, database_id) VALUES ('dataset', 'db-datasets');
INSERT INTO amprenta.datasets (name, omics_type) VALUES ('CSF lipids', 'lipidomics'), ('Plasma genes', 'transcriptomics');
SELECT * FROM pg_temp.queue();

-- Repeated changes coalesce into the one pending row per entity and sink.
UPDATE amprenta.datasets SET description = 'first' WHERE name = 'CSF lipids';
UPDATE amprenta.datasets SET description = 'second' WHERE name = 'CSF lipids';
SELECT count(*) AS csf_rows FROM pg_temp.outbox() o JOIN amprenta.datasets d ON d.id = o.entity_id
 WHERE d.name = 'CSF lipids';

-- Only changes of synced content queue: not updated_at or notion_page_id,
-- not an UPDATE that changes nothing.
SELECT pg_temp.clear();
UPDATE amprenta.datasets SET notion_page_id = 'page-1' WHERE name = 'CSF lipids';
UPDATE amprenta.datasets SET name = name;
SELECT count(*) AS after_noop_updates FROM pg_temp.outbox();
UPDATE amprenta.datasets SET disease = '{ALS}' WHERE name = 'Plasma genes';
SELECT * FROM pg_temp.queue();

-- The session switch.
SELECT pg_temp.clear();
SET amprenta.sync_enabled = off;
INSERT INTO amprenta.experiments (name) VALUES ('quiet experiment');
SELECT count(*) AS with_sync_off FROM pg_temp.outbox();
RESET amprenta.sync_enabled;

-- A delete turns the pending row into a delete, also when both changes
-- wait in sync_capture: the later one wins.
INSERT INTO amprenta.experiments (name) VALUES ('short-lived');
DELETE FROM amprenta.experiments WHERE name = 'short-lived';
SELECT sink, op, entity_type FROM pg_temp.outbox() ORDER BY 1;

-- COPY of many rows: one statement, every row queued once.
SELECT pg_temp.clear();
COPY amprenta.programs (name) FROM STDIN;
copied 1
copied 2
copied 3
\.
-- One capture row per statement and sink, holding the three ids.
SELECT sink, op, entity_type, cardinality(entity_ids) FROM amprenta.sync_capture;
SELECT sink, count(*) FROM pg_temp.outbox() GROUP BY 1 ORDER BY 1;
SELECT count(*) AS captures_left FROM amprenta.sync_capture;

-- Components re-sync their signature; features are off by default.
SELECT pg_temp.clear();
SELECT amprenta.amprenta_create_signature('sync sig', '[{"feature": "TP53", "feature_type": "gene", "direction": "up"}]') IS NOT NULL AS created;
SELECT op, entity_type, count(*) FROM pg_temp.outbox() GROUP BY 1, 2 ORDER BY 2;
SELECT pg_temp.clear();
UPDATE amprenta.signature_components SET weight = 2
 WHERE signature_id = (SELECT id FROM amprenta.signatures WHERE name = 'sync sig');
SELECT op, entity_type, count(*) FROM pg_temp.outbox() GROUP BY 1, 2 ORDER BY 2;
SELECT pg_temp.clear();
INSERT INTO amprenta.features (feature_type, normalized_name, name) VALUES ('gene', 'SYNCTEST1', 'SYNCTEST1');
SELECT count(*) AS feature_rows FROM pg_temp.outbox();

-- The document an entity becomes.
SELECT title, body FROM amprenta.datasets d, amprenta._sync_document('dataset', d.id) WHERE d.name = 'Plasma genes';
SELECT title, body LIKE 'Signature: sync sig%Components: gene TP53 up (weight 2)%' AS body_ok
  FROM amprenta.signatures g, amprenta._sync_document('signature', g.id) WHERE g.name = 'sync sig';
SELECT count(*) AS no_document FROM amprenta._sync_document('dataset', '00000000-0000-0000-0000-000000000000');

-- amprenta_notion_sync / amprenta_pinecone_sync queue now.
SELECT pg_temp.clear();
SELECT amprenta.amprenta_notion_sync('dataset') AS notion_datasets;
SELECT amprenta.amprenta_notion_sync() AS notion_all;
SELECT amprenta.amprenta_pinecone_sync('dataset', (SELECT id FROM amprenta.datasets WHERE name = 'CSF lipids')) AS one;
SELECT sink, entity_type, count(*) FROM amprenta.sync_outbox GROUP BY 1, 2 ORDER BY 1, 2;
SELECT amprenta.amprenta_pinecone_sync('nonsense');
SELECT amprenta.amprenta_notion_sync('program');
SELECT amprenta.amprenta_pinecone_sync(NULL, gen_random_uuid());
SELECT amprenta.amprenta_pinecone_sync('dataset', '00000000-0000-0000-0000-000000000000');
SELECT amprenta.amprenta_pinecone_sync('dataset', NULL, -1);
-- Waiting needs a worker, and cannot happen inside a transaction block.
SELECT amprenta.amprenta_pinecone_sync('dataset', NULL, 5);
BEGIN;
SELECT amprenta.amprenta_pinecone_sync('dataset', NULL, 5);
ROLLBACK;

-- The claim leases due rows: one sync_leases row per claim, the queue rows
-- untouched; a leased row is not claimed again.
CREATE TEMP TABLE claimed AS SELECT * FROM amprenta._sync_claim('notion', 1, 60);
SELECT count(*) AS claimed, count(DISTINCT lease_id) AS leases,
       bool_and(version = (SELECT xmin FROM amprenta.sync_outbox o WHERE o.id = c.id)) AS versions
  FROM claimed c;
SELECT pending, inflight FROM amprenta.sync_status WHERE sink = 'notion';
SELECT count(*) AS claimed_again FROM amprenta._sync_claim('notion', 10, 60);
SELECT count(*) AS nothing_left FROM amprenta._sync_claim('notion', 10, 60);
SELECT count(*) AS leases, sum(cardinality(outbox_ids)) AS rows_leased FROM amprenta.sync_leases WHERE sink = 'notion';
-- A change queued for a leased entity updates its row (a new version): the
-- worker's record then leaves it queued.
UPDATE amprenta.datasets SET description = 'changed while leased'
 WHERE id = (SELECT entity_id FROM claimed);
SELECT amprenta._sync_expand(100) AS coalesced;
SELECT count(*) AS rows_of_entity, bool_and(o.xmin <> c.version) AS version_moved_on
  FROM claimed c JOIN amprenta.sync_outbox o ON o.sink = 'notion' AND o.entity_id = c.entity_id;
-- An expired lease ends: its rows are due again, one attempt spent.
UPDATE amprenta.sync_leases SET lease_until = now() - interval '1 second' WHERE sink = 'notion';
SELECT amprenta._sync_reclaim() AS reclaimed;
SELECT count(*) AS leases_left FROM amprenta.sync_leases;
SELECT state, attempts, last_error, count(*) FROM amprenta.sync_outbox WHERE sink = 'notion' GROUP BY 1, 2, 3 ORDER BY 1, 2;
-- A claim sees the leases committed before it: it needs READ COMMITTED.
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT count(*) FROM amprenta._sync_claim('notion', 1, 60);
ROLLBACK;

-- Dead rows, the errors view, and amprenta_retry_dead.
UPDATE amprenta.sync_outbox SET state = 'dead', last_error = 'HTTP 400: validation_error',
	last_http_status = 400 WHERE sink = 'notion';
SELECT sink, entity_type, entity_name, state, last_http_status, last_error FROM amprenta.sync_errors ORDER BY entity_name;
-- A newer change of one of them is already pending: its dead row is dropped.
UPDATE amprenta.datasets SET description = 'third' WHERE name = 'CSF lipids';
SELECT count(*) AS pending_again FROM pg_temp.outbox() WHERE state = 'pending';
SELECT amprenta.amprenta_retry_dead('pinecone') AS none_dead_there;
SELECT amprenta.amprenta_retry_dead('notion') AS revived;
SELECT state, attempts, count(*) FROM amprenta.sync_outbox WHERE sink = 'notion' GROUP BY 1, 2 ORDER BY 1, 2;
SELECT amprenta.amprenta_retry_dead('elsewhere');

-- An ingested dataset is queued like any other, and its document lists its
-- top features with their statistics.
SELECT pg_temp.clear();
SELECT amprenta.amprenta_ingest_text(E'gene,log2FoldChange,stat,pvalue,padj\nTP53,1.5,4.2,0.0001,0.001\nMYC,-0.8,-2.1,0.03,0.06\n',
	'sync_doc.csv', 'transcriptomics', '{"name": "sync doc"}') IS NOT NULL AS ingested;
SELECT sink, entity_type, count(*) FROM pg_temp.outbox() GROUP BY 1, 2 ORDER BY 1, 2;
SELECT body FROM amprenta.datasets d, amprenta._sync_document('dataset', d.id) WHERE d.name = 'sync doc';

-- How long the worker may sleep: NULL with nothing queued (it naps its full
-- naptime), 0 while captured changes or due rows wait, else until the first
-- row falls due or the first lease expires.
SELECT pg_temp.clear();
SELECT amprenta._sync_ms_until_due('pinecone') IS NULL AS nothing_queued;
UPDATE amprenta.datasets SET description = 'fourth' WHERE name = 'sync doc';
SELECT amprenta._sync_ms_until_due('pinecone') AS captured;
SELECT count(*) AS queued FROM pg_temp.outbox() WHERE sink = 'pinecone';
SELECT amprenta._sync_ms_until_due('pinecone') AS due_now;
UPDATE amprenta.sync_outbox SET next_attempt_at = now() + interval '1 hour' WHERE sink = 'pinecone';
SELECT amprenta._sync_ms_until_due('pinecone') BETWEEN 3000000 AND 3600000 AS in_an_hour;
INSERT INTO amprenta.sync_leases (sink, outbox_ids, leased_by, lease_until)
	SELECT 'pinecone', array_agg(id), 0, now() + interval '2 minutes' FROM amprenta.sync_outbox WHERE sink = 'pinecone';
SELECT amprenta._sync_ms_until_due('pinecone') BETWEEN 60000 AND 120000 AS lease_ends;
SELECT amprenta._sync_ms_until_due('notion') AS notion_too;
SELECT pg_temp.clear();
SELECT amprenta._sync_ms_until_due('notion') IS NULL AS idle_again;

-- No worker serves this database.
SELECT count(*) AS workers_here FROM amprenta.amprenta_worker_status() WHERE database = current_database();

DELETE FROM amprenta.notion_targets;
SELECT pg_temp.clear();
