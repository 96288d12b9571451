/*
 * fuzz_tabular.c - libFuzzer target for the tabular reader.
 *
 *	clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/core \
 *		test/fuzz/fuzz_tabular.c src/core/tabular*.c -lcsv -lm -o fuzz_tabular
 *	./fuzz_tabular -max_total_time=300 test/fuzz/corpus_tabular
 *
 * The first byte chooses the chunk size and, when sniffing fails, the
 * dialect forced on the reader (so mwTab/mzTab-M routing and the error
 * paths get fuzzed too); the rest is the file.  For each input:
 *
 *  - tab_sniff on the whole input and on a prefix (incomplete sample);
 *  - the reader, fed whole and fed in chunks: same result code, same error
 *    line, same records (compared through a hash);
 *  - in every record: line numbers >= 1 and non-decreasing, every data
 *    record as wide as the header, fields NUL-terminated at lens[i];
 *  - when the sniffer accepts a small input (under its sampling limits),
 *    the reader accepts it too, with the same width and row count;
 *  - tab_parse_double on every field: no NaN on success, and for plain
 *    ASCII numbers the same value as strtod (the C locale is in effect).
 *
 * Leaks and memory errors are the sanitizers' business; the reader runs on
 * tab_alloc_malloc.
 */
#include "tabular.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fz
{
	uint64_t	hash;
	long		last_line;
	int			width;
	long		records;
	long		data;
	int			saw_header;
} fz;

static void
mix(fz *f, const void *p, size_t n)
{
	const unsigned char *u = p;

	for (size_t i = 0; i < n; i++)
		f->hash = (f->hash ^ u[i]) * UINT64_C(0x100000001b3);
}

/* Plain ASCII number: what strtod reads the same way. */
static int
plain_number(const char *s, size_t n)
{
	int			digits = 0;

	if (n == 0 || n > 40)
		return 0;
	for (size_t i = 0; i < n; i++)
	{
		char		c = s[i];

		if (c >= '0' && c <= '9')
			digits++;
		else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E')
			return 0;
	}
	return digits > 0;
}

static void
check_number(const char *s, size_t n)
{
	double		v,
				w;
	char		buf[64];
	char	   *end;

	for (int dc = 0; dc < 2; dc++)
	{
		int			rc = tab_parse_double(s, n, dc, &v);

		assert(rc == TAB_NUM_OK || rc == TAB_NUM_MISSING || rc == TAB_NUM_INVALID);
		if (rc == TAB_NUM_OK)
			assert(!isnan(v));
		else
			assert(isnan(v));
		if (rc == TAB_NUM_OK && dc == 0 && plain_number(s, n))
		{
			memcpy(buf, s, n);
			buf[n] = '\0';
			w = strtod(buf, &end);
			assert(*end == '\0');
			assert(v == w || (isnan(v) && isnan(w)));
		}
	}
}

static int
on_record(void *ctx, const tab_record *r)
{
	fz		   *f = ctx;

	assert(r->line >= 1 && r->line >= f->last_line);
	f->last_line = r->line;
	assert(r->nfields >= 1);
	if (r->is_header)
	{
		assert(!f->saw_header);
		f->saw_header = 1;
		f->width = r->nfields;
	}
	else
	{
		assert(f->saw_header && r->nfields == f->width);
		if (!r->is_factors)
			f->data++;
	}
	f->records++;
	mix(f, &r->line, sizeof(r->line));
	mix(f, &r->is_header, sizeof(int));
	mix(f, &r->is_factors, sizeof(int));
	for (int i = 0; i < r->nfields; i++)
	{
		assert(r->fields[i][r->lens[i]] == '\0');
		assert(strlen(r->fields[i]) == r->lens[i]);
		mix(f, r->fields[i], r->lens[i] + 1);
		if (r->lens[i] < 48)
			check_number(r->fields[i], r->lens[i]);
	}
	return 0;
}

static int
on_meta(void *ctx, const char *key, const char *value, long line)
{
	fz		   *f = ctx;

	assert(line >= 1);
	mix(f, key, strlen(key) + 1);
	mix(f, value, strlen(value) + 1);
	mix(f, &line, sizeof(line));
	return 0;
}

typedef struct outcome
{
	int			rc;
	long		line;
	fz			f;
} outcome;

static void
read_all(const tab_dialect *d, const char *buf, size_t len, size_t chunk,
		 outcome *o)
{
	tab_reader *r = tab_reader_create(d, &tab_alloc_malloc, on_record, &o->f);
	tab_reader_options opt = {on_meta, 1 << 20};
	tab_error	e;
	int			rc = TAB_OK;

	memset(&e, 0, sizeof(e));
	memset(&o->f, 0, sizeof(o->f));
	o->f.hash = UINT64_C(0xcbf29ce484222325);
	if (r == NULL)
	{
		o->rc = -1;
		o->line = 0;
		return;
	}
	/* the callbacks' ctx is o->f, which read_all owns for the call */
	tab_reader_set_options(r, &opt);
	for (size_t i = 0; i < len && rc == TAB_OK; i += chunk)
		rc = tab_reader_feed(r, buf + i, len - i < chunk ? len - i : chunk, &e);
	if (rc == TAB_OK)
		rc = tab_reader_finish(r, &e);
	assert(rc == TAB_OK || e.code == rc);
	assert(rc == TAB_OK || e.message[0] != '\0');
	assert(tab_reader_rows(r) == o->f.data);
	o->rc = rc;
	o->line = rc == TAB_OK ? 0 : e.line;
	tab_reader_destroy(r);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[] = {1, 2, 3, 5, 7, 11, 64, 4093};
	const char *buf;
	size_t		len;
	size_t		chunk;
	tab_dialect d;
	tab_error	e;
	int			src;
	outcome		whole,
				parts;

	if (size < 1)
		return 0;
	chunk = chunks[data[0] & 7];
	buf = (const char *) data + 1;
	len = size - 1;

	/* an incomplete sample must not crash or claim more than it saw */
	(void) tab_sniff(buf, len / 2, 0, 0, &d, &e);

	src = tab_sniff(buf, len, 1, (data[0] & 0x80) ? ',' : 0, &d, &e);
	assert(src == TAB_OK || e.code == src);
	if (src != TAB_OK)
	{
		/* force a dialect from the first byte to reach the reader anyway */
		static const char delims[] = {'\t', ',', ';', '|'};

		memset(&d, 0, sizeof(d));
		d.format = (tab_format) ((data[0] >> 3) % 3);
		d.delimiter = delims[(data[0] >> 5) & 3];
		d.quote = (data[0] & 0x40) ? 0 : '"';
		d.header_line = 1 + ((data[0] >> 4) & 1);
		d.block = (tab_block) ((data[0] >> 2) & 1);
	}

	read_all(&d, buf, len, len ? len : 1, &whole);
	read_all(&d, buf, len, chunk, &parts);
	assert(whole.rc == parts.rc);
	assert(whole.line == parts.line);
	assert(whole.f.hash == parts.f.hash);
	assert(whole.f.records == parts.f.records);

	/*
	 * Under the sniffer's limits (1000 records, 64 KB fields, 1 MB of
	 * records for the reader here) whatever it accepts must read.
	 */
	if (src == TAB_OK && len < 60000 && whole.f.records < 900 &&
		d.format == TAB_FORMAT_DELIMITED)
	{
		assert(whole.rc == TAB_OK);
		assert(whole.f.width == d.ncolumns);
		assert(whole.f.data == d.sampled_rows);
	}
	return 0;
}
