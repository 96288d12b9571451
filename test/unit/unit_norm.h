/*
 * unit_norm.h - the common check of the identifier normalizers' unit tests.
 */
#ifndef AMPRENTA_UNIT_NORM_H
#define AMPRENTA_UNIT_NORM_H

#include "normalize.h"
#include "unit.h"

typedef norm_status (*unit_normalizer) (const char *name, size_t len,
										char *out, size_t outsz,
										const char **reason);

static const char *const unit_status_name[] = {"OK", "REPAIRED", "AMBIGUOUS", "INVALID"};

/*
 * Normalize `in` with `fn`, compare status and output, check the contract
 * (reason NULL exactly when OK, "" on INVALID) and idempotence: normalizing
 * the output again gives the same output.  Returns the reason, or NULL when
 * the status is OK.
 */
static const char *
unit_expect_norm(const char *what, unit_normalizer fn, const char *in,
				 norm_status want_status, const char *want)
{
	char		out[NORM_OUT_MAX];
	char		again[NORM_OUT_MAX];
	const char *why = "unset";
	const char *why2 = NULL;
	norm_status got;

	got = fn(in, strlen(in), out, sizeof(out), &why);
	unit_report(got == want_status, __FILE__, __LINE__,
				"%s \"%s\" -> %s (want %s)%s%s", what, in, unit_status_name[got],
				unit_status_name[want_status], why ? ": " : "", why ? why : "");
	CHECK_STR(out, want, in);
	CHECK((got == NORM_OK) == (why == NULL), "reason is NULL exactly when OK for \"%s\"", in);
	if (got != NORM_INVALID)
	{
		fn(out, strlen(out), again, sizeof(again), &why2);
		CHECK_STR(again, out, "idempotent");
	}
	return got == NORM_OK ? NULL : why;
}

#endif
