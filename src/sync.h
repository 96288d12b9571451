/*
 * sync.h - the sync subsystem: settings, shared state, launcher, workers.
 *
 * Changes to the synced tables are captured by statement triggers into
 * amprenta.sync_outbox (SQL, see the install script).  A launcher started
 * through shared_preload_libraries runs one worker per database named in
 * amprenta.databases; each worker drains its database's outbox into the
 * semantic index (chunks, mirrored to Pinecone when configured) and into
 * Notion.  See doc/sync.md.
 */
#ifndef AMPRENTA_SYNC_H
#define AMPRENTA_SYNC_H

#include "datatype/timestamp.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "utils/uuid.h"

/* Compile-time capacity of the shared worker table. */
#define SYNC_MAX_WORKERS	32
/* Backends that can wait in amprenta_*_sync(wait_seconds > 0) at once. */
#define SYNC_MAX_WAITERS	64

typedef enum SyncSink
{
	SYNC_SINK_NOTION = 0,
	SYNC_SINK_PINECONE = 1,
	SYNC_NSINKS = 2
} SyncSink;

/* ---- settings (sync_guc.c) ---- */
extern bool amprenta_sync_enabled;
extern char *amprenta_databases;
extern int	amprenta_max_workers;
extern int	amprenta_naptime_ms;
extern int	amprenta_batch_size;
extern int	amprenta_max_inflight;
extern int	amprenta_lease_timeout_s;
extern int	amprenta_max_attempts;
extern int	amprenta_retry_base_delay_ms;
extern int	amprenta_retry_max_delay_ms;
extern int	amprenta_http_timeout_ms;
extern int	amprenta_http_connect_timeout_ms;
extern char *amprenta_notion_api_url;
extern char *amprenta_notion_version;
extern char *amprenta_notion_token_file;
extern double amprenta_notion_max_rps;
extern bool amprenta_notion_narrative;
extern char *amprenta_pinecone_api_url;
extern char *amprenta_pinecone_index;
extern char *amprenta_pinecone_host;
extern char *amprenta_pinecone_namespace;
extern char *amprenta_pinecone_api_key_file;
extern double amprenta_pinecone_max_rps;
extern int	amprenta_embedding_provider;
extern char *amprenta_embedding_model;
extern int	amprenta_embedding_dimension;
extern char *amprenta_openai_api_url;
extern char *amprenta_openai_api_key_file;
extern int	amprenta_chunk_size;

typedef enum EmbeddingProvider
{
	EMBEDDING_LOCAL,
	EMBEDDING_OPENAI,
	EMBEDDING_PINECONE
} EmbeddingProvider;

extern void sync_define_gucs(void);

/* ---- shared state (sync_shmem.c) ---- */

typedef enum SyncWorkerState
{
	SWS_FREE = 0,
	SWS_STARTING,			/* registered, not yet running */
	SWS_RUNNING,
	SWS_BACKOFF,			/* exited; restart after restart_at */
	SWS_NO_EXTENSION,		/* database has no amprenta; retried later */
	SWS_STOPPING			/* DROP/RENAME DATABASE in progress */
} SyncWorkerState;

typedef struct SyncWorkerSlot
{
	SyncWorkerState state;
	Oid			dboid;
	char		datname[NAMEDATALEN];
	pid_t		pid;
	Latch	   *latch;			/* the worker's, while running */
	TimestampTz started_at;
	TimestampTz heartbeat;
	TimestampTz restart_at;		/* SWS_BACKOFF/SWS_NO_EXTENSION/SWS_STOPPING */
	int			restart_delay_ms;	/* current backoff */
	int			exits;			/* times it exited */
	/* counters, updated by the worker only */
	uint64		requests;
	uint64		delivered;
	uint64		retried;
	uint64		throttled;
	uint64		dead;
	TimestampTz paused_until[SYNC_NSINKS];
	char		last_error[256];
	TimestampTz last_error_at;
} SyncWorkerSlot;

typedef enum SyncWaitState
{
	SWAIT_FREE = 0,
	SWAIT_REQUESTED,		/* backend asks its worker to enqueue */
	SWAIT_ENQUEUED,			/* worker committed the enqueue */
	SWAIT_FAILED			/* worker could not enqueue (message kept) */
} SyncWaitState;

typedef struct SyncWaitSlot
{
	SyncWaitState state;
	Oid			dboid;
	pid_t		backend_pid;
	Latch	   *backend_latch;
	int			sink;
	char		entity_type[16];	/* "" = every type */
	bool		has_id;
	pg_uuid_t	entity_id;
	int64		enqueued;
	char		message[256];
} SyncWaitSlot;

typedef struct SyncShared
{
	LWLock	   *lock;
	pid_t		launcher_pid;
	Latch	   *launcher_latch;
	bool		launcher_rescan;	/* set by CREATE EXTENSION / DROP DATABASE */
	SyncWorkerSlot workers[SYNC_MAX_WORKERS];
	SyncWaitSlot waiters[SYNC_MAX_WAITERS];
} SyncShared;

extern SyncShared *sync_shared;

extern void sync_shmem_init_hooks(void);
extern SyncWorkerSlot *sync_worker_slot_for(Oid dboid);	/* caller holds lock */
extern void sync_wake_worker(Oid dboid);
extern void sync_wake_launcher(bool rescan);
extern void sync_note_enqueue(void);
extern const char *sync_sink_name(int sink);
extern int	sync_sink_parse(const char *name);

/* ---- launcher and worker entry points ---- */
extern void sync_register_launcher(void);
extern PGDLLEXPORT void amprenta_sync_launcher_main(Datum arg);
extern PGDLLEXPORT void amprenta_sync_worker_main(Datum arg);
extern void sync_utility_hook_install(void);

#endif
