/*
 * score.h - scoring a signature against one dataset.
 *
 * A signature is a list of weighted, directed components (features); the
 * caller matches them against the rows of a dataset and passes, for each
 * matched component, the dataset-side values (score_obs).  This module
 * turns that into one score by one of four methods, with a per-layer
 * breakdown, an analytic p-value where one exists and a permutation
 * p-value for every method.
 *
 * Plain C, no PostgreSQL headers.  Nothing here allocates (callers pass
 * every buffer), keeps mutable global state or is thread-unsafe.
 *
 * Files: score.c (methods, combination, names), score_ks.c (the ordered
 * walk the KS method needs), score_pvalue.c (analytic and permutation
 * p-values), score_rng.c (the random number generator); score_int.h
 * holds what they share.
 *
 * ---------------------------------------------------------------------
 * Definitions
 * ---------------------------------------------------------------------
 *
 * Common to every method.  total = the number of in_scope components;
 * a component is matched when in_scope && matched (matched without
 * in_scope counts as unmatched); coverage = matched / total, NAN when
 * total = 0.  When total = 0 or matched = 0 the score is NAN (and so is
 * every layer score).
 *
 * For a matched component with direction d = +1/-1 its sign is
 *     s = sign(x) if x is finite and (alpha is NAN, or p is finite and
 *         p <= alpha), else 0;
 * it is concordant when d * s > 0 and discordant when d * s < 0.  These
 * two counts are reported the same way for every method (they feed the
 * sign test of the concordance method).
 *
 * Each method is a function eval(set of components) -> score (and, for
 * rank and ks, up and down parts).  The overall score is eval over all
 * components; layer[l].score is eval over the components whose layer is
 * l, with the common NAN rule applied to the layer's own total and
 * matched counts; layer[l].weight is the sum of the weights of the
 * layer's matched components with d = +1/-1.  A component whose layer is
 * outside 0..SCORE_LAYERS-1 counts in the overall score only.
 *
 * SCORE_CONCORDANCE
 *     C = sum(w * d * s) / sum(w) over matched components with d = +1/-1;
 *     NAN when there is no such component or sum(w) = 0.  Range [-1, 1].
 *     Components failing alpha keep their weight in the denominator
 *     (s = 0).  When every component's layer is in range, the overall
 *     score is the mean of the defined layer scores weighted by
 *     layer[l].weight.
 *
 * SCORE_RANK (singscore, Foroutan et al. 2018, centred TotalScore)
 *     The up set is the matched components with d = +1 and rank_asc > 0
 *     (k_up of them), the down set likewise with d = -1; N = n_ranked.
 *     For a set of k ranks
 *         U = (mean(rank_asc) - (k + 1) / 2) / (N - k),
 *     undefined when k = 0 or N <= k.  up = U_up - 0.5,
 *     down = 0.5 - U_down; score = up + down when both are defined, the
 *     defined one alone otherwise, NAN when neither.  Range [-1, 1].
 *     Weights are NOT used: singscore is rank-based and unweighted.
 *
 * SCORE_KS (Lamb et al. 2006, Connectivity Map score, unweighted)
 *     For a tag list (matched components of one direction with
 *     pos_desc > 0), with sorted positions V(1) <= ... <= V(t) among N:
 *         a = max_j [ j/t - V(j)/N ],  b = max_j [ V(j)/N - (j-1)/t ],
 *         ks = a if a > b else -b.
 *     up = ks_up, down = ks_down.  Both lists present: score =
 *     ks_up - ks_down when one is > 0 and the other < 0, else 0.  Only
 *     up: ks_up.  Only down: -ks_down.  Neither (or N < 1): NAN.
 *     Weights are not used.
 *
 * SCORE_LEGACY (the original system's formula, kept for comparison)
 *     Over all components, in scope or not: w' = weight if weight > 0
 *     else 1.0; m = 0 when unmatched; when matched, with dataset
 *     direction s' = sign(x) (0 when x is NAN or 0): m = +1 when
 *     d = +1/-1, s' != 0 and d = s'; -1 when d = -s'; 0.3 otherwise.
 *         score = (sum(w' * m) / sum(w') + 1) / 2, in [0, 1].
 *     alpha is not used.  Scope is per feature type and a layer is one
 *     feature type, so a layer's components are all in scope or none.
 *
 * ---------------------------------------------------------------------
 * Sorting space (ks)
 * ---------------------------------------------------------------------
 *
 * The KS statistic needs each tag list in order.  score_compute() sorts
 * into par->work (par->nwork doubles) when that is at least
 * SCORE_SORT_STACK, otherwise into a buffer of SCORE_SORT_STACK doubles
 * on its own stack.  A list longer than the buffer is still scored
 * exactly: it is walked in ascending slices of buffer size (one scan of
 * the list per slice), so the cost grows to O(t * ceil(t / B) * log B)
 * instead of O(t log t).  Pass par->work with nwork >= n to keep every
 * list in one slice.  The buffer is scratch only; no result depends on
 * its size.
 */
#ifndef AMPRENTA_SCORE_H
#define AMPRENTA_SCORE_H

#include <stdbool.h>
#include <stdint.h>

typedef enum score_method
{
	SCORE_CONCORDANCE = 0,
	SCORE_RANK,
	SCORE_KS,
	SCORE_LEGACY
} score_method;

/*
 * "concordance", "rank", "ks", "legacy" -> method (case-sensitive);
 * -1 when unknown or NULL.
 */
extern int	score_method_from_name(const char *s);

/* The name of a method, or NULL when m is not one. */
extern const char *score_method_name(score_method m);

/* Omics layers, indexed 0..3 = gene, protein, metabolite, lipid. */
#define SCORE_LAYERS 4

/* Stack sorting buffer of score_compute(), in doubles (see above). */
#define SCORE_SORT_STACK 1024

/*
 * Dataset-side values of one row (a matched component, or a pool entry for
 * permutations).
 */
typedef struct score_obs
{
	double		x;				/* signed statistic (statistic, else log2
								 * fold change); NAN = none */
	double		p;				/* adjusted p, else p; NAN = none */
	double		rank_asc;		/* ascending rank, ties -> min, in 1..N
								 * (singscore); 0 = unranked */
	double		pos_desc;		/* descending position, ties -> min, in
								 * 1..N (Lamb KS); 0 = unranked */
} score_obs;

typedef struct score_component
{
	double		weight;			/* >= 0, finite */
	int			direction;		/* +1 up, -1 down, 0 neutral/complex/none */
	int			layer;			/* 0..SCORE_LAYERS-1 */
	bool		in_scope;		/* the dataset carries this component's
								 * feature type */
	bool		matched;		/* found in the dataset (implies in_scope) */
	score_obs	obs;			/* valid when matched */
} score_component;

typedef struct score_params
{
	score_method method;
	double		alpha;			/* concordance: NAN = every matched feature
								 * counts; else only features with finite
								 * p <= alpha */
	int64_t		n_ranked;		/* N, the number of ranked rows of the
								 * dataset (rank, ks) */
	double	   *work;			/* optional sorting space for ks, nwork
								 * doubles; NULL = a stack buffer of
								 * SCORE_SORT_STACK (see above) */
	int64_t		nwork;
} score_params;

typedef struct score_layer
{
	double		score;			/* NAN when undefined */
	double		weight;			/* sum of weights of matched, directed
								 * components of the layer */
	int			matched;
	int			total;
} score_layer;

typedef struct score_result
{
	double		score;			/* NAN = undefined */
	double		up,
				down;			/* rank: centred up / down parts; ks: ks_up /
								 * ks_down; NAN otherwise or when absent */
	int			matched,
				total,
				concordant,
				discordant;
	double		coverage;		/* matched / total; NAN when total = 0 */
	score_layer layer[SCORE_LAYERS];	/* same method over the layer's
										 * components */
} score_result;

/* Score the n components c[] by par->method into *res. */
extern void score_compute(const score_params *par, const score_component *c,
						  int n, score_result *res);

/*
 * Analytic two-sided p-value of res->score (res from score_compute() on the
 * same inputs); NAN when there is none.
 *
 * concordance: exact binomial sign test of concordant c against discordant
 *     d, n = c + d: p = min(1, 2 * sum_{i=0}^{min(c,d)} C(n,i) / 2^n); NAN
 *     when n = 0.  Computed in log space, sound for n up to 10^6 and more.
 * rank: normal approximation under H0 "the matched up (down) ranks are a
 *     simple random sample of size k from 1..N without replacement":
 *     sigma^2 = (N^2 - 1) / 12, Var(mean_k) = sigma^2 (N - k) / (k (N - 1)),
 *     Var(up) = Var(mean_up) / (N - k_up)^2, Var(down) likewise; with both
 *     sets Var(score) = Var(up) + Var(down)
 *     + 2 sigma^2 / ((N - 1)(N - k_up)(N - k_down)) (the two samples are
 *     disjoint, Cov(mean_up, mean_down) = -sigma^2 / (N - 1)).
 *     z = score / sqrt(Var), p = erfc(|z| / sqrt(2)).  NAN when undefined
 *     (score NAN, N <= 1, k >= N, Var <= 0).  Ties in the ranks are
 *     ignored by the variance.
 * ks, legacy: NAN (use score_permutation_p()).
 */
extern double score_analytic_p(const score_params *par,
							   const score_component *c, int n,
							   const score_result *res);

/*
 * xoshiro256** (Blackman and Vigna), its state seeded from a 64-bit seed
 * through splitmix64.  The state lives with the caller: one generator per
 * computation, no shared state.
 */
typedef struct score_rng
{
	uint64_t	s[4];
} score_rng;

extern void score_rng_seed(score_rng *rng, uint64_t seed);
extern uint64_t score_rng_next(score_rng *rng);

/* Uniform in [0, bound), unbiased (rejection); bound > 0 (0 gives 0). */
extern uint64_t score_rng_below(score_rng *rng, uint64_t bound);

/*
 * Two-sided permutation p-value: (1 + #{|S_perm| >= |S_obs| - 1e-12}) /
 * (1 + done).  Each permutation draws, without replacement, as many pool
 * entries as there are matched components (partial Fisher-Yates over
 * `work`, which holds npool int64 and is initialised here to 0..npool-1;
 * it is not restored between permutations) and gives them, in order, to
 * the matched components (copied into `scratch`, n entries) before
 * recomputing the score as score_compute() does.  A permutation whose
 * score is undefined (NAN, e.g. ks or rank when the drawn entries are all
 * unranked) counts in `done` but not as extreme.  The legacy score lies
 * in [0, 1], so for it the test is the one-sided upper tail.
 *
 * `tick(arg)` (may be NULL) is called after every 256th permutation while
 * permutations remain; it may longjmp (nothing here holds a resource).  A
 * non-zero return stops early: the function returns 1 and still stores
 * the p computed on the permutations done so far.  Returns 0 normally, -1
 * when undefined (observed score NAN, npool < matched, nperm < 1), with
 * *p_out = NAN then.  Same seed + same inputs => same p, bit for bit.
 * par->work, if given, is used for sorting as in score_compute().
 */
extern int	score_permutation_p(const score_params *par,
								const score_component *c, int n,
								const score_obs *pool, int64_t npool,
								int64_t nperm, uint64_t seed,
								score_component *scratch, int64_t *work,
								int (*tick) (void *arg), void *arg,
								double *p_out);

#endif
