/*
 * bulk_insert.c - rows written in bulk, as COPY writes them: ingestion's
 * dataset_features, the sync worker's chunks and sync_refs.
 *
 * table_multi_insert() for the heap, ExecInsertIndexTuples() for the
 * indexes (unique ones checked), the executor's own code for generated
 * columns.  The executor is bypassed otherwise: the caller knows the rows
 * satisfy the table's CHECK constraints and foreign keys (and says why),
 * and no trigger fires.  Rows are flushed in batches of up to the
 * capacity given; their slots serve every batch.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "executor/executor.h"
#include "executor/nodeModifyTable.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "bulk_insert.h"
#include "ingest_store.h"

struct BulkInsert
{
	Relation	rel;
	EState	   *estate;
	ResultRelInfo *rri;
	BulkInsertState bistate;
	CommandId	cid;
	TupleTableSlot **slots;
	int			nslots;			/* made so far (small batches need few) */
	int			nrows;			/* of the current batch */
	int			cap;
	MemoryContext ctx;			/* lives as long as the writer (slots) */
};

BulkInsert *
bulk_insert_begin(const char *relname, int capacity, const char *privilege_hint)
{
	BulkInsert *b = palloc0(sizeof(BulkInsert));
	Oid			relid = get_relname_relid(relname, get_namespace_oid("amprenta", false));

	if (!OidIsValid(relid))
		elog(ERROR, "amprenta.%s does not exist", relname);
	/* The executor is bypassed: check what it would have checked. */
	if (pg_class_aclcheck(relid, GetUserId(), ACL_INSERT) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for table %s", relname),
				 privilege_hint ? errhint("%s", privilege_hint) : 0));
	/* What earlier statements of the transaction did is seen by the index checks. */
	CommandCounterIncrement();

	b->rel = table_open(relid, RowExclusiveLock);
	b->estate = CreateExecutorState();
	b->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(b->rri, b->rel, 1, NULL, 0);
	ExecOpenIndices(b->rri, false);
	b->bistate = GetBulkInsertState();
	b->cid = GetCurrentCommandId(true);
	b->cap = Max(capacity, 1);
	b->slots = palloc0(sizeof(TupleTableSlot *) * b->cap);
	b->ctx = CurrentMemoryContext;
	return b;
}

int
bulk_insert_attnum(BulkInsert *b, const char *column)
{
	return store_attnum(b->rel, column);
}

TupleTableSlot *
bulk_insert_row(BulkInsert *b)
{
	TupleTableSlot *slot;

	if (b->nrows == b->cap)
		elog(ERROR, "more rows for amprenta.%s than announced (%d)",
			 RelationGetRelationName(b->rel), b->cap);
	if (b->nrows == b->nslots)
	{
		MemoryContext old = MemoryContextSwitchTo(b->ctx);

		b->slots[b->nslots++] = table_slot_create(b->rel, NULL);
		MemoryContextSwitchTo(old);
	}
	slot = b->slots[b->nrows++];
	ExecClearTuple(slot);
	memset(slot->tts_isnull, true, sizeof(bool) * slot->tts_tupleDescriptor->natts);
	return slot;
}

void
bulk_insert_flush(BulkInsert *b)
{
	if (b->nrows == 0)
		return;
	for (int i = 0; i < b->nrows; i++)
		ExecStoreVirtualTuple(b->slots[i]);
	if (b->rel->rd_att->constr && b->rel->rd_att->constr->has_generated_stored)
		for (int i = 0; i < b->nrows; i++)
			ExecComputeStoredGenerated(b->rri, b->estate, b->slots[i], CMD_INSERT);
	table_multi_insert(b->rel, b->slots, b->nrows, b->cid, 0, b->bistate);
	for (int i = 0; i < b->nrows; i++)
	{
		List	   *r = ExecInsertIndexTuples(b->rri, b->slots[i], b->estate, false, false,
											  NULL, NIL
#if PG_VERSION_NUM >= 160000
											  ,false
#endif
			);

		list_free(r);
		ExecClearTuple(b->slots[i]);
		if ((i & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
	}
	b->nrows = 0;
}

void
bulk_insert_end(BulkInsert *b)
{
	bulk_insert_flush(b);
	for (int i = 0; i < b->nslots; i++)
		ExecDropSingleTupleTableSlot(b->slots[i]);
	FreeBulkInsertState(b->bistate);
	ExecCloseIndices(b->rri);
	FreeExecutorState(b->estate);
	table_close(b->rel, NoLock);
	/* Later statements of this transaction must see the rows. */
	CommandCounterIncrement();
}
