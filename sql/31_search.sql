-- The built-in embedder, cosine similarity and amprenta_search over the
-- local index.  Chunks are written here as the sync worker writes them.
\set VERBOSITY sqlstate
SET amprenta.sync_enabled = off;

SELECT array_length(amprenta.amprenta_embed_local('TP53 in ALS'), 1) AS default_dim,
	   array_length(amprenta.amprenta_embed_local('TP53 in ALS', 64), 1) AS dim_64;
-- Deterministic, unit length, and closer for closer texts.
SELECT amprenta.amprenta_embed_local('Cer 18:1;O2/16:0') = amprenta.amprenta_embed_local('Cer 18:1;O2/16:0') AS same,
	   round(amprenta.amprenta_cosine(amprenta.amprenta_embed_local('x y z'), amprenta.amprenta_embed_local('x y z'))::numeric, 6) AS self,
	   amprenta.amprenta_cosine(amprenta.amprenta_embed_local('ceramide levels in ALS cerebrospinal fluid'),
							   amprenta.amprenta_embed_local('ceramides in cerebrospinal fluid of ALS patients'))
	 > amprenta.amprenta_cosine(amprenta.amprenta_embed_local('ceramide levels in ALS cerebrospinal fluid'),
							   amprenta.amprenta_embed_local('hepatic insulin resistance in mice')) AS closer;
SELECT amprenta.amprenta_cosine('{1,0}', '{0,1}') AS orthogonal, amprenta.amprenta_cosine('{0,0}', '{1,0}') AS zero;
SELECT amprenta.amprenta_embed_local('x', 4);
SELECT amprenta.amprenta_cosine('{1,0}', '{1,0,0}');
SELECT amprenta.amprenta_cosine('{1,NULL}', '{1,0}');

DELETE FROM amprenta.chunks;
INSERT INTO amprenta.chunks (entity_type, entity_id, chunk_no, content, content_sha256, embedding, embedding_model)
SELECT t, id::uuid, 0, c, sha256(convert_to(c, 'UTF8')), amprenta.amprenta_embed_local(c), 'amprenta-hash-v1'
  FROM (VALUES
	('dataset', '00000000-0000-0000-0000-0000000000d1', 'Dataset: CSF lipids. Ceramides rise in ALS cerebrospinal fluid.'),
	('dataset', '00000000-0000-0000-0000-0000000000d2', 'Dataset: liver proteome. Insulin resistance in mouse liver.'),
	('signature', '00000000-0000-0000-0000-0000000000e1', 'Signature: ALS ceramides. Components: Cer 18:1;O2/16:0 up.')) v (t, id, c);
INSERT INTO amprenta.sync_refs (sink, entity_type, entity_id, external_id)
VALUES ('notion', 'dataset', '00000000-0000-0000-0000-0000000000d1', 'page-csf');

SELECT entity_type, entity_id, chunk_no, round(score::numeric, 3) > 0 AS positive, snippet, notion_page_id
  FROM amprenta.amprenta_search('ceramides in ALS cerebrospinal fluid', 2);
SELECT entity_type, snippet FROM amprenta.amprenta_search('ceramides in ALS', 5, '{"entity_type": "signature"}');
SELECT count(*) FROM amprenta.amprenta_search('anything', 0);
SELECT count(*) FROM amprenta.amprenta_search('anything', 5, '{"kind": "dataset"}');

DELETE FROM amprenta.chunks;
DELETE FROM amprenta.sync_refs;
