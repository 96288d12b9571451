/*
 * test_http_client.c - unit tests of the HTTP client (src/core/http_client.c)
 * against a loopback server, test/unit/http_test_server.py, started here
 * (run from the repository root, as `make unit` does).
 *
 * Times are only asserted where a bound follows from the setup: lower
 * bounds implied by the server's sleeps, and a generous liveness bound for
 * cancellation.  Never an upper bound on how fast something runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "http_client.h"
#include "unit.h"

#define MB (1024 * 1024)

static int	port;
static pid_t server_pid;
static int	server_stdin = -1;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Starts the server; sets port (0 on failure). */
static void
start_server(void)
{
	int			out[2], in[2];
	FILE	   *f;
	char		line[64];

	if (pipe(out) != 0 || pipe(in) != 0)
		return;
	server_pid = fork();
	if (server_pid == 0)
	{
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execlp("python3", "python3", "test/unit/http_test_server.py", (char *) NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	server_stdin = in[1];
	fcntl(server_stdin, F_SETFD, FD_CLOEXEC);
	f = fdopen(out[0], "r");
	if (f != NULL && fgets(line, sizeof(line), f) != NULL)
		port = atoi(line);
	if (f != NULL)
		fclose(f);
}

static void
stop_server(void)
{
	if (server_stdin >= 0)
		close(server_stdin);	/* the server exits at end of file */
	if (server_pid > 0)
	{
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
}

/* A port nobody listens on (bound, then closed). */
static int
closed_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t	len = sizeof(a);
	int			fd = socket(AF_INET, SOCK_STREAM, 0);
	int			p = 0;

	if (fd >= 0 && bind(fd, (struct sockaddr *) &a, sizeof(a)) == 0 &&
		getsockname(fd, (struct sockaddr *) &a, &len) == 0)
		p = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return p;
}

/* URL of path on the server, in a ring of static buffers. */
static const char *
url(const char *path)
{
	static char buf[32][256];
	static int	next;
	char	   *u = buf[next++ % 32];

	snprintf(u, sizeof(buf[0]), "http://127.0.0.1:%d%s", port, path);
	return u;
}

static HttpRequest
request(const char *method, const char *path)
{
	HttpRequest r = {.method = method, .url = url(path), .timeout_ms = 10000,
	.connect_timeout_ms = 5000};

	return r;
}

/* Performs one request, no stop function. */
static int
perform1(HttpClient *c, HttpRequest *r)
{
	return http_perform(c, r, 1, NULL, NULL, 50);
}

/* Parses an /echo response (NULL when it is not JSON). */
static json_object *
echo_doc(const HttpRequest *r)
{
	return r->response != NULL ? json_tokener_parse(r->response) : NULL;
}

static const char *
jstr(json_object *doc, const char *key)
{
	json_object *v;

	return doc != NULL && json_object_object_get_ex(doc, key, &v) ? json_object_get_string(v) : NULL;
}

static long
jint(json_object *doc, const char *key)
{
	json_object *v;

	return doc != NULL && json_object_object_get_ex(doc, key, &v) ? (long) json_object_get_int64(v) : -1;
}

/* How many headers called name the server got; *value gets the last one. */
static int
header_count(json_object *doc, const char *name, const char **value)
{
	json_object *h;
	int			count = 0;

	*value = NULL;
	if (doc == NULL || !json_object_object_get_ex(doc, "headers", &h))
		return -1;
	for (size_t i = 0; i < json_object_array_length(h); i++)
	{
		json_object *pair = json_object_array_get_idx(h, i);

		if (strcasecmp(json_object_get_string(json_object_array_get_idx(pair, 0)), name) == 0)
		{
			count++;
			*value = json_object_get_string(json_object_array_get_idx(pair, 1));
		}
	}
	return count;
}

static char *
hex(const char *p, size_t n)
{
	char	   *s = malloc(2 * n + 1);

	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", (unsigned char) p[i]);
	s[2 * n] = '\0';
	return s;
}

/* Sends method with body[0..len) to /echo; checks what the server got. */
static void
check_echo(HttpClient *c, const char *method, const char *body, size_t len, const char *const *headers)
{
	HttpRequest r = request(method, "/echo");
	json_object *doc;
	char	   *want = hex(body != NULL ? body : "", body != NULL ? len : 0);
	const char *v;

	r.body = body;
	r.body_len = len;
	r.headers = headers;
	CHECK(perform1(c, &r) == 0 && r.status == 200 && r.transport_error == 0 && r.error[0] == '\0',
		  "%s /echo (%zu bytes): 200", method, len);
	doc = echo_doc(&r);
	CHECK_STR(jstr(doc, "method"), method, "method arrives as given");
	CHECK(jint(doc, "body_len") == (long) (body != NULL ? len : 0), "body length arrives exactly");
	CHECK(jstr(doc, "body_hex") != NULL && strcmp(jstr(doc, "body_hex"), want) == 0,
		  "body bytes arrive exactly");
	CHECK(header_count(doc, "Expect", &v) == 0, "no Expect header");
	CHECK(r.response_len == strlen(r.response), "response_len matches the text");
	free(want);
	json_object_put(doc);
	http_request_clear(&r);
}

static void
test_methods(HttpClient *c)
{
	static const char bin[] = "a\0b{\"x\": 1}\r\n\xff";
	const char *const ctype[] = {"Content-Type: application/json", NULL};
	const char *const ua[] = {"User-Agent: custom/1", "X-Extra: yes", NULL};
	HttpRequest r = request("GET", "/echo");
	json_object *doc;
	const char *v;
	char	   *large;

	CHECK(perform1(c, &r) == 0 && r.status == 200, "GET /echo: 200");
	doc = echo_doc(&r);
	CHECK(header_count(doc, "User-Agent", &v) == 1 && v != NULL && strcmp(v, "amprenta/dev") == 0,
		  "default User-Agent amprenta/dev");
	CHECK(header_count(doc, "Content-Type", &v) == 0, "GET: no Content-Type");
	CHECK(r.elapsed_ms > 0, "elapsed_ms measured (%.1f ms)", r.elapsed_ms);
	CHECK_STR(r.retry_after, "", "no Retry-After");
	json_object_put(doc);

	/* Again on the same request, without clearing: no leak (valgrind). */
	CHECK(perform1(c, &r) == 0 && r.status == 200, "a request can be performed again");
	http_request_clear(&r);
	CHECK(r.response == NULL && r.status == 0 && r.response_len == 0, "http_request_clear resets");
	CHECK_STR(r.method, "GET", "http_request_clear keeps the inputs");

	check_echo(c, "POST", bin, sizeof(bin) - 1, ctype);
	check_echo(c, "PATCH", bin, sizeof(bin) - 1, ctype);
	check_echo(c, "DELETE", bin, sizeof(bin) - 1, NULL);
	check_echo(c, "DELETE", NULL, 0, NULL);
	check_echo(c, "POST", NULL, 0, NULL);
	check_echo(c, "PUT", "{}", 2, ctype);

	/* Content-Type: the caller's only, none added by curl for a POST. */
	r = request("POST", "/echo");
	r.body = "a=1";
	r.body_len = 3;
	perform1(c, &r);
	doc = echo_doc(&r);
	CHECK(header_count(doc, "Content-Type", &v) == 0, "POST without Content-Type: none added");
	json_object_put(doc);
	r.headers = ctype;
	perform1(c, &r);
	doc = echo_doc(&r);
	CHECK(header_count(doc, "Content-Type", &v) == 1 && strcmp(v, "application/json") == 0,
		  "POST with Content-Type: exactly the caller's");
	json_object_put(doc);

	/* The caller's User-Agent replaces the default; other headers pass. */
	r.headers = ua;
	perform1(c, &r);
	doc = echo_doc(&r);
	CHECK(header_count(doc, "User-Agent", &v) == 1 && strcmp(v, "custom/1") == 0,
		  "caller's User-Agent replaces the default");
	CHECK(header_count(doc, "X-Extra", &v) == 1 && strcmp(v, "yes") == 0, "caller's header sent");
	json_object_put(doc);
	http_request_clear(&r);

	/* A 2 MB body: no Expect: 100-continue, all bytes arrive. */
	large = malloc(2 * MB);
	for (size_t i = 0; i < 2 * MB; i++)
		large[i] = (char) ('a' + i % 26);
	check_echo(c, "POST", large, 2 * MB, ctype);
	free(large);

	/* HEAD: no body awaited. */
	r = request("HEAD", "/big/100");
	CHECK(perform1(c, &r) == 0 && r.status == 200 && r.response_len == 0 &&
		  r.response != NULL && r.response[0] == '\0', "HEAD: 200, empty response");
	http_request_clear(&r);

	/* Bad input: the request fails, the batch goes on. */
	const char *const injected[] = {"Authorization: Bearer k\r\nX-Evil: 1", NULL};
	HttpRequest bad[4] = {request("GE T", "/echo"), request("GET", "/echo"), request("GET", "/echo"),
	request("GET", "/status/204")};

	bad[1].url = NULL;
	bad[2].headers = injected;
	bad[3].tag = &r;
	CHECK(http_perform(c, bad, 4, NULL, NULL, 50) == 0, "batch with bad requests: 0");
	CHECK(bad[0].transport_error == CURLE_BAD_FUNCTION_ARGUMENT && bad[0].status == 0 &&
		  bad[0].response != NULL && bad[0].response_len == 0, "method with a space refused");
	CHECK_STR(bad[0].error, "invalid method, URL or header", "its error text");
	CHECK(bad[1].transport_error == CURLE_BAD_FUNCTION_ARGUMENT, "NULL URL refused");
	CHECK(bad[2].transport_error == CURLE_BAD_FUNCTION_ARGUMENT, "header holding CR LF refused");
	CHECK(bad[3].status == 204 && bad[3].response_len == 0 && bad[3].tag == &r,
		  "the rest of the batch runs (204, empty body), tag kept");
	for (int i = 0; i < 4; i++)
		http_request_clear(&bad[i]);
	CHECK(http_perform(NULL, bad, 1, NULL, NULL, 50) == -2 && http_perform(c, NULL, 1, NULL, NULL, 50) == -2 &&
		  http_perform(c, bad, -1, NULL, NULL, 50) == -2, "bad arguments: -2");
	CHECK(http_perform(c, NULL, 0, NULL, NULL, 50) == 0, "empty batch: 0");
}

static void
test_status(HttpClient *c)
{
	HttpRequest r[7] = {request("GET", "/status/200"), request("GET", "/status/404"),
		request("GET", "/status/429?retry_after=7"), request("GET", "/status/500"),
		request("GET", "/status/503?retry_after=Wed,%2021%20Oct%202015%2007:28:00%20GMT"),
		request("GET", "/status/429?retry_after=3&header=retry-after-ms:%202500&header=x-request-id:req_42"),
	request("GET", "/status/401?header=X-Notion-Request-Id:n-1&header=x-request-id:other")};

	CHECK(http_perform(c, r, 7, NULL, NULL, 50) == 0, "status batch: 0");
	CHECK(r[0].status == 200 && strcmp(r[0].response, "status 200") == 0, "200 with its body");
	CHECK(r[1].status == 404 && r[1].transport_error == 0 && strcmp(r[1].response, "status 404") == 0,
		  "404 passed through, not a transport error");
	CHECK(r[2].status == 429, "429 passed through");
	CHECK_STR(r[2].retry_after, "7", "Retry-After captured");
	CHECK(r[3].status == 500 && r[3].retry_after[0] == '\0', "500, no Retry-After");
	CHECK_STR(r[4].retry_after, "Wed, 21 Oct 2015 07:28:00 GMT", "Retry-After as an HTTP date, raw");
	CHECK(r[0].retry_after_ms[0] == '\0' && r[0].request_id[0] == '\0', "no retry-after-ms, no request id");
	CHECK_STR(r[5].retry_after, "3", "Retry-After next to retry-after-ms");
	CHECK_STR(r[5].retry_after_ms, "2500", "retry-after-ms captured, trimmed");
	CHECK_STR(r[5].request_id, "req_42", "x-request-id captured");
	CHECK_STR(r[6].request_id, "n-1", "the first request-id header wins (any case)");
	for (int i = 0; i < 7; i++)
		http_request_clear(&r[i]);
}

static void
test_refused(HttpClient *c)
{
	char		u[64];
	HttpRequest r = {.method = "GET", .url = u, .timeout_ms = 5000};

	snprintf(u, sizeof(u), "http://127.0.0.1:%d/", closed_port());
	CHECK(perform1(c, &r) == 0, "connection refused: the call succeeds");
	CHECK(r.status == 0 && r.transport_error == CURLE_COULDNT_CONNECT, "status 0, CURLE_COULDNT_CONNECT");
	CHECK(r.error[0] != '\0' && r.response != NULL && r.response[0] == '\0' && r.response_len == 0,
		  "error text set, empty response (%s)", r.error);
	http_request_clear(&r);
}

static void
test_timeouts(HttpClient *c)
{
	HttpRequest r[2] = {request("GET", "/slow/2000"), request("GET", "/slow/100")};
	HttpClient *one;

	r[0].timeout_ms = 300;
	r[1].timeout_ms = 1000;
	CHECK(http_perform(c, r, 2, NULL, NULL, 50) == 0, "timeout batch: 0");
	CHECK(r[0].status == 0 && r[0].transport_error == CURLE_OPERATION_TIMEDOUT,
		  "/slow/2000 with 300 ms: timed out (%s)", r[0].error);
	CHECK(r[0].response_len == 0, "timed out: empty response");
	CHECK(r[1].status == 200 && strcmp(r[1].response, "slow") == 0, "/slow/100 with 1000 ms in the same batch: 200");
	http_request_clear(&r[0]);
	http_request_clear(&r[1]);

	/*
	 * One at a time: the second waits 800 ms for its slot, then needs 300.
	 * Timed from the batch start it would time out at 900 ms.
	 */
	one = http_client_create(1, 0, MB, NULL, 0);
	r[0] = request("GET", "/slow/800");
	r[1] = request("GET", "/slow/300");
	r[1].timeout_ms = 900;
	CHECK(http_perform(one, r, 2, NULL, NULL, 50) == 0 && r[0].status == 200 && r[1].status == 200,
		  "timeout counted from the transfer's own start (%s)", r[1].error);
	http_request_clear(&r[0]);
	http_request_clear(&r[1]);
	http_client_destroy(one);
}

static void
test_inflight(void)
{
	HttpClient *c = http_client_create(2, 0, MB, NULL, 0);
	HttpRequest r[6];
	HttpRequest stats = request("GET", "/stats?group=inflight");
	json_object *doc;
	double		t0;
	int			ok = 0;

	perform1(c, &stats);		/* resets the server's counter */
	for (int i = 0; i < 6; i++)
		r[i] = request("GET", "/slow/300?group=inflight");
	t0 = now_ms();
	CHECK(http_perform(c, r, 6, NULL, NULL, 50) == 0, "6 x /slow/300 with max_inflight 2: 0");
	t0 = now_ms() - t0;
	for (int i = 0; i < 6; i++)
	{
		ok += r[i].status == 200;
		http_request_clear(&r[i]);
	}
	CHECK(ok == 6, "all 6 answered 200");
	CHECK(t0 >= 900.0, "took >= 900 ms (%.0f ms)", t0);
	perform1(c, &stats);
	doc = echo_doc(&stats);
	CHECK(jint(doc, "max_slow") >= 1 && jint(doc, "max_slow") <= 2,
		  "server never saw more than 2 at once (%ld)", jint(doc, "max_slow"));
	json_object_put(doc);
	http_request_clear(&stats);
	http_client_destroy(c);
}

typedef struct StopAfter
{
	double		t0;
	double		after_ms;
	int			calls;
} StopAfter;

static bool
stop_after(void *arg)
{
	StopAfter  *s = arg;

	s->calls++;
	return now_ms() - s->t0 >= s->after_ms;
}

static void
test_stop(void)
{
	HttpClient *c = http_client_create(1, 0, MB, NULL, 0);
	HttpRequest r[2] = {request("GET", "/hang"), request("GET", "/echo")};
	StopAfter	s = {.t0 = now_ms(), .after_ms = 200};
	double		took;
	int			rc;

	r[0].timeout_ms = 60000;
	rc = http_perform(c, r, 2, stop_after, &s, 50);
	took = now_ms() - s.t0;
	CHECK(rc == -1, "stopped: -1");
	CHECK(took < 5000.0, "returns promptly after stop (%.0f ms, %d calls of stop)", took, s.calls);
	CHECK(s.calls >= 2, "stop asked before starting and after slices");
	CHECK(r[0].status == 0 && r[0].transport_error == CURLE_ABORTED_BY_CALLBACK &&
		  strcmp(r[0].error, "cancelled") == 0, "the hanging transfer is cancelled");
	CHECK(r[0].elapsed_ms > 0.0 && r[0].elapsed_ms <= took && r[0].response != NULL && r[0].response_len == 0,
		  "its elapsed_ms runs to the cancel (%.0f ms), empty response", r[0].elapsed_ms);
	CHECK(r[1].status == 0 && strcmp(r[1].error, "cancelled") == 0 && r[1].elapsed_ms == 0.0,
		  "the request never started is cancelled too");

	/* A stop that says yes at once starts nothing. */
	s = (StopAfter) {.t0 = now_ms(), .after_ms = 0};
	CHECK(http_perform(c, r, 2, stop_after, &s, 50) == -1 && s.calls == 1 &&
		  strcmp(r[0].error, "cancelled") == 0 && r[0].elapsed_ms == 0.0,
		  "stop before starting: -1, nothing started");

	/* The client works after a cancel; a stop that never fires changes nothing. */
	s = (StopAfter) {.t0 = now_ms(), .after_ms = 1e9};
	CHECK(http_perform(c, &r[1], 1, stop_after, &s, 50) == 0 && r[1].status == 200,
		  "client usable after a cancel");
	http_request_clear(&r[0]);
	http_request_clear(&r[1]);
	http_client_destroy(c);
}

static void
test_redirects(HttpClient *c)
{
	HttpRequest r[4] = {request("GET", "/redirect/2"), request("GET", "/redirect/3"),
	request("GET", "/redirect/1?retry_after=9"), request("GET", "/location?to=file:///etc/passwd")};
	HttpClient *none = http_client_create(1, 0, MB, NULL, 0);

	CHECK(http_perform(c, r, 4, NULL, NULL, 50) == 0, "redirect batch: 0");
	CHECK(r[0].status == 200 && strcmp(r[0].response, "done") == 0, "2 redirects followed with a limit of 2");
	CHECK(r[1].status == 0 && r[1].transport_error == CURLE_TOO_MANY_REDIRECTS,
		  "3 redirects refused with a limit of 2 (%s)", r[1].error);
	CHECK(r[2].status == 200 && r[2].retry_after[0] == '\0',
		  "Retry-After of a redirect forgotten at the final response");
	CHECK(r[3].status == 0 && r[3].transport_error == CURLE_UNSUPPORTED_PROTOCOL &&
		  r[3].response_len == 0, "redirect to file:// refused (%s)", r[3].error);
	for (int i = 0; i < 4; i++)
		http_request_clear(&r[i]);

	r[0] = request("GET", "/redirect/1?retry_after=9");
	CHECK(perform1(none, &r[0]) == 0 && r[0].status == 302 && strcmp(r[0].response, "moved") == 0,
		  "max_redirects 0: the 302 is returned, not followed");
	CHECK_STR(r[0].retry_after, "9", "and its Retry-After");
	http_request_clear(&r[0]);
	http_client_destroy(none);
}

static void
test_protocols(HttpClient *c)
{
	char		ftp[64];
	HttpRequest r[3] = {{.method = "GET", .url = ftp}, {.method = "GET", .url = "file:///etc/passwd"},
	{.method = "GET", .url = "gopher://127.0.0.1/"}};

	snprintf(ftp, sizeof(ftp), "ftp://127.0.0.1:%d/", port);
	CHECK(http_perform(c, r, 3, NULL, NULL, 50) == 0, "protocol batch: 0");
	CHECK(r[0].status == 0 && r[0].transport_error == CURLE_UNSUPPORTED_PROTOCOL, "ftp:// refused (%s)", r[0].error);
	CHECK(r[1].status == 0 && r[1].transport_error == CURLE_UNSUPPORTED_PROTOCOL && r[1].response_len == 0,
		  "file:// refused, nothing read");
	CHECK(r[2].transport_error == CURLE_UNSUPPORTED_PROTOCOL, "gopher:// refused");
	for (int i = 0; i < 3; i++)
		http_request_clear(&r[i]);
}

static void
test_size_limit(void)
{
	HttpClient *c = http_client_create(2, 0, 1000, NULL, 0);
	HttpRequest r[4] = {request("GET", "/big/1000"), request("GET", "/big/1001"),
	request("GET", "/big/1000?chunked=1"), request("GET", "/big/5000?chunked=1")};

	CHECK(http_perform(c, r, 4, NULL, NULL, 50) == 0, "size batch: 0");
	CHECK(r[0].status == 200 && r[0].response_len == 1000 && strlen(r[0].response) == 1000,
		  "1000 bytes with a limit of 1000: fine");
	CHECK(r[1].status == 0 && r[1].transport_error == CURLE_WRITE_ERROR && r[1].response_len == 0,
		  "1001 bytes (Content-Length): fails");
	CHECK_STR(r[1].error, "response too large", "its error text");
	CHECK(r[2].status == 200 && r[2].response_len == 1000, "1000 bytes chunked: fine");
	CHECK(r[3].status == 0 && r[3].transport_error == CURLE_WRITE_ERROR && r[3].response_len == 0 &&
		  r[3].response != NULL && r[3].response[0] == '\0', "5000 bytes chunked: fails, empty response");
	CHECK_STR(r[3].error, "response too large", "its error text");
	for (int i = 0; i < 4; i++)
		http_request_clear(&r[i]);
	http_client_destroy(c);
}

static void
test_reuse(void)
{
	HttpClient *c = http_client_create(2, 0, MB, NULL, 0);
	HttpRequest a = request("GET", "/echo");
	HttpRequest b = request("POST", "/echo");
	json_object *da, *db;
	long		bport;

	b.body = "{}";
	b.body_len = 2;
	perform1(c, &a);
	perform1(c, &b);
	da = echo_doc(&a);
	db = echo_doc(&b);
	CHECK(a.status == 200 && b.status == 200 && jint(da, "client_port") > 0 &&
		  jint(da, "client_port") == jint(db, "client_port"),
		  "connection reused across http_perform calls (port %ld, %ld)",
		  jint(da, "client_port"), jint(db, "client_port"));
	bport = jint(db, "client_port");
	json_object_put(da);
	json_object_put(db);

	/* A request that must not be repeated never rides a reused connection. */
	{
		HttpRequest d = request("POST", "/echo");
		json_object *dd;

		d.body = "{}";
		d.body_len = 2;
		d.not_idempotent = true;
		perform1(c, &d);
		dd = echo_doc(&d);
		CHECK(d.status == 200 && jint(dd, "client_port") > 0 &&
			  jint(dd, "client_port") != bport,
			  "a not_idempotent request opens a fresh connection (port %ld)", jint(dd, "client_port"));
		json_object_put(dd);
		http_request_clear(&d);
	}
	http_request_clear(&a);
	http_request_clear(&b);
	http_client_destroy(c);
}

/*
 * http_start/http_finish: the request goes out, the caller works, the
 * answer is collected later; nothing else may run meanwhile.
 */
static void
test_start_finish(void)
{
	HttpClient *c = http_client_create(2, 0, 8 * MB, NULL, 0);
	HttpRequest big = request("POST", "/echo");
	HttpRequest slow = request("POST", "/slow/300");
	HttpRequest other = request("GET", "/echo");
	HttpRequest hang = request("POST", "/hang");
	size_t		len = 3 * MB;
	char	   *body = malloc(len);
	json_object *doc;
	StopAfter	s;
	double		t0;

	memset(body, 'v', len);
	big.body = body;
	big.body_len = len;
	CHECK(http_start(c, &big, NULL, NULL, 50) == 0, "start of a 3 MB POST: 0");
	CHECK(http_start(c, &other, NULL, NULL, 50) == -2 && other.status == 0 && other.elapsed_ms == 0.0,
		  "a second start while one is unfinished: -2, nothing done");
	CHECK(http_perform(c, &other, 1, NULL, NULL, 50) == -2, "http_perform meanwhile: -2");
	CHECK(http_finish(c, &other, NULL, NULL, 50) == -2, "finishing another request: -2");
	CHECK(http_finish(c, &big, NULL, NULL, 50) == 0 && big.status == 200, "finish: 0, answered 200");
	doc = echo_doc(&big);
	CHECK(jint(doc, "body_len") == (long) len, "the whole body arrived (%ld bytes)", jint(doc, "body_len"));
	json_object_put(doc);
	CHECK(http_finish(c, &big, NULL, NULL, 50) == 0 && big.status == 200, "finishing again: 0, nothing changes");

	/* The server works while the caller does; the answer waits for the caller. */
	slow.body = "{}";
	slow.body_len = 2;
	t0 = now_ms();
	CHECK(http_start(c, &slow, NULL, NULL, 50) == 0 && slow.status == 0 && slow.elapsed_ms == 0.0,
		  "start of a slow request returns before its answer");
	CHECK(http_finish(c, &slow, NULL, NULL, 50) == 0 && slow.status == 200 &&
		  strcmp(slow.response, "slow") == 0 && now_ms() - t0 >= 300.0 && slow.elapsed_ms >= 300.0,
		  "finish waits for the answer");
	CHECK(perform1(c, &other) == 0 && other.status == 200, "http_perform works again once it ended");

	/* A hanging server: finish honours stop. */
	hang.body = body;
	hang.body_len = 1000;
	hang.timeout_ms = 60000;
	CHECK(http_start(c, &hang, NULL, NULL, 50) == 0 && hang.status == 0, "start of a request that hangs: 0");
	s = (StopAfter) {.t0 = now_ms(), .after_ms = 200};
	CHECK(http_finish(c, &hang, stop_after, &s, 50) == -1 && hang.transport_error == CURLE_ABORTED_BY_CALLBACK &&
		  strcmp(hang.error, "cancelled") == 0, "finish stopped: -1, the transfer cancelled");

	/* http_cancel ends it; a stop at once starts nothing. */
	CHECK(http_start(c, &hang, NULL, NULL, 50) == 0, "started again");
	http_cancel(c);
	CHECK(strcmp(hang.error, "cancelled") == 0 && perform1(c, &other) == 0 && other.status == 200,
		  "http_cancel: cancelled, the client usable");
	http_cancel(c);				/* nothing unfinished: nothing happens */
	s = (StopAfter) {.t0 = now_ms(), .after_ms = 0};
	CHECK(http_start(c, &hang, stop_after, &s, 50) == -1 && strcmp(hang.error, "cancelled") == 0 &&
		  hang.elapsed_ms == 0.0, "stop before starting: -1, nothing started");
	CHECK(http_start(NULL, &hang, NULL, NULL, 50) == -2 && http_start(c, NULL, NULL, NULL, 50) == -2 &&
		  http_finish(NULL, &hang, NULL, NULL, 50) == -2, "bad arguments: -2");

	http_request_clear(&big);
	http_request_clear(&slow);
	http_request_clear(&other);
	http_request_clear(&hang);
	free(body);
	http_client_destroy(c);
}

int
main(void)
{
	char		err[256] = "";
	HttpClient *c;

	setenv("no_proxy", "127.0.0.1,localhost", 1);	/* loopback only */
	signal(SIGPIPE, SIG_IGN);
	CHECK(http_client_create(0, 0, 10, err, sizeof(err)) == NULL && err[0] != '\0',
		  "max_inflight 0 refused: %s", err);
	CHECK(http_client_create(1, -1, 10, NULL, 0) == NULL, "negative max_redirects refused");
	http_client_destroy(NULL);

	start_server();
	CHECK(port > 0, "test server started (port %d)", port);
	if (port <= 0)
	{
		stop_server();
		return unit_done();
	}
	c = http_client_create(4, 2, 8 * MB, err, sizeof(err));
	CHECK(c != NULL, "client created");
	if (c != NULL)
	{
		test_methods(c);
		test_status(c);
		test_refused(c);
		test_timeouts(c);
		test_redirects(c);
		test_protocols(c);
		http_client_destroy(c);
	}
	test_inflight();
	test_stop();
	test_size_limit();
	test_reuse();
	test_start_finish();
	stop_server();
	return unit_done();
}
