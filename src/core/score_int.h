/*
 * score_int.h - declarations shared by src/core/score*.c only.
 *
 * Nothing outside those files includes this header; the functions may
 * change without notice.  The public contract is score.h.
 */
#ifndef AMPRENTA_SCORE_INT_H
#define AMPRENTA_SCORE_INT_H

#include "score.h"

/* All components, not one layer (the `layer` argument below). */
#define SCORE_ALL_LAYERS (-1)

/* Matched in the sense of score.h: in scope and found in the dataset. */
static inline bool
score_is_matched(const score_component *c)
{
	return c->in_scope && c->matched;
}

/*
 * Member of a rank set of score.h: matched, of the given direction, with
 * an ascending rank.
 */
static inline bool
score_rank_member(const score_component *c, int direction)
{
	return score_is_matched(c) && c->direction == direction &&
		c->obs.rank_asc > 0;
}

/*
 * eval() of score.h over the components of `layer` (SCORE_ALL_LAYERS =
 * all of them), with the common NAN rule (total or matched = 0) applied to
 * that set.  *up and *down receive the parts of rank and ks, NAN for the
 * other methods or when absent.  This is what score_compute() stores in
 * res->score and res->layer[l].score.
 */
extern double score_eval(const score_params *par, const score_component *c,
						 int n, int layer, double *up, double *down);

/*
 * Lamb's KS statistic of one tag list: the matched components of `layer`
 * (SCORE_ALL_LAYERS = any) with the given direction and pos_desc > 0,
 * among N ranked rows.  buf (bufsz >= 1 doubles) is sorting space.
 * NAN when the list is empty or N < 1.
 */
extern double score_ks_list(const score_component *c, int n, int layer,
							int direction, int64_t N,
							double *buf, int64_t bufsz);

#endif
