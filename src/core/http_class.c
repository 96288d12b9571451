/*
 * http_class.c - HTTP outcome classes, Retry-After and error-text
 * scrubbing for the sync worker (see http_class.h).
 *
 * The classes follow what the three services document (Notion status
 * codes, Pinecone's error guide, the OpenAI API) and what their own SDKs
 * retry; the research notes behind them are in
 * /work/shared/research/external_apis.md sections 1.8-1.11, 2.12-2.14,
 * 3.3-3.4 and 4.
 */
#include "http_class.h"

#include <stdbool.h>
#include <string.h>

HttpOutcome
http_classify(long status)
{
	if (status >= 200 && status <= 299)
		return HTTP_OUTCOME_OK;
	switch (status)
	{
		case 0:					/* no response: transport error */
		case 408:				/* request timeout */
		case 409:				/* Notion conflict_error: re-read, retry */
		case 425:				/* too early */
		case 500:
		case 502:
		case 503:
		case 504:
			return HTTP_OUTCOME_RETRY;
		case 429:				/* rate limited */
		case 529:				/* Notion service_overload, "like 429" */
			return HTTP_OUTCOME_THROTTLED;
		case 401:
		case 403:
			return HTTP_OUTCOME_AUTH;
		case 404:
			return HTTP_OUTCOME_NOT_FOUND;
		default:
			return HTTP_OUTCOME_DEAD;
	}
}

const char *
http_outcome_name(HttpOutcome o)
{
	switch (o)
	{
		case HTTP_OUTCOME_OK:
			return "ok";
		case HTTP_OUTCOME_RETRY:
			return "retry";
		case HTTP_OUTCOME_THROTTLED:
			return "throttled";
		case HTTP_OUTCOME_AUTH:
			return "auth";
		case HTTP_OUTCOME_NOT_FOUND:
			return "not_found";
		case HTTP_OUTCOME_DEAD:
			return "dead";
	}
	return "unknown";
}

/* ---------------------------------------------------------------------
 * Retry-After
 * --------------------------------------------------------------------- */

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static unsigned char
ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char) (c + ('a' - 'A')) : c;
}

/* Does s start with the 3-letter word w, ignoring ASCII case? */
static bool
ci_eq3(const char *s, const char *w)
{
	for (int i = 0; i < 3; i++)
		if (ascii_lower((unsigned char) s[i]) != (unsigned char) w[i])
			return false;
	return true;
}

/* The value of n ASCII digits at s, or -1 when one is not a digit. */
static int
digits(const char *s, int n)
{
	int			v = 0;

	for (int i = 0; i < n; i++)
	{
		if (!is_digit((unsigned char) s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * Days from 0001-01-01 to y-01-01 in the proleptic Gregorian calendar,
 * for y >= 1: 365 per year plus one per leap year before y.
 */
static int64_t
days_before_year(int64_t y)
{
	int64_t		p = y - 1;

	return p * 365 + p / 4 - p / 100 + p / 400;
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * Seconds since 1970-01-01 00:00:00 UTC of an IMF-fixdate
 * "Www, DD Mon YYYY HH:MM:SS GMT" (exactly 29 bytes at s), or false.
 */
static bool
parse_imf_fixdate(const char *s, size_t len, int64_t *unix_s)
{
	static const char *const wdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"};
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			wday = -1,
				mon = -1,
				day,
				year,
				hh,
				mm,
				ss;
	int64_t		yday;

	if (len != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' ||
		s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':' ||
		s[25] != ' ' || !ci_eq3(s + 26, "gmt"))
		return false;
	for (int i = 0; i < 7; i++)
		if (ci_eq3(s, wdays[i]))
			wday = i;
	for (int i = 0; i < 12; i++)
		if (ci_eq3(s + 8, months[i]))
			mon = i;
	day = digits(s + 5, 2);
	year = digits(s + 12, 4);
	hh = digits(s + 17, 2);
	mm = digits(s + 20, 2);
	ss = digits(s + 23, 2);
	if (wday < 0 || mon < 0 || day < 1 || year < 0 || hh < 0 || hh > 23 ||
		mm < 0 || mm > 59 || ss < 0 || ss > 60)
		return false;
	if (day > mdays[mon] + (mon == 1 && is_leap(year)))
		return false;

	yday = day - 1;
	for (int i = 0; i < mon; i++)
		yday += mdays[i];
	if (mon > 1 && is_leap(year))
		yday++;
	/* year 0000 is a valid 4DIGIT: shift by one 400-year cycle (146097 days) */
	*unix_s = ((days_before_year(year + 400) - 146097 - days_before_year(1970) +
				yday) * 86400) + hh * 3600 + mm * 60 + ss;
	return true;
}

/* delta-seconds, perhaps with a fraction; false when not of that form. */
static bool
parse_delta_ms(const char *s, size_t len, int64_t *ms)
{
	const int64_t limit = INT64_MAX / 1000 - 1;
	int64_t		secs = 0;
	int64_t		frac = 0;
	size_t		i = 0;

	while (i < len && is_digit((unsigned char) s[i]))
	{
		if (secs <= limit / 10)
			secs = secs * 10 + (s[i] - '0');
		else
			secs = limit;		/* saturate; clamped to max_ms anyway */
		i++;
	}
	if (i == 0)
		return false;
	if (i < len && s[i] == '.')
	{
		size_t		f0 = ++i;
		bool		rest = false;	/* nonzero digit beyond milliseconds */

		while (i < len && is_digit((unsigned char) s[i]))
		{
			if (i - f0 < 3)
				frac = frac * 10 + (s[i] - '0');
			else if (s[i] != '0')
				rest = true;
			i++;
		}
		if (i == f0)
			return false;		/* "1." */
		for (size_t k = i - f0; k < 3; k++)
			frac *= 10;			/* "1.5" is 500 ms */
		if (rest)
			frac++;				/* round up: never come back early */
	}
	if (i != len)
		return false;
	*ms = secs * 1000 + frac;
	return true;
}

int64_t
http_retry_after_ms(const char *value, int64_t now_unix_s, int64_t max_ms)
{
	const char *s = value;
	size_t		len;
	int64_t		ms;

	if (value == NULL)
		return -1;
	if (max_ms < 0)
		max_ms = 0;
	len = strlen(s);
	while (len > 0 && (s[0] == ' ' || s[0] == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return -1;

	if (is_digit((unsigned char) s[0]))
	{
		if (!parse_delta_ms(s, len, &ms))
			return -1;
	}
	else
	{
		int64_t		at;

		if (!parse_imf_fixdate(s, len, &at))
			return -1;
		if (at <= now_unix_s)
			return 0;
		/* at is within +-2^38; only an absurd now_unix_s can overflow */
		if (now_unix_s < at - INT64_MAX / 1000)
			return max_ms;
		ms = (at - now_unix_s) * 1000;
	}
	return ms < max_ms ? ms : max_ms;
}

/* ---------------------------------------------------------------------
 * Error text
 * --------------------------------------------------------------------- */

/*
 * Length of the well-formed UTF-8 sequence of 2 to 4 bytes at p (avail
 * bytes readable, p[0] >= 0x80), or 0: stray continuation byte, overlong
 * form, surrogate, beyond U+10FFFF, truncated (Unicode Table 3-7).
 */
static size_t
utf8_len(const unsigned char *p, size_t avail)
{
	unsigned char lo = 0x80,
				hi = 0xbf;
	size_t		n;

	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;
	n = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t k = 2; k < n; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * Bytes of the control character at p (1 for C0 and DEL, 2 for a C1
 * character U+0080..U+009F), or 0.  Space counts too: these are what
 * the output shows as a space.
 */
static size_t
blank_len(const unsigned char *p, size_t avail)
{
	if (p[0] <= 0x20 || p[0] == 0x7f)
		return 1;
	if (p[0] == 0xc2 && avail >= 2 && p[1] >= 0x80 && p[1] < 0xa0)
		return 2;
	return 0;
}

/* Bytes of the token starting at p: up to a blank, a quote or the end. */
static size_t
token_len(const unsigned char *p, size_t avail)
{
	size_t		n = 0;

	while (n < avail && blank_len(p + n, avail - n) == 0 &&
		   p[n] != '"' && p[n] != '\'' && p[n] != '`')
		n++;
	return n;
}

static bool
is_alnum(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * If a secret starts at s[i], the number of src bytes it covers; *keep
 * gets how many of its first bytes are shown, *mask what replaces the
 * rest.  0 when there is none.
 */
static size_t
secret_at(const unsigned char *s, size_t len, size_t i, size_t *keep,
		  const char **mask)
{
	static const char *const prefixes[] = {"ntn_", "secret_", "sk-", "pcsk_"};
	size_t		avail = len - i;

	if (i > 0 && is_alnum(s[i - 1]))
		return 0;				/* inside a word: "task-1" */

	if (avail > 6 && ascii_lower(s[i]) == 'b')
	{
		static const char bearer[] = "bearer";
		size_t		j = 0,
					b,
					t;

		while (j < 6 && ascii_lower(s[i + j]) == (unsigned char) bearer[j])
			j++;
		/* the word, one or more blanks, a token */
		while (j >= 6 && j < avail && (b = blank_len(s + i + j, avail - j)) > 0)
			j += b;
		if (j > 6 && (t = token_len(s + i + j, avail - j)) > 0)
		{
			*keep = 6;
			*mask = " ***";
			return j + t;
		}
	}
	for (int k = 0; k < 4; k++)
	{
		size_t		plen = strlen(prefixes[k]);
		size_t		t;

		if (avail > plen && memcmp(s + i, prefixes[k], plen) == 0 &&
			(t = token_len(s + i + plen, avail - plen)) > 0)
		{
			*keep = plen;
			*mask = "***";
			return plen + t;
		}
	}
	return 0;
}

void
http_error_text(const char *src, size_t src_len, char *out, size_t out_size)
{
	const unsigned char *s = (const unsigned char *) src;
	size_t		room,
				o = 0,
				i = 0;

	if (out == NULL || out_size == 0)
		return;
	room = out_size - 1;
	if (src == NULL)
		src_len = 0;

	while (i < src_len)
	{
		size_t		keep = 0,
					n,
					unit;
		const char *mask = NULL;
		const char *copy = (const char *) s + i;

		/* each unit is written whole or not at all */
		if ((n = secret_at(s, src_len, i, &keep, &mask)) > 0)
			unit = keep + strlen(mask);
		else if ((n = blank_len(s + i, src_len - i)) > 0)
			copy = " ", unit = 1;
		else if (s[i] < 0x80)
			n = unit = 1;
		else if ((n = utf8_len(s + i, src_len - i)) > 0)
			unit = n;
		else
			copy = "?", n = unit = 1;

		if (unit > room - o)
			break;
		if (mask != NULL)
		{
			memcpy(out + o, copy, keep);
			memcpy(out + o + keep, mask, unit - keep);
		}
		else
			memcpy(out + o, copy, unit);
		o += unit;
		i += n;
	}
	out[o] = '\0';
}
