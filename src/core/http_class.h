/*
 * http_class.h - what an HTTP response means for the sync worker.
 *
 * The worker talks to Notion, Pinecone and an OpenAI-compatible
 * embeddings API.  Each answer has to be turned into one decision: done,
 * try the item again later, pause the whole sink, or give up on the item.
 * This module holds that decision, the Retry-After parser and the
 * scrubbing of error texts before they are stored and logged, so that
 * the three clients agree and the rules are unit-tested without a server.
 *
 * Plain C, no PostgreSQL headers, no allocation, no global state, no
 * locale: thread-safe.
 */
#ifndef AMPRENTA_HTTP_CLASS_H
#define AMPRENTA_HTTP_CLASS_H

#include <stddef.h>
#include <stdint.h>

typedef enum HttpOutcome
{
	HTTP_OUTCOME_OK,			/* 2xx */
	HTTP_OUTCOME_RETRY,			/* transient: 408, 409 (Notion
								 * conflict_error), 425, 500, 502, 503,
								 * 504, transport errors (status 0): spend
								 * an attempt, back off */
	HTTP_OUTCOME_THROTTLED,		/* 429, 529: pause the whole sink for
								 * Retry-After, spend no attempt */
	HTTP_OUTCOME_AUTH,			/* 401, 403: pause the sink, items
								 * untouched */
	HTTP_OUTCOME_NOT_FOUND,		/* 404: caller decides (a deleted Notion
								 * page is recreated; a Pinecone delete of
								 * a missing id is success) */
	HTTP_OUTCOME_DEAD			/* other 4xx (400, 413, 422, ...) and
								 * anything else unexpected: give up on
								 * the item, keep the error */
} HttpOutcome;

/*
 * The outcome of an HTTP status.  Status 0 means no HTTP response at all
 * (connection refused or reset, timeout, TLS failure): RETRY.  Anything
 * not listed above, including 1xx, 3xx (redirects are followed by the
 * transport or are a configuration error), 501, 505 and negative values,
 * is DEAD: retrying what we do not understand would only repeat it.
 */
extern HttpOutcome http_classify(long status);

/*
 * "ok", "retry", "throttled", "auth", "not_found", "dead"; "unknown" for
 * a value outside the enum.  Static strings.
 */
extern const char *http_outcome_name(HttpOutcome o);

/*
 * A Retry-After header value, in milliseconds from now.
 *
 * Accepted forms, with optional spaces and tabs around them:
 *   delta-seconds   "120"; also a decimal fraction "1.5" (some servers
 *                   send one), rounded up to the next millisecond, so we
 *                   never come back early;
 *   IMF-fixdate     "Wed, 21 Oct 2015 07:28:00 GMT" (RFC 9110 5.6.7),
 *                   compared with now_unix_s.  Day and month names match
 *                   case-insensitively; the weekday must be a weekday
 *                   name but is not checked against the date; a second
 *                   of 60 (leap second) is accepted.
 * The obsolete RFC 850 and asctime date forms are not accepted.
 *
 * Returns -1 when value is NULL, empty, negative or not one of the forms
 * above (the caller then applies its own backoff); 0 when the date is
 * now or in the past; otherwise the delay, at most max_ms (a max_ms
 * below 0 counts as 0).  Huge values saturate instead of overflowing.
 * Digits are parsed by hand, not with strtod(), whose decimal point
 * depends on the locale.
 */
extern int64_t http_retry_after_ms(const char *value, int64_t now_unix_s,
								   int64_t max_ms);

/*
 * Make an error text (a response body, a curl message) safe to store in
 * a text column and to log.  Reads src[0..src_len) (any bytes, no
 * terminator needed) and writes a NUL-terminated string of at most
 * out_size - 1 bytes to out:
 *
 *   - secrets are masked.  "Bearer" (any case) followed by spaces and a
 *     token becomes "Bearer ***"; a token starting with "ntn_",
 *     "secret_" (Notion), "sk-" (OpenAI) or "pcsk_" (Pinecone), where the
 *     prefix does not follow an ASCII letter or digit ("task-1" is not a
 *     key), becomes "<prefix>***".  A token runs to the next space,
 *     control character or quote (" ' `) or the end of src.  A prefix
 *     with nothing after it is left as is;
 *   - control characters (C0, DEL and the C1 range U+0080..U+009F)
 *     become one space each: no line breaks in a log line, no terminal
 *     escapes, no NUL inside the string;
 *   - bytes that are not well-formed UTF-8 become '?', so the result is
 *     always valid UTF-8 (PostgreSQL refuses to store anything else);
 *   - the output is cut at a character or mask boundary: a mask is
 *     written whole or not at all, never half.
 *
 * Nothing is written when out is NULL or out_size is 0; src NULL (or
 * src_len 0) gives "".  Returns nothing: the result is always usable.
 */
extern void http_error_text(const char *src, size_t src_len, char *out,
							size_t out_size);

#endif
