/*
 * fuzz_signature_file.c - libFuzzer target for the signature file reader.
 *
 *	tools/fuzz.sh signature_file
 *
 * or by hand, linking every core source (the reader and columns_key):
 *
 *	clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/core \
 *		test/fuzz/fuzz_signature_file.c $(ls src/core/[a-z]*.c) \
 *		-lcsv -lm -o fuzz_signature_file
 *	./fuzz_signature_file -max_total_time=300 corpus_signature_file
 *
 * Two control bytes, then the file.  The first byte picks a header line
 * put in front of the file (so that the fuzzer reaches the cells at once,
 * without a seed corpus) and the row at which the callback stops; the
 * second, when bit 0x40 of the first is set, is the index of the
 * allocation that fails.  The file is copied into a buffer of exactly its
 * size, so AddressSanitizer sees any read past the end.  For each input:
 *
 *  - the result is a sigfile_status; on an error the message is non-empty
 *    and message, detail and hint are printable ASCII; code is the status
 *    (or a reader error for SIGFILE_ERR_TABLE) and row-level errors carry
 *    a line;
 *  - every row: a non-empty feature without blanks at either end; a
 *    signature exactly when the file has the column, never empty; type,
 *    direction and weight in range and at their defaults when the column
 *    is missing; lines strictly increasing;
 *  - the summary agrees with the rows delivered; SIGFILE_OK means at
 *    least one component and no row unaccounted for;
 *  - SIGFILE_STOPPED only when the callback asked for it;
 *  - a second reading without callback, summary or failing allocation
 *    gives the same result (unless the first one was stopped or ran out
 *    of memory);
 *  - no block of the allocator is left behind;
 *  - sig_direction_parse() on the raw bytes is in range and agrees with
 *    sig_direction_name().
 */
#include "signature_file.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const headers[8] = {
	"",
	"feature_type\tfeature_name\tdirection\tweight\n",
	"signature_name,feature_type,feature_name,direction,weight,support_count\n",
	"species\tdirection\tweight\n",
	"feature;dir;w\n",
	"",
	"name\ttype\n",
	"signature\tgene\tregulation\timportance\n"
};

/* An allocator that counts its blocks and fails one call on demand. */
typedef struct fz_alloc
{
	long		live;
	long		calls;
	long		fail_at;		/* -1: never */
} fz_alloc;

typedef union fz_head
{
	size_t		size;
	max_align_t align;
} fz_head;

static void *
fz_realloc(void *ctx, void *ptr, size_t size)
{
	fz_alloc   *a = ctx;
	fz_head    *h = ptr ? (fz_head *) ptr - 1 : NULL;
	fz_head    *n;

	if (a->calls++ == a->fail_at)
		return NULL;
	n = realloc(h, size + sizeof(fz_head));
	if (n == NULL)
		return NULL;
	if (h == NULL)
		a->live++;
	n->size = size;
	return n + 1;
}

static void
fz_free(void *ctx, void *ptr)
{
	fz_alloc   *a = ctx;

	if (ptr == NULL)
		return;
	a->live--;
	free((fz_head *) ptr - 1);
}

typedef struct fz
{
	long		rows;
	long		last_line;
	int			stop_after;
	const sigfile_summary *sum;
} fz;

static int
is_blank(const char *s, size_t n, int at_end)
{
	unsigned char c = (unsigned char) (at_end ? s[n - 1] : s[0]);

	if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f')
		return 1;
	/* U+00A0 */
	if (n >= 2 && !at_end && c == 0xC2 && (unsigned char) s[1] == 0xA0)
		return 1;
	if (n >= 2 && at_end && c == 0xA0 && (unsigned char) s[n - 2] == 0xC2)
		return 1;
	return 0;
}

static void
check_text(const char *s)
{
	size_t		n = strlen(s);

	assert(n > 0);
	assert(!is_blank(s, n, 0) && !is_blank(s, n, 1));
}

static int
on_row(void *arg, const sigfile_row *row)
{
	fz		   *f = arg;

	assert(row->line >= 1 && row->line > f->last_line);
	f->last_line = row->line;
	check_text(row->feature);
	assert((row->signature != NULL) == (f->sum->has_signature_column != 0));
	if (row->signature != NULL)
		check_text(row->signature);
	assert(row->feature_type >= FEATURE_UNKNOWN &&
		   row->feature_type <= FEATURE_LIPID);
	assert(f->sum->has_type_column || row->feature_type == FEATURE_UNKNOWN);
	assert(row->direction >= SIG_DIR_NONE && row->direction <= SIG_DIR_COMPLEX);
	assert(f->sum->has_direction_column || row->direction == SIG_DIR_NONE);
	assert(isfinite(row->weight) && row->weight >= 0 && !signbit(row->weight));
	assert(f->sum->has_weight_column || row->weight == 1.0);
	f->rows++;
	return f->stop_after > 0 && f->rows >= f->stop_after;
}

static void
check_ascii(const char *s, size_t size)
{
	const char *end = memchr(s, '\0', size);

	assert(end != NULL);
	for (; s < end; s++)
		assert((unsigned char) *s >= 0x20 && (unsigned char) *s <= 0x7E);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *hdr;
	size_t		hlen;
	size_t		len;
	char	   *buf;
	fz_alloc	ac = {0, 0, -1};
	tab_alloc	a = {fz_realloc, fz_free, &ac};
	sigfile_summary sum,
				sum2;
	tab_error	err,
				err2;
	fz			f;
	sigfile_status rc,
				rc2;
	int			d;

	if (size < 2)
		return 0;
	hdr = headers[data[0] & 7];
	f.stop_after = (data[0] >> 3) & 7;
	if (data[0] & 0x40)
		ac.fail_at = data[1];
	hlen = strlen(hdr);
	len = hlen + size - 2;
	buf = malloc(len ? len : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, hdr, hlen);
	memcpy(buf + hlen, data + 2, size - 2);

	/* directions: any bytes */
	d = sig_direction_parse((const char *) data + 2, size - 2);
	assert(d >= -1 && d <= SIG_DIR_COMPLEX);
	if (d > SIG_DIR_NONE)
	{
		const char *name = sig_direction_name((sig_direction) d);

		assert(name != NULL && sig_direction_parse(name, strlen(name)) == d);
	}

	f.rows = 0;
	f.last_line = 0;
	f.sum = &sum;
	rc = sigfile_read(buf, len, &a, on_row, &f, &sum, &err);
	assert(ac.live == 0);
	assert(rc >= SIGFILE_OK && rc <= SIGFILE_ERR_NO_COMPONENTS);
	assert(f.rows == sum.components);
	assert(sum.components + sum.skipped <= sum.rows);
	if (rc == SIGFILE_OK)
	{
		assert(sum.components >= 1);
		assert(sum.components + sum.skipped == sum.rows);
	}
	else
	{
		check_ascii(err.message, sizeof(err.message));
		check_ascii(err.detail, sizeof(err.detail));
		check_ascii(err.hint, sizeof(err.hint));
		assert(err.message[0] != '\0');
		if (rc == SIGFILE_ERR_TABLE)
			assert(err.code > TAB_STOPPED && err.code <= TAB_ERR_USAGE &&
				   err.code != TAB_ERR_HEADER_ONLY);
		else
		{
			assert(err.code == (int) rc);
			assert(err.line >= 1);
		}
	}
	if (rc == SIGFILE_STOPPED)
		assert(f.stop_after > 0 && f.rows == f.stop_after);
	if (rc == SIGFILE_ERR_NO_COMPONENTS)
		assert(sum.components == 0);

	/* the same reading without the callback, the summary or the failure */
	if (rc != SIGFILE_STOPPED &&
		!(rc == SIGFILE_ERR_TABLE && err.code == TAB_ERR_NOMEM))
	{
		ac.fail_at = -1;
		rc2 = sigfile_read(buf, len, &a, NULL, NULL, &sum2, &err2);
		assert(ac.live == 0);
		assert(rc2 == rc);
		assert(memcmp(&sum, &sum2, sizeof(sum)) == 0);
		if (rc != SIGFILE_OK)
			assert(err2.code == err.code && err2.line == err.line &&
				   strcmp(err2.message, err.message) == 0 &&
				   strcmp(err2.detail, err.detail) == 0);
	}
	free(buf);
	return 0;
}
