/*
 * sync_worker.c - the per-database sync worker: its loop.
 *
 * Each turn: serve sessions waiting in amprenta_*_sync(wait_seconds > 0),
 * return expired leases to the queue, then one round per sink that is not
 * paused (claim + read | deliver with no transaction open | record).  The
 * worker sleeps on its latch only when no sink had work; a commit that
 * queued changes sets the latch, amprenta.naptime bounds the sleep.
 *
 * SIGTERM (pg_terminate_backend, DROP DATABASE ... WITH (FORCE), shutdown)
 * sets ProcDiePending; the HTTP client asks sync_should_stop() at least
 * every 100 ms, so the worker leaves within a fraction of a second even
 * while a request hangs.  Whatever it had leased is taken again when the
 * lease expires.
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "amprenta.h"
#include "sync_config.h"
#include "sync_worker.h"

static int	my_slotno = -1;
static SyncContext ctx;

static SyncWorkerSlot *
my_slot(void)
{
	return &sync_shared->workers[my_slotno];
}

/*
 * A transaction of the worker.  A background worker must set the statement
 * start time itself (the postgres main loop does it for sessions), or now()
 * would stay at the time the worker started.
 */
static void
begin_xact(void)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
}

static void
commit_xact(void)
{
	PopActiveSnapshot();
	CommitTransactionCommand();
}

static void
worker_detach(int code, Datum arg)
{
	SyncWorkerSlot *w;

	if (my_slotno < 0)
		return;
	LWLockAcquire(sync_shared->lock, LW_EXCLUSIVE);
	w = my_slot();
	if (w->pid == MyProcPid)
	{
		w->pid = 0;
		w->latch = NULL;
	}
	LWLockRelease(sync_shared->lock);
	if (ctx.http)
	{
		http_client_destroy(ctx.http);
		ctx.http = NULL;
	}
}

static void
note_error(const char *msg)
{
	LWLockAcquire(sync_shared->lock, LW_EXCLUSIVE);
	strlcpy(my_slot()->last_error, msg, sizeof(my_slot()->last_error));
	my_slot()->last_error_at = GetCurrentTimestamp();
	LWLockRelease(sync_shared->lock);
}

static void
configure(void)
{
	int64		now = GetCurrentTimestamp() / 1000;

	/*
	 * Notion: no bursts.  Its limit is an average per integration, enforced
	 * where our requests arrive, not where they leave; evenly spaced
	 * requests never meet it, a burst after a quiet spell can.
	 */
	tb_set_rate(&ctx.bucket[SYNC_SINK_NOTION], amprenta_notion_max_rps, 1.0, now);
	/* Pinecone: a second's worth less one request, the same slack. */
	tb_set_rate(&ctx.bucket[SYNC_SINK_PINECONE], amprenta_pinecone_max_rps,
				Max(1.0, amprenta_pinecone_max_rps - 1.0), now);
	/* New settings (a token, a URL) deserve a new try at once. */
	for (int s = 0; s < SYNC_NSINKS; s++)
		ctx.paused_until[s] = 0;
}

/* Queue what a waiting session asked for, in a transaction of our own. */
static bool
enqueue_for(const SyncWaitSlot *req, int64 *count, char *message, size_t msgsz)
{
	volatile bool ok = true;
	volatile int64 n = 0;

	begin_xact();
	PG_TRY();
	{
		Oid			argtypes[3] = {TEXTOID, TEXTOID, UUIDOID};
		Datum		args[3];
		char		nulls[3] = {' ', req->entity_type[0] ? ' ' : 'n', req->has_id ? ' ' : 'n'};
		bool		isnull;

		SPI_connect();
		args[0] = CStringGetTextDatum(sync_sink_name(req->sink));
		args[1] = req->entity_type[0] ? CStringGetTextDatum(req->entity_type) : (Datum) 0;
		args[2] = req->has_id ? UUIDPGetDatum(&req->entity_id) : (Datum) 0;
		if (SPI_execute_with_args("SELECT amprenta._sync_enqueue($1, $2, $3)",
								  3, argtypes, args, nulls, false, 1) != SPI_OK_SELECT)
			elog(ERROR, "queueing for a waiting session failed");
		n = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		SPI_finish();
		commit_xact();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(TopMemoryContext);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		strlcpy(message, edata->message, msgsz);
		FreeErrorData(edata);
		ok = false;
	}
	PG_END_TRY();
	*count = n;
	return ok;
}

/*
 * Sessions of this database waiting in amprenta_*_sync(wait_seconds > 0):
 * queue what they asked for in our own transaction and commit, then tell
 * them.
 */
static void
serve_waiters(void)
{
	for (int i = 0; i < SYNC_MAX_WAITERS; i++)
	{
		SyncWaitSlot req;
		SyncWaitSlot *slot = &sync_shared->waiters[i];
		int64		n = 0;
		char		message[256] = "";
		bool		ok;

		LWLockAcquire(sync_shared->lock, LW_SHARED);
		req = *slot;
		LWLockRelease(sync_shared->lock);
		if (req.state != SWAIT_REQUESTED || req.dboid != MyDatabaseId)
			continue;

		ok = enqueue_for(&req, &n, message, sizeof(message));

		LWLockAcquire(sync_shared->lock, LW_EXCLUSIVE);
		if (slot->state == SWAIT_REQUESTED && slot->backend_pid == req.backend_pid)
		{
			slot->state = ok ? SWAIT_ENQUEUED : SWAIT_FAILED;
			slot->enqueued = n;
			strlcpy(slot->message, message, sizeof(slot->message));
			if (slot->backend_latch)
				SetLatch(slot->backend_latch);
		}
		LWLockRelease(sync_shared->lock);
	}
}

/* Wake the sessions that wait for deliveries: they look at the queue again. */
static void
wake_waiters(void)
{
	LWLockAcquire(sync_shared->lock, LW_SHARED);
	for (int i = 0; i < SYNC_MAX_WAITERS; i++)
	{
		SyncWaitSlot *slot = &sync_shared->waiters[i];

		if (slot->state == SWAIT_ENQUEUED && slot->dboid == MyDatabaseId && slot->backend_latch)
			SetLatch(slot->backend_latch);
	}
	LWLockRelease(sync_shared->lock);
}

/*
 * In a PG_CATCH of the worker: report the error, roll back, and return a
 * copy of it (allocated in cxt).  FATAL errors and termination requests go
 * on up: the worker ends.
 */
static ErrorData *
recover_from_error(MemoryContext cxt)
{
	ErrorData  *edata;

	MemoryContextSwitchTo(cxt);
	edata = CopyErrorData();
	if (edata->elevel >= FATAL || ProcDiePending)
		PG_RE_THROW();
	EmitErrorReport();
	FlushErrorState();
	AbortCurrentTransaction();
	return edata;
}

/*
 * A sink whose documents could not be read (an entity whose document
 * fails to build) reads one row per round until the culprit is found, so
 * one bad entity never holds up the others.
 */
static bool isolate[SYNC_NSINKS];

/*
 * Reading the claimed rows' documents failed: with one row, it is the
 * culprit and goes dead with the error; with several, they go back to the
 * queue (no attempt spent) and the sink reads one at a time.
 */
static void
prepare_failed(const SinkOps *ops, SyncItem *items, int n, ErrorData *edata)
{
	begin_xact();
	SPI_connect();
	for (int i = 0; i < n; i++)
	{
		items[i].outcome = n == 1 ? ITEM_DEAD : ITEM_THROTTLED;
		items[i].write_ref = items[i].drop_ref = false;
		snprintf(items[i].error, sizeof(items[i].error), "reading the %s document: %s",
				 items[i].entity_type, edata->message);
	}
	outbox_record(ops->sink, items, n, &ctx);
	SPI_finish();
	commit_xact();
	isolate[ops->sink] = (n > 1);
}

/*
 * Two batches may be in hand at once: one whose last request is still
 * being answered (the index sink leaves its last upsert running,
 * sink_index.c) and the next one, claimed, read and sent meanwhile.  The
 * first is recorded once the second's request went out (or when its sink
 * has no next batch), so the service's work overlaps the worker's.  Each
 * lives in one of two memory contexts, reset when taken for a new batch.
 * The leases of both are taken before and released only by their records:
 * a crash at any moment leaves both to be claimed again.
 */
typedef struct PendingBatch
{
	const SinkOps *ops;			/* NULL: none */
	SyncItem   *items;
	int			n;
	int			cxt;			/* index into batch_cxt */
} PendingBatch;

static PendingBatch pending;
static MemoryContext batch_cxt[2];

/* Record a delivered batch, in a short transaction of its own. */
static void
record_batch(const SinkOps *ops, SyncItem *items, int n)
{
	pgstat_report_activity(STATE_RUNNING, "amprenta sync: recording");
	begin_xact();
	SPI_connect();
	ops->record(&ctx, items, n);
	outbox_record(ops->sink, items, n, &ctx);
	SPI_finish();
	commit_xact();
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);
	wake_waiters();
}

/*
 * Wait for the answer of the pending batch of ops' sink, if there is one,
 * and record it.  Returns its number of rows.
 */
static int
flush_pending(const SinkOps *ops)
{
	PendingBatch b = pending;

	if (b.ops == NULL || b.ops != ops)
		return 0;
	pending.ops = NULL;			/* an error below drops it: leases expire */
	pgstat_report_activity(STATE_RUNNING, "amprenta sync: delivering");
	sync_http_settle(&ctx, b.items);
	record_batch(b.ops, b.items, b.n);
	return b.n;
}

/*
 * After an error of the worker: the pending batch is forgotten (its rows
 * stay leased until the lease expires, as after a crash) and its request,
 * if still running, cancelled.
 */
static void
drop_pending(void)
{
	sync_http_abandon(&ctx);
	pending.ops = NULL;
}

/* One round of one sink; returns the number of rows it handled. */
static int
sink_round(const SinkOps *ops)
{
	SyncItem   *items = NULL;
	volatile int n;
	int			limit = isolate[ops->sink] ? 1 : ops->batch_limit(&ctx);
	MemoryContext round = CurrentMemoryContext;
	int			slot = (pending.ops != NULL && pending.cxt == 0) ? 1 : 0;
	int			flushed;

	MemoryContextReset(batch_cxt[slot]);
	sync_round_context = batch_cxt[slot];

	/* 1. claim (committed at once: the leases protect the rows) */
	begin_xact();
	SPI_connect();
	pgstat_report_activity(STATE_RUNNING, "amprenta sync: claiming");
	n = outbox_claim(ops->sink, limit, &items);
	SPI_finish();
	commit_xact();
	if (n == 0)
	{
		isolate[ops->sink] = false;
		return flush_pending(ops);
	}

	/* 2. read what the sink needs, a second short transaction */
	PG_TRY();
	{
		begin_xact();
		SPI_connect();
		ops->prepare(&ctx, items, n);
		SPI_finish();
		commit_xact();
	}
	PG_CATCH();
	{
		ErrorData  *edata = recover_from_error(round);

		prepare_failed(ops, items, n, edata);
		FreeErrorData(edata);
		return n;
	}
	PG_END_TRY();
	if (n == 1)
		isolate[ops->sink] = false;

	/* 3. deliver, no transaction open; memory from the round's context */
	MemoryContextSwitchTo(sync_round_context);
	pgstat_report_activity(STATE_RUNNING, "amprenta sync: delivering");
	ops->deliver(&ctx, items, n);

	/*
	 * 4. record, one more short transaction: first the batch before, whose
	 * answer came while this one was prepared; this one now, or, when its
	 * last request is still being answered, in the next round.
	 */
	flushed = flush_pending(ops);
	if (sync_http_pending(&ctx) == items)
	{
		pending.ops = ops;
		pending.items = items;
		pending.n = n;
		pending.cxt = slot;
		return n + flushed;
	}
	record_batch(ops, items, n);
	return n + flushed;
}

/* How long to sleep when no sink had work. */
static long
sleep_ms(void)
{
	long		ms = amprenta_naptime_ms;
	TimestampTz now = GetCurrentTimestamp();

	begin_xact();
	SPI_connect();
	for (int s = 0; s < SYNC_NSINKS; s++)
	{
		int64		due = outbox_ms_until_due(s);

		if (ctx.paused_until[s] > now)
			due = Max(due, (ctx.paused_until[s] - now) / 1000);
		if (due >= 0)
			ms = Min(ms, (long) due);
	}
	SPI_finish();
	commit_xact();
	return Max(ms, 1);
}

static bool
extension_ready(void)
{
	bool		ok;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	ok = OidIsValid(get_extension_oid("amprenta", true));
	CommitTransactionCommand();
	return ok;
}

void
amprenta_sync_worker_main(Datum arg)
{
	Oid			dboid;
	MemoryContext round_ctx;
	volatile int consecutive_errors = 0;
	volatile bool busy = false;	/* the last turn had work */
	volatile TimestampTz last_reclaim = 0;

	my_slotno = DatumGetInt32(arg);
	memcpy(&dboid, MyBgworkerEntry->bgw_extra, sizeof(Oid));

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);
	pgstat_report_appname("amprenta sync worker");

	LWLockAcquire(sync_shared->lock, LW_EXCLUSIVE);
	my_slot()->pid = MyProcPid;
	my_slot()->latch = MyLatch;
	my_slot()->started_at = GetCurrentTimestamp();
	my_slot()->heartbeat = my_slot()->started_at;
	LWLockRelease(sync_shared->lock);
	before_shmem_exit(worker_detach, (Datum) 0);

	if (!extension_ready())
	{
		/* Quietly: the launcher looks again later, or at CREATE EXTENSION. */
		LWLockAcquire(sync_shared->lock, LW_EXCLUSIVE);
		my_slot()->state = SWS_NO_EXTENSION;
		LWLockRelease(sync_shared->lock);
		ereport(DEBUG1, (errmsg("amprenta sync worker: extension not installed in this database")));
		proc_exit(0);
	}

	/* The worker's own writes (page ids, sync_refs) are not user changes. */
	SetConfigOption("amprenta.sync_enabled", "off", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("application_name", "amprenta sync worker", PGC_USERSET, PGC_S_OVERRIDE);
	/* Short statements over a few hundred rows: compiling them never pays. */
	SetConfigOption("jit", "off", PGC_USERSET, PGC_S_OVERRIDE);

	memset(&ctx, 0, sizeof(ctx));
	ctx.slot = my_slot();
	ctx.rng = (uint64) MyProcPid * UINT64CONST(0x9E3779B97F4A7C15) ^ (uint64) GetCurrentTimestamp();
	tb_init(&ctx.bucket[SYNC_SINK_NOTION], amprenta_notion_max_rps, 1.0,
			GetCurrentTimestamp() / 1000);
	tb_init(&ctx.bucket[SYNC_SINK_PINECONE], amprenta_pinecone_max_rps,
			Max(1.0, amprenta_pinecone_max_rps - 1.0), GetCurrentTimestamp() / 1000);
	{
		char		err[256];

		ctx.http = http_client_create(amprenta_max_inflight, 3, 64 * 1024 * 1024, err, sizeof(err));
		if (ctx.http == NULL)
			ereport(ERROR, (errmsg("amprenta sync worker: HTTP client: %s", err)));
	}

	LWLockAcquire(sync_shared->lock, LW_EXCLUSIVE);
	my_slot()->state = SWS_RUNNING;
	LWLockRelease(sync_shared->lock);

	round_ctx = AllocSetContextCreate(TopMemoryContext, "amprenta sync round",
									  ALLOCSET_DEFAULT_SIZES);
	sync_round_context = round_ctx;
	for (int i = 0; i < 2; i++)
		batch_cxt[i] = AllocSetContextCreate(TopMemoryContext, "amprenta sync batch",
											 ALLOCSET_DEFAULT_SIZES);

	for (;;)
	{
		int			work = 0;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
			configure();
		}
		LWLockAcquire(sync_shared->lock, LW_EXCLUSIVE);
		my_slot()->heartbeat = GetCurrentTimestamp();
		for (int s = 0; s < SYNC_NSINKS; s++)
			my_slot()->paused_until[s] = ctx.paused_until[s];
		LWLockRelease(sync_shared->lock);

		MemoryContextSwitchTo(round_ctx);
		PG_TRY();
		{
			TimestampTz now;

			/* before any claim: see sync_config.c */
			if (sync_config_differs())
			{
				flush_pending(&sink_index_ops);
				sync_config_check();
			}
			serve_waiters();
			begin_xact();
			SPI_connect();
			outbox_expand();
			SPI_finish();
			commit_xact();
			/*
			 * Expired leases: once a second while draining (a lease lasts
			 * amprenta.lease_timeout), at every turn otherwise.
			 */
			now = GetCurrentTimestamp();
			if (!busy || TimestampDifferenceExceeds(last_reclaim, now, 1000))
			{
				begin_xact();
				SPI_connect();
				outbox_reclaim();
				SPI_finish();
				commit_xact();
				last_reclaim = now;
			}

			/* a paused sink still records the batch it has in hand */
			now = GetCurrentTimestamp();
			if (ctx.paused_until[SYNC_SINK_PINECONE] <= now)
				work += sink_round(&sink_index_ops);
			else
				work += flush_pending(&sink_index_ops);
			CHECK_FOR_INTERRUPTS();
			now = GetCurrentTimestamp();
			if (ctx.paused_until[SYNC_SINK_NOTION] <= now)
				work += sink_round(&sink_notion_ops);
			else
				work += flush_pending(&sink_notion_ops);
			sync_round_context = round_ctx;
			consecutive_errors = 0;
		}
		PG_CATCH();
		{
			/* Report, roll back, and go on: never exit on an error. */
			ErrorData  *edata = recover_from_error(TopMemoryContext);

			drop_pending();
			sync_round_context = round_ctx;
			note_error(edata->message);
			FreeErrorData(edata);
			consecutive_errors++;
		}
		PG_END_TRY();
		MemoryContextSwitchTo(TopMemoryContext);
		MemoryContextReset(round_ctx);

		busy = work > 0;
		if (work > 0 && consecutive_errors == 0)
			continue;
		{
			long		timeout;

			if (consecutive_errors > 0)
				timeout = Min(1000L << Min(consecutive_errors, 6), (long) amprenta_naptime_ms);
			else
			{
				PG_TRY();
				{
					timeout = sleep_ms();
				}
				PG_CATCH();
				{
					EmitErrorReport();
					FlushErrorState();
					AbortCurrentTransaction();
					timeout = amprenta_naptime_ms;
				}
				PG_END_TRY();
			}
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 timeout, PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
		}
	}
}
