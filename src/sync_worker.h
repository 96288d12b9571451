/*
 * sync_worker.h - what the worker loop and the sinks share.
 *
 * A round for one sink: claim a batch of queue rows and read what the sink
 * needs from the database (one short transaction), deliver with no
 * transaction open, record the outcome (a second short transaction).
 */
#ifndef AMPRENTA_SYNC_WORKER_H
#define AMPRENTA_SYNC_WORKER_H

#include "utils/uuid.h"

#include "http_client.h"
#include "ratelimit.h"
#include "sync.h"

typedef enum ItemOutcome
{
	ITEM_PENDING = 0,			/* not decided: retried like a transient failure */
	ITEM_DONE,
	ITEM_RETRY,					/* transient: back off, attempt spent */
	ITEM_THROTTLED,				/* sink paused: no attempt spent */
	ITEM_DEAD
} ItemOutcome;

typedef struct SyncItem
{
	/* the queue row */
	int64		id;
	bool		is_delete;
	char		entity_type[16];
	pg_uuid_t	entity_id;
	char		entity_id_str[37];
	int			attempts;		/* this attempt's number, from 1 */
	TransactionId version;		/* xmin of the row when claimed */
	int64		lease_id;		/* the sync_leases row of the batch */

	/* read in the claim transaction */
	bool		exists;			/* the entity still exists */
	char	   *title;
	char	   *body;
	char	   *properties;		/* JSON text of the row */
	char	   *user_page_id;	/* notion_page_id set on the row */
	bool		page_is_ours;	/* ... and the Notion sink created that page */
	char	   *ref_external_id;	/* sync_refs */
	bool		has_ref_hash;
	uint8		ref_hash[32];
	int			ref_chunk_count;
	bool		ref_owned;		/* sync_refs.owned (true when no row) */
	bool		has_ref;		/* the sink has a sync_refs row for it */
	uint8		content_hash[32];

	/* decided by the delivery */
	ItemOutcome outcome;
	long		http_status;
	char		error[256];

	/* to record */
	bool		write_ref;		/* upsert sync_refs with the values below */
	bool		drop_ref;		/* delete the sync_refs row */
	char	   *new_external_id;
	int			new_chunk_count;
	bool		write_page_id;	/* store new_external_id as notion_page_id */
	bool		new_owned;		/* sync made the external object (Notion page) */
	void	   *sink_data;		/* the sink's own (chunks, vectors) */
} SyncItem;

typedef struct SyncContext SyncContext;

/*
 * Called when a transfer of sync_http_start() has ended: rc as from
 * sync_http (0, or -1 when the worker was asked to stop), req's outputs
 * set.  It runs in whatever memory context is current then.
 */
typedef void (*SyncHttpDone) (SyncContext *ctx, HttpRequest *req, int rc, void *arg);

/* Worker-wide state the sinks use. */
struct SyncContext
{
	HttpClient *http;
	TokenBucket bucket[SYNC_NSINKS];
	TimestampTz paused_until[SYNC_NSINKS];
	char		pause_reason[SYNC_NSINKS][256];
	uint64		rng;
	SyncWorkerSlot *slot;

	/* the transfer of sync_http_start() not yet settled, if any */
	HttpRequest *pending_req;
	const void *pending_owner;
	SyncHttpDone pending_done;
	void	   *pending_arg;
};

typedef struct SinkOps
{
	int			sink;
	int			(*batch_limit) (SyncContext *ctx);
	void		(*prepare) (SyncContext *ctx, SyncItem *items, int n);	/* in a transaction */
	void		(*deliver) (SyncContext *ctx, SyncItem *items, int n);	/* none open */
	void		(*record) (SyncContext *ctx, SyncItem *items, int n);	/* in a transaction */
} SinkOps;

extern const SinkOps sink_index_ops;
extern const SinkOps sink_notion_ops;

/*
 * sink_notion.c: one request to the Notion API with the token and
 * Notion-Version (body may be NULL); returns sync_http's result.  The
 * index sink reads linked pages through it too.
 */
extern int	notion_call(SyncContext *ctx, HttpRequest *req, const char *method,
						const char *url, const char *token, const char *body);

/* sync_deliver.c: HTTP through the worker's client, rate and shutdown aware */
extern bool sync_should_stop(void *arg);
extern int	sync_http(SyncContext *ctx, int sink, HttpRequest *reqs, int n);
extern void sync_http_start(SyncContext *ctx, int sink, HttpRequest *req, const void *owner,
							SyncHttpDone done, void *arg);
extern bool sync_http_settle(SyncContext *ctx, const void *owner);
extern const void *sync_http_pending(SyncContext *ctx);
extern void sync_http_abandon(SyncContext *ctx);
extern void sync_request_fill(HttpRequest *req, const char *method, const char *url,
							  const char **headers, const char *body, bool not_idempotent);
extern int	sync_request(SyncContext *ctx, int sink, HttpRequest *req, const char *method,
						 const char *url, const char **headers, const char *body,
						 bool not_idempotent);
extern void sync_item_fail(SyncContext *ctx, int sink, SyncItem *item, HttpRequest *r,
						   const char *what);
extern char *sync_read_secret(const char *path, const char *setting);
extern void sync_pause_sink(SyncContext *ctx, int sink, int64 ms, const char *reason);

/* sync_outbox.c; allocations that outlive a transaction go to the round's context */
extern MemoryContext sync_round_context;
extern int	outbox_claim(int sink, int limit, SyncItem **items);
extern void outbox_read_documents(int sink, SyncItem *items, int n);
extern void outbox_record(int sink, SyncItem *items, int n, SyncContext *ctx);
extern int64 outbox_reclaim(void);
extern int64 outbox_expand(void);
extern int64 outbox_ms_until_due(int sink);

#endif
