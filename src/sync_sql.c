/*
 * sync_sql.c - SQL functions of the sync subsystem:
 *   amprenta_notion_sync(entity_type, entity_id, wait_seconds)
 *   amprenta_pinecone_sync(entity_type, entity_id, wait_seconds)
 *   amprenta_worker_status()
 *
 * Queueing is plain SQL (amprenta._sync_enqueue).  Waiting is the subtle
 * part: rows this transaction queues are invisible to the worker until the
 * transaction commits, which a function cannot do.  So a caller that waits
 * hands the queueing to its database's worker, which does it in a
 * transaction of its own and commits; the caller then watches the queue
 * (each check with a fresh snapshot) until those entities have left it.
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"
#include "utils/wait_event.h"

#include "amprenta.h"
#include "sync.h"

static const char *const entity_types[] = {
	"program", "experiment", "dataset", "signature", "feature"
};

static const char *
table_of(const char *etype)
{
	static const char *const tables[] = {
		"programs", "experiments", "datasets", "signatures", "features"
	};

	for (int i = 0; i < (int) lengthof(entity_types); i++)
		if (strcmp(etype, entity_types[i]) == 0)
			return tables[i];
	return NULL;
}

static void
check_arguments(int sink, const char *etype, pg_uuid_t *id)
{
	if (etype != NULL && table_of(etype) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown entity type \"%s\"", etype),
				 errhint("Valid entity types: program, experiment, dataset, signature, feature.")));
	if (id != NULL && etype == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("entity_id needs entity_type"),
				 errhint("Pass the entity type too, e.g. amprenta_notion_sync('dataset', id).")));
	if (id != NULL)
	{
		char		sql[160];
		Datum		arg = UUIDPGetDatum(id);
		Oid			argtype = UUIDOID;

		snprintf(sql, sizeof(sql), "SELECT 1 FROM amprenta.%s WHERE id = $1", table_of(etype));
		if (SPI_execute_with_args(sql, 1, &argtype, &arg, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "SPI_execute_with_args failed");
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_NO_DATA_FOUND),
					 errmsg("%s %s does not exist", etype,
							DatumGetCString(DirectFunctionCall1(uuid_out, arg)))));
	}
	if (sink == SYNC_SINK_NOTION && etype != NULL)
	{
		Datum		arg = CStringGetTextDatum(etype);
		Oid			argtype = TEXTOID;

		if (SPI_execute_with_args("SELECT 1 FROM amprenta.notion_targets WHERE entity_type = $1 AND enabled",
								  1, &argtype, &arg, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "SPI_execute_with_args failed");
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("no enabled Notion target for entity type \"%s\"", etype),
					 errhint("INSERT INTO amprenta.notion_targets (entity_type, database_id) VALUES ('%s', '<Notion database id>').",
							 etype)));
	}
}

/* $1 sink, $2 entity type, $3 entity id (NULL: all), as the queries below take them. */
static void
queue_args(int sink, const char *etype, pg_uuid_t *id, Datum *args, char *nulls)
{
	args[0] = CStringGetTextDatum(sync_sink_name(sink));
	args[1] = etype ? CStringGetTextDatum(etype) : (Datum) 0;
	args[2] = id ? UUIDPGetDatum(id) : (Datum) 0;
	nulls[0] = ' ';
	nulls[1] = etype ? ' ' : 'n';
	nulls[2] = id ? ' ' : 'n';
}

static int64
enqueue_here(int sink, const char *etype, pg_uuid_t *id)
{
	Oid			argtypes[3] = {TEXTOID, TEXTOID, UUIDOID};
	Datum		args[3];
	char		nulls[3];
	bool		isnull;
	int64		n;

	queue_args(sink, etype, id, args, nulls);
	if (SPI_execute_with_args("SELECT amprenta._sync_enqueue($1, $2, $3)",
							  3, argtypes, args, nulls, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed");
	n = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (n > 0)
		sync_note_enqueue();
	return n;
}

/*
 * What a wait watches, each check with a fresh snapshot (not read-only) to
 * see the worker's commits.  Whether any matching entity is still queued
 * (pending, or captured and not yet moved into the queue) is asked at every
 * batch the worker records, and stops at the first row found; the dead rows
 * since the wait began take a scan of the sink's rows, and are looked for
 * once a second and when nothing is left (enqueue_and_wait).
 */
#define QUEUE_FILTER "sink = $1 AND ($2::text IS NULL OR entity_type = $2) "

static bool
queue_live(int sink, const char *etype, pg_uuid_t *id)
{
	Oid			argtypes[3] = {TEXTOID, TEXTOID, UUIDOID};
	Datum		args[3];
	char		nulls[3];
	bool		isnull;

	queue_args(sink, etype, id, args, nulls);
	if (SPI_execute_with_args("SELECT EXISTS (SELECT 1 FROM amprenta.sync_outbox"
							  "               WHERE " QUEUE_FILTER " AND state = 'pending'"
							  "                 AND ($3::uuid IS NULL OR entity_id = $3))"
							  "    OR EXISTS (SELECT 1 FROM amprenta.sync_capture"
							  "               WHERE " QUEUE_FILTER
							  "                 AND ($3::uuid IS NULL OR entity_ids @> ARRAY[$3::uuid]))",
							  3, argtypes, args, nulls, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed");
	return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* Matching rows dead since the wait began, and the last error of them. */
static int64
queue_dead(int sink, const char *etype, pg_uuid_t *id, TimestampTz since, char **last_error)
{
	Oid			argtypes[4] = {TEXTOID, TEXTOID, UUIDOID, TIMESTAMPTZOID};
	Datum		args[4];
	char		nulls[4];
	bool		isnull;
	Datum		d;

	queue_args(sink, etype, id, args, nulls);
	args[3] = TimestampTzGetDatum(since);
	nulls[3] = ' ';
	if (SPI_execute_with_args("SELECT count(*), (array_agg(last_error ORDER BY updated_at DESC))[1]"
							  "  FROM amprenta.sync_outbox"
							  " WHERE " QUEUE_FILTER " AND state = 'dead' AND updated_at >= $4"
							  "   AND ($3::uuid IS NULL OR entity_id = $3)",
							  4, argtypes, args, nulls, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	*last_error = isnull ? NULL : TextDatumGetCString(d);
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

static void
release_wait_slot(int code, Datum arg)
{
	SyncWaitSlot *slot = (SyncWaitSlot *) DatumGetPointer(arg);

	LWLockAcquire(sync_shared->lock, LW_EXCLUSIVE);
	if (slot->backend_pid == MyProcPid)
		memset(slot, 0, sizeof(*slot));
	LWLockRelease(sync_shared->lock);
}

/* Sleep until the latch is set or 100 ms pass; honours cancel and timeout. */
static void
wait_a_moment(TimestampTz deadline, const char *what, int wait_seconds)
{
	long		ms;

	CHECK_FOR_INTERRUPTS();
	ms = (long) ((deadline - GetCurrentTimestamp()) / 1000);
	if (ms <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_QUERY_CANCELED),
				 errmsg("%s did not finish within %d seconds", what, wait_seconds),
				 errdetail("The entities stay queued and will still be delivered."),
				 errhint("See amprenta.sync_status, amprenta.sync_errors and amprenta_worker_status().")));
	(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					 Min(ms, 100), PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
}

static int64
enqueue_and_wait(int sink, const char *etype, pg_uuid_t *id, int wait_seconds)
{
	TimestampTz start = GetCurrentTimestamp();
	TimestampTz deadline = start + (TimestampTz) wait_seconds * USECS_PER_SEC;
	SyncWaitSlot *slot = NULL;
	SyncWorkerSlot *w;
	int64		enqueued = 0;
	TimestampTz dead_checked = 0;
	bool		failed = false;
	char		message[256] = "";

	if (IsTransactionBlock())
		ereport(ERROR,
				(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
				 errmsg("wait_seconds > 0 cannot be used inside a transaction block"),
				 errdetail("The worker cannot see what this transaction queues or changes until it commits."),
				 errhint("Commit first and call it on its own, or pass wait_seconds => 0 and watch amprenta.sync_status.")));
	if (!amprenta_preloaded || sync_shared == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("no sync worker can deliver: amprenta is not in shared_preload_libraries"),
				 errhint("Add amprenta to shared_preload_libraries, list this database in amprenta.databases and restart the server.")));

	LWLockAcquire(sync_shared->lock, LW_EXCLUSIVE);
	w = sync_worker_slot_for(MyDatabaseId);
	if (w == NULL || w->state != SWS_RUNNING || w->latch == NULL)
	{
		LWLockRelease(sync_shared->lock);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("no sync worker is running for database \"%s\"", get_database_name(MyDatabaseId)),
				 errhint("List the database in amprenta.databases and reload; amprenta_worker_status() shows the workers.")));
	}
	for (int i = 0; i < SYNC_MAX_WAITERS; i++)
		if (sync_shared->waiters[i].state == SWAIT_FREE)
		{
			slot = &sync_shared->waiters[i];
			break;
		}
	if (slot == NULL)
	{
		LWLockRelease(sync_shared->lock);
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("too many sessions are waiting for sync (%d)", SYNC_MAX_WAITERS),
				 errhint("Try again, or pass wait_seconds => 0.")));
	}
	memset(slot, 0, sizeof(*slot));
	slot->state = SWAIT_REQUESTED;
	slot->dboid = MyDatabaseId;
	slot->backend_pid = MyProcPid;
	slot->backend_latch = MyLatch;
	slot->sink = sink;
	if (etype)
		strlcpy(slot->entity_type, etype, sizeof(slot->entity_type));
	if (id)
	{
		slot->has_id = true;
		slot->entity_id = *id;
	}
	SetLatch(w->latch);
	LWLockRelease(sync_shared->lock);

	PG_ENSURE_ERROR_CLEANUP(release_wait_slot, PointerGetDatum(slot));
	{
		/* 1. The worker queues the entities and commits. */
		for (;;)
		{
			SyncWaitState st;

			LWLockAcquire(sync_shared->lock, LW_SHARED);
			st = slot->state;
			enqueued = slot->enqueued;
			strlcpy(message, slot->message, sizeof(message));
			LWLockRelease(sync_shared->lock);
			if (st == SWAIT_ENQUEUED || st == SWAIT_FAILED)
			{
				failed = (st == SWAIT_FAILED);
				break;
			}
			wait_a_moment(deadline, "queueing by the sync worker", wait_seconds);
		}
		if (failed)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("the sync worker could not queue the entities: %s", message)));

		/* 2. They leave the queue (delivered) or die. */
		for (;;)
		{
			bool		live = queue_live(sink, etype, id);
			TimestampTz now = GetCurrentTimestamp();

			if (!live || TimestampDifferenceExceeds(dead_checked, now, 1000))
			{
				char	   *last_error;
				int64		dead = queue_dead(sink, etype, id, start, &last_error);

				if (dead > 0)
					ereport(ERROR,
							(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
							 errmsg("%lld of the entities could not be delivered to %s", (long long) dead,
									sync_sink_name(sink)),
							 errdetail("Last error: %s", last_error ? last_error : "(none)"),
							 errhint("Fix the cause, then run amprenta_retry_dead('%s').", sync_sink_name(sink))));
				dead_checked = now;
			}
			if (!live)
				break;
			wait_a_moment(deadline, "delivery", wait_seconds);
		}
	}
	PG_END_ENSURE_ERROR_CLEANUP(release_wait_slot, PointerGetDatum(slot));
	release_wait_slot(0, PointerGetDatum(slot));
	return enqueued;
}

static Datum
sync_request(FunctionCallInfo fcinfo, int sink)
{
	char	   *etype = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	pg_uuid_t  *id = PG_ARGISNULL(1) ? NULL : PG_GETARG_UUID_P(1);
	int			wait_seconds = PG_ARGISNULL(2) ? 0 : PG_GETARG_INT32(2);
	int64		n;

	if (wait_seconds < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("wait_seconds must not be negative")));
	SPI_connect();
	check_arguments(sink, etype, id);
	if (wait_seconds == 0)
		n = enqueue_here(sink, etype, id);
	else
		n = enqueue_and_wait(sink, etype, id, wait_seconds);
	SPI_finish();
	PG_RETURN_INT64(n);
}

PG_FUNCTION_INFO_V1(amprenta_notion_sync);
Datum
amprenta_notion_sync(PG_FUNCTION_ARGS)
{
	return sync_request(fcinfo, SYNC_SINK_NOTION);
}

PG_FUNCTION_INFO_V1(amprenta_pinecone_sync);
Datum
amprenta_pinecone_sync(PG_FUNCTION_ARGS)
{
	return sync_request(fcinfo, SYNC_SINK_PINECONE);
}

static const char *
state_name(SyncWorkerState s)
{
	switch (s)
	{
		case SWS_STARTING:
			return "starting";
		case SWS_RUNNING:
			return "running";
		case SWS_BACKOFF:
			return "restarting";
		case SWS_NO_EXTENSION:
			return "no extension";
		case SWS_STOPPING:
			return "stopped for DROP/RENAME DATABASE";
		default:
			return "free";
	}
}

PG_FUNCTION_INFO_V1(amprenta_worker_status);

Datum
amprenta_worker_status(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[16];
	bool		nulls[16];

	InitMaterializedSRF(fcinfo, 0);

	if (!amprenta_preloaded || sync_shared == NULL)
	{
		memset(nulls, true, sizeof(nulls));
		values[0] = CStringGetDatum(get_database_name(MyDatabaseId));
		nulls[0] = false;
		values[2] = CStringGetTextDatum("not preloaded");
		nulls[2] = false;
		values[14] = CStringGetTextDatum("amprenta is not in shared_preload_libraries: no worker runs");
		nulls[14] = false;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		return (Datum) 0;
	}

	LWLockAcquire(sync_shared->lock, LW_SHARED);
	for (int i = 0; i < SYNC_MAX_WORKERS; i++)
	{
		SyncWorkerSlot w = sync_shared->workers[i];
		NameData	dn;

		if (w.state == SWS_FREE)
			continue;
		memset(nulls, false, sizeof(nulls));
		namestrcpy(&dn, w.datname);
		values[0] = NameGetDatum(&dn);
		values[1] = Int32GetDatum(w.pid);
		nulls[1] = (w.pid == 0);
		values[2] = CStringGetTextDatum(state_name(w.state));
		values[3] = TimestampTzGetDatum(w.started_at);
		nulls[3] = (w.started_at == 0);
		values[4] = TimestampTzGetDatum(w.heartbeat);
		nulls[4] = (w.heartbeat == 0);
		values[5] = TimestampTzGetDatum(w.restart_at);
		nulls[5] = (w.state == SWS_RUNNING || w.state == SWS_STARTING || w.restart_at == 0);
		values[6] = Int32GetDatum(w.exits);
		values[7] = Int64GetDatum((int64) w.requests);
		values[8] = Int64GetDatum((int64) w.delivered);
		values[9] = Int64GetDatum((int64) w.retried);
		values[10] = Int64GetDatum((int64) w.throttled);
		values[11] = Int64GetDatum((int64) w.dead);
		values[12] = TimestampTzGetDatum(w.paused_until[SYNC_SINK_NOTION]);
		nulls[12] = (w.paused_until[SYNC_SINK_NOTION] == 0);
		values[13] = TimestampTzGetDatum(w.paused_until[SYNC_SINK_PINECONE]);
		nulls[13] = (w.paused_until[SYNC_SINK_PINECONE] == 0);
		values[14] = CStringGetTextDatum(w.last_error);
		nulls[14] = (w.last_error[0] == '\0');
		values[15] = TimestampTzGetDatum(w.last_error_at);
		nulls[15] = (w.last_error_at == 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	LWLockRelease(sync_shared->lock);
	return (Datum) 0;
}
