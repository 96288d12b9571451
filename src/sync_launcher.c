/*
 * sync_launcher.c - the launcher: one sync worker per listed database.
 *
 * Started through shared_preload_libraries.  It connects to no database
 * (only the shared catalogs, to turn names into OIDs), so it never stands
 * in the way of DROP DATABASE or ALTER DATABASE ... RENAME.  It starts a
 * dynamic worker for each database of amprenta.databases, watches it, and
 * restarts one that exits, with a delay that doubles while it keeps
 * failing.  A database without the extension is looked at again later,
 * quietly; CREATE EXTENSION wakes the launcher at once.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "commands/dbcommands.h"
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
#include "utils/varlena.h"

#include "sync.h"

#define RESTART_DELAY_MIN_MS	1000
#define RESTART_DELAY_MAX_MS	(300 * 1000)
#define NO_EXTENSION_DELAY_MS	(60 * 1000)
/* A worker that ran this long before exiting was healthy: restart soon. */
#define HEALTHY_RUN_MS			(60 * 1000)

/* Launcher-local: handles of the workers, by slot. */
static BackgroundWorkerHandle *handles[SYNC_MAX_WORKERS];
static bool warned_limit = false;

void
sync_register_launcher(void)
{
	BackgroundWorker bgw;

	memset(&bgw, 0, sizeof(bgw));
	bgw.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	bgw.bgw_start_time = BgWorkerStart_RecoveryFinished;
	bgw.bgw_restart_time = 5;
	snprintf(bgw.bgw_library_name, BGW_MAXLEN, "amprenta");
	snprintf(bgw.bgw_function_name, BGW_MAXLEN, "amprenta_sync_launcher_main");
	snprintf(bgw.bgw_name, BGW_MAXLEN, "amprenta sync launcher");
	snprintf(bgw.bgw_type, BGW_MAXLEN, "amprenta sync launcher");
	RegisterBackgroundWorker(&bgw);
}

static void
launcher_detach(int code, Datum arg)
{
	LWLockAcquire(sync_shared->lock, LW_EXCLUSIVE);
	if (sync_shared->launcher_pid == MyProcPid)
	{
		sync_shared->launcher_pid = 0;
		sync_shared->launcher_latch = NULL;
	}
	LWLockRelease(sync_shared->lock);
}

/*
 * The OID of a database, by a sequential scan of pg_database: with no
 * database selected, the launcher can read that shared catalog but not
 * through the catalog caches or its indexes.
 */
static Oid
database_oid(const char *name)
{
	Relation	rel = table_open(DatabaseRelationId, AccessShareLock);
	TableScanDesc scan = table_beginscan_catalog(rel, 0, NULL);
	HeapTuple	tup;
	Oid			oid = InvalidOid;

	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Form_pg_database db = (Form_pg_database) GETSTRUCT(tup);

		if (strcmp(NameStr(db->datname), name) == 0 && db->datallowconn)
		{
			oid = db->oid;
			break;
		}
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	return oid;
}

/* The databases of amprenta.databases that exist, as OIDs and names. */
static int
wanted_databases(Oid *oids, char (*names)[NAMEDATALEN], int max)
{
	char	   *raw = pstrdup(amprenta_databases ? amprenta_databases : "");
	List	   *list = NIL;
	ListCell   *lc;
	int			n = 0;

	if (!SplitIdentifierString(raw, ',', &list))
	{
		ereport(LOG,
				(errmsg("amprenta sync launcher: amprenta.databases is not a valid list")));
		return 0;
	}

	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	foreach(lc, list)
	{
		const char *name = lfirst(lc);
		Oid			oid = database_oid(name);
		bool		dup = false;

		if (!OidIsValid(oid))
		{
			/* Not there (yet): looked up again at every scan, logged once. */
			ereport(DEBUG1,
					(errmsg("amprenta sync launcher: database \"%s\" does not exist", name)));
			continue;
		}
		for (int i = 0; i < n; i++)
			dup |= (oids[i] == oid);
		if (dup)
			continue;
		if (n == max)
		{
			if (!warned_limit)
				ereport(LOG,
						(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
						 errmsg("amprenta sync launcher: more databases listed than amprenta.max_workers (%d)", max),
						 errhint("Raise amprenta.max_workers (and max_worker_processes).")));
			warned_limit = true;
			break;
		}
		oids[n] = oid;
		strlcpy(names[n], name, NAMEDATALEN);
		n++;
	}
	PopActiveSnapshot();
	CommitTransactionCommand();
	return n;
}

static bool
start_worker(int slotno, SyncWorkerSlot *w)
{
	BackgroundWorker bgw;
	BackgroundWorkerHandle *h;

	memset(&bgw, 0, sizeof(bgw));
	bgw.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	bgw.bgw_start_time = BgWorkerStart_RecoveryFinished;
	bgw.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(bgw.bgw_library_name, BGW_MAXLEN, "amprenta");
	snprintf(bgw.bgw_function_name, BGW_MAXLEN, "amprenta_sync_worker_main");
	snprintf(bgw.bgw_name, BGW_MAXLEN, "amprenta sync worker for %s", w->datname);
	snprintf(bgw.bgw_type, BGW_MAXLEN, "amprenta sync worker");
	bgw.bgw_main_arg = Int32GetDatum(slotno);
	memcpy(bgw.bgw_extra, &w->dboid, sizeof(Oid));
	bgw.bgw_notify_pid = MyProcPid;

	if (!RegisterDynamicBackgroundWorker(&bgw, &h))
	{
		ereport(LOG,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("amprenta sync launcher: could not start a worker for database \"%s\"", w->datname),
				 errhint("Raise max_worker_processes.")));
		return false;
	}
	handles[slotno] = h;
	return true;
}

static long
ms_until(TimestampTz t, TimestampTz now)
{
	return t <= now ? 0 : (long) ((t - now) / 1000);
}

/*
 * One pass: start what is wanted and not running, notice exits, stop what
 * is no longer wanted.  Returns the time until the next restart is due.
 */
static long
launcher_scan(void)
{
	Oid			oids[SYNC_MAX_WORKERS];
	char		names[SYNC_MAX_WORKERS][NAMEDATALEN];
	int			n = wanted_databases(oids, names, amprenta_max_workers);
	TimestampTz now = GetCurrentTimestamp();
	long		next = amprenta_naptime_ms;

	LWLockAcquire(sync_shared->lock, LW_EXCLUSIVE);

	/* Notice workers that stopped. */
	for (int i = 0; i < SYNC_MAX_WORKERS; i++)
	{
		SyncWorkerSlot *w = &sync_shared->workers[i];
		pid_t		pid;

		if (w->state == SWS_FREE || handles[i] == NULL)
			continue;
		if (GetBackgroundWorkerPid(handles[i], &pid) != BGWH_STOPPED)
			continue;
		pfree(handles[i]);
		handles[i] = NULL;
		w->pid = 0;
		w->latch = NULL;
		w->exits++;
		if (w->state == SWS_NO_EXTENSION)
			w->restart_at = now + (TimestampTz) NO_EXTENSION_DELAY_MS * 1000;
		else if (w->state == SWS_STOPPING)
			 /* restart_at was set by the DROP/RENAME hook */ ;
		else
		{
			/* Crashed or was terminated: back off while it keeps failing. */
			bool		healthy = w->started_at != 0 &&
				now - w->started_at >= (TimestampTz) HEALTHY_RUN_MS * 1000;

			if (healthy || w->restart_delay_ms == 0)
				w->restart_delay_ms = RESTART_DELAY_MIN_MS;
			else
				w->restart_delay_ms = Min(w->restart_delay_ms * 2, RESTART_DELAY_MAX_MS);
			w->state = SWS_BACKOFF;
			w->restart_at = now + (TimestampTz) w->restart_delay_ms * 1000;
		}
	}

	/* Stop and forget workers of databases no longer wanted. */
	for (int i = 0; i < SYNC_MAX_WORKERS; i++)
	{
		SyncWorkerSlot *w = &sync_shared->workers[i];
		bool		wanted = false;

		if (w->state == SWS_FREE)
			continue;
		for (int j = 0; j < n; j++)
			wanted |= (oids[j] == w->dboid);
		if (wanted)
			continue;
		if (handles[i] != NULL)
			TerminateBackgroundWorker(handles[i]);	/* noticed on a later scan */
		else
			memset(w, 0, sizeof(*w));
	}

	/* Start what is wanted and due. */
	for (int j = 0; j < n; j++)
	{
		SyncWorkerSlot *w = sync_worker_slot_for(oids[j]);
		int			slotno;

		if (w == NULL)
		{
			for (slotno = 0; slotno < SYNC_MAX_WORKERS; slotno++)
				if (sync_shared->workers[slotno].state == SWS_FREE)
					break;
			if (slotno == SYNC_MAX_WORKERS)
				break;
			w = &sync_shared->workers[slotno];
			memset(w, 0, sizeof(*w));
			w->dboid = oids[j];
			strlcpy(w->datname, names[j], NAMEDATALEN);
			w->state = SWS_BACKOFF;
			w->restart_at = now;
		}
		slotno = w - sync_shared->workers;
		/* A renamed database keeps its OID: follow the name. */
		strlcpy(w->datname, names[j], NAMEDATALEN);

		if (handles[slotno] != NULL)
			continue;			/* running or starting */
		if (sync_shared->launcher_rescan && w->state == SWS_NO_EXTENSION)
			w->restart_at = now;	/* CREATE EXTENSION somewhere */
		if (w->restart_at > now)
		{
			next = Min(next, ms_until(w->restart_at, now));
			continue;
		}
		w->state = SWS_STARTING;
		w->started_at = 0;
		if (!start_worker(slotno, w))
		{
			w->state = SWS_BACKOFF;
			w->restart_delay_ms = Min(Max(w->restart_delay_ms * 2, RESTART_DELAY_MIN_MS),
									  RESTART_DELAY_MAX_MS);
			w->restart_at = now + (TimestampTz) w->restart_delay_ms * 1000;
			next = Min(next, (long) w->restart_delay_ms);
		}
	}
	sync_shared->launcher_rescan = false;
	LWLockRelease(sync_shared->lock);
	return Max(next, 10);
}

void
amprenta_sync_launcher_main(Datum arg)
{
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, SignalHandlerForShutdownRequest);
	BackgroundWorkerUnblockSignals();

	/* Shared catalogs only: no database, so no DROP DATABASE waits for us. */
	BackgroundWorkerInitializeConnection(NULL, NULL, 0);
	pgstat_report_appname("amprenta sync launcher");

	LWLockAcquire(sync_shared->lock, LW_EXCLUSIVE);
	sync_shared->launcher_pid = MyProcPid;
	sync_shared->launcher_latch = MyLatch;
	/*
	 * Slots of a previous launcher's life: we have no handle on their
	 * workers, so ask them to leave and start afresh.
	 */
	for (int i = 0; i < SYNC_MAX_WORKERS; i++)
	{
		if (sync_shared->workers[i].pid > 0)
			kill(sync_shared->workers[i].pid, SIGTERM);
		memset(&sync_shared->workers[i], 0, sizeof(SyncWorkerSlot));
	}
	LWLockRelease(sync_shared->lock);
	before_shmem_exit(launcher_detach, (Datum) 0);

	while (!ShutdownRequestPending)
	{
		long		timeout;

		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}
		timeout = launcher_scan();
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 timeout, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}

	/* Our workers follow: they are ours, and nobody else restarts them. */
	for (int i = 0; i < SYNC_MAX_WORKERS; i++)
		if (handles[i] != NULL)
			TerminateBackgroundWorker(handles[i]);
	proc_exit(0);
}
