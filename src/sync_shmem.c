/*
 * sync_shmem.c - state shared by the launcher, the workers and backends,
 * and the ways backends wake them.
 *
 * A backend that queued a change sets its database worker's latch when its
 * transaction commits (not before: the worker could not see the rows yet),
 * so delivery starts at once and the worker never polls in between.
 */
#include "postgres.h"

#include "access/xact.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "utils/builtins.h"

#include "amprenta.h"
#include "sync.h"

SyncShared *sync_shared = NULL;

static shmem_startup_hook_type prev_shmem_startup_hook = NULL;
#if PG_VERSION_NUM >= 150000
static shmem_request_hook_type prev_shmem_request_hook = NULL;
#endif

static bool wake_registered = false;	/* xact callback registered */
static bool wake_pending = false;	/* this transaction queued changes */
static bool wake_launcher_pending = false;	/* this transaction ran CREATE EXTENSION */
static bool warned_not_preloaded = false;

static Size
sync_shmem_size(void)
{
	return MAXALIGN(sizeof(SyncShared));
}

#if PG_VERSION_NUM >= 150000
static void
sync_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(sync_shmem_size());
	RequestNamedLWLockTranche("amprenta_sync", 1);
}
#endif

static void
sync_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	sync_shared = ShmemInitStruct("amprenta_sync", sync_shmem_size(), &found);
	if (!found)
	{
		memset(sync_shared, 0, sizeof(SyncShared));
		sync_shared->lock = &(GetNamedLWLockTranche("amprenta_sync"))->lock;
	}
	LWLockRelease(AddinShmemInitLock);
}

void
sync_shmem_init_hooks(void)
{
#if PG_VERSION_NUM >= 150000
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = sync_shmem_request;
#else
	RequestAddinShmemSpace(sync_shmem_size());
	RequestNamedLWLockTranche("amprenta_sync", 1);
#endif
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = sync_shmem_startup;
}

SyncWorkerSlot *
sync_worker_slot_for(Oid dboid)
{
	for (int i = 0; i < SYNC_MAX_WORKERS; i++)
	{
		SyncWorkerSlot *w = &sync_shared->workers[i];

		if (w->state != SWS_FREE && w->dboid == dboid)
			return w;
	}
	return NULL;
}

void
sync_wake_worker(Oid dboid)
{
	SyncWorkerSlot *w;

	if (sync_shared == NULL)
		return;
	LWLockAcquire(sync_shared->lock, LW_SHARED);
	w = sync_worker_slot_for(dboid);
	if (w && w->state == SWS_RUNNING && w->latch)
		SetLatch(w->latch);
	LWLockRelease(sync_shared->lock);
}

void
sync_wake_launcher(bool rescan)
{
	if (sync_shared == NULL)
		return;
	LWLockAcquire(sync_shared->lock, LW_EXCLUSIVE);
	if (rescan)
		sync_shared->launcher_rescan = true;
	if (sync_shared->launcher_latch)
		SetLatch(sync_shared->launcher_latch);
	LWLockRelease(sync_shared->lock);
}

const char *
sync_sink_name(int sink)
{
	return sink == SYNC_SINK_NOTION ? "notion" : "pinecone";
}

int
sync_sink_parse(const char *name)
{
	if (strcmp(name, "notion") == 0)
		return SYNC_SINK_NOTION;
	if (strcmp(name, "pinecone") == 0)
		return SYNC_SINK_PINECONE;
	return -1;
}

static void
sync_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
			if (wake_pending)
				sync_wake_worker(MyDatabaseId);
			if (wake_launcher_pending)
				sync_wake_launcher(true);
			wake_pending = false;
			wake_launcher_pending = false;
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			wake_pending = false;
			wake_launcher_pending = false;
			break;
		default:
			break;
	}
}

/*
 * Remember that this transaction queued changes, so that its commit wakes
 * the worker; warn once per session when no worker can exist.
 */
void
sync_note_enqueue(void)
{
	if (!wake_registered)
	{
		RegisterXactCallback(sync_xact_callback, NULL);
		wake_registered = true;
	}
	wake_pending = true;

	if (!amprenta_preloaded && !warned_not_preloaded)
	{
		warned_not_preloaded = true;
		ereport(WARNING,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("amprenta is not in shared_preload_libraries: changes are queued but not delivered"),
				 errhint("Add amprenta to shared_preload_libraries, list this database in amprenta.databases and restart the server.")));
	}
}

PG_FUNCTION_INFO_V1(amprenta_sync_begin);

/*
 * amprenta._sync_begin() RETURNS boolean: called by the capture triggers
 * before they queue anything.  False when amprenta.sync_enabled is off.
 */
Datum
amprenta_sync_begin(PG_FUNCTION_ARGS)
{
	if (!amprenta_sync_enabled)
		PG_RETURN_BOOL(false);
	sync_note_enqueue();
	PG_RETURN_BOOL(true);
}

PG_FUNCTION_INFO_V1(amprenta_sync_wake_launcher);

/*
 * amprenta._sync_wake_launcher(): run by CREATE EXTENSION, so a database
 * listed in amprenta.databases gets its worker without waiting for the
 * launcher's next retry.  The launcher is woken when the transaction
 * commits: a worker started before would not see the extension yet, and
 * the launcher would look again only a minute later.
 */
Datum
amprenta_sync_wake_launcher(PG_FUNCTION_ARGS)
{
	if (!wake_registered)
	{
		RegisterXactCallback(sync_xact_callback, NULL);
		wake_registered = true;
	}
	wake_launcher_pending = true;
	PG_RETURN_VOID();
}

