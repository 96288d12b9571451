/*
 * sync_deliver.c - what every sink does around an HTTP call: keep the rate,
 * stop when asked to, read secrets from their files, and turn a failed
 * response into the outcome of a queue row or a pause of the whole sink.
 */
#include "postgres.h"

#include <time.h>

#include "miscadmin.h"
#include "pgstat.h"
#include "storage/fd.h"
#include "storage/pmsignal.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "postmaster/interrupt.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "http_class.h"
#include "sync_worker.h"

/* Longest pause a Retry-After can impose (a day). */
#define MAX_PAUSE_MS	(24 * 3600 * 1000L)
/* Pause after 401/403 and other faults of the sink itself. */
#define AUTH_PAUSE_MS	(60 * 1000L)

/* Asked by the HTTP client between poll slices: no ereport here. */
bool
sync_should_stop(void *arg)
{
	return ProcDiePending || ShutdownRequestPending || QueryCancelPending ||
		!PostmasterIsAlive();
}

void
sync_pause_sink(SyncContext *ctx, int sink, int64 ms, const char *reason)
{
	TimestampTz until = GetCurrentTimestamp() + (TimestampTz) ms * 1000;

	if (until > ctx->paused_until[sink])
		ctx->paused_until[sink] = until;
	strlcpy(ctx->pause_reason[sink], reason, sizeof(ctx->pause_reason[sink]));
	ereport(LOG,
			(errmsg("amprenta sync: %s sink paused for %lld ms: %s",
					sync_sink_name(sink), (long long) ms, reason)));
}

/* Wait (latch-aware) until the sink's token bucket grants a request. */
static void
wait_for_token(SyncContext *ctx, int sink)
{
	for (;;)
	{
		int64		now = GetCurrentTimestamp() / 1000;
		int64		wait;

		CHECK_FOR_INTERRUPTS();
		if (tb_take(&ctx->bucket[sink], now))
			return;
		wait = tb_wait_ms(&ctx->bucket[sink], now);
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Max(wait, 1), PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}

/*
 * Perform requests of one sink: one token each, then all of them through
 * the client (at most amprenta.max_inflight at once).  Returns -1 when the
 * worker was asked to stop (CHECK_FOR_INTERRUPTS then ends it).
 */
static void
take_token(SyncContext *ctx, int sink, HttpRequest *req)
{
	wait_for_token(ctx, sink);
	if (req->timeout_ms == 0)
		req->timeout_ms = amprenta_http_timeout_ms;
	if (req->connect_timeout_ms == 0)
		req->connect_timeout_ms = amprenta_http_connect_timeout_ms;
}

/*
 * One request at a time may be left running while the worker does other
 * work (sync_http_start); any other request settles it first, so the
 * client's slots are all free for http_perform and answers are judged in
 * the order the requests were sent.
 */
int
sync_http(SyncContext *ctx, int sink, HttpRequest *reqs, int n)
{
	int			rc;

	sync_http_settle(ctx, NULL);
	for (int i = 0; i < n; i++)
		take_token(ctx, sink, &reqs[i]);
	pgstat_report_wait_start(PG_WAIT_EXTENSION);
	rc = http_perform(ctx->http, reqs, n, sync_should_stop, NULL, 100);
	pgstat_report_wait_end();
	ctx->slot->requests += n;
	CHECK_FOR_INTERRUPTS();
	return rc;
}

/*
 * Start req (one token, as sync_http) and return once the request is sent,
 * without waiting for the answer: the worker prepares its next batch while
 * the service works.  The transfer is settled by sync_http_settle(), by
 * the next request of any sink, or by the next sync_http_start(), which
 * then call done(ctx, req, rc, arg).  owner names the batch it belongs to
 * (sync_http_pending).  req, its body and arg must live until then; its
 * headers and URL only during this call (libcurl copies them).
 */
void
sync_http_start(SyncContext *ctx, int sink, HttpRequest *req, const void *owner,
				SyncHttpDone done, void *arg)
{
	int			rc;

	sync_http_settle(ctx, NULL);
	take_token(ctx, sink, req);
	pgstat_report_wait_start(PG_WAIT_EXTENSION);
	rc = http_start(ctx->http, req, sync_should_stop, NULL, 100);
	pgstat_report_wait_end();
	ctx->slot->requests++;
	if (rc == -2)
		elog(ERROR, "amprenta sync: a transfer was started while another was unfinished");
	ctx->pending_req = req;
	ctx->pending_owner = owner;
	ctx->pending_done = done;
	ctx->pending_arg = arg;
	CHECK_FOR_INTERRUPTS();
}

/*
 * Wait for the transfer of sync_http_start(), if one is unsettled and
 * belongs to owner (any, when owner is NULL), and hand it to its done
 * function.  Returns true when one was settled.  Interrupt-aware like
 * sync_http: a stop cancels the transfer and CHECK_FOR_INTERRUPTS ends
 * the worker.
 */
bool
sync_http_settle(SyncContext *ctx, const void *owner)
{
	HttpRequest *req = ctx->pending_req;
	SyncHttpDone done = ctx->pending_done;
	void	   *arg = ctx->pending_arg;
	int			rc;

	if (req == NULL || (owner != NULL && owner != ctx->pending_owner))
		return false;
	ctx->pending_req = NULL;
	ctx->pending_owner = NULL;
	pgstat_report_wait_start(PG_WAIT_EXTENSION);
	rc = http_finish(ctx->http, req, sync_should_stop, NULL, 100);
	pgstat_report_wait_end();
	CHECK_FOR_INTERRUPTS();
	done(ctx, req, rc == 0 ? 0 : -1, arg);
	return true;
}

/* The owner of the unsettled transfer of sync_http_start(), or NULL. */
const void *
sync_http_pending(SyncContext *ctx)
{
	return ctx->pending_req != NULL ? ctx->pending_owner : NULL;
}

/*
 * Forget the unsettled transfer (after an error of the worker): it is
 * cancelled and its done function never called; the rows of its batch
 * stay leased until the lease expires, as after a crash.
 */
void
sync_http_abandon(SyncContext *ctx)
{
	if (ctx->http != NULL)
		http_cancel(ctx->http);
	ctx->pending_req = NULL;
	ctx->pending_owner = NULL;
}

/*
 * req filled from the arguments: headers is a NULL-terminated list, body
 * may be NULL, not_idempotent: never sent again on a reused connection.
 */
void
sync_request_fill(HttpRequest *req, const char *method, const char *url,
				  const char **headers, const char *body, bool not_idempotent)
{
	memset(req, 0, sizeof(*req));
	req->method = method;
	req->url = url;
	req->headers = headers;
	req->body = body;
	req->body_len = body ? strlen(body) : 0;
	req->not_idempotent = not_idempotent;
}

/*
 * One request of a sink: req is filled from the arguments (sync_request_fill;
 * headers only have to live during the call) and performed by sync_http(),
 * whose result is returned.
 */
int
sync_request(SyncContext *ctx, int sink, HttpRequest *req, const char *method,
			 const char *url, const char **headers, const char *body, bool not_idempotent)
{
	int			rc;

	sync_request_fill(req, method, url, headers, body, not_idempotent);
	rc = sync_http(ctx, sink, req, 1);
	req->headers = NULL;		/* the caller's, gone after it returns */
	return rc;
}

/*
 * A request of an item failed: decide the item's outcome from the class of
 * the response.  Throttling and authentication faults pause the sink and
 * spend no attempt.
 */
void
sync_item_fail(SyncContext *ctx, int sink, SyncItem *item, HttpRequest *r, const char *what)
{
	HttpOutcome oc = r->status == 0 ? HTTP_OUTCOME_RETRY : http_classify(r->status);
	char		raw[512];

	item->http_status = r->status;
	if (r->status == 0)
		snprintf(raw, sizeof(raw), "%s: %s", what, r->error[0] ? r->error : "no response");
	else
		snprintf(raw, sizeof(raw), "%s: HTTP %ld: %.*s", what, r->status,
				 (int) Min(r->response_len, 300), r->response ? r->response : "");

	/*
	 * The service's request id, which its support asks for, ends the text;
	 * the body is cut to leave room for it.
	 */
	if (r->request_id[0])
	{
		static const char lead[] = " [request id: ";
		char		id[sizeof(lead) + sizeof(r->request_id) + 1];
		size_t		k = sizeof(lead) - 1;

		memcpy(id, lead, k);
		http_error_text(r->request_id, strlen(r->request_id), id + k, sizeof(id) - k - 1);
		strlcat(id, "]", sizeof(id));
		http_error_text(raw, strlen(raw), item->error, sizeof(item->error) - strlen(id));
		strlcat(item->error, id, sizeof(item->error));
	}
	else
		http_error_text(raw, strlen(raw), item->error, sizeof(item->error));

	/*
	 * OpenAI answers 429 also when the account has no quota left: no
	 * Retry-After, and waiting does not help.  Give up on the row (the
	 * error says why) instead of pausing forever.
	 */
	if (oc == HTTP_OUTCOME_THROTTLED && r->retry_after[0] == '\0' && r->retry_after_ms[0] == '\0' &&
		r->response != NULL && strstr(r->response, "insufficient_quota") != NULL)
		oc = HTTP_OUTCOME_DEAD;

	switch (oc)
	{
		case HTTP_OUTCOME_THROTTLED:
			{
				int64		ms = -1;

				/*
				 * OpenAI's retry-after-ms is the more precise of its two
				 * hints (Retry-After is whole seconds): it wins, as in
				 * OpenAI's own client.
				 */
				if (r->retry_after_ms[0] >= '0' && r->retry_after_ms[0] <= '9')
				{
					/* parsed as seconds: 1000 times the milliseconds */
					int64		v = http_retry_after_ms(r->retry_after_ms, 0, PG_INT64_MAX);

					if (v >= 0)
						ms = Min((v + 999) / 1000, MAX_PAUSE_MS);
				}
				if (ms < 0)
					ms = http_retry_after_ms(r->retry_after, (int64) time(NULL), MAX_PAUSE_MS);

				if (ms < 0)
					ms = 1000;
				item->outcome = ITEM_THROTTLED;
				tb_drain(&ctx->bucket[sink], GetCurrentTimestamp() / 1000);
				sync_pause_sink(ctx, sink, ms, item->error);
				break;
			}
		case HTTP_OUTCOME_AUTH:
			item->outcome = ITEM_THROTTLED;
			sync_pause_sink(ctx, sink, AUTH_PAUSE_MS, item->error);
			break;
		case HTTP_OUTCOME_RETRY:
			item->outcome = ITEM_RETRY;
			break;
		default:
			item->outcome = ITEM_DEAD;
			break;
	}
}

/*
 * The secret in a file named by a superuser-only setting: first line,
 * surrounding white space removed.  NULL (and the sink pauses) when the
 * setting is empty or the file unreadable; the message never holds the
 * secret.
 */
char *
sync_read_secret(const char *path, const char *setting)
{
	FILE	   *f;
	char		buf[4096];
	size_t		len;

	if (path == NULL || path[0] == '\0')
		return NULL;
	f = AllocateFile(path, "r");
	if (f == NULL)
	{
		ereport(LOG,
				(errcode_for_file_access(),
				 errmsg("amprenta sync: could not read the file named by %s (\"%s\"): %m", setting, path)));
		return NULL;
	}
	len = fread(buf, 1, sizeof(buf) - 1, f);
	FreeFile(f);
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	{
		char	   *s = buf;
		char	   *e;

		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*s == '\0')
			return NULL;
		return pstrdup(s);
	}
}
