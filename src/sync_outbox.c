/*
 * sync_outbox.c - the worker's side of amprenta.sync_outbox: claim, read,
 * record, reclaim.
 *
 * A claim leases a batch of rows (one sync_leases row, committed at once)
 * so that a worker that dies leaves them to be taken again when the lease
 * expires: at-least-once delivery, made exactly-once at the sinks by
 * idempotent calls.  Every statement is planned per batch (see
 * prepare_batch).
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "bulk_insert.h"
#include "ingest_store.h"
#include "sync_worker.h"

MemoryContext sync_round_context = NULL;

/* Plans of the current call only (freed with the SPI connection). */
static SPIPlanPtr claim_plan;
static SPIPlanPtr docs_plan;
static SPIPlanPtr record_plan;
static SPIPlanPtr refs_plan;
static SPIPlanPtr drop_refs_plan;
static SPIPlanPtr reclaim_plan;
static SPIPlanPtr due_plan;
static SPIPlanPtr expand_plan;

/*
 * Plans are made afresh for each batch, on purpose.  The queue, sync_refs
 * and chunks go from empty to tens of thousands of rows within minutes,
 * faster than autovacuum's ANALYZE follows: a plan kept from the first
 * round (made when they looked empty) scanned a whole table per row later.
 * A fresh plan sees the tables' current size; its cost is one planning per
 * batch of hundreds of rows.
 */
static SPIPlanPtr
prepare_batch(SPIPlanPtr *plan, const char *sql, int nargs, Oid *argtypes)
{
	SPIPlanPtr	p = SPI_prepare(sql, nargs, argtypes);

	if (p == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql, SPI_result_code_string(SPI_result));
	*plan = p;
	return p;
}

/*
 * Lease up to `limit` due rows of a sink (amprenta._sync_claim) and copy
 * them into the round's memory.
 */
int
outbox_claim(int sink, int limit, SyncItem **itemsp)
{
	Oid			argtypes[3] = {TEXTOID, INT4OID, INT4OID};
	Datum		args[3];
	SyncItem   *items;
	uint64		n;

	prepare_batch(&claim_plan,
				  "SELECT id, op, entity_type, entity_id::text, attempts, version, lease_id"
				  "  FROM amprenta._sync_claim($1, $2, $3)",
				  3, argtypes);
	args[0] = CStringGetTextDatum(sync_sink_name(sink));
	args[1] = Int32GetDatum(limit);
	args[2] = Int32GetDatum(amprenta_lease_timeout_s);
	if (SPI_execute_plan(claim_plan, args, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "claiming sync_outbox rows failed");

	n = SPI_processed;
	items = MemoryContextAllocZero(sync_round_context, sizeof(SyncItem) * Max(n, 1));
	for (uint64 i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		SyncItem   *it = &items[i];
		char	   *s;

		it->id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		it->is_delete = strcmp(SPI_getvalue(tup, desc, 2), "delete") == 0;
		strlcpy(it->entity_type, SPI_getvalue(tup, desc, 3), sizeof(it->entity_type));
		s = SPI_getvalue(tup, desc, 4);
		strlcpy(it->entity_id_str, s, sizeof(it->entity_id_str));
		it->entity_id = *DatumGetUUIDP(DirectFunctionCall1(uuid_in, CStringGetDatum(s)));
		/* the attempts spent before, and this one */
		it->attempts = DatumGetInt32(SPI_getbinval(tup, desc, 5, &isnull)) + 1;
		it->version = DatumGetTransactionId(SPI_getbinval(tup, desc, 6, &isnull));
		it->lease_id = DatumGetInt64(SPI_getbinval(tup, desc, 7, &isnull));
	}
	*itemsp = items;
	return (int) n;
}

/* The UTF-8 bytes of s (s itself in a UTF-8 database). */
static void
hash_utf8(pg_cryptohash_ctx *h, const char *s)
{
	const char *u = s ? pg_server_to_any(s, strlen(s), PG_UTF8) : "";

	if (pg_cryptohash_update(h, (const uint8 *) u, strlen(u)) < 0)
		elog(ERROR, "could not compute SHA-256: %s", pg_cryptohash_error(h));
}

/*
 * The content hash of a document: SHA-256 of its title, body and
 * properties (JSON text) in UTF-8, separated by a 0x01 byte, a missing one
 * taken as empty (what sync_refs.content_sha256 holds for it).  The
 * semantic index reads no properties: its hash has the linked Notion page
 * in their place, the one other thing its vectors carry (in metadata), so
 * an edit of a column that is not in the text sends nothing again.
 */
static void
document_hash(SyncItem *it, bool with_properties)
{
	pg_cryptohash_ctx *h = pg_cryptohash_create(PG_SHA256);

	if (h == NULL || pg_cryptohash_init(h) < 0)
		elog(ERROR, "could not compute SHA-256: %s", pg_cryptohash_error(h));
	hash_utf8(h, it->title);
	hash_utf8(h, "\001");
	hash_utf8(h, it->body);
	hash_utf8(h, "\001");
	hash_utf8(h, with_properties ? it->properties : it->user_page_id);
	if (pg_cryptohash_final(h, it->content_hash, 32) < 0)
		elog(ERROR, "could not compute SHA-256: %s", pg_cryptohash_error(h));
	pg_cryptohash_free(h);
}

/* SPI_getvalue allocates in the current context: the round's, here. */
static char *
copy_text(HeapTuple tup, TupleDesc desc, int col)
{
	return SPI_getvalue(tup, desc, col);
}

/*
 * Probes of sync_refs' primary key (sink, entity_type, entity_id), one
 * entity at a time.  Lookups rather than a statement: as a join the
 * planner read all of the sink's rows once per batch (a hash join), which
 * made a drain quadratic in the number of entities; as lookups in SQL it
 * went through the (sink, external_id) index when statistics were stale.
 */
typedef struct RefReader
{
	Relation	rel;
	Relation	pkey;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	AttrNumber	att_ext,
				att_sha,
				att_chunks,
				att_owned;
} RefReader;

static AttrNumber
ref_attnum(Relation rel, const char *column)
{
	return (AttrNumber) store_attnum(rel, column) + 1;
}

static RefReader *
ref_reader_open(void)
{
	RefReader  *rr = palloc0(sizeof(RefReader));
	Oid			relid = get_relname_relid("sync_refs", get_namespace_oid("amprenta", false));
	Oid			pkey;
	int2vector *keys;

	if (!OidIsValid(relid))
		elog(ERROR, "amprenta.sync_refs does not exist");
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for table sync_refs")));
	rr->rel = table_open(relid, AccessShareLock);
	pkey = RelationGetPrimaryKeyIndex(rr->rel);
	if (!OidIsValid(pkey))
		elog(ERROR, "amprenta.sync_refs has no primary key");
	rr->pkey = index_open(pkey, AccessShareLock);
	keys = &rr->pkey->rd_index->indkey;
	if (rr->pkey->rd_index->indnkeyatts != 3 ||
		keys->values[0] != ref_attnum(rr->rel, "sink") ||
		keys->values[1] != ref_attnum(rr->rel, "entity_type") ||
		keys->values[2] != ref_attnum(rr->rel, "entity_id"))
		elog(ERROR, "the primary key of amprenta.sync_refs is not (sink, entity_type, entity_id)");
	rr->att_ext = ref_attnum(rr->rel, "external_id");
	rr->att_sha = ref_attnum(rr->rel, "content_sha256");
	rr->att_chunks = ref_attnum(rr->rel, "chunk_count");
	rr->att_owned = ref_attnum(rr->rel, "owned");
	rr->slot = table_slot_create(rr->rel, NULL);
#if PG_VERSION_NUM >= 180000
	rr->scan = index_beginscan(rr->rel, rr->pkey, GetActiveSnapshot(), NULL, 3, 0);
#else
	rr->scan = index_beginscan(rr->rel, rr->pkey, GetActiveSnapshot(), 3, 0);
#endif
	return rr;
}

/* The entity's row for the sink, in rr->slot; false if it has none. */
static bool
ref_probe(RefReader *rr, Datum sink, const SyncItem *it)
{
	ScanKeyData keys[3];
	Oid		   *coll = rr->pkey->rd_indcollation;

	ScanKeyEntryInitialize(&keys[0], 0, 1, BTEqualStrategyNumber, InvalidOid, coll[0],
						   F_TEXTEQ, sink);
	ScanKeyEntryInitialize(&keys[1], 0, 2, BTEqualStrategyNumber, InvalidOid, coll[1],
						   F_TEXTEQ, CStringGetTextDatum(it->entity_type));
	ScanKeyEntryInitialize(&keys[2], 0, 3, BTEqualStrategyNumber, InvalidOid, coll[2],
						   F_UUID_EQ, UUIDPGetDatum(&it->entity_id));
	index_rescan(rr->scan, keys, 3, NULL, 0);
	return index_getnext_slot(rr->scan, ForwardScanDirection, rr->slot);
}

static void
ref_reader_close(RefReader *rr)
{
	index_endscan(rr->scan);
	ExecDropSingleTupleTableSlot(rr->slot);
	index_close(rr->pkey, AccessShareLock);
	table_close(rr->rel, AccessShareLock);
}

/*
 * What the sink holds of each item (external id, content hash, chunk
 * count, ownership), and, for an entity linked to a Notion page, whether
 * the Notion sink made that page (then it is ours, not the user's).  Under
 * a snapshot taken now, after the claim, as for the documents.
 */
static void
read_refs(int sink, SyncItem *items, int n)
{
	RefReader  *rr;
	Datum		sinkname = CStringGetTextDatum(sync_sink_name(sink));
	Datum		notion = CStringGetTextDatum("notion");
	MemoryContext outer = sync_round_context;

	PushActiveSnapshot(GetTransactionSnapshot());
	rr = ref_reader_open();
	for (int i = 0; i < n; i++)
	{
		SyncItem   *it = &items[i];
		bool		isnull;
		Datum		v;

		CHECK_FOR_INTERRUPTS();
		it->ref_external_id = NULL;
		it->has_ref = false;
		it->ref_chunk_count = 0;
		it->ref_owned = true;
		it->has_ref_hash = false;
		it->page_is_ours = false;
		if (ref_probe(rr, sinkname, it))
		{
			MemoryContext old = MemoryContextSwitchTo(outer);

			it->has_ref = true;
			v = slot_getattr(rr->slot, rr->att_ext, &isnull);
			if (!isnull)
				it->ref_external_id = TextDatumGetCString(v);
			v = slot_getattr(rr->slot, rr->att_sha, &isnull);
			if (!isnull && VARSIZE_ANY_EXHDR(DatumGetByteaPP(v)) == 32)
			{
				memcpy(it->ref_hash, VARDATA_ANY(DatumGetByteaPP(v)), 32);
				it->has_ref_hash = true;
			}
			v = slot_getattr(rr->slot, rr->att_chunks, &isnull);
			it->ref_chunk_count = isnull ? 0 : DatumGetInt32(v);
			v = slot_getattr(rr->slot, rr->att_owned, &isnull);
			it->ref_owned = isnull ? true : DatumGetBool(v);
			MemoryContextSwitchTo(old);
		}
		if (it->user_page_id != NULL && ref_probe(rr, notion, it))
		{
			bool		owned = DatumGetBool(slot_getattr(rr->slot, rr->att_owned, &isnull));

			v = slot_getattr(rr->slot, rr->att_ext, &isnull);
			it->page_is_ours = owned && !isnull &&
				strcmp(TextDatumGetCString(v), it->user_page_id) == 0;
		}
	}
	ref_reader_close(rr);
	PopActiveSnapshot();
}

/*
 * The documents of the claimed entities and what the sink holds of them.
 * Documents come from one _sync_documents call per entity type in the
 * batch (set-based: a call per entity cost as much as embedding it), and
 * are matched to the items here; then sync_refs is probed per item
 * (read_refs).  Runs in the claim transaction; what the delivery needs is
 * copied into the round's memory context, which outlives the
 * transaction.
 */
void
outbox_read_documents(int sink, SyncItem *items, int n)
{
	Oid			doctypes[3] = {TEXTOID, UUIDARRAYOID, BOOLOID};
	bool		with_properties = sink == SYNC_SINK_NOTION;
	Datum		args[3];
	MemoryContext outer = sync_round_context;
	bool	   *done = palloc0(sizeof(bool) * Max(n, 1));
	HASHCTL		hctl;
	HTAB	   *byid;

	if (n == 0)
		return;

	/* Documents, per entity type. */
	memset(&hctl, 0, sizeof(hctl));
	hctl.keysize = sizeof(pg_uuid_t);
	hctl.entrysize = sizeof(pg_uuid_t) + sizeof(int);
	hctl.hcxt = CurrentMemoryContext;
	prepare_batch(&docs_plan,
				  "SELECT x.entity_id, x.title, x.body, x.properties::text, x.notion_page_id"
				  "  FROM amprenta._sync_documents($1, $2, $3) x",
				  3, doctypes);
	for (int first = 0; first < n; first++)
	{
		const char *etype = items[first].entity_type;
		Datum	   *ids = palloc(sizeof(Datum) * n);
		int			k = 0;

		if (done[first])
			continue;
		/* uuids are matched within one type: a table of their own */
		byid = hash_create("amprenta sync documents", n, &hctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		for (int i = first; i < n; i++)
		{
			bool		found;
			char	   *e;

			if (done[i] || strcmp(items[i].entity_type, etype) != 0)
				continue;
			done[i] = true;
			e = hash_search(byid, &items[i].entity_id, HASH_ENTER, &found);
			if (found)
				continue;		/* one queue row per entity: not expected */
			*(int *) (e + sizeof(pg_uuid_t)) = i;
			ids[k++] = UUIDPGetDatum(&items[i].entity_id);
		}
		args[0] = CStringGetTextDatum(etype);
		args[1] = PointerGetDatum(construct_array(ids, k, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
		args[2] = BoolGetDatum(with_properties);

		/*
		 * Not read-only: a snapshot taken now, after the claim.  The
		 * transaction's first snapshot may predate the commit that queued
		 * a claimed row, and would show the entity as it was before that
		 * change.
		 */
		if (SPI_execute_plan(docs_plan, args, NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "reading sync documents failed");
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;
			Datum		v = SPI_getbinval(tup, desc, 1, &isnull);
			char	   *e;
			SyncItem   *it;
			MemoryContext old;

			if (isnull || (e = hash_search(byid, DatumGetPointer(v), HASH_FIND, NULL)) == NULL)
				continue;
			it = &items[*(int *) (e + sizeof(pg_uuid_t))];
			old = MemoryContextSwitchTo(outer);
			it->exists = true;
			it->title = copy_text(tup, desc, 2);
			it->body = copy_text(tup, desc, 3);
			it->properties = copy_text(tup, desc, 4);
			it->user_page_id = copy_text(tup, desc, 5);
			MemoryContextSwitchTo(old);
			document_hash(it, with_properties);
		}
		SPI_freetuptable(SPI_tuptable);
		hash_destroy(byid);
	}

	/* What the sink holds; for the index, whether the Notion sink made the page. */
	read_refs(sink, items, n);
}

static Datum
bytea_datum(const uint8 *p, int len)
{
	bytea	   *b = palloc(VARHDRSZ + len);

	SET_VARSIZE(b, VARHDRSZ + len);
	memcpy(VARDATA(b), p, len);
	return PointerGetDatum(b);
}

/* sync_refs rows of entities the sink had none for, written in bulk. */
typedef struct RefStore
{
	BulkInsert *rows;
	Datum		sink;
	Datum		now;
	int			att_sink,
				att_type,
				att_id,
				att_ext,
				att_sha,
				att_chunks,
				att_owned,
				att_synced,
				att_created,
				att_updated;
} RefStore;

/*
 * The CHECK constraints hold by construction: a known sink and entity
 * type, a 32-byte hash, a chunk count from the delivery; sync_refs has no
 * trigger on insert and no foreign key.
 */
static RefStore *
ref_store_begin(const char *sink, int capacity)
{
	RefStore   *rs = palloc0(sizeof(RefStore));

	rs->rows = bulk_insert_begin("sync_refs", capacity, NULL);
	rs->sink = CStringGetTextDatum(sink);
	rs->now = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	rs->att_sink = bulk_insert_attnum(rs->rows, "sink");
	rs->att_type = bulk_insert_attnum(rs->rows, "entity_type");
	rs->att_id = bulk_insert_attnum(rs->rows, "entity_id");
	rs->att_ext = bulk_insert_attnum(rs->rows, "external_id");
	rs->att_sha = bulk_insert_attnum(rs->rows, "content_sha256");
	rs->att_chunks = bulk_insert_attnum(rs->rows, "chunk_count");
	rs->att_owned = bulk_insert_attnum(rs->rows, "owned");
	rs->att_synced = bulk_insert_attnum(rs->rows, "synced_at");
	rs->att_created = bulk_insert_attnum(rs->rows, "created_at");
	rs->att_updated = bulk_insert_attnum(rs->rows, "updated_at");
	return rs;
}

static void
ref_store_add(RefStore *rs, const SyncItem *it)
{
	TupleTableSlot *slot = bulk_insert_row(rs->rows);
	Datum	   *v = slot->tts_values;
	bool	   *nulls = slot->tts_isnull;

	v[rs->att_sink] = rs->sink;
	v[rs->att_type] = CStringGetTextDatum(it->entity_type);
	v[rs->att_id] = UUIDPGetDatum(&it->entity_id);
	if (it->new_external_id != NULL)
	{
		v[rs->att_ext] = CStringGetTextDatum(it->new_external_id);
		nulls[rs->att_ext] = false;
	}
	v[rs->att_sha] = bytea_datum(it->content_hash, 32);
	v[rs->att_chunks] = Int32GetDatum(it->new_chunk_count);
	v[rs->att_owned] = BoolGetDatum(it->new_owned);
	v[rs->att_synced] = v[rs->att_created] = v[rs->att_updated] = rs->now;
	nulls[rs->att_sink] = nulls[rs->att_type] = nulls[rs->att_id] = false;
	nulls[rs->att_sha] = nulls[rs->att_chunks] = nulls[rs->att_owned] = false;
	nulls[rs->att_synced] = nulls[rs->att_created] = nulls[rs->att_updated] = false;
}

static void
ref_store_end(RefStore *rs)
{
	bulk_insert_end(rs->rows);
}

/*
 * Record the outcome of a round: sync_refs and page ids for what was
 * delivered, then the queue rows (delete, retry later, or dead) and the
 * end of the batch's lease.
 */
void
outbox_record(int sink, SyncItem *items, int n, SyncContext *ctx)
{
	Oid			rtypes[8] = {INT8ARRAYOID, TEXTARRAYOID, INT8ARRAYOID, TEXTARRAYOID, INT4ARRAYOID,
	XIDARRAYOID, INT4ARRAYOID, INT8ARRAYOID};
	Datum		rargs[8];
	Datum	   *ids = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *outcomes = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *delays = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *errors = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *errnulls = palloc(sizeof(bool) * Max(n, 1));
	Datum	   *statuses = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *stnulls = palloc(sizeof(bool) * Max(n, 1));
	Datum	   *versions = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *attempts = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *leases = palloc(sizeof(Datum) * Max(n, 1));
	int			nleases = 0;
	int			dims[1] = {n};
	int			lbs[1] = {1};
	const char *sinkname = sync_sink_name(sink);

	/* sync_refs first, one statement each way: what the sink now holds. */
	{
		Datum	   *et = palloc(sizeof(Datum) * Max(n, 1));
		Datum	   *eid = palloc(sizeof(Datum) * Max(n, 1));
		Datum	   *ext = palloc(sizeof(Datum) * Max(n, 1));
		bool	   *extnull = palloc(sizeof(bool) * Max(n, 1));
		Datum	   *sha = palloc(sizeof(Datum) * Max(n, 1));
		Datum	   *chunks = palloc(sizeof(Datum) * Max(n, 1));
		Datum	   *setpage = palloc(sizeof(Datum) * Max(n, 1));
		Datum	   *owned = palloc(sizeof(Datum) * Max(n, 1));
		Datum	   *upsert = palloc(sizeof(Datum) * Max(n, 1));
		Datum	   *replaces = palloc(sizeof(Datum) * Max(n, 1));
		bool	   *repnull = palloc(sizeof(bool) * Max(n, 1));
		Datum	   *det = palloc(sizeof(Datum) * Max(n, 1));
		Datum	   *deid = palloc(sizeof(Datum) * Max(n, 1));
		int			w = 0,
					d = 0,
					nnew = 0;
		bool		any_sql = false;
		RefStore   *fresh = NULL;

		/*
		 * Entities the sink had no row for (as the prepare step read) get
		 * theirs in bulk, the others through INSERT ... ON CONFLICT.  A row
		 * for one cannot appear meanwhile (the entity's queue row is
		 * leased); if an administrator wrote one, the unique index stops
		 * the record and the batch is delivered again when its lease ends.
		 */
		for (int i = 0; i < n; i++)
			if (items[i].outcome == ITEM_DONE && items[i].write_ref && !items[i].has_ref)
				nnew++;
		if (nnew > 0)
			fresh = ref_store_begin(sinkname, nnew);
		for (int i = 0; i < n; i++)
		{
			SyncItem   *it = &items[i];

			if (it->outcome != ITEM_DONE)
				continue;
			if (it->write_ref)
			{
				/*
				 * The page id goes to the row only when the row does not
				 * already hold it (every update of a page the sink made
				 * would otherwise run a no-op UPDATE of the entity).
				 */
				bool		set_page = it->write_page_id && it->new_external_id != NULL &&
					(it->user_page_id == NULL || strcmp(it->user_page_id, it->new_external_id) != 0);

				if (!it->has_ref)
					ref_store_add(fresh, it);
				upsert[w] = BoolGetDatum(it->has_ref);
				any_sql |= it->has_ref || set_page;
				et[w] = CStringGetTextDatum(it->entity_type);
				eid[w] = UUIDPGetDatum(&it->entity_id);
				extnull[w] = it->new_external_id == NULL;
				ext[w] = extnull[w] ? (Datum) 0 : CStringGetTextDatum(it->new_external_id);
				sha[w] = bytea_datum(it->content_hash, 32);
				chunks[w] = Int32GetDatum(it->new_chunk_count);
				setpage[w] = BoolGetDatum(set_page);
				owned[w] = BoolGetDatum(it->new_owned);

				/*
				 * A new page in place of one the sink had made (gone from
				 * Notion): the row's id moves from the old one to it.
				 */
				repnull[w] = !(set_page && it->ref_owned && it->ref_external_id != NULL &&
							   strcmp(it->ref_external_id, it->new_external_id) != 0);
				replaces[w] = repnull[w] ? (Datum) 0 : CStringGetTextDatum(it->ref_external_id);
				w++;
			}
			else if (it->drop_ref)
			{
				det[d] = CStringGetTextDatum(it->entity_type);
				deid[d] = UUIDPGetDatum(&it->entity_id);
				d++;
			}
		}
		if (fresh)
			ref_store_end(fresh);
		if (any_sql)
		{
			Oid			t[10] = {TEXTARRAYOID, UUIDARRAYOID, TEXTARRAYOID, BYTEAARRAYOID, INT4ARRAYOID,
			BOOLARRAYOID, TEXTOID, BOOLARRAYOID, BOOLARRAYOID, TEXTARRAYOID};
			Datum		a[10];
			int			wd[1] = {w};
			int			wl[1] = {1};

			prepare_batch(&refs_plan,
						  "WITH r AS (SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::bytea[],"
						  "                                $5::int[], $6::bool[], $8::bool[], $9::bool[], $10::text[])"
						  "             AS r (entity_type, entity_id, external_id, sha, chunks, set_page, owned, upsert,"
						  "                   replaces)),"
						  " ref AS ("
						  "  INSERT INTO amprenta.sync_refs AS x (sink, entity_type, entity_id, external_id,"
						  "         content_sha256, chunk_count, owned, synced_at)"
						  "  SELECT $7, entity_type, entity_id, external_id, sha, chunks, owned, now() FROM r WHERE upsert"
						  "  ON CONFLICT (sink, entity_type, entity_id) DO UPDATE"
						  "    SET external_id = EXCLUDED.external_id, content_sha256 = EXCLUDED.content_sha256,"
						  "        chunk_count = EXCLUDED.chunk_count, owned = EXCLUDED.owned, synced_at = now())"
						  " SELECT amprenta._sync_set_page_id(entity_type, entity_id, external_id, replaces)"
						  "   FROM r WHERE set_page",
						  10, t);
			a[0] = PointerGetDatum(construct_array(et, w, TEXTOID, -1, false, TYPALIGN_INT));
			a[1] = PointerGetDatum(construct_array(eid, w, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
			a[2] = PointerGetDatum(construct_md_array(ext, extnull, 1, wd, wl, TEXTOID, -1, false, TYPALIGN_INT));
			a[3] = PointerGetDatum(construct_array(sha, w, BYTEAOID, -1, false, TYPALIGN_INT));
			a[4] = PointerGetDatum(construct_array(chunks, w, INT4OID, 4, true, TYPALIGN_INT));
			a[5] = PointerGetDatum(construct_array(setpage, w, BOOLOID, 1, true, TYPALIGN_CHAR));
			a[6] = CStringGetTextDatum(sinkname);
			a[7] = PointerGetDatum(construct_array(owned, w, BOOLOID, 1, true, TYPALIGN_CHAR));
			a[8] = PointerGetDatum(construct_array(upsert, w, BOOLOID, 1, true, TYPALIGN_CHAR));
			a[9] = PointerGetDatum(construct_md_array(replaces, repnull, 1, wd, wl, TEXTOID, -1, false, TYPALIGN_INT));
			if (SPI_execute_plan(refs_plan, a, NULL, false, 0) != SPI_OK_SELECT)
				elog(ERROR, "recording sync_refs failed");
		}
		if (d > 0)
		{
			Oid			t[3] = {TEXTARRAYOID, UUIDARRAYOID, TEXTOID};
			Datum		a[3];

			prepare_batch(&drop_refs_plan,
						  "DELETE FROM amprenta.sync_refs x USING unnest($1::text[], $2::uuid[]) AS r (entity_type, entity_id)"
						  " WHERE x.sink = $3 AND x.entity_type = r.entity_type AND x.entity_id = r.entity_id",
						  3, t);
			a[0] = PointerGetDatum(construct_array(det, d, TEXTOID, -1, false, TYPALIGN_INT));
			a[1] = PointerGetDatum(construct_array(deid, d, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
			a[2] = CStringGetTextDatum(sinkname);
			if (SPI_execute_plan(drop_refs_plan, a, NULL, false, 0) != SPI_OK_DELETE)
				elog(ERROR, "deleting sync_refs failed");
		}
	}

	for (int i = 0; i < n; i++)
	{
		SyncItem   *it = &items[i];
		const char *oc;
		int64		delay = 0;

		if (it->outcome == ITEM_PENDING)
		{
			it->outcome = ITEM_RETRY;
			if (it->error[0] == '\0')
				strlcpy(it->error, "delivery interrupted", sizeof(it->error));
		}
		if (it->outcome == ITEM_RETRY && it->attempts >= amprenta_max_attempts)
			it->outcome = ITEM_DEAD;
		switch (it->outcome)
		{
			case ITEM_DONE:
				oc = "done";
				ctx->slot->delivered++;
				break;
			case ITEM_RETRY:
				oc = "retry";
				delay = backoff_delay_ms(it->attempts, amprenta_retry_base_delay_ms,
										 amprenta_retry_max_delay_ms, &ctx->rng);
				ctx->slot->retried++;
				break;
			case ITEM_THROTTLED:
				/*
				 * Due at once: the pause lives in the worker (and ends early
				 * at a reload, when a new token may have been set); after a
				 * restart one request finds out whether it still holds.
				 */
				oc = "throttled";
				delay = 0;
				ctx->slot->throttled++;
				break;
			default:
				oc = "dead";
				ctx->slot->dead++;
				break;
		}
		ids[i] = Int64GetDatum(it->id);
		outcomes[i] = CStringGetTextDatum(oc);
		delays[i] = Int64GetDatum(delay);
		errors[i] = it->error[0] ? CStringGetTextDatum(it->error) : (Datum) 0;
		errnulls[i] = it->error[0] == '\0';
		statuses[i] = Int32GetDatum((int32) it->http_status);
		stnulls[i] = it->http_status == 0;
		versions[i] = TransactionIdGetDatum(it->version);
		attempts[i] = Int32GetDatum(it->attempts);
		/* one lease per batch: its rows come in a run */
		if (nleases == 0 || DatumGetInt64(leases[nleases - 1]) != it->lease_id)
			leases[nleases++] = Int64GetDatum(it->lease_id);
	}

	/*
	 * Delivered rows are deleted unless a newer change of the entity was
	 * queued into them meanwhile (their version moved on): those stay,
	 * due at once.  Failed rows back off or die; a failed row with a newer
	 * change starts afresh.  The batch's lease ends in the same statement.
	 */
	prepare_batch(&record_plan,
				  "WITH r AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[],"
				  "                                $5::int[], $6::xid[], $7::int[])"
				  "             AS r (id, outcome, delay_ms, err, status, version, attempts)),"
				  " done AS ("
				  "  DELETE FROM amprenta.sync_outbox o USING r"
				  "   WHERE o.id = r.id AND r.outcome = 'done' AND o.xmin = r.version),"
				  " lease AS ("
				  "  DELETE FROM amprenta.sync_leases l WHERE l.id = ANY ($8::bigint[]))"
				  " UPDATE amprenta.sync_outbox o"
				  "    SET state = CASE WHEN r.outcome = 'dead' AND o.xmin = r.version THEN 'dead' ELSE 'pending' END,"
				  "        attempts = CASE WHEN o.xmin <> r.version THEN 0"
				  "                        WHEN r.outcome = 'throttled' THEN o.attempts ELSE r.attempts END,"
				  "        next_attempt_at = CASE WHEN o.xmin <> r.version THEN now()"
				  "                               ELSE now() + r.delay_ms * interval '1 millisecond' END,"
				  "        last_error = coalesce(r.err, o.last_error), last_http_status = r.status"
				  "   FROM r"
				  "  WHERE o.id = r.id AND o.state = 'pending' AND r.outcome <> 'done'",
				  8, rtypes);
	rargs[0] = PointerGetDatum(construct_md_array(ids, NULL, 1, dims, lbs, INT8OID, 8, true, TYPALIGN_DOUBLE));
	rargs[1] = PointerGetDatum(construct_md_array(outcomes, NULL, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT));
	rargs[2] = PointerGetDatum(construct_md_array(delays, NULL, 1, dims, lbs, INT8OID, 8, true, TYPALIGN_DOUBLE));
	rargs[3] = PointerGetDatum(construct_md_array(errors, errnulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT));
	rargs[4] = PointerGetDatum(construct_md_array(statuses, stnulls, 1, dims, lbs, INT4OID, 4, true, TYPALIGN_INT));
	rargs[5] = PointerGetDatum(construct_md_array(versions, NULL, 1, dims, lbs, XIDOID, sizeof(TransactionId), true, TYPALIGN_INT));
	rargs[6] = PointerGetDatum(construct_md_array(attempts, NULL, 1, dims, lbs, INT4OID, 4, true, TYPALIGN_INT));
	rargs[7] = PointerGetDatum(construct_array(leases, nleases, INT8OID, 8, true, TYPALIGN_DOUBLE));
	if (SPI_execute_plan(record_plan, rargs, NULL, false, 0) < 0)
		elog(ERROR, "recording sync_outbox outcomes failed");
}

/*
 * Captured statements (sync_capture) become queue rows: in its own
 * transaction, so the rows are there for the claim that follows.
 */
int64
outbox_expand(void)
{
	bool		isnull;

	prepare_batch(&expand_plan, "SELECT amprenta._sync_expand(100)", 0, NULL);
	if (SPI_execute_plan(expand_plan, NULL, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "moving captured changes into sync_outbox failed");
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * Leases that expired (their worker died or hung) end; their rows are due
 * again, one attempt spent (amprenta._sync_reclaim).
 */
int64
outbox_reclaim(void)
{
	bool		isnull;

	prepare_batch(&reclaim_plan, "SELECT amprenta._sync_reclaim()", 0, NULL);
	if (SPI_execute_plan(reclaim_plan, NULL, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "reclaiming sync_outbox leases failed");
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * Milliseconds until the worker has something to do for a sink (-1:
 * nothing): a pending row falls due (one waiting behind a leased row of the
 * same entity does not count), or a lease expires (_sync_ms_until_due).
 */
int64
outbox_ms_until_due(int sink)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	bool		isnull;
	Datum		d;

	prepare_batch(&due_plan, "SELECT amprenta._sync_ms_until_due($1)", 1, argtypes);
	args[0] = CStringGetTextDatum(sync_sink_name(sink));
	if (SPI_execute_plan(due_plan, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading sync_outbox failed");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? -1 : DatumGetInt64(d);
}
