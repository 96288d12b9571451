/*
 * bulk_insert.c - rows the sync worker writes in bulk, as COPY writes them.
 *
 * table_multi_insert() for the heap, ExecInsertIndexTuples() for the
 * indexes (unique ones checked), the executor's own code for generated
 * columns.  Used where a batch's rows are known to be new and to satisfy
 * the table's CHECK constraints by construction (the caller says why);
 * triggers do not fire, foreign keys are not checked: the tables written
 * this way have neither.
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
	int			nslots;
	int			cap;
	MemoryContext ctx;
};

BulkInsert *
bulk_insert_begin(const char *relname, int capacity)
{
	BulkInsert *b = palloc0(sizeof(BulkInsert));
	Oid			relid = get_relname_relid(relname, get_namespace_oid("amprenta", false));

	if (!OidIsValid(relid))
		elog(ERROR, "amprenta.%s does not exist", relname);
	/* The executor is bypassed: check what it would have checked. */
	if (pg_class_aclcheck(relid, GetUserId(), ACL_INSERT) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for table %s", relname)));
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
	MemoryContext old;

	if (b->nslots == b->cap)
		elog(ERROR, "more rows for amprenta.%s than announced (%d)",
			 RelationGetRelationName(b->rel), b->cap);
	old = MemoryContextSwitchTo(b->ctx);
	slot = b->slots[b->nslots++] = table_slot_create(b->rel, NULL);
	MemoryContextSwitchTo(old);
	ExecClearTuple(slot);
	memset(slot->tts_isnull, true, sizeof(bool) * slot->tts_tupleDescriptor->natts);
	return slot;
}

void
bulk_insert_end(BulkInsert *b)
{
	for (int i = 0; i < b->nslots; i++)
		ExecStoreVirtualTuple(b->slots[i]);
	if (b->nslots > 0)
	{
		if (b->rel->rd_att->constr && b->rel->rd_att->constr->has_generated_stored)
			for (int i = 0; i < b->nslots; i++)
				ExecComputeStoredGenerated(b->rri, b->estate, b->slots[i], CMD_INSERT);
		table_multi_insert(b->rel, b->slots, b->nslots, b->cid, 0, b->bistate);
		for (int i = 0; i < b->nslots; i++)
		{
			List	   *r = ExecInsertIndexTuples(b->rri, b->slots[i], b->estate, false, false,
												  NULL, NIL
#if PG_VERSION_NUM >= 160000
												  ,false
#endif
				);

			list_free(r);
			CHECK_FOR_INTERRUPTS();
		}
	}
	for (int i = 0; i < b->nslots; i++)
		ExecDropSingleTupleTableSlot(b->slots[i]);
	FreeBulkInsertState(b->bistate);
	ExecCloseIndices(b->rri);
	FreeExecutorState(b->estate);
	table_close(b->rel, NoLock);
	CommandCounterIncrement();
}
