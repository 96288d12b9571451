/*
 * ingest_features.c - the features of an ingestion, resolved in bulk.
 *
 * A per-file cache maps (feature type, normalized name) to the feature id,
 * and tells the caller when a file names a feature twice.  Unresolved
 * entries are resolved a batch at a time:
 *
 *  1. one SELECT finds the features that exist.  They must not be deleted
 *     before this transaction commits rows that point at them: instead of
 *     locking each one (FOR KEY SHARE, as a foreign key check would, which
 *     writes every tuple), the ingestion holds an advisory lock in shared
 *     mode that DELETE and UPDATE OF id on features take exclusively
 *     (trigger features_guard).  Under REPEATABLE READ or SERIALIZABLE the
 *     snapshot predates the lock, so there the rows are locked one by one;
 *  2. the missing ones are created with table_multi_insert() and index
 *     insertion, with time-ordered ids (uuid7.c), inside a subtransaction;
 *  3. if another transaction created one of them meanwhile (a unique
 *     violation), the subtransaction is rolled back and the batch goes
 *     through INSERT ... ON CONFLICT DO NOTHING and a second lookup.
 *
 * Step 2 is what makes a first ingestion of many new features cheap: the
 * general INSERT ... ON CONFLICT path costs a speculative insertion per row.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/hio.h"
#include "access/nbtree.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "ingest_features.h"
#include "ingest_store.h"
#include "uuid7.h"

#define MAX_SLOTS 4096				/* the batch size of ingest_store.c */

/*
 * The per-file cache: open addressing over the entries' keys, each slot
 * keeping the key's hash, so a lookup rarely compares strings or follows
 * a pointer it does not need (a file of 200,000 names looks each one up
 * at least twice).
 */
typedef struct CacheSlot
{
	const char *key;			/* the entry's own key */
	FeatureEntry *entry;
	uint32		hash;
	char		status;			/* simplehash's */
} CacheSlot;

static inline uint32
key_hash(const char *key)
{
	return hash_bytes((const unsigned char *) key, (int) strlen(key));
}

#define SH_PREFIX fcache
#define SH_ELEMENT_TYPE CacheSlot
#define SH_KEY_TYPE const char *
#define SH_KEY key
#define SH_HASH_KEY(tb, k) key_hash(k)
#define SH_EQUAL(tb, a, b) (strcmp((a), (b)) == 0)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

struct FeatureStore
{
	fcache_hash *cache;
	MemoryContext ctx;
	Oid			relid;
	/* for the direct insertion, opened once per ingestion */
	Relation	rel;
	Oid			name_index;		/* UNIQUE (feature_type, normalized_name) */
	TupleTableSlot *probe_slot;
	EState	   *estate;
	ResultRelInfo *rri;
	BulkInsertState bistate;
	TupleTableSlot *slots[MAX_SLOTS];
	int			nslots;
	int			att_id,
				att_type,
				att_normalized,
				att_name,
				att_aliases,
				att_external_ids,
				att_created,
				att_updated;
	Oid			type_oid;		/* amprenta.feature_type */
	Datum		kind_datum[4];
	Datum		empty_aliases;	/* '{}'::text[] */
	Datum		empty_object;	/* '{}'::jsonb */
};

static const char *const kind_labels[4] = {"gene", "protein", "metabolite", "lipid"};

/* The advisory lock of features_guard (see the install script). */
#define FEATURES_LOCK_KEY1 1634562162
#define FEATURES_LOCK_KEY2 1

static SPIPlanPtr select_plan = NULL;
static SPIPlanPtr select_lock_plan = NULL;
static SPIPlanPtr upsert_plan = NULL;

/* The entry of key, NULL when the file has not named it. */
static inline FeatureEntry *
cache_find(FeatureStore *fs, const char *key)
{
	CacheSlot  *slot = fcache_lookup(fs->cache, key);

	return slot ? slot->entry : NULL;
}

FeatureStore *
features_begin(void)
{
	FeatureStore *fs = palloc0(sizeof(FeatureStore));
	Oid			nsp = get_namespace_oid("amprenta", false);

	fs->relid = get_relname_relid("features", nsp);
	fs->type_oid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
								   CStringGetDatum("feature_type"), ObjectIdGetDatum(nsp));
	if (!OidIsValid(fs->relid) || !OidIsValid(fs->type_oid))
		elog(ERROR, "the amprenta schema is incomplete");
	/* The direct insertion bypasses the executor's privilege check. */
	if (pg_class_aclcheck(fs->relid, GetUserId(), ACL_INSERT | ACL_SELECT) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for table features"),
				 errhint("Ingestion needs the privileges of amprenta_writer.")));
	for (int k = 0; k < 4; k++)
		fs->kind_datum[k] = DirectFunctionCall2(enum_in, CStringGetDatum(kind_labels[k]),
												ObjectIdGetDatum(fs->type_oid));
	fs->empty_aliases = PointerGetDatum(construct_empty_array(TEXTOID));
	fs->empty_object = DirectFunctionCall1(jsonb_in, CStringGetDatum("{}"));

	fs->ctx = AllocSetContextCreate(CurrentMemoryContext, "amprenta feature cache",
									ALLOCSET_DEFAULT_SIZES);

	/* Deleting features now waits for this transaction (see above). */
	DirectFunctionCall2(pg_advisory_xact_lock_shared_int4,
						Int32GetDatum(FEATURES_LOCK_KEY1), Int32GetDatum(FEATURES_LOCK_KEY2));

	fs->rel = table_open(fs->relid, RowExclusiveLock);
	fs->estate = CreateExecutorState();
	fs->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(fs->rri, fs->rel, 1, NULL, 0);
	ExecOpenIndices(fs->rri, false);
	fs->bistate = GetBulkInsertState();
	{
		fs->att_id = store_attnum(fs->rel, "id");
		fs->att_type = store_attnum(fs->rel, "feature_type");
		fs->att_normalized = store_attnum(fs->rel, "normalized_name");
		fs->att_name = store_attnum(fs->rel, "name");
		fs->att_aliases = store_attnum(fs->rel, "aliases");
		fs->att_external_ids = store_attnum(fs->rel, "external_ids");
		fs->att_created = store_attnum(fs->rel, "created_at");
		fs->att_updated = store_attnum(fs->rel, "updated_at");
	}
	fs->probe_slot = table_slot_create(fs->rel, NULL);
	{
		List	   *indexes = RelationGetIndexList(fs->rel);
		ListCell   *lc;

		fs->name_index = InvalidOid;
		foreach(lc, indexes)
		{
			Relation	idx = index_open(lfirst_oid(lc), AccessShareLock);

			if (idx->rd_index->indisunique && idx->rd_index->indnatts == 2 &&
				idx->rd_index->indkey.values[0] == fs->att_type + 1 &&
				idx->rd_index->indkey.values[1] == fs->att_normalized + 1)
				fs->name_index = RelationGetRelid(idx);
			index_close(idx, NoLock);
		}
		if (!OidIsValid(fs->name_index))
			elog(ERROR, "amprenta.features has no unique index on (feature_type, normalized_name)");
	}
	fs->cache = fcache_create(fs->ctx, 1024, NULL);
	return fs;
}

FeatureEntry *
features_entry(FeatureStore *fs, feature_kind kind, const char *normalized,
			   int32 line, bool *is_new)
{
	size_t		len = Min(strlen(normalized), NORM_OUT_MAX);
	char		keybuf[NORM_OUT_MAX + 2];
	CacheSlot  *slot;
	bool		found;

	keybuf[0] = (char) ('0' + (int) kind);
	memcpy(keybuf + 1, normalized, len);
	keybuf[len + 1] = '\0';
	slot = fcache_insert(fs->cache, keybuf, &found);
	if (!found)
	{
		/* One allocation for the entry and its key; the slot keeps the key. */
		FeatureEntry *entry = MemoryContextAlloc(fs->ctx, sizeof(FeatureEntry) + len + 2);

		entry->key = (char *) (entry + 1);
		memcpy(entry->key, keybuf, len + 2);
		entry->resolved = false;
		entry->first_line = line;
		slot->key = entry->key;
		slot->entry = entry;
	}
	*is_new = !found;
	return slot->entry;
}

static void
prepare_plans(void)
{
	if (select_plan == NULL)
	{
		Oid			types[2] = {TEXTOID, TEXTARRAYOID};
		const char *q = "SELECT f.id, f.normalized_name FROM amprenta.features f "
			" WHERE f.feature_type = $1::amprenta.feature_type AND f.normalized_name = ANY ($2)";
		SPIPlanPtr	p;

		/*
		 * Planned for each call: a generic plan made while the table was
		 * small would scan it whole once it has grown, and the array's
		 * size matters too.
		 */
		p = SPI_prepare_cursor(q, 2, types, CURSOR_OPT_CUSTOM_PLAN);
		if (p == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		SPI_keepplan(p);
		select_plan = p;
		p = SPI_prepare_cursor(psprintf("%s ORDER BY f.id FOR KEY SHARE OF f", q), 2, types,
							   CURSOR_OPT_CUSTOM_PLAN);
		if (p == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		SPI_keepplan(p);
		select_lock_plan = p;
	}
	if (upsert_plan == NULL)
	{
		Oid			types[3] = {TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID};
		SPIPlanPtr	p = SPI_prepare("INSERT INTO amprenta.features (feature_type, normalized_name, name) "
									"SELECT t::amprenta.feature_type, n, r "
									"  FROM unnest($1, $2, $3) AS u (t, n, r) ORDER BY 1, 2 "
									"ON CONFLICT (feature_type, normalized_name) DO NOTHING",
									3, types);

		if (p == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		SPI_keepplan(p);
		upsert_plan = p;
	}
}

/*
 * Look up entries[0..n) (and lock them under REPEATABLE READ); returns how
 * many were found.  One query per feature type present, each a single
 * btree scan with = ANY over the sorted names.
 */
static int
lookup_index(FeatureStore *fs, FeatureEntry **entries, int n);

static int
lookup(FeatureStore *fs, FeatureEntry **entries, int n)
{
	Datum	   *names;
	int			found = 0;

	if (!IsolationUsesXactSnapshot())
		return lookup_index(fs, entries, n);
	names = palloc(sizeof(Datum) * n);

	prepare_plans();
	for (int k = 0; k < 4; k++)
	{
		Datum		args[2];
		int			m = 0,
					rc;

		for (int i = 0; i < n; i++)
			if (entries[i]->key[0] - '0' == k)
				names[m++] = CStringGetTextDatum(entries[i]->key + 1);
		if (m == 0)
			continue;
		args[0] = CStringGetTextDatum(kind_labels[k]);
		args[1] = PointerGetDatum(construct_array(names, m, TEXTOID, -1, false, TYPALIGN_INT));
		rc = SPI_execute_plan(IsolationUsesXactSnapshot() ? select_lock_plan : select_plan,
							  args, NULL, false, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "looking up features failed: %s", SPI_result_code_string(rc));
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tup = SPI_tuptable->vals[i];
			bool		isnull;
			Datum		id = SPI_getbinval(tup, SPI_tuptable->tupdesc, 1, &isnull);
			text	   *name = DatumGetTextPP(SPI_getbinval(tup, SPI_tuptable->tupdesc, 2, &isnull));
			size_t		len = VARSIZE_ANY_EXHDR(name);
			char		keybuf[NORM_OUT_MAX + 2];
			FeatureEntry *e;

			if (len > NORM_OUT_MAX)
				continue;
			keybuf[0] = (char) ('0' + k);
			memcpy(keybuf + 1, VARDATA_ANY(name), len);
			keybuf[len + 1] = '\0';
			e = cache_find(fs, keybuf);
			if (e && !e->resolved)
			{
				memcpy(&e->id, DatumGetUUIDP(id), sizeof(pg_uuid_t));
				e->resolved = true;
				found++;
			}
		}
		SPI_freetuptable(SPI_tuptable);
	}
	return found;
}

static int
entry_key_order(const void *a, const void *b)
{
	return strcmp((*(FeatureEntry *const *) a)->key, (*(FeatureEntry *const *) b)->key);
}

/* Resolves e from the visible heap tuple the scan is positioned on, if any. */
static bool
take_visible(FeatureStore *fs, IndexScanDesc scan, FeatureEntry *e)
{
	bool		found = false;

	if (index_fetch_heap(scan, fs->probe_slot))
	{
		bool		isnull;
		Datum		id = slot_getattr(fs->probe_slot, fs->att_id + 1, &isnull);

		memcpy(&e->id, DatumGetUUIDP(id), sizeof(pg_uuid_t));
		e->resolved = true;
		found = true;
	}
	ExecClearTuple(fs->probe_slot);
	return found;
}

/* One probe of the unique index per name of sorted[0..n) still unresolved. */
static void
probe_names(FeatureStore *fs, Relation idx, Snapshot snap, FeatureEntry **sorted, int n)
{
	IndexScanDesc scan = index_beginscan(fs->rel, idx, snap, 2, 0);
	ScanKeyData keys[2];

	for (int i = 0; i < n; i++)
	{
		FeatureEntry *e = sorted[i];
		text	   *name;

		if (e->resolved)
			continue;
		name = cstring_to_text(e->key + 1);
		ScanKeyEntryInitialize(&keys[0], 0, 1, BTEqualStrategyNumber, InvalidOid,
							   idx->rd_indcollation[0], F_ENUM_EQ,
							   fs->kind_datum[e->key[0] - '0']);
		ScanKeyEntryInitialize(&keys[1], 0, 2, BTEqualStrategyNumber, InvalidOid,
							   idx->rd_indcollation[1], F_TEXTEQ, PointerGetDatum(name));
		index_rescan(scan, keys, 2, NULL, 0);
		while (index_getnext_tid(scan, ForwardScanDirection) != NULL)
			if (take_visible(fs, scan, e))
				break;
		pfree(name);
	}
	index_endscan(scan);
}

/*
 * Names of one feature type, sorted[0..n): when there are enough of them,
 * the index range from the smallest to the largest (in the index's order)
 * is read once and each entry looked up in the cache, instead of one
 * descent per name.  Stepping over an entry costs about a sixteenth of a
 * descent, so the walk goes on while it finds one of the file's names in
 * every sixteen entries or so; in a sparse stretch (a few names scattered
 * over a big table) it stops, and what it has not resolved is probed.
 */
#define RANGE_MIN_NAMES 32
#define RANGE_STEPS_PER_NAME 16

static void
range_names(FeatureStore *fs, Relation idx, Snapshot snap, FeatureEntry **sorted, int n)
{
	FmgrInfo   *cmp = index_getprocinfo(idx, 2, BTORDER_PROC);
	Oid			coll = idx->rd_indcollation[1];
	Datum		kind = fs->kind_datum[sorted[0]->key[0] - '0'];
	text	   *lo = cstring_to_text(sorted[0]->key + 1);
	text	   *hi = lo;
	IndexScanDesc scan;
	ScanKeyData keys[3];
	int64		walked = 0,
				matched = 0;
	bool		sparse = false;
	char		keybuf[NORM_OUT_MAX + 2];

	if (n < RANGE_MIN_NAMES)
	{
		probe_names(fs, idx, snap, sorted, n);
		return;
	}
	for (int i = 1; i < n; i++)
	{
		text	   *t = cstring_to_text(sorted[i]->key + 1);

		if (DatumGetInt32(FunctionCall2Coll(cmp, coll, PointerGetDatum(t), PointerGetDatum(lo))) < 0)
			lo = t;
		else if (DatumGetInt32(FunctionCall2Coll(cmp, coll, PointerGetDatum(t), PointerGetDatum(hi))) > 0)
			hi = t;
	}

	ScanKeyEntryInitialize(&keys[0], 0, 1, BTEqualStrategyNumber, InvalidOid,
						   idx->rd_indcollation[0], F_ENUM_EQ, kind);
	ScanKeyEntryInitialize(&keys[1], 0, 2, BTGreaterEqualStrategyNumber, InvalidOid,
						   coll, F_TEXT_GE, PointerGetDatum(lo));
	ScanKeyEntryInitialize(&keys[2], 0, 2, BTLessEqualStrategyNumber, InvalidOid,
						   coll, F_TEXT_LE, PointerGetDatum(hi));
	scan = index_beginscan(fs->rel, idx, snap, 3, 0);
	scan->xs_want_itup = true;
	index_rescan(scan, keys, 3, NULL, 0);
	keybuf[0] = sorted[0]->key[0];
	while (index_getnext_tid(scan, ForwardScanDirection) != NULL)
	{
		bool		isnull;
		Datum		d = index_getattr(scan->xs_itup, 2, scan->xs_itupdesc, &isnull);
		text	   *name;
		size_t		len;
		FeatureEntry *e;

		if (++walked > RANGE_STEPS_PER_NAME * (matched + 1) + 64)
		{
			sparse = true;		/* probe what is left */
			break;
		}
		if (isnull)
			continue;
		name = DatumGetTextPP(d);
		len = VARSIZE_ANY_EXHDR(name);
		if (len <= NORM_OUT_MAX)
		{
			memcpy(keybuf + 1, VARDATA_ANY(name), len);
			keybuf[len + 1] = '\0';
			e = cache_find(fs, keybuf);
			/* any unresolved entry of the file: it exists, whatever its batch */
			if (e && !e->resolved && take_visible(fs, scan, e))
				matched++;
		}
		if ((Pointer) name != DatumGetPointer(d))
			pfree(name);
		if ((walked & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	index_endscan(scan);
	if (sparse)
		probe_names(fs, idx, snap, sorted, n);
}

/*
 * The READ COMMITTED lookup, with a fresh snapshot (as a foreign key check
 * reads), straight on the unique index: no planner is involved, so the cost
 * does not depend on how far the table's statistics lag behind a bulk load.
 */
static int
lookup_index(FeatureStore *fs, FeatureEntry **entries, int n)
{
	Relation	idx = index_open(fs->name_index, AccessShareLock);
	Snapshot	snap = RegisterSnapshot(GetLatestSnapshot());
	FeatureEntry **sorted = palloc(sizeof(FeatureEntry *) * n);
	int			found = 0;

	memcpy(sorted, entries, sizeof(FeatureEntry *) * n);
	qsort(sorted, n, sizeof(FeatureEntry *), entry_key_order);
	for (int g = 0; g < n;)
	{
		int			end = g + 1;

		while (end < n && sorted[end]->key[0] == sorted[g]->key[0])
			end++;
		range_names(fs, idx, snap, sorted + g, end - g);
		g = end;
	}
	for (int i = 0; i < n; i++)
		found += entries[i]->resolved ? 1 : 0;
	UnregisterSnapshot(snap);
	index_close(idx, NoLock);
	pfree(sorted);
	return found;
}

/* Create the features of entries[0..n) with table_multi_insert(). */
static void
insert_direct(FeatureStore *fs, FeatureEntry **entries, const char *const *raw, int n)
{
	TupleDesc	desc = RelationGetDescr(fs->rel);
	pg_uuid_t  *ids = palloc(sizeof(pg_uuid_t) * n);
	Datum		now = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());

	Assert(n <= fs->nslots);
	uuid7_generate(ids, n);

	for (int i = 0; i < n; i++)
	{
		TupleTableSlot *slot = fs->slots[i];
		Datum	   *v = slot->tts_values;
		bool	   *isnull = slot->tts_isnull;

		ExecClearTuple(slot);
		for (int a = 0; a < desc->natts; a++)
			isnull[a] = true;	/* notion_page_id and dropped columns */
		v[fs->att_id] = UUIDPGetDatum(&ids[i]);
		v[fs->att_type] = fs->kind_datum[entries[i]->key[0] - '0'];
		v[fs->att_normalized] = CStringGetTextDatum(entries[i]->key + 1);
		v[fs->att_name] = CStringGetTextDatum(raw[i]);
		v[fs->att_aliases] = fs->empty_aliases;
		v[fs->att_external_ids] = fs->empty_object;
		v[fs->att_created] = now;
		v[fs->att_updated] = now;
		isnull[fs->att_id] = isnull[fs->att_type] = isnull[fs->att_normalized] = false;
		isnull[fs->att_name] = isnull[fs->att_aliases] = isnull[fs->att_external_ids] = false;
		isnull[fs->att_created] = isnull[fs->att_updated] = false;
		ExecStoreVirtualTuple(slot);
	}

	table_multi_insert(fs->rel, fs->slots, n, GetCurrentCommandId(true), 0, fs->bistate);
	for (int i = 0; i < n; i++)
	{
		list_free(ExecInsertIndexTuples(fs->rri, fs->slots[i], fs->estate, false, false, NULL, NIL
#if PG_VERSION_NUM >= 160000
										,false
#endif
					  ));
		/* the lipid species index evaluates an expression per tuple */
		ResetPerTupleExprContext(fs->estate);
		ExecClearTuple(fs->slots[i]);
		entries[i]->id = ids[i];
		entries[i]->resolved = true;
	}
	/* The pin must not outlive the subtransaction that took it. */
	ReleaseBulkInsertStatePin(fs->bistate);
	CommandCounterIncrement();
}

/* The general path, safe against concurrent creators. */
static void
insert_upsert(FeatureEntry **entries, const char *const *raw, int n)
{
	Datum	   *types = palloc(sizeof(Datum) * n);
	Datum	   *names = palloc(sizeof(Datum) * n);
	Datum	   *raws = palloc(sizeof(Datum) * n);
	Datum		args[3];
	int			rc;

	for (int i = 0; i < n; i++)
	{
		types[i] = CStringGetTextDatum(kind_labels[entries[i]->key[0] - '0']);
		names[i] = CStringGetTextDatum(entries[i]->key + 1);
		raws[i] = CStringGetTextDatum(raw[i]);
	}
	args[0] = PointerGetDatum(construct_array(types, n, TEXTOID, -1, false, TYPALIGN_INT));
	args[1] = PointerGetDatum(construct_array(names, n, TEXTOID, -1, false, TYPALIGN_INT));
	args[2] = PointerGetDatum(construct_array(raws, n, TEXTOID, -1, false, TYPALIGN_INT));
	prepare_plans();
	rc = SPI_execute_plan(upsert_plan, args, NULL, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "inserting features failed: %s", SPI_result_code_string(rc));
}

typedef struct Missing
{
	FeatureEntry *entry;
	const char *raw;
} Missing;

static int
missing_order(const void *a, const void *b)
{
	return strcmp(((const Missing *) a)->entry->key, ((const Missing *) b)->entry->key);
}

void
features_resolve(FeatureStore *fs, FeatureEntry **pending, const char *const *raw_names, int n)
{
	Missing    *pairs;
	FeatureEntry **missing;
	const char **missing_raw;
	volatile int m = 0;
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	volatile bool conflict = false;

	if (n == 0)
		return;
	if (lookup(fs, pending, n) == n)
		return;

	/* The missing ones, in key order, so concurrent creators queue in order. */
	pairs = palloc(sizeof(Missing) * n);
	for (int i = 0; i < n; i++)
		if (!pending[i]->resolved)
		{
			pairs[m].entry = pending[i];
			pairs[m].raw = raw_names[i];
			m++;
		}
	qsort(pairs, m, sizeof(Missing), missing_order);
	missing = palloc(sizeof(FeatureEntry *) * m);
	missing_raw = palloc(sizeof(char *) * m);
	for (int i = 0; i < m; i++)
	{
		missing[i] = pairs[i].entry;
		missing_raw[i] = pairs[i].raw;
	}

	/*
	 * Slots pin the tuple descriptor: make them outside the subtransaction,
	 * and in the store's context, as they serve every later batch.
	 */
	MemoryContextSwitchTo(fs->ctx);
	while (fs->nslots < m)
		fs->slots[fs->nslots++] = table_slot_create(fs->rel, NULL);
	MemoryContextSwitchTo(oldcxt);

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		insert_direct(fs, missing, missing_raw, m);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_UNIQUE_VIOLATION)
			PG_RE_THROW();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		/* The rollback released the buffer the bulk state remembers. */
		fs->bistate->current_buf = InvalidBuffer;
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		conflict = true;
	}
	PG_END_TRY();

	if (conflict)
	{
		/* Someone else created some of them: take the general path. */
		for (int i = 0; i < m; i++)
			missing[i]->resolved = false;
		insert_upsert(missing, missing_raw, m);
		if (lookup(fs, missing, m) != m)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("features changed concurrently during ingestion"),
					 errhint("Retry the ingestion.")));
	}
}

void
features_end(FeatureStore *fs)
{
	for (int i = 0; i < fs->nslots; i++)
		ExecDropSingleTupleTableSlot(fs->slots[i]);
	ExecDropSingleTupleTableSlot(fs->probe_slot);
	FreeBulkInsertState(fs->bistate);
	ExecCloseIndices(fs->rri);
	FreeExecutorState(fs->estate);
	table_close(fs->rel, NoLock);
	fcache_destroy(fs->cache);
	MemoryContextDelete(fs->ctx);
}
