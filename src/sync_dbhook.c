/*
 * sync_dbhook.c - step aside for DROP DATABASE and ALTER DATABASE RENAME.
 *
 * Both commands refuse to run while another session is connected to the
 * database, and a sync worker is such a session.  Before the command runs,
 * this hook asks the worker of that database to leave, waits (a few
 * seconds at most) until it has gone, and holds the launcher off for a
 * while; if the command then fails, the launcher simply starts the worker
 * again later.  WITH (FORCE) needs no help (it terminates the worker like
 * any session), but going through here makes it quieter.
 */
#include "postgres.h"

#include <signal.h>

#include "commands/dbcommands.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/latch.h"
#include "tcop/utility.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "sync.h"

/* How long the launcher leaves the database alone after such a command. */
#define HOLD_OFF_MS		(10 * 1000)
#define WAIT_EXIT_MS	5000

static ProcessUtility_hook_type prev_utility_hook = NULL;

static void
release_database(const char *datname)
{
	Oid			dboid;
	SyncWorkerSlot *w;
	pid_t		pid = 0;
	TimestampTz deadline;

	if (sync_shared == NULL || datname == NULL)
		return;
	dboid = get_database_oid(datname, true);
	if (!OidIsValid(dboid))
		return;

	LWLockAcquire(sync_shared->lock, LW_EXCLUSIVE);
	w = sync_worker_slot_for(dboid);
	if (w != NULL)
	{
		w->state = SWS_STOPPING;
		w->restart_at = GetCurrentTimestamp() + (TimestampTz) HOLD_OFF_MS * 1000;
		pid = w->pid;
	}
	LWLockRelease(sync_shared->lock);
	if (pid <= 0)
		return;

	kill(pid, SIGTERM);
	deadline = GetCurrentTimestamp() + (TimestampTz) WAIT_EXIT_MS * 1000;
	for (;;)
	{
		bool		gone;

		LWLockAcquire(sync_shared->lock, LW_SHARED);
		w = sync_worker_slot_for(dboid);
		gone = (w == NULL || w->pid != pid);
		LWLockRelease(sync_shared->lock);
		if (gone || kill(pid, 0) != 0 || GetCurrentTimestamp() >= deadline)
			break;
		/* The worker clears its slot as it exits; check again shortly. */
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 20, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

static void
sync_utility_hook(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
				  ProcessUtilityContext context, ParamListInfo params,
				  QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *node = pstmt->utilityStmt;

	if (IsA(node, DropdbStmt))
		release_database(((DropdbStmt *) node)->dbname);
	else if (IsA(node, RenameStmt) && ((RenameStmt *) node)->renameType == OBJECT_DATABASE)
		release_database(((RenameStmt *) node)->subname);

	if (prev_utility_hook)
		prev_utility_hook(pstmt, queryString, readOnlyTree, context, params,
						  queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);
}

void
sync_utility_hook_install(void)
{
	prev_utility_hook = ProcessUtility_hook;
	ProcessUtility_hook = sync_utility_hook;
}
