/*
 * unit.h - a tiny TAP producer for the unit tests of src/core/.
 *
 * Each test program includes this header once, calls the CHECK* macros and
 * ends main() with `return unit_done();`.  The output is TAP, so `prove`
 * runs the binaries directly and counts them with the other suites.
 */
#ifndef AMPRENTA_UNIT_H
#define AMPRENTA_UNIT_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int unit_count;
static int unit_failed;

static void
unit_report(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list		ap;

	unit_count++;
	if (!ok)
		unit_failed++;
	printf("%sok %d - ", ok ? "" : "not ", unit_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		printf("#   failed at %s:%d\n", file, line);
}

/* CHECK(cond, "description %s", args...) */
#define CHECK(cond, ...) unit_report((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)

/* CHECK_STR(got, want, description): NULL-safe string equality. */
#define CHECK_STR(got, want, desc) \
	do { \
		const char *g_ = (got), *w_ = (want); \
		int ok_ = (g_ == NULL || w_ == NULL) ? (g_ == w_) : strcmp(g_, w_) == 0; \
		unit_report(ok_, __FILE__, __LINE__, "%s", (desc)); \
		if (!ok_) \
			printf("#   got: %s\n#   want: %s\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)

/* CHECK_NEAR(got, want, tolerance, description) for doubles. */
#define CHECK_NEAR(got, want, tol, desc) \
	do { \
		double g_ = (got), w_ = (want); \
		int ok_ = fabs(g_ - w_) <= (tol); \
		unit_report(ok_, __FILE__, __LINE__, "%s", (desc)); \
		if (!ok_) \
			printf("#   got: %.17g\n#   want: %.17g\n", g_, w_); \
	} while (0)

/* Emit a diagnostic line that prove shows with -v. */
#define NOTE(...) do { printf("# "); printf(__VA_ARGS__); printf("\n"); } while (0)

static int
unit_done(void)
{
	printf("1..%d\n", unit_count);
	return unit_failed == 0 ? 0 : 1;
}

#endif
