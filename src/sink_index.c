/*
 * sink_index.c - the "pinecone" sink: the semantic index.
 *
 * An entity's text (amprenta._sync_document) is cut into chunks, each chunk
 * embedded by amprenta.embedding_provider, and the chunks and vectors are
 * written to amprenta.chunks, the local index that amprenta search reads.
 * When amprenta.pinecone_index (or amprenta.pinecone_host) is set, the same
 * vectors are upserted to Pinecone under deterministic ids
 * "<entity_type>:<uuid>:<chunk>", so a replay after a crash overwrites
 * instead of duplicating; the ids an entity no longer needs (it shrank, or
 * it was deleted) are deleted there too.  Unchanged content (same hash as
 * last delivered) costs nothing.
 *
 * An entity linked by its user to a Notion page (notion_page_id set on the
 * row, not a page the Notion sink created) also gets that page's text:
 * its blocks are read at delivery (GET /v1/blocks/{id}/children, through
 * the Notion token bucket) and appended under "Notes from Notion".  The
 * hash that decides "unchanged" covers that text, so an edit in Notion is
 * embedded at the entity's next sync.
 */
#include "postgres.h"

#include <ctype.h>

#include "json_compat.h"

#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "chunk_store.h"
#include "chunk_text.h"
#include "embed.h"
#include "embed_payload.h"
#include "http_class.h"
#include "notion_text.h"
#include "pinecone_payload.h"
#include "sync_config.h"
#include "sync_worker.h"

#define PINECONE_API_VERSION	"2025-10"
/* Inputs per embedding request (OpenAI allows 2048, Pinecone 96). */
#define EMBED_BATCH_INPUTS		96
#define EMBED_BATCH_TOKENS		100000
/* Characters of chunk text kept in Pinecone metadata. */
#define METADATA_TEXT_BYTES		2000
/* Narrative of a linked Notion page: at most this many pages of 100 blocks, and bytes. */
#define NARRATIVE_MAX_REQUESTS	50
#define NARRATIVE_MAX_BYTES		(1024 * 1024)
#define NARRATIVE_HEADING		"Notes from Notion"

typedef struct IndexData
{
	int			nchunks;
	char	  **text;			/* chunk texts */
	uint8		(*sha)[32];		/* SHA-256 of each chunk text */
	bool	   *reused;			/* embedding taken from the stored chunk */
	float	   *vectors;		/* nchunks * dim */
	bool		unchanged;		/* same content as delivered: nothing to do */
	char	   *narrative;		/* text of the linked Notion page, or NULL */
	/* the entity's chunks in amprenta.chunks, made by the current model */
	int			nstored;
	uint8		(*stored_sha)[32];
	float	   *stored_vec;		/* nstored * dim */
} IndexData;

static int	pinecone_call(SyncContext *ctx, HttpRequest *req, const char *method,
						  const char *url, const char *key, const char *body);

static char data_host[512];		/* Pinecone data-plane URL, once looked up */
static char data_host_for[256];	/* ... for this index name ("" = ask again) */
static int	data_host_failures;	/* data-plane requests in a row without an answer */

/*
 * Requests in a row without any HTTP answer (refused, reset, timed out)
 * after which a discovered host is asked for again.
 */
#define DATA_HOST_MAX_FAILURES	3

static int
index_batch_limit(SyncContext *ctx)
{
	return amprenta_batch_size;
}

static const char *embedding_model_name(void);
static void read_stored_embeddings(SyncItem *items, int n);

static void
index_prepare(SyncContext *ctx, SyncItem *items, int n)
{
	outbox_read_documents(SYNC_SINK_PINECONE, items, n);
	read_stored_embeddings(items, n);
}

/*
 * The embeddings the local index holds for the batch's entities, made by
 * the current model at the current dimension: a chunk whose text is
 * unchanged (same SHA-256) keeps its embedding instead of being embedded
 * again, as when only the Pinecone index changed, or when an edit changed
 * one chunk of a long text.  Read in the prepare transaction; kept in the
 * round's memory with the item.
 */
static void
read_stored_embeddings(SyncItem *items, int n)
{
	int			dim = amprenta_embedding_dimension;
	Oid			types[4] = {TEXTARRAYOID, UUIDARRAYOID, TEXTOID, INT4OID};
	Datum		args[4];
	Datum	   *et = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *eid = palloc(sizeof(Datum) * Max(n, 1));
	int			m = 0;
	MemoryContext old;

	old = MemoryContextSwitchTo(sync_round_context);
	for (int i = 0; i < n; i++)
		items[i].sink_data = palloc0(sizeof(IndexData));
	MemoryContextSwitchTo(old);

	/*
	 * Only entities delivered before can have chunks (their sync_refs row
	 * exists; its chunk count is what the Pinecone index in use holds, 0
	 * just after a switch to a new one, when the chunks are still here).
	 */
	for (int i = 0; i < n; i++)
		if (!items[i].is_delete && items[i].exists && items[i].has_ref)
		{
			et[m] = CStringGetTextDatum(items[i].entity_type);
			eid[m] = UUIDPGetDatum(&items[i].entity_id);
			m++;
		}
	if (m == 0)
		return;
	args[0] = PointerGetDatum(construct_array(et, m, TEXTOID, -1, false, TYPALIGN_INT));
	args[1] = PointerGetDatum(construct_array(eid, m, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
	args[2] = CStringGetTextDatum(embedding_model_name());
	args[3] = Int32GetDatum(dim);
	/* LATERAL: a probe of the primary key per entity, whatever chunks' size */
	if (SPI_execute_with_args("SELECT t.entity_type, t.entity_id, c.content_sha256, c.embedding"
							  "  FROM unnest($1::text[], $2::uuid[]) AS t (entity_type, entity_id),"
							  "       LATERAL (SELECT x.content_sha256, x.embedding FROM amprenta.chunks x"
							  "                 WHERE x.entity_type = t.entity_type AND x.entity_id = t.entity_id"
							  "                   AND x.embedding_model = $3 AND cardinality(x.embedding) = $4) c"
							  " ORDER BY 1, 2",
							  4, types, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading stored embeddings failed");

	for (uint64 r = 0; r < SPI_processed;)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		char	   *etype = SPI_getvalue(tup, desc, 1);
		pg_uuid_t  *id = DatumGetUUIDP(SPI_getbinval(tup, desc, 2, &isnull));
		uint64		end = r + 1;
		IndexData  *d = NULL;

		/* this entity's rows: r .. end - 1 */
		while (end < SPI_processed &&
			   memcmp(DatumGetUUIDP(SPI_getbinval(SPI_tuptable->vals[end], desc, 2, &isnull))->data,
					  id->data, UUID_LEN) == 0 &&
			   strcmp(SPI_getvalue(SPI_tuptable->vals[end], desc, 1), etype) == 0)
			end++;
		for (int i = 0; i < n && d == NULL; i++)
			if (!items[i].is_delete && items[i].exists &&
				memcmp(items[i].entity_id.data, id->data, UUID_LEN) == 0 &&
				strcmp(items[i].entity_type, etype) == 0)
				d = items[i].sink_data;
		if (d != NULL)
		{
			old = MemoryContextSwitchTo(sync_round_context);
			d->stored_sha = palloc(32 * (end - r));
			d->stored_vec = palloc(sizeof(float) * (size_t) dim * (end - r));
			MemoryContextSwitchTo(old);
			for (uint64 k = r; k < end; k++)
			{
				HeapTuple	t = SPI_tuptable->vals[k];
				bytea	   *sha = DatumGetByteaPP(SPI_getbinval(t, desc, 3, &isnull));
				ArrayType  *vec = DatumGetArrayTypeP(SPI_getbinval(t, desc, 4, &isnull));

				if (VARSIZE_ANY_EXHDR(sha) != 32 || ARR_NDIM(vec) != 1 || ARR_HASNULL(vec) ||
					ARR_ELEMTYPE(vec) != FLOAT4OID || ARR_DIMS(vec)[0] != dim)
					continue;
				memcpy(d->stored_sha[d->nstored], VARDATA_ANY(sha), 32);
				memcpy(d->stored_vec + (size_t) d->nstored * dim,
					   (const char *) vec + ARR_OVERHEAD_NONULLS(1), sizeof(float) * dim);
				d->nstored++;
			}
		}
		r = end;
	}
	SPI_freetuptable(SPI_tuptable);
}

/* A stored embedding of the same text, copied into chunk c; false if none. */
static bool
reuse_embedding(IndexData *d, int c, int dim)
{
	for (int k = 0; k < d->nstored; k++)
		if (memcmp(d->stored_sha[k], d->sha[c], 32) == 0)
		{
			memcpy(d->vectors + (size_t) c * dim, d->stored_vec + (size_t) k * dim, sizeof(float) * dim);
			return true;
		}
	return false;
}

static bool
pinecone_configured(void)
{
	return (amprenta_pinecone_host && amprenta_pinecone_host[0]) ||
		(amprenta_pinecone_index && amprenta_pinecone_index[0]);
}

static const char *
embedding_model_name(void)
{
	static char name[300];

	if (amprenta_embedding_provider == EMBEDDING_LOCAL)
		return embed_model_name();
	snprintf(name, sizeof(name), "%s:%s",
			 amprenta_embedding_provider == EMBEDDING_OPENAI ? "openai" : "pinecone",
			 amprenta_embedding_model);
	return name;
}

/*
 * The configuration that makes the index's vectors what they are: the
 * provider and model, the vector length, and the Pinecone index, host and
 * namespace they are written to.  Vectors made under another fingerprint
 * are unusable here (another vector space, or another place), so a new one
 * re-syncs the whole index (sync_config.c).  amprenta.chunk_size is not
 * part of it: chunks cut at another size are still vectors of the same
 * space, and effective_hash() adds it per entity instead.
 */
void
index_config_fingerprint(char *buf, size_t size)
{
	bool		pc = pinecone_configured();

	snprintf(buf, size, "%s|%d|%s|%s|%s", embedding_model_name(),
			 amprenta_embedding_dimension,
			 pc ? amprenta_pinecone_index : "",
			 pc ? amprenta_pinecone_host : "",
			 pc ? amprenta_pinecone_namespace : "");
}

/*
 * What the index holds depends on the text (the document and the narrative
 * of a linked Notion page), on where and how it was embedded
 * (index_config_fingerprint) and on the chunk size.
 */
static void
effective_hash(SyncItem *it, const char *narrative)
{
	pg_cryptohash_ctx *c = pg_cryptohash_create(PG_SHA256);
	char		config[SYNC_CONFIG_FINGERPRINT_LEN + 16];
	size_t		len;
	uint8		out[PG_SHA256_DIGEST_LENGTH];

	index_config_fingerprint(config, SYNC_CONFIG_FINGERPRINT_LEN);
	len = strlen(config);
	snprintf(config + len, sizeof(config) - len, "|%d", amprenta_chunk_size);
	if (c == NULL || pg_cryptohash_init(c) < 0 ||
		pg_cryptohash_update(c, it->content_hash, 32) < 0 ||
		pg_cryptohash_update(c, (const uint8 *) config, strlen(config)) < 0 ||
		(narrative != NULL &&
		 (pg_cryptohash_update(c, (const uint8 *) "\001", 1) < 0 ||
		  pg_cryptohash_update(c, (const uint8 *) narrative, strlen(narrative)) < 0)) ||
		pg_cryptohash_final(c, out, sizeof(out)) < 0)
		elog(ERROR, "could not compute SHA-256");
	pg_cryptohash_free(c);
	memcpy(it->content_hash, out, 32);
}

/*
 * SHA-256 contexts are tracked by a resource owner, and hashes are
 * computed during delivery, with no transaction open: the worker keeps an
 * owner of its own for them.
 */
static ResourceOwner
hashing_owner(void)
{
	static ResourceOwner owner = NULL;

	if (owner == NULL)
		owner = ResourceOwnerCreate(NULL, "amprenta index hashing");
	return owner;
}

/* The effective hashes of a batch (after the narratives were read). */
static void
effective_hashes(SyncItem *items, int n)
{
	for (int i = 0; i < n; i++)
	{
		SyncItem   *it = &items[i];

		if (!it->is_delete && it->exists && it->outcome == ITEM_PENDING)
			effective_hash(it, ((IndexData *) it->sink_data)->narrative);
	}
}

/* A Notion id or cursor we put in a URL: hex digits and dashes only. */
static bool
notion_id_ok(const char *s)
{
	if (s == NULL || s[0] == '\0' || strlen(s) > 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!isxdigit((unsigned char) *p) && *p != '-')
			return false;
	return true;
}

/* Whether the item is an entity whose user linked a Notion page to it. */
static bool
wants_narrative(SyncItem *it)
{
	return !it->is_delete && it->exists && it->outcome == ITEM_PENDING &&
		it->user_page_id != NULL && !it->page_is_ours;
}

typedef enum NarrativeResult
{
	NARRATIVE_READ,				/* d->narrative set (NULL when the page has no text) */
	NARRATIVE_NONE,				/* the page cannot be read: none, delivery goes on */
	NARRATIVE_AUTH,				/* the token was refused: none, for the rest of the round too */
	NARRATIVE_FAILED			/* transient: the item's outcome is set */
} NarrativeResult;

/*
 * Read the text of the page the user linked to the item: its blocks, page
 * by page (100 each), through the Notion sink's token bucket, so the index
 * and the Notion sink together keep amprenta.notion_max_rps.  Blocks nested
 * in other blocks are not read (their text is one request per parent away).
 */
static NarrativeResult
read_narrative(SyncContext *ctx, SyncItem *it, const char *token)
{
	IndexData  *d = it->sink_data;
	StringInfoData text;
	char		cursor[NOTION_CURSOR_MAX] = "";

	if (!notion_id_ok(it->user_page_id))
	{
		ereport(LOG,
				(errmsg("amprenta sync: notion_page_id of %s %s is not a Notion id; no narrative indexed",
						it->entity_type, it->entity_id_str)));
		return NARRATIVE_NONE;
	}
	initStringInfo(&text);

	for (int page = 0; page < NARRATIVE_MAX_REQUESTS; page++)
	{
		HttpRequest req;
		char		url[1024];
		char		next[NOTION_CURSOR_MAX];
		char	   *part;
		int			rc;

		snprintf(url, sizeof(url), "%s/v1/blocks/%s/children?page_size=100%s%s",
				 amprenta_notion_api_url, it->user_page_id,
				 cursor[0] ? "&start_cursor=" : "", cursor);
		rc = notion_call(ctx, &req, "GET", url, token, NULL);
		if (rc < 0 || req.status == 0 ||
			(req.status >= 300 && (http_classify(req.status) == HTTP_OUTCOME_RETRY ||
								   http_classify(req.status) == HTTP_OUTCOME_THROTTLED)))
		{
			sync_item_fail(ctx, SYNC_SINK_NOTION, it, &req, "reading the linked Notion page");
			http_request_clear(&req);
			/* Notion asked us to wait: the index waits with the Notion sink. */
			if (it->outcome == ITEM_THROTTLED)
			{
				int64		ms = (ctx->paused_until[SYNC_SINK_NOTION] - GetCurrentTimestamp()) / 1000;

				sync_pause_sink(ctx, SYNC_SINK_PINECONE, Max(ms, 1), it->error);
			}
			return NARRATIVE_FAILED;
		}
		if (req.status < 200 || req.status >= 300)
		{
			NarrativeResult r = http_classify(req.status) == HTTP_OUTCOME_AUTH && req.status == 401 ?
				NARRATIVE_AUTH : NARRATIVE_NONE;

			ereport(LOG,
					(errmsg("amprenta sync: Notion page %s linked to %s %s answered HTTP %ld; no narrative indexed",
							it->user_page_id, it->entity_type, it->entity_id_str, req.status)));
			http_request_clear(&req);
			return r;
		}
		part = notion_children_text(req.response, req.response_len, next, sizeof(next), NULL);
		http_request_clear(&req);
		if (part == NULL)
		{
			it->outcome = ITEM_RETRY;
			strlcpy(it->error, "reading the linked Notion page: unreadable answer", sizeof(it->error));
			return NARRATIVE_FAILED;
		}
		if (part[0])
		{
			if (text.len > 0)
				appendStringInfoChar(&text, '\n');
			appendBinaryStringInfo(&text, part, (int) Min(strlen(part), (size_t) NARRATIVE_MAX_BYTES));
		}
		free(part);
		if (!notion_id_ok(next) || text.len >= NARRATIVE_MAX_BYTES)
			break;
		strlcpy(cursor, next, sizeof(cursor));
	}
	d->narrative = text.len > 0 ? text.data : NULL;
	return NARRATIVE_READ;
}

/*
 * The narratives of a batch.  Without a Notion token (or with
 * amprenta.notion_narrative off) none is read and nothing fails.
 */
static void
read_narratives(SyncContext *ctx, SyncItem *items, int n)
{
	char	   *token = NULL;
	bool		any = false;

	if (!amprenta_notion_narrative || amprenta_notion_token_file == NULL ||
		amprenta_notion_token_file[0] == '\0')
		return;
	for (int i = 0; i < n && !any; i++)
		any = wants_narrative(&items[i]);
	if (!any)
		return;
	token = sync_read_secret(amprenta_notion_token_file, "amprenta.notion_token_file");
	if (token == NULL)
		return;

	for (int i = 0; i < n; i++)
	{
		SyncItem   *it = &items[i];
		NarrativeResult r;

		if (!wants_narrative(it))
			continue;
		if (ctx->paused_until[SYNC_SINK_PINECONE] > GetCurrentTimestamp())
		{
			/* Paused by an earlier narrative of this round: wait, free. */
			it->outcome = ITEM_THROTTLED;
			strlcpy(it->error, ctx->pause_reason[SYNC_SINK_PINECONE], sizeof(it->error));
			continue;
		}
		r = read_narrative(ctx, it, token);
		CHECK_FOR_INTERRUPTS();
		if (r == NARRATIVE_AUTH)
			break;
	}
}

/* Cut every changed entity's text into chunks. */
static int
cut_chunks(SyncItem *items, int n)
{
	int			total = 0;

	for (int i = 0; i < n; i++)
	{
		SyncItem   *it = &items[i];
		IndexData  *d = it->sink_data;
		const char *body;
		size_t		len,
					need;
		TextChunk  *cuts;

		if (it->is_delete || !it->exists || it->outcome != ITEM_PENDING)
			continue;
		if (it->has_ref_hash && memcmp(it->ref_hash, it->content_hash, 32) == 0)
		{
			d->unchanged = true;
			continue;
		}
		body = it->body ? it->body : "";
		if (d->narrative)
			body = psprintf("%s%s" NARRATIVE_HEADING "\n\n%s", body, body[0] ? "\n\n" : "",
							d->narrative);
		len = strlen(body);
		need = chunk_text(body, len, (size_t) amprenta_chunk_size, NULL, 0);
		if (need == 0)
		{
			/* Nothing but a title: embed the title. */
			body = it->title ? it->title : it->entity_id_str;
			len = strlen(body);
			need = chunk_text(body, len, (size_t) amprenta_chunk_size, NULL, 0);
		}
		cuts = palloc(sizeof(TextChunk) * Max(need, 1));
		chunk_text(body, len, (size_t) amprenta_chunk_size, cuts, need);
		d->nchunks = (int) need;
		d->text = palloc(sizeof(char *) * Max(need, 1));
		d->sha = palloc(32 * Max(need, 1));
		d->reused = palloc0(sizeof(bool) * Max(need, 1));
		d->vectors = palloc(sizeof(float) * (size_t) Max(need, 1) * amprenta_embedding_dimension);
		for (size_t c = 0; c < need; c++)
		{
			d->text[c] = pnstrdup(body + cuts[c].start, cuts[c].len);
			chunk_sha256(d->text[c], cuts[c].len, d->sha[c]);
			d->reused[c] = reuse_embedding(d, (int) c, amprenta_embedding_dimension);
			if (!d->reused[c])
				total++;
		}
	}
	return total;
}

/* The outcome of a failed request, given to an item still undecided. */
static void
take_outcome(SyncItem *it, const SyncItem *probe)
{
	if (it->outcome != ITEM_PENDING)
		return;
	it->outcome = probe->outcome;
	it->http_status = probe->http_status;
	strlcpy(it->error, probe->error, sizeof(it->error));
}

static void
fail_all(SyncItem *items, int n, ItemOutcome oc, const char *msg, long status)
{
	for (int i = 0; i < n; i++)
	{
		if (items[i].outcome != ITEM_PENDING)
			continue;
		items[i].outcome = oc;
		items[i].http_status = status;
		strlcpy(items[i].error, msg, sizeof(items[i].error));
	}
}

/* Embed with a remote provider, in batches bounded by inputs and tokens. */
static bool
embed_remote(SyncContext *ctx, SyncItem *items, int n, int total)
{
	const char **inputs = palloc(sizeof(char *) * Max(total, 1));
	float	  **dest = palloc(sizeof(float *) * Max(total, 1));
	int			k = 0;
	char	   *key;
	bool		openai = amprenta_embedding_provider == EMBEDDING_OPENAI;
	const char *keyfile = openai ? amprenta_openai_api_key_file : amprenta_pinecone_api_key_file;
	int			dim = amprenta_embedding_dimension;
	int			start = 0;

	for (int i = 0; i < n; i++)
	{
		IndexData  *d = items[i].sink_data;

		for (int c = 0; c < d->nchunks; c++)
		{
			if (d->reused[c])
				continue;
			inputs[k] = d->text[c];
			dest[k] = d->vectors + (size_t) c * dim;
			k++;
		}
	}

	/* Without a model no request can be built: wait, as without a key. */
	if (amprenta_embedding_model == NULL || amprenta_embedding_model[0] == '\0')
	{
		sync_pause_sink(ctx, SYNC_SINK_PINECONE, 60 * 1000,
						"amprenta.embedding_model is empty (a remote embedding provider needs a model)");
		fail_all(items, n, ITEM_THROTTLED, "amprenta.embedding_model is empty", 0);
		return false;
	}

	key = sync_read_secret(keyfile, openai ? "amprenta.openai_api_key_file" : "amprenta.pinecone_api_key_file");
	if (key == NULL)
	{
		sync_pause_sink(ctx, SYNC_SINK_PINECONE, 60 * 1000,
						"no API key for the embedding provider (see amprenta.*_api_key_file)");
		fail_all(items, n, ITEM_THROTTLED, "no API key for the embedding provider", 0);
		return false;
	}

	while (start < total)
	{
		int			count = 0,
					tokens = 0;
		HttpRequest req;
		char		url[1024];
		char	   *body;
		float	   *out;
		char		err[256];
		int			rc;

		while (start + count < total && count < EMBED_BATCH_INPUTS &&
			   (count == 0 || tokens + embed_estimate_tokens(inputs[start + count]) <= EMBED_BATCH_TOKENS))
			tokens += embed_estimate_tokens(inputs[start + count++]);

		if (openai)
		{
			snprintf(url, sizeof(url), "%s/embeddings", amprenta_openai_api_url);
			body = openai_embed_body(amprenta_embedding_model, inputs + start, count,
									 openai_model_takes_dimensions(amprenta_embedding_model) ? dim : 0);
		}
		else
		{
			snprintf(url, sizeof(url), "%s/embed", amprenta_pinecone_api_url);
			body = pinecone_embed_body(amprenta_embedding_model, "passage", inputs + start, count,
									   pinecone_model_takes_dimension(amprenta_embedding_model) ? dim : 0);
		}
		if (body == NULL)
		{
			fail_all(items, n, ITEM_RETRY, "embedding: could not build the request", 0);
			return false;
		}
		if (openai)
		{
			char		auth[4200];
			const char *headers[] = {auth, "Content-Type: application/json", NULL};

			snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key);
			rc = sync_request(ctx, SYNC_SINK_PINECONE, &req, "POST", url, headers, body, false);
		}
		else
			rc = pinecone_call(ctx, &req, "POST", url, key, body);
		free(body);
		if (rc < 0 || req.status < 200 || req.status >= 300)
		{
			SyncItem	probe;

			memset(&probe, 0, sizeof(probe));
			sync_item_fail(ctx, SYNC_SINK_PINECONE, &probe, &req, "embedding");
			http_request_clear(&req);
			for (int i = 0; i < n; i++)
				take_outcome(&items[i], &probe);
			return false;
		}
		out = palloc(sizeof(float) * (size_t) count * dim);
		rc = embed_parse_response(req.response, req.response_len, !openai, count, dim, out, err, sizeof(err));
		http_request_clear(&req);
		if (rc != 0)
		{
			char		msg[300];

			snprintf(msg, sizeof(msg), "embedding response: %s", err);
			fail_all(items, n, rc == -3 ? ITEM_DEAD : ITEM_RETRY, msg, 0);
			return false;
		}
		for (int j = 0; j < count; j++)
			memcpy(dest[start + j], out + (size_t) j * dim, sizeof(float) * dim);
		start += count;
	}
	return true;
}

static const char *
pinecone_key(SyncContext *ctx, SyncItem *items, int n)
{
	char	   *key = sync_read_secret(amprenta_pinecone_api_key_file, "amprenta.pinecone_api_key_file");

	if (key == NULL)
	{
		sync_pause_sink(ctx, SYNC_SINK_PINECONE, 60 * 1000,
						"amprenta.pinecone_api_key_file is not set or not readable");
		fail_all(items, n, ITEM_THROTTLED, "no Pinecone API key (amprenta.pinecone_api_key_file)", 0);
	}
	return key;
}

/*
 * The headers of a Pinecone request, NULL-terminated, into headers[4];
 * auth (PINECONE_AUTH_MAX bytes) holds the key's.
 */
#define PINECONE_AUTH_MAX 4200

static void
pinecone_headers(const char **headers, char *auth, const char *key, bool has_body)
{
	int			h = 0;

	snprintf(auth, PINECONE_AUTH_MAX, "Api-Key: %s", key);
	headers[h++] = auth;
	headers[h++] = "X-Pinecone-Api-Version: " PINECONE_API_VERSION;
	if (has_body)
		headers[h++] = "Content-Type: application/json";
	headers[h] = NULL;
}

/*
 * One request to Pinecone (control or data plane) with its key and API
 * version; body may be NULL.  Returns sync_http's result.
 */
static int
pinecone_call(SyncContext *ctx, HttpRequest *req, const char *method, const char *url,
			  const char *key, const char *body)
{
	char		auth[PINECONE_AUTH_MAX];
	const char *headers[4];

	pinecone_headers(headers, auth, key, body != NULL);
	return sync_request(ctx, SYNC_SINK_PINECONE, req, method, url, headers, body, false);
}

/* The data-plane URL: the setting, or asked of the control plane once. */
static bool
pinecone_data_url(SyncContext *ctx, const char *key, SyncItem *items, int n)
{
	HttpRequest req;
	char		url[1024];
	char		host[512];
	int			rc;

	if (amprenta_pinecone_host && amprenta_pinecone_host[0])
	{
		strlcpy(data_host, amprenta_pinecone_host, sizeof(data_host));
		return true;
	}
	if (data_host[0] && strcmp(data_host_for, amprenta_pinecone_index) == 0)
		return true;

	snprintf(url, sizeof(url), "%s/indexes/%s", amprenta_pinecone_api_url, amprenta_pinecone_index);
	rc = pinecone_call(ctx, &req, "GET", url, key, NULL);
	if (rc < 0 || req.status != 200 ||
		!pc_parse_index_host(req.response, req.response_len, host, sizeof(host)))
	{
		SyncItem	probe;

		memset(&probe, 0, sizeof(probe));
		sync_item_fail(ctx, SYNC_SINK_PINECONE, &probe, &req, "describing the Pinecone index");
		if (req.status == 200)
		{
			probe.outcome = ITEM_RETRY;
			strlcpy(probe.error, "describing the Pinecone index: no host in the answer", sizeof(probe.error));
		}
		http_request_clear(&req);
		for (int i = 0; i < n; i++)
			take_outcome(&items[i], &probe);
		return false;
	}
	{
		char		state[64];

		/*
		 * A new index answers "ready": false ("Initializing") for a while:
		 * wait, spending no attempt, and ask again; the host is kept only
		 * once the index is ready.
		 */
		if (!pc_parse_index_ready(req.response, req.response_len, state, sizeof(state)))
		{
			char		msg[256];

			http_request_clear(&req);
			snprintf(msg, sizeof(msg), "the Pinecone index \"%s\" is not ready (state %s)",
					 amprenta_pinecone_index, state[0] ? state : "unknown");
			sync_pause_sink(ctx, SYNC_SINK_PINECONE, amprenta_retry_base_delay_ms, msg);
			fail_all(items, n, ITEM_THROTTLED, msg, 0);
			return false;
		}
	}
	http_request_clear(&req);
	if (strncmp(host, "http://", 7) == 0 || strncmp(host, "https://", 8) == 0)
		strlcpy(data_host, host, sizeof(data_host));
	else
		snprintf(data_host, sizeof(data_host), "%s://%s",
				 strncmp(amprenta_pinecone_api_url, "http://", 7) == 0 ? "http" : "https", host);
	strlcpy(data_host_for, amprenta_pinecone_index, sizeof(data_host_for));
	data_host_failures = 0;
	return true;
}

/*
 * After a data-plane request: a host that came from the control plane is
 * forgotten, so the next batch describes the index again, when it answered
 * 404 (the index was deleted, or recreated on another host) or gave no
 * answer DATA_HOST_MAX_FAILURES times in a row.  Returns true when it was
 * forgotten.  amprenta.pinecone_host is never second-guessed.
 */
static bool
data_host_check(const HttpRequest *req, int rc)
{
	if ((amprenta_pinecone_host && amprenta_pinecone_host[0]) || rc < 0 || data_host_for[0] == '\0')
		return false;
	if (req->status == 0 ? ++data_host_failures < DATA_HOST_MAX_FAILURES : req->status != 404)
	{
		if (req->status != 0)
			data_host_failures = 0;
		return false;
	}
	ereport(LOG,
			(errmsg("amprenta sync worker: forgetting the host of the Pinecone index \"%s\"", data_host_for),
			 req->status == 404 ? errdetail("%s answered 404.", data_host) :
			 errdetail("%s gave no answer to %d requests in a row.", data_host, DATA_HOST_MAX_FAILURES),
			 errhint("The next batch asks the control plane for the index's host again.")));
	data_host_for[0] = '\0';
	data_host_failures = 0;
	return true;
}

static json_object *
vector_metadata(SyncItem *it, int chunk_no, const char *text)
{
	json_object *m = json_object_new_object();

	json_object_object_add(m, "entity_type", json_object_new_string(it->entity_type));
	json_object_object_add(m, "entity_id", json_object_new_string(it->entity_id_str));
	json_object_object_add(m, "chunk_no", json_object_new_int(chunk_no));
	if (it->title)
		json_object_object_add(m, "title", json_object_new_string(it->title));
	json_object_object_add(m, "text", json_object_new_string_len(text, (int) Min(strlen(text), METADATA_TEXT_BYTES)));
	if (it->user_page_id)
		json_object_object_add(m, "notion_page_id", json_object_new_string(it->user_page_id));
	return m;
}

/*
 * Judge the answer to a Pinecone data-plane request for the items
 * idx[0..k).  An upsert (nvectors > 0) counts only when the answer says
 * that many were upserted, a delete (nvectors 0) when it is a JSON object:
 * a 200 with a cut or garbled body (a proxy, a dropped connection) proves
 * nothing, and the items are tried again (upserts and deletes by id are
 * idempotent).
 */
static void
pinecone_judge(SyncContext *ctx, HttpRequest *req, int rc, int nvectors,
			   SyncItem *items, const int *idx, int k, const char *what)
{
	SyncItem	probe;
	long		count = -1;
	bool		forgot;

	memset(&probe, 0, sizeof(probe));
	forgot = data_host_check(req, rc);
	if (rc < 0 || req->status < 200 || req->status >= 300)
	{
		sync_item_fail(ctx, SYNC_SINK_PINECONE, &probe, req, what);
		/* a 404 from a host now forgotten: the new describe decides */
		if (forgot && req->status == 404)
			probe.outcome = ITEM_RETRY;
	}
	else if (nvectors > 0 ?
			 !pc_parse_upsert_count(req->response, req->response_len, &count) || count != nvectors :
			 !pc_parse_object(req->response, req->response_len))
	{
		char		raw[300];

		if (count >= 0)
			snprintf(raw, sizeof(raw), "%s: the answer says %ld vectors upserted of %d sent",
					 what, count, nvectors);
		else
			snprintf(raw, sizeof(raw), "%s: unreadable answer (HTTP %ld): %.*s", what, req->status,
					 (int) Min(req->response_len, 100), req->response ? req->response : "");
		probe.outcome = ITEM_RETRY;
		probe.http_status = req->status;
		http_error_text(raw, strlen(raw), probe.error, sizeof(probe.error));
	}
	if (probe.outcome != ITEM_PENDING)
		for (int j = 0; j < k; j++)
			take_outcome(&items[idx[j]], &probe);
}

/* Send one Pinecone data-plane request for the items idx[0..k) and judge it. */
static void
pinecone_send(SyncContext *ctx, const char *key, const char *path, char *body, int nvectors,
			  SyncItem *items, int *idx, int k, const char *what)
{
	HttpRequest req;
	char		url[1024];
	int			rc;

	snprintf(url, sizeof(url), "%s%s", data_host, path);
	rc = pinecone_call(ctx, &req, "POST", url, key, body);
	pinecone_judge(ctx, &req, rc, nvectors, items, idx, k, what);
	http_request_clear(&req);
}

static void index_conclude(SyncItem *items, int n);

/* The last upsert of a batch, answered while the worker goes on. */
typedef struct AsyncUpsert
{
	HttpRequest req;
	char	   *body;			/* malloc'd by pc_upsert_body */
	int			nvectors;
	SyncItem   *items;			/* the whole batch */
	int			n;
	int		   *idx;			/* the items in this upsert */
	int			k;
	MemoryContext cxt;			/* the batch's */
} AsyncUpsert;

static void
async_upsert_done(SyncContext *ctx, HttpRequest *req, int rc, void *arg)
{
	AsyncUpsert *a = arg;
	MemoryContext old = MemoryContextSwitchTo(a->cxt);

	pinecone_judge(ctx, req, rc, a->nvectors, a->items, a->idx, a->k, "Pinecone upsert");
	http_request_clear(req);
	free(a->body);
	a->body = NULL;
	index_conclude(a->items, a->n);
	MemoryContextSwitchTo(old);
}

/*
 * Start the upsert of body (which it takes) for the items idx[0..k) and
 * return once it is sent; the batch's outcome is decided when the answer
 * is settled (async_upsert_done).  An answer to the batch before, settled
 * here first, may have paused the sink: then nothing is sent and the items
 * wait without spending an attempt.  Returns whether it was started.
 */
static bool
pinecone_send_async(SyncContext *ctx, const char *key, char *body, int nvectors,
					SyncItem *items, int n, int *idx, int k)
{
	AsyncUpsert *a;
	char		auth[PINECONE_AUTH_MAX];
	char		url[1024];
	const char *headers[4];

	sync_http_settle(ctx, NULL);
	if (ctx->paused_until[SYNC_SINK_PINECONE] > GetCurrentTimestamp())
	{
		free(body);
		fail_all(items, n, ITEM_THROTTLED, ctx->pause_reason[SYNC_SINK_PINECONE], 0);
		return false;
	}
	a = palloc0(sizeof(AsyncUpsert));
	a->body = body;
	a->nvectors = nvectors;
	a->items = items;
	a->n = n;
	a->idx = palloc(sizeof(int) * Max(k, 1));
	memcpy(a->idx, idx, sizeof(int) * k);
	a->k = k;
	a->cxt = CurrentMemoryContext;

	snprintf(url, sizeof(url), "%s/vectors/upsert", data_host);
	pinecone_headers(headers, auth, key, true);
	sync_request_fill(&a->req, "POST", url, headers, body, false);
	sync_http_start(ctx, SYNC_SINK_PINECONE, &a->req, items, async_upsert_done, a);
	a->req.url = NULL;			/* both gone when we return; libcurl has copies */
	a->req.headers = NULL;
	return true;
}

/*
 * Upsert the vectors of changed entities, batches bounded by count and
 * bytes.  With async, the last batch is only started
 * (pinecone_send_async); returns whether it was.
 */
static bool
pinecone_upsert(SyncContext *ctx, const char *key, SyncItem *items, int n, bool async)
{
	bool		started = false;
	PcUpsert   *u = pc_upsert_new(amprenta_pinecone_namespace);
	int		   *idx = palloc(sizeof(int) * Max(n, 1));
	int			k = 0;
	int			dim = amprenta_embedding_dimension;

	for (int i = 0; i < n; i++)
	{
		SyncItem   *it = &items[i];
		IndexData  *d = it->sink_data;
		bool		listed = false;

		if (it->outcome != ITEM_PENDING || it->is_delete || !it->exists || d->unchanged)
			continue;
		for (int c = 0; c < d->nchunks; c++)
		{
			char		id[128];

			snprintf(id, sizeof(id), "%s:%s:%d", it->entity_type, it->entity_id_str, c);
			while (!pc_upsert_add(u, id, d->vectors + (size_t) c * dim, dim,
								  vector_metadata(it, c, d->text[c])))
			{
				char	   *body;

				if (pc_upsert_count(u) == 0)
				{
					it->outcome = ITEM_DEAD;
					strlcpy(it->error, "a vector and its metadata exceed Pinecone's request size", sizeof(it->error));
					break;
				}
				body = pc_upsert_body(u);
				pinecone_send(ctx, key, "/vectors/upsert", body, pc_upsert_count(u), items, idx, k,
							  "Pinecone upsert");
				free(body);
				pc_upsert_free(u);
				u = pc_upsert_new(amprenta_pinecone_namespace);
				/* The current item's earlier chunks went in that batch: keep it listed. */
				idx[0] = i;
				k = listed ? 1 : 0;
			}
			if (it->outcome == ITEM_DEAD)
				break;
			if (!listed)
			{
				idx[k++] = i;
				listed = true;
			}
		}
	}
	if (pc_upsert_count(u) > 0)
	{
		char	   *body = pc_upsert_body(u);

		if (async)
			started = pinecone_send_async(ctx, key, body, pc_upsert_count(u), items, n, idx, k);
		else
		{
			pinecone_send(ctx, key, "/vectors/upsert", body, pc_upsert_count(u), items, idx, k,
						  "Pinecone upsert");
			free(body);
		}
	}
	pc_upsert_free(u);
	return started;
}

/* Whether pinecone_delete_surplus will have ids to delete. */
static bool
needs_delete(SyncItem *items, int n)
{
	for (int i = 0; i < n; i++)
	{
		SyncItem   *it = &items[i];
		IndexData  *d = it->sink_data;

		if (it->outcome == ITEM_PENDING && !d->unchanged &&
			((it->is_delete || !it->exists) ? 0 : d->nchunks) < it->ref_chunk_count)
			return true;
	}
	return false;
}

/* Delete the ids entities no longer have: surplus chunks, deleted entities. */
static void
pinecone_delete_surplus(SyncContext *ctx, const char *key, SyncItem *items, int n)
{
	for (int i = 0; i < n; i++)
	{
		SyncItem   *it = &items[i];
		IndexData  *d = it->sink_data;
		int			keep = (it->is_delete || !it->exists) ? 0 : d->nchunks;
		int			from = keep;

		if (it->outcome != ITEM_PENDING || d->unchanged)
			continue;
		while (from < it->ref_chunk_count)
		{
			int			cnt = Min(it->ref_chunk_count - from, 1000);
			char	  **ids = palloc(sizeof(char *) * cnt);
			char	   *body;

			for (int c = 0; c < cnt; c++)
				ids[c] = psprintf("%s:%s:%d", it->entity_type, it->entity_id_str, from + c);
			body = pc_delete_ids_body((const char *const *) ids, cnt, amprenta_pinecone_namespace);
			pinecone_send(ctx, key, "/vectors/delete", body, 0, items, &i, 1, "Pinecone delete");
			free(body);
			from += cnt;
		}
	}
}

static void
index_deliver(SyncContext *ctx, SyncItem *items, int n)
{
	volatile int total = 0;
	ResourceOwner save;
	int			dim = amprenta_embedding_dimension;

	/* sink_data was made by index_prepare, with the stored embeddings */
	read_narratives(ctx, items, n);
	save = CurrentResourceOwner;
	CurrentResourceOwner = hashing_owner();
	PG_TRY();
	{
		effective_hashes(items, n);
		total = cut_chunks(items, n);
	}
	PG_FINALLY();
	{
		CurrentResourceOwner = save;
	}
	PG_END_TRY();

	/* Embed. */
	if (total > 0)
	{
		if (amprenta_embedding_provider == EMBEDDING_LOCAL)
		{
			for (int i = 0; i < n; i++)
			{
				IndexData  *d = items[i].sink_data;

				for (int c = 0; c < d->nchunks; c++)
					if (!d->reused[c])
						embed_text(d->text[c], strlen(d->text[c]), dim, d->vectors + (size_t) c * dim, NULL);
				CHECK_FOR_INTERRUPTS();
			}
		}
		else if (!embed_remote(ctx, items, n, total))
			return;
	}

	/*
	 * Mirror to Pinecone.  When nothing needs deleting, the last upsert is
	 * left running: the worker records the batch before and claims the
	 * next one while Pinecone works, and this batch is concluded when its
	 * answer is settled (sync_worker.c).  Deletes come after the upserts
	 * and only for items whose upserts succeeded, so a batch with deletes
	 * is delivered in full here.
	 */
	if (pinecone_configured())
	{
		const char *key = pinecone_key(ctx, items, n);

		if (key == NULL || !pinecone_data_url(ctx, key, items, n))
			return;
		if (pinecone_upsert(ctx, key, items, n, !needs_delete(items, n)))
			return;
		pinecone_delete_surplus(ctx, key, items, n);
	}
	index_conclude(items, n);
}

/* Every item still undecided was delivered: what to record for it. */
static void
index_conclude(SyncItem *items, int n)
{
	for (int i = 0; i < n; i++)
	{
		SyncItem   *it = &items[i];
		IndexData  *d = it->sink_data;

		if (it->outcome != ITEM_PENDING)
			continue;
		it->outcome = ITEM_DONE;
		if (it->is_delete || !it->exists)
			it->drop_ref = true;
		else if (!d->unchanged)
		{
			it->write_ref = true;
			it->new_owned = true;
			it->new_chunk_count = d->nchunks;
			it->new_external_id = psprintf("%s:%s", it->entity_type, it->entity_id_str);
		}
	}
}

/*
 * Write the local index: the chunks of what was delivered replace those
 * of the same entities (chunk_store.c).
 */
static void
index_record(SyncContext *ctx, SyncItem *items, int n)
{
	int			dim = amprenta_embedding_dimension;
	const char *model = embedding_model_name();
	const char **types = palloc(sizeof(char *) * Max(n, 1));
	pg_uuid_t  *ids = palloc(sizeof(pg_uuid_t) * Max(n, 1));
	int			total = 0,
				m = 0;
	ChunkStore *cs;

	for (int i = 0; i < n; i++)
	{
		SyncItem   *it = &items[i];
		IndexData  *d = it->sink_data;

		if (it->outcome != ITEM_DONE || d->unchanged)
			continue;
		types[m] = it->entity_type;
		ids[m] = it->entity_id;
		m++;
		if (it->write_ref)
			total += d->nchunks;
	}
	if (m == 0)
		return;
	chunk_store_delete(types, ids, m);
	if (total == 0)
		return;

	cs = chunk_store_begin(total);
	for (int i = 0; i < n; i++)
	{
		SyncItem   *it = &items[i];
		IndexData  *d = it->sink_data;

		if (it->outcome != ITEM_DONE || d->unchanged || !it->write_ref)
			continue;
		for (int c = 0; c < d->nchunks; c++)
			chunk_store_add(cs, it->entity_type, &it->entity_id, c, d->text[c], d->sha[c],
							&d->vectors[(size_t) c * dim], dim, model);
	}
	chunk_store_end(cs);
}

const SinkOps sink_index_ops = {
	.sink = SYNC_SINK_PINECONE,
	.batch_limit = index_batch_limit,
	.prepare = index_prepare,
	.deliver = index_deliver,
	.record = index_record,
};
