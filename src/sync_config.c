/*
 * sync_config.c - a change of the index configuration re-syncs the index.
 *
 * The semantic index's vectors are only as good as the configuration that
 * made them (index_config_fingerprint: provider and model, dimension,
 * Pinecone index, host and namespace).  Every entity's content hash
 * includes it, so an entity delivered under a new configuration is sent
 * again; but without this file nothing would queue the entities that do
 * not change, and they would keep vectors of the old model, or stay out
 * of a new Pinecone index, until someone called amprenta_pinecone_sync().
 *
 * At the top of every turn of its loop (the first turn is its start),
 * after it processed a pending reload and before it claims any row of the
 * index sink, the worker compares the fingerprint with the one this
 * process reconciled last, in memory (sync_config_differs); only when they
 * differ (and once after a start) does sync_config_check() ask the database,
 * amprenta._sync_config_changed(), which in one transaction compares it
 * with the one stored in amprenta.sync_config, stores the new one and
 * queues every entity for the index when they differ.  So no row of the
 * index sink is ever delivered under a configuration whose change was not
 * yet queued: a reload that arrives after rows were claimed (the worker
 * was woken by the commit that queued them before the postmaster passed
 * the reload on) makes the next turn queue them all again.
 *
 * The fingerprint is remembered only once that transaction committed: an
 * error (the loop reports it and goes on) means the next turn asks again.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "pgstat.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"

#include "sync.h"
#include "sync_config.h"

/* The fingerprint reconciled last by this process ("" = none yet). */
static char reconciled[SYNC_CONFIG_FINGERPRINT_LEN];

/*
 * Whether this process's configuration differs from the one it reconciled
 * last (always at its first turn): sync_config_check() will then ask the
 * database.  The worker records the index batch it has in hand before that
 * (sync_worker.c): the rows that batch writes into sync_refs describe the
 * index it was sent to, which the check may put aside.
 */
bool
sync_config_differs(void)
{
	char		fingerprint[SYNC_CONFIG_FINGERPRINT_LEN];

	index_config_fingerprint(fingerprint, sizeof(fingerprint));
	return reconciled[0] == '\0' || strcmp(fingerprint, reconciled) != 0;
}

/*
 * Make sure the stored fingerprint of the index sink is the current one,
 * queueing every entity for the index when it was not.  Called when
 * sync_config_differs().  Runs its own transaction; none may be open.
 */
void
sync_config_check(void)
{
	char		fingerprint[SYNC_CONFIG_FINGERPRINT_LEN];
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		args[2];
	bool		isnull;
	int64		queued;

	index_config_fingerprint(fingerprint, sizeof(fingerprint));
	pgstat_report_activity(STATE_RUNNING, "amprenta sync: checking the index configuration");
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	args[0] = CStringGetTextDatum(sync_sink_name(SYNC_SINK_PINECONE));
	args[1] = CStringGetTextDatum(fingerprint);
	if (SPI_execute_with_args("SELECT amprenta._sync_config_changed($1, $2)",
							  2, argtypes, args, NULL, false, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "checking the index configuration failed");
	queued = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (isnull)
		queued = 0;
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_activity(STATE_IDLE, NULL);

	if (queued > 0)
		ereport(LOG,
				(errmsg("amprenta sync worker: the configuration of the semantic index changed, %lld entities queued to be indexed again",
						(long long) queued),
				 errdetail("The configuration is now \"%s\" (model|dimension|index|host|namespace).",
						   fingerprint)));
	strlcpy(reconciled, fingerprint, sizeof(reconciled));
}
