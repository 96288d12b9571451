/*
 * http_client.c - HTTP transfers on libcurl's multi interface (see
 * http_client.h for the contract).
 *
 * One multi handle per client holds the connection cache; each request gets
 * a fresh easy handle in a free slot (max_inflight slots), which is cleaned
 * up as soon as its transfer ends, so a batch never holds more than
 * max_inflight easy handles, header lists and bodies.  The loop:
 *
 *   ask stop() -> fill free slots -> curl_multi_perform -> collect ended
 *   transfers -> if one ended, loop at once (its slot takes the next
 *   request), else curl_multi_poll for at most poll_ms -> loop.
 */
#include "http_client.h"
#include "text_buf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#if LIBCURL_VERSION_NUM < 0x074200
#error "http_client.c needs libcurl 7.66 or later (curl_multi_poll)"
#endif

#ifndef AMPRENTA_VERSION
#define AMPRENTA_VERSION "dev"
#endif
#define HTTP_USER_AGENT "amprenta/" AMPRENTA_VERSION

typedef struct Slot
{
	CURL	   *easy;			/* NULL when the slot is free */
	bool		added;			/* easy is in the multi handle */
	HttpRequest *req;
	struct curl_slist *headers;
	TextBuf		body;			/* response body so far (failed: out of memory) */
	size_t		limit;			/* max_response_bytes */
	bool		too_large;
	double		started;		/* now_ms() when the transfer started */
	char		errbuf[CURL_ERROR_SIZE];
} Slot;

struct HttpClient
{
	CURLM	   *multi;
	int			max_inflight;
	int			max_redirects;
	size_t		max_response_bytes;
	Slot	   *slots;			/* [max_inflight] */
};

static bool curl_initialised;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void
copy_text(char *dst, size_t dstsz, const char *src)
{
	if (dst != NULL && dstsz > 0)
		snprintf(dst, dstsz, "%s", src);
}

void
http_request_clear(HttpRequest *r)
{
	if (r == NULL)
		return;
	free(r->response);
	r->response = NULL;
	r->response_len = 0;
	r->status = 0;
	r->transport_error = 0;
	r->error[0] = '\0';
	r->retry_after[0] = '\0';
	r->retry_after_ms[0] = '\0';
	r->request_id[0] = '\0';
	r->elapsed_ms = 0.0;
}

/* Outcome of a transfer that failed, was cancelled or never started. */
static void
mark_failed(HttpRequest *r, int code, const char *text)
{
	free(r->response);
	r->response = calloc(1, 1);
	r->response_len = 0;
	r->status = 0;
	r->transport_error = code;
	copy_text(r->error, sizeof(r->error), text);
	r->retry_after[0] = '\0';
	r->retry_after_ms[0] = '\0';
	r->request_id[0] = '\0';
}

/* CURLOPT_WRITEFUNCTION: append to the slot's buffer, within the limit. */
static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	Slot	   *s = arg;
	size_t		n = size * nmemb;

	if (n > s->limit - s->body.len)
	{
		s->too_large = true;
		return 0;				/* anything but n: CURLE_WRITE_ERROR */
	}
	if (!text_buf_add(&s->body, data, n))
		return 0;
	return n;
}

/*
 * If the header line data[0..n) is "name: value" (name matched without
 * case), its value, trimmed and truncated, into out[outsz]; true if so.
 */
static bool
header_value(const char *data, size_t n, const char *name, char *out, size_t outsz)
{
	size_t		k = strlen(name);
	const char *v,
			   *e;
	size_t		len;

	if (n <= k || strncasecmp(data, name, k) != 0 || data[k] != ':')
		return false;
	v = data + k + 1;
	e = data + n;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && isspace((unsigned char) e[-1]))
		e--;
	len = (size_t) (e - v);
	if (len >= outsz)
		len = outsz - 1;
	memcpy(out, v, len);
	out[len] = '\0';
	return true;
}

/*
 * CURLOPT_HEADERFUNCTION: one header line at a time, of every response
 * (redirects and 1xx included).  A status line starts a new block and
 * forgets the values taken from the previous one.
 */
static size_t
on_header(char *data, size_t size, size_t nitems, void *arg)
{
	HttpRequest *r = ((Slot *) arg)->req;
	size_t		n = size * nitems;
	static const char *const id_headers[] = {"x-notion-request-id", "x-pinecone-request-id",
	"x-request-id", "request-id"};

	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0)
	{
		r->retry_after[0] = '\0';
		r->retry_after_ms[0] = '\0';
		r->request_id[0] = '\0';
	}
	else if (header_value(data, n, "Retry-After", r->retry_after, sizeof(r->retry_after)) ||
			 header_value(data, n, "Retry-After-Ms", r->retry_after_ms, sizeof(r->retry_after_ms)))
		return n;
	else if (r->request_id[0] == '\0')
	{
		for (int i = 0; i < 4; i++)
			if (header_value(data, n, id_headers[i], r->request_id, sizeof(r->request_id)))
				break;
	}
	return n;
}

/* A method is a short token of letters, '-' and '_' (no CR/LF, no space). */
static bool
valid_method(const char *m)
{
	size_t		i;

	if (m == NULL || m[0] == '\0')
		return false;
	for (i = 0; m[i] != '\0'; i++)
		if (i >= 32 || !(isalpha((unsigned char) m[i]) || m[i] == '-' || m[i] == '_'))
			return false;
	return true;
}

/* Are the method and the header lines usable (no CR or LF anywhere)? */
static bool
valid_request(const HttpRequest *r)
{
	const char *const *h;

	if (r->url == NULL || !valid_method(r->method))
		return false;
	for (h = r->headers; h != NULL && *h != NULL; h++)
		if (strpbrk(*h, "\r\n") != NULL)
			return false;
	return true;
}

/* Does the caller's list hold a header called name (case-insensitive)? */
static bool
has_header(const char *const *headers, const char *name)
{
	size_t		k = strlen(name);

	for (; headers != NULL && *headers != NULL; headers++)
		if (strncasecmp(*headers, name, k) == 0 &&
			((*headers)[k] == ':' || (*headers)[k] == ';'))
			return true;
	return false;
}

static CURLcode
add_header(Slot *s, const char *line)
{
	struct curl_slist *l = curl_slist_append(s->headers, line);

	if (l == NULL)
		return CURLE_OUT_OF_MEMORY;
	s->headers = l;
	return CURLE_OK;
}

/* Builds s->easy for s->req; the caller cleans up the slot on failure. */
static CURLcode
setup_easy(HttpClient *c, Slot *s)
{
	HttpRequest *r = s->req;
	const char *const *h;
	CURLcode	rc = CURLE_OK;
	CURL	   *e;

	if ((e = s->easy = curl_easy_init()) == NULL)
		return CURLE_OUT_OF_MEMORY;
	for (h = r->headers; h != NULL && *h != NULL && rc == CURLE_OK; h++)
		rc = add_header(s, *h);
	if (rc == CURLE_OK && !has_header(r->headers, "Expect"))
		rc = add_header(s, "Expect:");
	if (rc == CURLE_OK && !has_header(r->headers, "Content-Type"))
		rc = add_header(s, "Content-Type:");

#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(e, opt, val); } while (0)
	SET(CURLOPT_PRIVATE, (void *) s);
	SET(CURLOPT_URL, r->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
	SET(CURLOPT_REDIR_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_FOLLOWLOCATION, c->max_redirects > 0 ? 1L : 0L);
	SET(CURLOPT_MAXREDIRS, (long) c->max_redirects);
	SET(CURLOPT_NOSIGNAL, 1L);
	if (r->not_idempotent)
		SET(CURLOPT_FRESH_CONNECT, 1L);
#if LIBCURL_VERSION_NUM >= 0x075700
	SET(CURLOPT_QUICK_EXIT, 1L);
#endif
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_TIMEOUT_MS, r->timeout_ms > 0 ? r->timeout_ms : 0L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, r->connect_timeout_ms > 0 ? r->connect_timeout_ms : 0L);
	SET(CURLOPT_USERAGENT, HTTP_USER_AGENT);	/* a caller's User-Agent replaces it */
	SET(CURLOPT_HTTPHEADER, s->headers);
	SET(CURLOPT_ERRORBUFFER, s->errbuf);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, (void *) s);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, (void *) s);

	if (strcmp(r->method, "GET") == 0 && r->body == NULL)
		SET(CURLOPT_HTTPGET, 1L);
	else if (strcmp(r->method, "HEAD") == 0 && r->body == NULL)
		SET(CURLOPT_NOBODY, 1L);
	else
	{
		bool		post = strcmp(r->method, "POST") == 0;

		if (!post)
			SET(CURLOPT_CUSTOMREQUEST, r->method);
		if (post || r->body != NULL)
		{
			SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) (r->body != NULL ? r->body_len : 0));
			SET(CURLOPT_POSTFIELDS, r->body != NULL ? r->body : "");
		}
	}
#undef SET
	return rc;
}

/* Frees whatever the slot holds and marks it free. */
static void
release_slot(HttpClient *c, Slot *s)
{
	if (s->added)
		curl_multi_remove_handle(c->multi, s->easy);
	curl_easy_cleanup(s->easy);
	curl_slist_free_all(s->headers);
	text_buf_free(&s->body);
	memset(s, 0, sizeof(*s));
}

/* Starts r in a free slot; false when it failed at once (r is marked). */
static bool
start_transfer(HttpClient *c, HttpRequest *r)
{
	Slot	   *s = c->slots;
	CURLcode	rc;
	const char *text = NULL;

	while (s->easy != NULL)
		s++;					/* the caller made sure one is free */
	s->req = r;
	s->limit = c->max_response_bytes;
	s->started = now_ms();
	if (!valid_request(r))
	{
		rc = CURLE_BAD_FUNCTION_ARGUMENT;
		text = "invalid method, URL or header";
	}
	else if ((rc = setup_easy(c, s)) == CURLE_OK)
	{
		CURLMcode	mc = curl_multi_add_handle(c->multi, s->easy);

		if (mc == CURLM_OK)
		{
			s->added = true;
			return true;
		}
		rc = mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
		text = curl_multi_strerror(mc);
	}
	mark_failed(r, rc, text != NULL ? text : curl_easy_strerror(rc));
	release_slot(c, s);
	return false;
}

/* Records the outcome of the transfer in slot s and frees the slot. */
static void
finish_transfer(HttpClient *c, Slot *s, CURLcode code)
{
	HttpRequest *r = s->req;

	r->elapsed_ms = now_ms() - s->started;
	if (code == CURLE_OK)
	{
		long		status = 0;

		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
		r->status = status;
		/* the body changes hands */
		r->response = s->body.data != NULL ? s->body.data : calloc(1, 1);
		r->response_len = s->body.len;
		s->body.data = NULL;
	}
	else if (s->too_large)
		mark_failed(r, code, "response too large");
	else if (s->body.failed)
		mark_failed(r, code, "out of memory");
	else
		mark_failed(r, code, s->errbuf[0] != '\0' ? s->errbuf : curl_easy_strerror(code));
	release_slot(c, s);
}

/* Collects the transfers that ended; returns how many. */
static int
collect(HttpClient *c)
{
	CURLMsg    *m;
	int			left;
	int			done = 0;

	while ((m = curl_multi_info_read(c->multi, &left)) != NULL)
	{
		char	   *p = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &p);
		finish_transfer(c, (Slot *) p, m->data.result);
		done++;
	}
	return done;
}

/* Ends every unfinished transfer of reqs[0..n) with code and text. */
static void
abandon(HttpClient *c, HttpRequest *reqs, int next, int n, int code, const char *text)
{
	for (int i = 0; i < c->max_inflight; i++)
	{
		Slot	   *s = &c->slots[i];

		if (s->easy == NULL)
			continue;
		s->req->elapsed_ms = now_ms() - s->started;
		mark_failed(s->req, code, text);
		release_slot(c, s);
	}
	for (int i = next; i < n; i++)
		mark_failed(&reqs[i], code, text);
}

/* The slot of an unfinished transfer, or NULL. */
static Slot *
busy_slot(HttpClient *c)
{
	for (int i = 0; i < c->max_inflight; i++)
		if (c->slots[i].easy != NULL)
			return &c->slots[i];
	return NULL;
}

int
http_perform(HttpClient *c, HttpRequest *reqs, int n, HttpStopFn stop, void *arg, int poll_ms)
{
	int			next = 0;
	int			active = 0;

	if (c == NULL || n < 0 || (n > 0 && reqs == NULL) || busy_slot(c) != NULL)
		return -2;
	if (poll_ms <= 0)
		poll_ms = HTTP_DEFAULT_POLL_MS;
	for (int i = 0; i < n; i++)
		http_request_clear(&reqs[i]);

	for (;;)
	{
		CURLMcode	mc;
		int			running;

		if (stop != NULL && stop(arg))
		{
			abandon(c, reqs, next, n, CURLE_ABORTED_BY_CALLBACK, "cancelled");
			return -1;
		}
		while (active < c->max_inflight && next < n)
			if (start_transfer(c, &reqs[next++]))
				active++;
		if (active == 0)
			return 0;			/* next == n: all done */

		mc = curl_multi_perform(c->multi, &running);
		if (mc == CURLM_OK)
		{
			int			done = collect(c);

			active -= done;
			if (done > 0)
				continue;		/* start the next ones without waiting */
			mc = curl_multi_poll(c->multi, NULL, 0, poll_ms, NULL);
		}
		if (mc != CURLM_OK)
		{
			abandon(c, reqs, next, n,
					mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT,
					curl_multi_strerror(mc));
			return 0;
		}
	}
}

/*
 * Whether the transfer in slot s has handed its whole request to the
 * network: the body counted by curl's upload counter (which only moves
 * once the request line and headers went out), or, without a body, one
 * turn of curl_multi_perform.
 */
static bool
request_sent(Slot *s)
{
	curl_off_t	up = 0;

	if (s->req->body == NULL || s->req->body_len == 0)
		return true;
	if (curl_easy_getinfo(s->easy, CURLINFO_SIZE_UPLOAD_T, &up) != CURLE_OK)
		return true;			/* cannot tell: the caller waits later */
	return up >= (curl_off_t) s->req->body_len;
}

/*
 * The loop of http_start and http_finish: drive r's transfer until it ended
 * or, with until_sent, until its request is sent.
 */
static int
drive(HttpClient *c, HttpRequest *r, bool until_sent, HttpStopFn stop, void *arg, int poll_ms)
{
	if (poll_ms <= 0)
		poll_ms = HTTP_DEFAULT_POLL_MS;
	for (;;)
	{
		Slot	   *s = busy_slot(c);
		CURLMcode	mc;
		int			running;

		if (s == NULL)
			return 0;			/* ended: collect() set r's outcome */
		if (stop != NULL && stop(arg))
		{
			abandon(c, r, 0, 0, CURLE_ABORTED_BY_CALLBACK, "cancelled");
			return -1;
		}
		mc = curl_multi_perform(c->multi, &running);
		if (mc == CURLM_OK)
		{
			if (collect(c) > 0)
				return 0;
			if (until_sent && request_sent(s))
				return 0;
			mc = curl_multi_poll(c->multi, NULL, 0, poll_ms, NULL);
		}
		if (mc != CURLM_OK)
		{
			abandon(c, r, 0, 0, mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT,
					curl_multi_strerror(mc));
			return 0;
		}
	}
}

int
http_start(HttpClient *c, HttpRequest *r, HttpStopFn stop, void *arg, int poll_ms)
{
	if (c == NULL || r == NULL || busy_slot(c) != NULL)
		return -2;
	http_request_clear(r);
	if (stop != NULL && stop(arg))
	{
		mark_failed(r, CURLE_ABORTED_BY_CALLBACK, "cancelled");
		return -1;
	}
	if (!start_transfer(c, r))
		return 0;				/* failed at once: r says why */
	return drive(c, r, true, stop, arg, poll_ms);
}

int
http_finish(HttpClient *c, HttpRequest *r, HttpStopFn stop, void *arg, int poll_ms)
{
	Slot	   *s;

	if (c == NULL || r == NULL)
		return -2;
	s = busy_slot(c);
	if (s == NULL)
		return 0;				/* ended already */
	if (s->req != r)
		return -2;
	return drive(c, r, false, stop, arg, poll_ms);
}

void
http_cancel(HttpClient *c)
{
	Slot	   *s;

	if (c != NULL && (s = busy_slot(c)) != NULL)
		abandon(c, s->req, 0, 0, CURLE_ABORTED_BY_CALLBACK, "cancelled");
}

HttpClient *
http_client_create(int max_inflight, int max_redirects, size_t max_response_bytes,
				   char *err, size_t errsz)
{
	HttpClient *c;

	if (max_inflight < 1 || max_inflight > 10000 || max_redirects < 0)
	{
		copy_text(err, errsz, "max_inflight must be in 1..10000 and max_redirects >= 0");
		return NULL;
	}
	if (!curl_initialised)
	{
		CURLcode	rc = curl_global_init(CURL_GLOBAL_DEFAULT);

		if (rc != CURLE_OK)
		{
			copy_text(err, errsz, curl_easy_strerror(rc));
			return NULL;
		}
		curl_initialised = true;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
		(c->slots = calloc((size_t) max_inflight, sizeof(Slot))) == NULL ||
		(c->multi = curl_multi_init()) == NULL)
	{
		http_client_destroy(c);
		copy_text(err, errsz, "out of memory");
		return NULL;
	}
	c->max_inflight = max_inflight;
	c->max_redirects = max_redirects;
	c->max_response_bytes = max_response_bytes;
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS,
					  (long) (max_inflight < 4 ? 8 : 2 * max_inflight));
	return c;
}

void
http_client_destroy(HttpClient *c)
{
	if (c == NULL)
		return;
	if (c->slots != NULL)
		for (int i = 0; i < c->max_inflight; i++)
			if (c->slots[i].easy != NULL)
				release_slot(c, &c->slots[i]);
	if (c->multi != NULL)
		curl_multi_cleanup(c->multi);
	free(c->slots);
	free(c);
}
