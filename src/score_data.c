/*
 * score_data.c - the dataset values the scorer reads (score_data.h).
 */
#include "postgres.h"

#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/nbtree.h"
#include "access/xact.h"
#include "access/itup.h"
#include "access/relscan.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/visibilitymap.h"
#include "catalog/namespace.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_index.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/predicate.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "ingest.h"
#include "ingest_store.h"
#include "score_data.h"

/* Heap columns read, in the order of the covering index's INCLUDE list. */
enum
{
	COL_FEATURE = 0, COL_DATASET, COL_STAT, COL_LFC, COL_PADJ, COL_P, COL_RANK, NCOLS
};
static const char *const col_names[NCOLS] = {
	"feature_id", "dataset_id", "statistic", "log2_fold_change",
	"adjusted_p_value", "p_value", "rank"
};

struct ScoreReader
{
	Relation	heap;
	Relation	index;			/* (feature_id, dataset_id) INCLUDE (...) */
	Relation	pkey;			/* (dataset_id, ordinal) */
	Snapshot	snapshot;
	Buffer		vmbuf;
	TupleTableSlot *slot;
	AttrNumber	att[NCOLS];		/* heap attribute numbers */
	IndexScanDesc probe;
	IndexFetchTableData *fetch; /* heap visits of the streams */
	bool		ignore_killed;	/* LP_DEAD hints can be trusted */
	bool		known_layout;	/* the index's columns are of the types below */
};

typedef struct StreamEntry
{
	pg_uuid_t	dataset;
	ScoreValue	value;
	ItemPointerData tid;
} StreamEntry;

struct ScoreStream
{
	ScoreReader *r;
	pg_uuid_t	feature;
	BlockNumber next;			/* next leaf page to read; P_NONE: none */
	bool		ended;			/* a larger feature was seen */
	StreamEntry *items;			/* the matching entries of the last page */
	int			nitems;
	int			pos;
};

static IndexScanDesc
begin_scan(ScoreReader *r, Relation index, int nkeys)
{
	IndexScanDesc scan;

#if PG_VERSION_NUM >= 180000
	scan = index_beginscan(r->heap, index, r->snapshot, NULL, nkeys, 0);
#else
	scan = index_beginscan(r->heap, index, r->snapshot, nkeys, 0);
#endif
	return scan;
}

/* The covering index, found by its columns rather than its name. */
static Oid
find_covering_index(ScoreReader *r)
{
	List	   *indexes = RelationGetIndexList(r->heap);
	ListCell   *lc;
	Oid			found = InvalidOid;

	foreach(lc, indexes)
	{
		Relation	ix = index_open(lfirst_oid(lc), AccessShareLock);
		Form_pg_index form = ix->rd_index;
		bool		ok = form->indisunique && ix->rd_rel->relam == BTREE_AM_OID &&
			form->indnkeyatts == 2 && form->indnatts == NCOLS &&
			RelationGetIndexExpressions(ix) == NIL && RelationGetIndexPredicate(ix) == NIL;

		for (int i = 0; ok && i < NCOLS; i++)
			ok = form->indkey.values[i] == r->att[i];
		index_close(ix, AccessShareLock);
		if (ok)
		{
			found = lfirst_oid(lc);
			break;
		}
	}
	list_free(indexes);
	if (!OidIsValid(found))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("amprenta.dataset_features lacks its index on (feature_id, dataset_id) "
						"INCLUDE (statistic, log2_fold_change, adjusted_p_value, p_value, rank)"),
				 errhint("Reinstall the extension, or recreate the unique constraint as the install script defines it.")));
	return found;
}

/*
 * The column types the stream's decoder assumes: (uuid, uuid) INCLUDE
 * (float8 x 4, int4), as the install script makes the index.
 */
static bool
known_layout(TupleDesc desc)
{
	static const Oid types[NCOLS] = {UUIDOID, UUIDOID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, INT4OID};

	if (desc->natts != NCOLS)
		return false;
	for (int i = 0; i < NCOLS; i++)
		if (TupleDescAttr(desc, i)->atttypid != types[i])
			return false;
	return true;
}

ScoreReader *
score_reader_open(void)
{
	ScoreReader *r = palloc0(sizeof(ScoreReader));
	Oid			nsp = get_namespace_oid("amprenta", false);
	Oid			relid = get_relname_relid("dataset_features", nsp);

	if (!OidIsValid(relid))
		elog(ERROR, "amprenta.dataset_features does not exist");
	r->heap = table_open(relid, AccessShareLock);
	for (int i = 0; i < NCOLS; i++)
		r->att[i] = (AttrNumber) store_attnum(r->heap, col_names[i]) + 1;
	r->index = index_open(find_covering_index(r), AccessShareLock);
	r->pkey = index_open(RelationGetPrimaryKeyIndex(r->heap), AccessShareLock);
	r->snapshot = GetActiveSnapshot();
	r->vmbuf = InvalidBuffer;
	r->slot = table_slot_create(r->heap, NULL);
	r->probe = NULL;
	r->fetch = NULL;
	r->ignore_killed = !TransactionStartedDuringRecovery();
	r->known_layout = known_layout(RelationGetDescr(r->index));
	return r;
}

void
score_reader_close(ScoreReader *r)
{
	if (r->probe)
		index_endscan(r->probe);
	if (r->fetch)
		table_index_fetch_end(r->fetch);
	if (BufferIsValid(r->vmbuf))
		ReleaseBuffer(r->vmbuf);
	ExecDropSingleTupleTableSlot(r->slot);
	index_close(r->pkey, AccessShareLock);
	index_close(r->index, AccessShareLock);
	table_close(r->heap, AccessShareLock);
	pfree(r);
}

static double
num_or_nan(Datum d, bool isnull)
{
	return isnull ? NAN : DatumGetFloat8(d);
}

/* Statistic, else fold change; adjusted p, else p; the stored rank. */
static void
value_from(const Datum *v, const bool *n, ScoreValue *out)
{
	out->x = !n[COL_STAT] ? DatumGetFloat8(v[COL_STAT]) : num_or_nan(v[COL_LFC], n[COL_LFC]);
	out->p = !n[COL_PADJ] ? DatumGetFloat8(v[COL_PADJ]) : num_or_nan(v[COL_P], n[COL_P]);
	out->rank = n[COL_RANK] ? 0 : DatumGetInt32(v[COL_RANK]);
}

/*
 * The next visible entry of an index-only scan of the covering index:
 * values from the index tuple, the heap visited only for pages the
 * visibility map does not vouch for (as an index-only scan node does).
 */
static bool
next_entry(ScoreReader *r, IndexScanDesc scan, pg_uuid_t *dataset, ScoreValue *out)
{
	ItemPointer tid;

	while ((tid = index_getnext_tid(scan, ForwardScanDirection)) != NULL)
	{
		Datum		v[NCOLS];
		bool		n[NCOLS];

		if (!VM_ALL_VISIBLE(r->heap, ItemPointerGetBlockNumber(tid), &r->vmbuf))
		{
			if (!index_fetch_heap(scan, r->slot))
				continue;
			ExecClearTuple(r->slot);
		}
		index_deform_tuple(scan->xs_itup, scan->xs_itupdesc, v, n);
		if (dataset)
			memcpy(dataset, DatumGetUUIDP(v[COL_DATASET]), sizeof(pg_uuid_t));
		value_from(v, n, out);
		return true;
	}
	return false;
}

bool
score_reader_probe(ScoreReader *r, const pg_uuid_t *feature, const pg_uuid_t *dataset,
				   ScoreValue *out)
{
	ScanKeyData keys[2];

	ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_UUID_EQ, UUIDPGetDatum(feature));
	ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_UUID_EQ, UUIDPGetDatum(dataset));
	if (r->probe == NULL)
	{
		r->probe = begin_scan(r, r->index, 2);
		r->probe->xs_want_itup = true;
	}
	index_rescan(r->probe, keys, 2, NULL, 0);
	return next_entry(r, r->probe, NULL, out);
}

/*
 * A feature's range of the covering index, read leaf page by leaf page.
 *
 * The descent to the first leaf page holding the feature is the B-tree's
 * own (one index_getnext_tid); from there the stream copies the matching
 * entries of each page under a share lock and follows the right links, as
 * a B-tree scan does, but compares the feature id as bytes and deforms only
 * matching tuples instead of evaluating a scan key per entry through the
 * function manager (which was most of the cost of scoring every dataset).
 * Visibility is the index-only scan's: the heap is visited only for pages
 * the visibility map does not vouch for.
 */
ScoreStream *
score_stream_begin(ScoreReader *r, const pg_uuid_t *feature)
{
	ScoreStream *s = palloc(sizeof(ScoreStream));
	IndexScanDesc scan;
	ScanKeyData key;

	s->r = r;
	memcpy(&s->feature, feature, sizeof(pg_uuid_t));
	s->items = palloc(sizeof(StreamEntry) * MaxIndexTuplesPerPage);
	s->nitems = 0;
	s->pos = 0;
	s->ended = false;

	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_UUID_EQ, UUIDPGetDatum(feature));
	scan = begin_scan(r, r->index, 1);
	index_rescan(scan, &key, 1, NULL, 0);
	if (index_getnext_tid(scan, ForwardScanDirection) != NULL)
		s->next = ((BTScanOpaque) scan->opaque)->currPos.currPage;
	else
		s->next = P_NONE;
	index_endscan(scan);
	return s;
}

/*
 * Tuples sit on a page in insertion order, not key order, so reading them
 * in key order defeats the hardware prefetcher: ask for the whole page
 * before walking it.
 */
static inline void
prefetch_page(Page page)
{
#if defined(__GNUC__) || defined(__clang__)
	for (Size off = 0; off < BLCKSZ; off += 64)
		__builtin_prefetch((char *) page + off);
#endif
}

/*
 * One entry of the covering index, decoded for the layout known_layout()
 * checked (what index_deform_tuple() does for any layout, without its
 * per-column dispatch; columns that are NULL take no space): returns the
 * order of its feature against s->feature, and for an equal feature fills
 * *e.  Offsets are relative to the data area, which is MAXALIGNed: the two
 * uuids take 0..32, each present float8 the next 8 bytes (aligned by
 * construction), the int4 rank the next 4.
 */
static inline int
decode_entry(IndexTuple itup, const pg_uuid_t *feature, StreamEntry *e)
{
	const char *tp = (const char *) itup + IndexInfoFindDataOffset(itup->t_info);
	const bits8 *nullbits = IndexTupleHasNulls(itup) ?
		(const bits8 *) ((const char *) itup + sizeof(IndexTupleData)) : NULL;
	double		v[4];
	bool		null[4];
	Size		off = 32;
	int			c;

#define ENTRY_NULL(att) (nullbits != NULL && att_isnull((att), nullbits))
	if (ENTRY_NULL(COL_FEATURE))
		return 1;				/* NULLs sort last */
	c = memcmp(tp, feature->data, UUID_LEN);
	if (c != 0)
		return c;
	if (ENTRY_NULL(COL_DATASET))
		elog(ERROR, "unexpected NULL dataset_id in the covering index");
	memcpy(e->dataset.data, tp + UUID_LEN, UUID_LEN);
	for (int a = 0; a < 4; a++)
	{
		null[a] = ENTRY_NULL(COL_STAT + a);
		if (!null[a])
		{
			memcpy(&v[a], tp + off, sizeof(double));
			off += sizeof(double);
		}
	}
	e->value.x = !null[0] ? v[0] : (!null[1] ? v[1] : NAN);
	e->value.p = !null[2] ? v[2] : (!null[3] ? v[3] : NAN);
	e->value.rank = 0;
	if (!ENTRY_NULL(COL_RANK))
		memcpy(&e->value.rank, tp + off, sizeof(int32));
#undef ENTRY_NULL
	e->tid = itup->t_tid;
	return 0;
}

/*
 * The buffer each page of the covering index was found in last time, by
 * block number.  Scoring reads the same leaf pages again and again (every
 * signature of a refresh, every call of a session); when a page is still
 * in that buffer, ReadRecentBuffer() pins it without the shared buffer
 * table's lookup, a tenth of a scoring run otherwise.  It checks the
 * buffer still holds that very page, so a stale entry costs a normal read.
 * Backend-local; forgotten when the index gets a new file (REINDEX,
 * TRUNCATE).
 */
#define RECENT_MAX_BLOCKS	(4 * 1024 * 1024)	/* 16 MB of hints at most */

static Buffer *recent_buf;
static BlockNumber recent_len;
static Oid	recent_file;

static Buffer
read_index_page(Relation index, BlockNumber blkno)
{
	Buffer		buf;
	Oid			file = index->rd_rel->relfilenode;

	if (file != recent_file)
	{
		if (recent_buf)
			pfree(recent_buf);
		recent_buf = NULL;
		recent_len = 0;
		recent_file = file;
	}
	if (blkno < recent_len && BufferIsValid(recent_buf[blkno]) &&
#if PG_VERSION_NUM >= 160000
		ReadRecentBuffer(index->rd_locator, MAIN_FORKNUM, blkno, recent_buf[blkno]))
#else
		ReadRecentBuffer(index->rd_node, MAIN_FORKNUM, blkno, recent_buf[blkno]))
#endif
		return recent_buf[blkno];
	buf = ReadBuffer(index, blkno);
	if (blkno >= recent_len && blkno < RECENT_MAX_BLOCKS)
	{
		BlockNumber len = Max(Max(recent_len * 2, blkno + 1), 1024);

		len = Min(len, RECENT_MAX_BLOCKS);
		recent_buf = recent_buf == NULL
			? MemoryContextAlloc(TopMemoryContext, sizeof(Buffer) * len)
			: repalloc(recent_buf, sizeof(Buffer) * len);
		memset(recent_buf + recent_len, 0, sizeof(Buffer) * (len - recent_len));	/* InvalidBuffer */
		recent_len = len;
	}
	if (blkno < recent_len)
		recent_buf[blkno] = buf;
	return buf;
}

/* Copies the feature's entries of the next leaf page(s) into s->items. */
static void
read_leaf(ScoreStream *s)
{
	ScoreReader *r = s->r;
	TupleDesc	desc = RelationGetDescr(r->index);

	s->nitems = 0;
	s->pos = 0;
	while (s->nitems == 0 && !s->ended && s->next != P_NONE)
	{
		BlockNumber blkno = s->next;
		Buffer		buf = read_index_page(r->index, blkno);
		Page		page;
		BTPageOpaque opaque;

		LockBuffer(buf, BUFFER_LOCK_SHARE);
		page = BufferGetPage(buf);
		prefetch_page(page);
#if PG_VERSION_NUM < 170000
		TestForOldSnapshot(r->snapshot, r->index, page);
#endif
		opaque = BTPageGetOpaque(page);
		s->next = P_RIGHTMOST(opaque) ? P_NONE : opaque->btpo_next;
		if (!P_IGNORE(opaque))
		{
			OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

			if (!P_ISLEAF(opaque))
				elog(ERROR, "block %u of index \"%s\" is not a leaf page",
					 blkno, RelationGetRelationName(r->index));
			PredicateLockPage(r->index, blkno, r->snapshot);
			for (OffsetNumber off = P_FIRSTDATAKEY(opaque); off <= maxoff; off++)
			{
				ItemId		iid = PageGetItemId(page, off);
				IndexTuple	itup;
				Datum		v[NCOLS];
				bool		n[NCOLS];
				bool		isnull;
				Datum		f;
				int			c;
				StreamEntry *e;

				if (r->ignore_killed && ItemIdIsDead(iid))
					continue;
				itup = (IndexTuple) PageGetItem(page, iid);
				if (r->known_layout)
				{
					if (BTreeTupleIsPosting(itup))
						elog(ERROR, "unexpected posting list in index \"%s\"",
							 RelationGetRelationName(r->index));
					c = decode_entry(itup, &s->feature, &s->items[s->nitems]);
					if (c < 0)
						continue;
					if (c > 0)
					{
						s->ended = true;
						break;
					}
					s->nitems++;
					continue;
				}
				f = index_getattr(itup, 1, desc, &isnull);
				c = isnull ? 1 : memcmp(DatumGetUUIDP(f)->data, s->feature.data, UUID_LEN);
				if (c < 0)
					continue;
				if (c > 0)
				{
					s->ended = true;
					break;
				}
				if (BTreeTupleIsPosting(itup))
					elog(ERROR, "unexpected posting list in index \"%s\"",
						 RelationGetRelationName(r->index));
				index_deform_tuple(itup, desc, v, n);
				e = &s->items[s->nitems++];
				memcpy(&e->dataset, DatumGetUUIDP(v[COL_DATASET]), sizeof(pg_uuid_t));
				value_from(v, n, &e->value);
				e->tid = itup->t_tid;
			}
		}
		UnlockReleaseBuffer(buf);
		CHECK_FOR_INTERRUPTS();
	}
}

bool
score_stream_next(ScoreStream *s, pg_uuid_t *dataset, ScoreValue *out)
{
	ScoreReader *r = s->r;

	for (;;)
	{
		StreamEntry *e;

		if (s->pos >= s->nitems)
		{
			read_leaf(s);
			if (s->nitems == 0)
				return false;
		}
		e = &s->items[s->pos++];
		if (!VM_ALL_VISIBLE(r->heap, ItemPointerGetBlockNumber(&e->tid), &r->vmbuf))
		{
			bool		call_again = false;
			bool		all_dead = false;
			bool		found;

			if (r->fetch == NULL)
				r->fetch = table_index_fetch_begin(r->heap);
			found = table_index_fetch_tuple(r->fetch, &e->tid, r->snapshot, r->slot,
											&call_again, &all_dead);
			ExecClearTuple(r->slot);
			if (!found)
				continue;
		}
		memcpy(dataset, &e->dataset, sizeof(pg_uuid_t));
		*out = e->value;
		return true;
	}
}

void
score_stream_end(ScoreStream *s)
{
	pfree(s->items);
	pfree(s);
}

/* ---- datasets ---- */

static int
dataset_cmp(const void *a, const void *b)
{
	return memcmp(((const ScoreDataset *) a)->id.data, ((const ScoreDataset *) b)->id.data, UUID_LEN);
}

static Datum
omics_datum(const char *label, Oid typid)
{
	return DirectFunctionCall2(enum_in, CStringGetDatum(label), ObjectIdGetDatum(typid));
}

ScoreDataset *
score_datasets(int64 *n)
{
	Oid			nsp = get_namespace_oid("amprenta", false);
	Relation	rel = table_open(get_relname_relid("datasets", nsp), AccessShareLock);
	TableScanDesc scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	AttrNumber	att_id = (AttrNumber) store_attnum(rel, "id") + 1;
	AttrNumber	att_omics = (AttrNumber) store_attnum(rel, "omics_type") + 1;
	Oid			typid = TupleDescAttr(RelationGetDescr(rel), att_omics - 1)->atttypid;
	Datum		labels[4];
	int64		cap = 1024,
				m = 0;
	ScoreDataset *out = palloc(sizeof(ScoreDataset) * cap);

	for (int k = 0; k < 4; k++)
		labels[k] = omics_datum(omics_kind_name((omics_kind) k), typid);

	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;
		Datum		id = slot_getattr(slot, att_id, &isnull);
		Datum		om = slot_getattr(slot, att_omics, &isnull);

		if (m == cap)
		{
			cap *= 2;
			out = repalloc_huge(out, sizeof(ScoreDataset) * cap);
		}
		memcpy(&out[m].id, DatumGetUUIDP(id), sizeof(pg_uuid_t));
		out[m].omics = -1;
		for (int k = 0; k < 4; k++)
			if (DatumGetObjectId(om) == DatumGetObjectId(labels[k]))
				out[m].omics = k;
		m++;
		if ((m & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	ExecDropSingleTupleTableSlot(slot);
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	qsort(out, m, sizeof(ScoreDataset), dataset_cmp);
	*n = m;
	return out;
}

int
score_dataset_omics(const pg_uuid_t *id)
{
	Oid			argtype = UUIDOID;
	Datum		arg = UUIDPGetDatum(id);
	int			result = -1;
	int			rc;

	SPI_connect();
	rc = SPI_execute_with_args("SELECT omics_type::text FROM amprenta.datasets WHERE id = $1",
							   1, &argtype, &arg, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "looking up the dataset failed: %s", SPI_result_code_string(rc));
	if (SPI_processed > 0)
		result = omics_kind_from_name(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
	SPI_finish();
	return result;
}

/* ---- whole-dataset facts ---- */

void
score_dataset_rows(ScoreReader *r, const pg_uuid_t *dataset, bool want_pool,
				   ScoreDatasetRows *out)
{
	IndexScanDesc scan = begin_scan(r, r->pkey, 1);
	ScanKeyData key;
	int64		cap = 1024,
				m = 0;
	ScoreValue *vals = palloc(sizeof(ScoreValue) * cap);
	bool	   *linked = palloc(sizeof(bool) * cap);
	int32		maxrank = 0;

	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_UUID_EQ, UUIDPGetDatum(dataset));
	index_rescan(scan, &key, 1, NULL, 0);
	while (index_getnext_slot(scan, ForwardScanDirection, r->slot))
	{
		bool		n[NCOLS];
		Datum		v[NCOLS];

		if (m == cap)
		{
			cap *= 2;
			vals = repalloc_huge(vals, sizeof(ScoreValue) * cap);
			linked = repalloc_huge(linked, sizeof(bool) * cap);
		}
		for (int i = 0; i < NCOLS; i++)
			if (i != COL_DATASET)
				v[i] = slot_getattr(r->slot, r->att[i], &n[i]);
		linked[m] = !n[COL_FEATURE];
		value_from(v, n, &vals[m]);
		maxrank = Max(maxrank, vals[m].rank);
		m++;
		if ((m & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	index_endscan(scan);

	out->n_ranked = 0;
	out->ties = palloc0(sizeof(int32) * (maxrank + 1));
	for (int64 i = 0; i < m; i++)
		if (vals[i].rank > 0)
		{
			out->ties[vals[i].rank]++;
			out->n_ranked++;
		}
	/* Ranks written by hand may leave gaps or exceed N; keep them in 1..N. */
	if (maxrank > out->n_ranked)
		out->n_ranked = maxrank;

	out->pool = NULL;
	out->npool = 0;
	if (want_pool)
	{
		out->pool = palloc(sizeof(score_obs) * Max(m, 1));
		for (int64 i = 0; i < m; i++)
			if (linked[i])
				score_value_obs(&vals[i], out, &out->pool[out->npool++]);
	}
	pfree(vals);
	pfree(linked);
}

void
score_value_obs(const ScoreValue *v, const ScoreDatasetRows *rows, score_obs *obs)
{
	obs->x = v->x;
	obs->p = v->p;
	obs->rank_asc = 0;
	obs->pos_desc = 0;
	if (rows && v->rank > 0)
	{
		/* Rows above = rank - 1; rows tied = ties[rank]; ascending, ties -> min. */
		obs->pos_desc = v->rank;
		obs->rank_asc = (double) (rows->n_ranked - (v->rank - 1) - rows->ties[v->rank] + 1);
	}
}
