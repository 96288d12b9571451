/*
 * http_client.h - HTTP transfers for the sync worker, on libcurl's multi
 * interface.
 *
 * The worker calls http_perform() with no transaction open and must honour
 * SIGTERM within a second even while a server hangs: the client never
 * blocks longer than one poll slice (curl_multi_poll, at most poll_ms)
 * without asking the caller's stop function whether to give up.  Plain C,
 * malloc-based, no postgres.h: the unit tests run it against a loopback
 * server (test/unit/http_test_server.py).
 *
 * What every transfer gets:
 *
 *   - protocols http and https only, for the first URL and for redirects
 *     (ftp://, file://, ... fail with CURLE_UNSUPPORTED_PROTOCOL);
 *   - redirects: max_redirects == 0 does not follow them at all (the 3xx
 *     response is returned as is, with its status); n > 0 follows up to n
 *     and fails the transfer with CURLE_TOO_MANY_REDIRECTS beyond.  curl's
 *     rules for the method apply (a POST answered by 301/302/303 goes on as
 *     GET; a custom method such as PATCH is kept);
 *   - no signals (CURLOPT_NOSIGNAL), TCP keep-alive probes;
 *   - CURLOPT_QUICK_EXIT (curl >= 7.87): a transfer that times out or is
 *     cancelled while its name lookup still runs does not wait for the
 *     resolver thread, which finishes and frees itself later;
 *   - proxies: curl's defaults, i.e. the http_proxy / https_proxy /
 *     no_proxy variables of the environment (of the postmaster, for a
 *     worker) are honoured.  Set no_proxy there if loopback or internal
 *     hosts must not go through a proxy;
 *   - headers: the caller's, as given.  "User-Agent: amprenta/<version>"
 *     unless the caller sends a User-Agent; an empty "Expect:" (no
 *     100-continue round trip) unless the caller sends an Expect; no
 *     Content-Type added (curl's form-urlencoded default is suppressed: the
 *     caller passes its own).  Accept-Encoding is not sent: bodies arrive
 *     as the server sends them;
 *   - method: GET without a body is a plain GET, HEAD asks for no body,
 *     POST posts the body (empty when body is NULL), any other method
 *     (PATCH, DELETE, PUT, GET with a body) goes as CURLOPT_CUSTOMREQUEST
 *     with the body, if any, as POSTFIELDS.  body[0..body_len) may hold any
 *     bytes and must stay valid during http_perform();
 *   - timeouts: timeout_ms for the whole transfer, counted from when that
 *     transfer starts (a request waiting for a free slot is not timed);
 *     connect_timeout_ms for the connection.  0 or less: curl's defaults
 *     (no overall limit; 300 s to connect);
 *   - connections, TLS sessions and DNS answers are kept in the multi
 *     handle across http_perform() calls (HTTP keep-alive); up to
 *     max(8, 2 * max_inflight) idle connections stay open.
 *
 * Outcome of one request:
 *
 *   success     transport_error 0, error "", status the final HTTP status
 *               (any: 404 or 500 are successful transfers), response the
 *               final body (redirect bodies are dropped) NUL-terminated,
 *               response_len its length (it may hold NUL bytes).
 *   failure     status 0, transport_error the CURLcode, error curl's text
 *               (or "response too large" when the body would exceed
 *               max_response_bytes), response "" and response_len 0.
 *   cancelled   as a failure, with transport_error
 *               CURLE_ABORTED_BY_CALLBACK and error "cancelled".
 *   refused     as a failure, with transport_error
 *               CURLE_BAD_FUNCTION_ARGUMENT and error "invalid method, URL
 *               or header": url NULL, method not a token of letters, '-'
 *               and '_' (at most 32), or a header line holding CR or LF.
 *
 * The size limit is enforced while the body arrives (the transfer is cut
 * once it would pass max_response_bytes, with CURLE_WRITE_ERROR): at most
 * that many bytes are ever buffered.
 *
 * retry_after is the raw Retry-After value of the final response (of the
 * last header block: redirects and 1xx responses reset it), trimmed,
 * truncated to 63 bytes, "" when absent; parsing it (seconds or HTTP date)
 * is the caller's business.  retry_after_ms is the same for the
 * "retry-after-ms" header (milliseconds, sent by OpenAI next to
 * Retry-After).  request_id is the service's id of the request, for
 * support and logs: the first of x-notion-request-id,
 * x-pinecone-request-id, x-request-id (OpenAI) and request-id that the
 * final response carries, same treatment.  elapsed_ms runs from the start of the transfer
 * to its end (0 for a request that never started).  response is NULL only
 * when even a 1-byte allocation failed.
 *
 * Not thread-safe; one HttpClient per worker.  http_perform() must not be
 * called again from the stop function.
 */
#ifndef AMPRENTA_HTTP_CLIENT_H
#define AMPRENTA_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct HttpRequest
{
	/* in */
	const char *method;			/* "GET", "POST", "PATCH", "DELETE", ... */
	const char *url;
	const char *const *headers;	/* NULL-terminated array of "Name: value" (no CR/LF), may be NULL */
	const char *body;			/* may be NULL */
	size_t		body_len;
	long		timeout_ms;		/* whole transfer, from when THIS transfer starts */
	long		connect_timeout_ms;
	void	   *tag;			/* caller's */
	bool		not_idempotent;	/* never send on a reused connection: libcurl
								 * re-sends a request whose reused connection
								 * died before any answer, which would repeat
								 * a page creation the server performed */
	/* out */
	long		status;			/* HTTP status, 0 when no response (transport error or cancelled) */
	int			transport_error;	/* CURLcode, 0 when fine */
	char		error[256];		/* curl's error text, "response too large" or "cancelled"; "" when fine */
	char	   *response;		/* malloc'd, NUL-terminated (may be ""), at most max_response_bytes */
	size_t		response_len;
	char		retry_after[64];	/* Retry-After of the final response, "" if none */
	char		retry_after_ms[32];	/* retry-after-ms of the final response, "" if none */
	char		request_id[64];	/* the service's request id, "" if none */
	double		elapsed_ms;
} HttpRequest;

typedef struct HttpClient HttpClient;

/* true = stop now */
typedef bool (*HttpStopFn) (void *arg);

/* http_perform() slices its waits to this when poll_ms <= 0. */
#define HTTP_DEFAULT_POLL_MS	100

/*
 * A client running at most max_inflight (>= 1) transfers at once,
 * following at most max_redirects (>= 0) redirects, accepting response
 * bodies of at most max_response_bytes.  NULL with a message in err on
 * failure.  Calls curl_global_init() the first time (not thread-safe; the
 * worker is single-threaded); curl_global_cleanup() is never called.
 */
extern HttpClient *http_client_create(int max_inflight, int max_redirects,
									  size_t max_response_bytes,
									  char *err, size_t errsz);

/* Closes the cached connections and frees everything.  NULL is fine. */
extern void http_client_destroy(HttpClient *c);

/*
 * Performs reqs[0..n) in order of index: at most max_inflight at once, the
 * next one starting as soon as one finishes.  Each request's outputs are
 * reset first (http_request_clear: outputs must be zero-initialised or left
 * by an earlier call).  Waits with curl_multi_poll in slices of at most
 * poll_ms; before starting and after every slice, calls stop(arg) if stop
 * is not NULL: when it returns true, every unfinished transfer is removed
 * and marked cancelled, and the function returns -1.
 *
 * Returns 0 when every transfer has finished, each with its own outcome (a
 * failed transfer is not a failure of the call; should the multi handle
 * itself fail, the unfinished transfers fail with its error text), -1 when
 * stopped, -2 on bad arguments (c or reqs NULL, n < 0; nothing touched)
 * or while a transfer of http_start() is unfinished.
 */
extern int	http_perform(HttpClient *c, HttpRequest *reqs, int n,
						 HttpStopFn stop, void *arg, int poll_ms);

/*
 * One transfer in two steps, so that the caller can work while the server
 * does: http_start() starts r (no other transfer of the client may be
 * unfinished) and drives it until its request, body included, has been
 * handed to the network, or it ended; http_finish() later drives it until
 * it ends.  Both ask stop(arg) before every poll slice, as http_perform()
 * does: when it says so, r is cancelled and they return -1.  In between,
 * nothing drives the transfer: the answer waits in the socket, and r's
 * timeout_ms keeps running (a caller that stays away longer sees a
 * timeout).  r and its body must stay valid until the transfer ended.
 *
 * http_start returns 0 when r is on its way or already ended (failed at
 * once, or answered: its outputs are set), -1 when stopped, -2 on bad
 * arguments or while another transfer is unfinished.  http_finish returns
 * 0 when r ended (at once if it already had), -1 when stopped, -2 on bad
 * arguments or when the unfinished transfer is not r.  http_perform()
 * returns -2 while a started transfer is unfinished.  http_cancel() ends
 * the unfinished transfer, if any, as cancelled.
 */
extern int	http_start(HttpClient *c, HttpRequest *r, HttpStopFn stop, void *arg, int poll_ms);
extern int	http_finish(HttpClient *c, HttpRequest *r, HttpStopFn stop, void *arg, int poll_ms);
extern void http_cancel(HttpClient *c);

/* Frees response and resets every output; the inputs are kept. */
extern void http_request_clear(HttpRequest *r);

#endif
