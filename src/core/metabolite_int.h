/*
 * metabolite_int.h - what the files of the metabolite normalizer share
 * (metabolite.c: names; metabolite_text.c: Unicode, decorations;
 * metabolite_ids.c: database identifiers).  Internal: not an API.
 */
#ifndef AMPRENTA_METABOLITE_INT_H
#define AMPRENTA_METABOLITE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "ident_text.h"
#include "normalize.h"

#define MET_WORK	(2 * NORM_OUT_MAX)

/* Decorations found by met_strip_decorations(). */
#define DEC_ANNOTATION	0x01	/* adduct, charge, RT, polarity */
#define DEC_COUNTER		0x02	/* isomer or peak counter */
#define DEC_UNSURE		0x04	/* low-confidence marker */

typedef struct met_res
{
	norm_status status;
	const char *reason;
	ident_evidence evidence;
	size_t		n;
	char		buf[NORM_OUT_MAX];
} met_res;

#define MET_REASON_LONG "too long for a metabolite name"

static inline void
met_set_invalid(met_res *r, const char *why)
{
	r->status = NORM_INVALID;
	r->reason = why;
	r->evidence = IDENT_NONE;
	r->n = 0;
	r->buf[0] = '\0';
}

static inline void
met_set_result(met_res *r, const char *s, size_t n, norm_status status,
		   const char *why, ident_evidence ev)
{
	if (n >= sizeof(r->buf))
	{
		met_set_invalid(r, MET_REASON_LONG);
		return;
	}
	memmove(r->buf, s, n);
	r->buf[n] = '\0';
	r->n = n;
	r->status = status;
	r->reason = (status == NORM_OK) ? NULL : why;
	r->evidence = ev;
}

/* Append s[0..n) to dst (capacity cap); false when it does not fit. */
static inline bool
met_put(char *dst, size_t *dn, size_t cap, const char *s, size_t n)
{
	if (*dn + n >= cap)
		return false;
	memcpy(dst + *dn, s, n);
	*dn += n;
	return true;
}

/* metabolite_text.c */
extern bool met_is_greek(const char *s, size_t n);
extern bool met_map_text(const char *s, size_t len, char *w, size_t cap, size_t *wn);
extern int	met_strip_decorations(char *w, size_t *n);
extern void met_underscores_to_spaces(char *w, size_t *n);
extern void met_retrim(char *w, size_t *n);
extern bool met_is_unknown(const char *w, size_t n);

/* metabolite_ids.c */
extern bool met_has_letters(const char *s, size_t n);
extern bool met_parse_id(const char *t, size_t n, met_res *r);

#endif
