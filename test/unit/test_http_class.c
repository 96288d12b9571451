/*
 * test_http_class.c - unit tests of the HTTP outcome classes, the
 * Retry-After parser and the error-text scrubber (src/core/http_class.c).
 *
 * The HTTP-date arithmetic is checked against fixed Unix times and, over
 * random dates from year 0001 to 9999, against glibc's timegm() (fine in
 * a test; the module itself does not use it).  The scrubber's output is
 * checked for UTF-8 validity with ident_utf8_valid(), an independent
 * validator from another module.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "http_class.h"
#include "ident_text.h"
#include "unit.h"

static void
test_classify(void)
{
	static const struct
	{
		long		status;
		HttpOutcome want;
	}			cases[] = {
		{200, HTTP_OUTCOME_OK}, {201, HTTP_OUTCOME_OK}, {204, HTTP_OUTCOME_OK},
		{299, HTTP_OUTCOME_OK}, {0, HTTP_OUTCOME_RETRY}, {408, HTTP_OUTCOME_RETRY},
		{409, HTTP_OUTCOME_RETRY}, {425, HTTP_OUTCOME_RETRY}, {500, HTTP_OUTCOME_RETRY},
		{502, HTTP_OUTCOME_RETRY}, {503, HTTP_OUTCOME_RETRY}, {504, HTTP_OUTCOME_RETRY},
		{429, HTTP_OUTCOME_THROTTLED}, {529, HTTP_OUTCOME_THROTTLED},
		{401, HTTP_OUTCOME_AUTH}, {403, HTTP_OUTCOME_AUTH}, {404, HTTP_OUTCOME_NOT_FOUND},
		{400, HTTP_OUTCOME_DEAD}, {402, HTTP_OUTCOME_DEAD}, {405, HTTP_OUTCOME_DEAD},
		{410, HTTP_OUTCOME_DEAD}, {412, HTTP_OUTCOME_DEAD}, {413, HTTP_OUTCOME_DEAD},
		{422, HTTP_OUTCOME_DEAD}, {501, HTTP_OUTCOME_DEAD}, {505, HTTP_OUTCOME_DEAD},
		{100, HTTP_OUTCOME_DEAD}, {199, HTTP_OUTCOME_DEAD}, {300, HTTP_OUTCOME_DEAD},
		{301, HTTP_OUTCOME_DEAD}, {304, HTTP_OUTCOME_DEAD}, {-1, HTTP_OUTCOME_DEAD},
		{999, HTTP_OUTCOME_DEAD}, {LONG_MAX, HTTP_OUTCOME_DEAD}, {LONG_MIN, HTTP_OUTCOME_DEAD},
	};
	int			count[6] = {0};
	bool		others_dead = true;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(http_classify(cases[i].status) == cases[i].want, "%ld is %s (got %s)",
			  cases[i].status, http_outcome_name(cases[i].want),
			  http_outcome_name(http_classify(cases[i].status)));

	/* over -100..1100 each class has exactly its codes */
	for (long s = -100; s <= 1100; s++)
	{
		HttpOutcome o = http_classify(s);

		if (o < 0 || o > HTTP_OUTCOME_DEAD)
			others_dead = false;
		else
			count[o]++;
	}
	CHECK(others_dead, "every status maps to one of the six outcomes");
	CHECK(count[HTTP_OUTCOME_OK] == 100, "100 OK codes (%d)", count[HTTP_OUTCOME_OK]);
	CHECK(count[HTTP_OUTCOME_RETRY] == 8, "8 RETRY codes (%d)", count[HTTP_OUTCOME_RETRY]);
	CHECK(count[HTTP_OUTCOME_THROTTLED] == 2, "2 THROTTLED codes");
	CHECK(count[HTTP_OUTCOME_AUTH] == 2, "2 AUTH codes");
	CHECK(count[HTTP_OUTCOME_NOT_FOUND] == 1, "1 NOT_FOUND code");
	CHECK(count[HTTP_OUTCOME_DEAD] == 1201 - 113, "everything else DEAD (%d)",
		  count[HTTP_OUTCOME_DEAD]);

	CHECK_STR(http_outcome_name(HTTP_OUTCOME_OK), "ok", "name ok");
	CHECK_STR(http_outcome_name(HTTP_OUTCOME_RETRY), "retry", "name retry");
	CHECK_STR(http_outcome_name(HTTP_OUTCOME_THROTTLED), "throttled", "name throttled");
	CHECK_STR(http_outcome_name(HTTP_OUTCOME_AUTH), "auth", "name auth");
	CHECK_STR(http_outcome_name(HTTP_OUTCOME_NOT_FOUND), "not_found", "name not_found");
	CHECK_STR(http_outcome_name(HTTP_OUTCOME_DEAD), "dead", "name dead");
	CHECK_STR(http_outcome_name((HttpOutcome) 77), "unknown", "out of range: unknown");
}

#define RA(v, now, max) http_retry_after_ms((v), (now), (max))
#define BIG INT64_MAX

static void
test_retry_after_delta(void)
{
	CHECK(RA("120", 0, BIG) == 120000, "120 s");
	CHECK(RA("0", 0, BIG) == 0, "0 s");
	CHECK(RA("007", 0, BIG) == 7000, "leading zeros");
	CHECK(RA("  120 ", 0, BIG) == 120000, "surrounding spaces");
	CHECK(RA("\t5\t", 0, BIG) == 5000, "surrounding tabs");
	CHECK(RA("1.5", 0, BIG) == 1500, "1.5 s");
	CHECK(RA("2.25", 0, BIG) == 2250, "2.25 s");
	CHECK(RA("0.001", 0, BIG) == 1, "1 ms");
	CHECK(RA("0.0001", 0, BIG) == 1, "a fraction of a ms rounds up");
	CHECK(RA("1.0001", 0, BIG) == 1001, "1.0001 rounds up to 1001");
	CHECK(RA("1.0000000", 0, BIG) == 1000, "trailing zeros do not round up");
	CHECK(RA("120", 0, 60000) == 60000, "clamped to max_ms");
	CHECK(RA("60", 0, 60000) == 60000, "exactly max_ms");
	CHECK(RA("10", 0, -5) == 0, "max_ms below 0 counts as 0");
	CHECK(RA("99999999999999999999999999", 0, 3600000) == 3600000,
		  "huge value saturates to max_ms");
	CHECK(RA("99999999999999999999999999", 0, BIG) > 0, "huge value with no max: positive");
	CHECK(RA("9223372036854775807.999", 0, BIG) > 0, "INT64_MAX seconds: no overflow");

	CHECK(RA(NULL, 0, BIG) == -1, "NULL: -1");
	CHECK(RA("", 0, BIG) == -1, "empty: -1");
	CHECK(RA("  \t ", 0, BIG) == -1, "blank: -1");
	CHECK(RA("-1", 0, BIG) == -1, "negative: -1");
	CHECK(RA("+5", 0, BIG) == -1, "plus sign: -1");
	CHECK(RA("1e3", 0, BIG) == -1, "exponent: -1");
	CHECK(RA("1.", 0, BIG) == -1, "'1.': -1");
	CHECK(RA(".5", 0, BIG) == -1, "'.5': -1");
	CHECK(RA("1,5", 0, BIG) == -1, "decimal comma: -1");
	CHECK(RA("12 s", 0, BIG) == -1, "unit suffix: -1");
	CHECK(RA("1 2", 0, BIG) == -1, "two numbers: -1");
	CHECK(RA("5\n", 0, BIG) == -1, "newline is not OWS: -1");
	CHECK(RA("soon", 0, BIG) == -1, "word: -1");
}

static void
test_retry_after_date(void)
{
	const int64_t t = 1445412480;	/* Wed, 21 Oct 2015 07:28:00 GMT */
	const char *d = "Wed, 21 Oct 2015 07:28:00 GMT";

	CHECK(RA(d, t - 120, BIG) == 120000, "date 120 s ahead");
	CHECK(RA(d, t - 1, BIG) == 1000, "date 1 s ahead");
	CHECK(RA(d, t, BIG) == 0, "date now: 0");
	CHECK(RA(d, t + 3600, BIG) == 0, "date in the past: 0");
	CHECK(RA(d, t - 86400, 60000) == 60000, "far date clamped");
	CHECK(RA(d, INT64_MIN, 5000) == 5000, "absurd now: clamped, no overflow");
	CHECK(RA(d, INT64_MIN, BIG) > 0, "absurd now, no max: positive");
	CHECK(RA(d, INT64_MAX, BIG) == 0, "now at INT64_MAX: past");
	CHECK(RA("  Wed, 21 Oct 2015 07:28:00 GMT  ", t - 2, BIG) == 2000, "spaces around a date");
	CHECK(RA("wed, 21 OCT 2015 07:28:00 gmt", t - 2, BIG) == 2000, "names in any case");
	CHECK(RA("Sun, 21 Oct 2015 07:28:00 GMT", t - 2, BIG) == 2000,
		  "wrong weekday name is not checked against the date");

	CHECK(RA("Thu, 01 Jan 1970 00:00:00 GMT", -5, BIG) == 5000, "the epoch");
	CHECK(RA("Thu, 29 Feb 2024 00:00:00 GMT", 1709164800 - 1, BIG) == 1000, "29 Feb 2024");
	CHECK(RA("Tue, 29 Feb 2000 12:00:00 GMT", 951825600 - 1, BIG) == 1000,
		  "29 Feb 2000 (divisible by 400)");
	CHECK(RA("Fri, 31 Dec 9999 23:59:59 GMT", 253402300799 - 1, BIG) == 1000, "year 9999");
	CHECK(RA("Sat, 01 Jan 0000 00:00:00 GMT", -62167219200 - 10, BIG) == 10000, "year 0000");
	CHECK(RA("Thu, 31 Dec 2015 23:59:60 GMT", 1451606400 - 1, BIG) == 1000,
		  "leap second 60 is the next day's 00:00:00");

	CHECK(RA("Wed, 29 Feb 2023 00:00:00 GMT", 0, BIG) == -1, "29 Feb 2023: -1");
	CHECK(RA("Thu, 29 Feb 1900 00:00:00 GMT", 0, BIG) == -1, "29 Feb 1900: -1");
	CHECK(RA("Wed, 31 Apr 2015 07:28:00 GMT", 0, BIG) == -1, "31 April: -1");
	CHECK(RA("Wed, 32 Oct 2015 07:28:00 GMT", 0, BIG) == -1, "day 32: -1");
	CHECK(RA("Wed, 00 Oct 2015 07:28:00 GMT", 0, BIG) == -1, "day 0: -1");
	CHECK(RA("Wed, 21 Oct 2015 24:00:00 GMT", 0, BIG) == -1, "hour 24: -1");
	CHECK(RA("Wed, 21 Oct 2015 07:60:00 GMT", 0, BIG) == -1, "minute 60: -1");
	CHECK(RA("Wed, 21 Oct 2015 07:28:61 GMT", 0, BIG) == -1, "second 61: -1");
	CHECK(RA("Xyz, 21 Oct 2015 07:28:00 GMT", 0, BIG) == -1, "bad weekday: -1");
	CHECK(RA("Wed, 21 Foo 2015 07:28:00 GMT", 0, BIG) == -1, "bad month: -1");
	CHECK(RA("Wed 21 Oct 2015 07:28:00 GMT", 0, BIG) == -1, "no comma: -1");
	CHECK(RA("Wed, 21 Oct 2015 07:28:00 UTC", 0, BIG) == -1, "UTC instead of GMT: -1");
	CHECK(RA("Wed, 21 Oct 2015 07:28:00 GMT x", 0, BIG) == -1, "trailing junk: -1");
	CHECK(RA("Wed, 21 Oct 2015 07:28 GMT", 0, BIG) == -1, "no seconds: -1");
	CHECK(RA("Wed, 21 Oct 15 07:28:00 GMT", 0, BIG) == -1, "two-digit year: -1");
	CHECK(RA("Wed, 2a Oct 2015 07:28:00 GMT", 0, BIG) == -1, "letter in day: -1");
	CHECK(RA("Wednesday, 21-Oct-15 07:28:00 GMT", 0, BIG) == -1, "RFC 850 form: -1");
	CHECK(RA("Wed Oct 21 07:28:00 2015", 0, BIG) == -1, "asctime form: -1");
}

/* Random dates against timegm(), as an independent oracle. */
static void
test_retry_after_vs_timegm(void)
{
	static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	uint64_t	x = 12345;
	int			bad = 0;

	for (int i = 0; i < 20000; i++)
	{
		time_t		tt;
		struct tm	tm;
		char		buf[64];
		int64_t		got;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		/* 0001-01-01 .. 9999-12-31 */
		tt = (time_t) (-62135596800LL + (int64_t) ((x >> 11) % 315537897600ULL));
		gmtime_r(&tt, &tm);
		snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT",
				 wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900,
				 tm.tm_hour, tm.tm_min, tm.tm_sec);
		got = RA(buf, (int64_t) timegm(&tm) - 7, BIG);
		if (got != 7000)
		{
			if (bad++ < 5)
				NOTE("%s: got %lld", buf, (long long) got);
		}
	}
	CHECK(bad == 0, "20000 random dates 0001..9999 agree with timegm (%d differ)", bad);
}

/* Scrub s (as a C string) into a buffer of out_size; returns the buffer. */
static const char *
scrub(const char *s, size_t out_size)
{
	static char buf[512];

	memset(buf, 'Z', sizeof(buf));
	http_error_text(s, strlen(s), buf, out_size);
	return buf;
}

static void
test_error_text_basic(void)
{
	char		buf[16];

	CHECK_STR(scrub("plain text", 100), "plain text", "ASCII copied");
	CHECK_STR(scrub("hello world", 5), "hell", "cut at out_size - 1");
	CHECK_STR(scrub("hello", 1), "", "out_size 1: empty");
	memset(buf, 'Z', sizeof(buf));
	http_error_text("abc", 3, buf, 0);
	CHECK(buf[0] == 'Z', "out_size 0: nothing written");
	http_error_text("abc", 3, NULL, 10);
	CHECK(1, "out NULL: no crash");
	http_error_text(NULL, 10, buf, sizeof(buf));
	CHECK_STR(buf, "", "src NULL: empty string");
	http_error_text("abcdef", 3, buf, sizeof(buf));
	CHECK_STR(buf, "abc", "src_len respected, no terminator needed");

	CHECK_STR(scrub("a\xc3\xa9", 3), "a", "no half of a 2-byte character");
	CHECK_STR(scrub("a\xc3\xa9", 4), "a\xc3\xa9", "whole 2-byte character");
	CHECK_STR(scrub("\xe2\x82\xac\xe2\x82\xac", 6), "\xe2\x82\xac", "3-byte: cut before the second");
	CHECK_STR(scrub("x\xf0\x9f\x98\x80", 5), "x", "4-byte: not cut");
	CHECK_STR(scrub("x\xf0\x9f\x98\x80", 6), "x\xf0\x9f\x98\x80", "4-byte: whole");

	CHECK_STR(scrub("a\nb\tc\rd\x01" "e\x7f" "f", 100), "a b c d e f", "C0 and DEL become spaces");
	CHECK_STR(scrub("x\xc2\x85y\xc2\x9b", 100), "x y ", "C1 controls become one space");
	CHECK_STR(scrub("no\xc2\xa0" "break", 100), "no\xc2\xa0" "break", "NBSP is kept");
	http_error_text("a\0b", 3, buf, sizeof(buf));
	CHECK_STR(buf, "a b", "NUL inside src becomes a space");

	CHECK_STR(scrub("\xff", 100), "?", "0xFF: ?");
	CHECK_STR(scrub("ab\xc3", 100), "ab?", "truncated sequence: ?");
	CHECK_STR(scrub("\xc0\xaf", 100), "??", "overlong: ??");
	CHECK_STR(scrub("\xed\xa0\x80", 100), "???", "surrogate: ???");
	CHECK_STR(scrub("\xf4\x90\x80\x80", 100), "????", "beyond U+10FFFF");
	CHECK_STR(scrub("\x80z", 100), "?z", "stray continuation byte");
	CHECK_STR(scrub("<html>\r\n<h1>502 Bad Gateway</h1>", 100),
			  "<html>  <h1>502 Bad Gateway</h1>", "an HTML error page on one line");
}

static void
test_error_text_secrets(void)
{
	CHECK_STR(scrub("Authorization: Bearer abc.def-ghi", 100),
			  "Authorization: Bearer ***", "Bearer token masked");
	CHECK_STR(scrub("bearer\tXYZ", 100), "bearer ***", "lower case, tab");
	CHECK_STR(scrub("BEARER   x y", 100), "BEARER *** y", "several spaces, token ends at space");
	CHECK_STR(scrub("Bearer ntn_SECRETVALUE more", 100), "Bearer *** more",
			  "Bearer wins over the prefix");
	CHECK_STR(scrub("Bearer\xc2\x85tok", 100), "Bearer ***", "C1 control as separator");
	CHECK_STR(scrub("Bearer ", 100), "Bearer ", "Bearer with nothing after");
	CHECK_STR(scrub("Bearer", 100), "Bearer", "Bearer at the end");
	CHECK_STR(scrub("Bearers x", 100), "Bearers x", "a longer word is not Bearer");
	CHECK_STR(scrub("xBearer tok", 100), "xBearer tok", "inside a word: not masked");
	CHECK_STR(scrub("key ntn_1234abcd rest", 100), "key ntn_*** rest", "ntn_ masked");
	CHECK_STR(scrub("{\"token\":\"secret_abc\"}", 100), "{\"token\":\"secret_***\"}",
			  "secret_ masked, ends at the quote");
	CHECK_STR(scrub("Incorrect API key provided: sk-proj-abc123.", 100),
			  "Incorrect API key provided: sk-***", "sk- masked");
	CHECK_STR(scrub("'pcsk_5x_abc'", 100), "'pcsk_***'", "pcsk_ masked, single quotes");
	CHECK_STR(scrub("`sk-a`", 100), "`sk-***`", "backquotes");
	CHECK_STR(scrub("key=sk-abc", 100), "key=sk-***", "after '='");
	CHECK_STR(scrub("_sk-abc", 100), "_sk-***", "after '_'");
	CHECK_STR(scrub("\xc3\xa9sk-abc", 100), "\xc3\xa9sk-***", "after a non-ASCII letter");
	CHECK_STR(scrub("sk-ab\ncd", 100), "sk-*** cd", "token ends at a control character");
	CHECK_STR(scrub("task-1 disk-full mask-on", 100), "task-1 disk-full mask-on",
			  "sk- inside words is not a key");
	CHECK_STR(scrub("ask sk- now", 100), "ask sk- now", "prefix with nothing after");
	CHECK_STR(scrub("Sk-abc SECRET_x", 100), "Sk-abc SECRET_x", "prefixes are case-sensitive");
	CHECK_STR(scrub("sk-a sk-b", 100), "sk-*** sk-***", "two keys");

	/* a mask is written whole or not at all */
	CHECK_STR(scrub("id sk-abcdef", 9), "id ", "mask does not fit: stop before it");
	CHECK_STR(scrub("id sk-abcdef", 10), "id sk-***", "mask fits exactly");
	CHECK_STR(scrub("Bearer abcdef", 10), "", "Bearer mask does not fit: nothing");
	CHECK_STR(scrub("Bearer abcdef", 11), "Bearer ***", "Bearer mask fits");
	{
		const char *r = scrub("Bearer ntn_SECRETVALUE", 100);

		CHECK(strstr(r, "SECRET") == NULL, "no secret byte survives");
	}
}

/* Random bytes: the output is always valid UTF-8, without controls. */
static void
test_error_text_random(void)
{
	static const char alphabet[] = "ab sk-ntn_Bearer\"'\t\n\x01\x7f\xc2\x85\xa0\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xff\xed";
	uint64_t	x = 99;
	int			bad = 0;

	for (int it = 0; it < 20000; it++)
	{
		char		src[64];
		char		out[80];
		size_t		n,
					size,
					olen;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		n = (x >> 33) % sizeof(src);
		size = 1 + (x >> 20) % sizeof(out);
		for (size_t i = 0; i < n; i++)
		{
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			src[i] = (x >> 40) % 4 == 0 ? (char) (x >> 48)
				: alphabet[(x >> 33) % (sizeof(alphabet) - 1)];
		}
		memset(out, 'Z', sizeof(out));
		http_error_text(src, n, out, size);
		olen = strnlen(out, size);
		if (olen >= size || !ident_utf8_valid(out, olen))
			bad++;
		else
			for (size_t i = 0; i < olen; i++)
			{
				unsigned char c = (unsigned char) out[i];

				if (c < 0x20 || c == 0x7f ||
					(c == 0xc2 && (unsigned char) out[i + 1] < 0xa0))
				{
					bad++;
					break;
				}
			}
		if (size < sizeof(out) && out[size] != 'Z')
			bad++;
	}
	CHECK(bad == 0, "20000 random inputs: terminated, in bounds, valid UTF-8, no controls (%d bad)",
		  bad);
}

int
main(void)
{
	test_classify();
	test_retry_after_delta();
	test_retry_after_date();
	test_retry_after_vs_timegm();
	test_error_text_basic();
	test_error_text_secrets();
	test_error_text_random();
	return unit_done();
}
