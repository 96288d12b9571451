/*
 * test_score.c - unit tests of signature scoring (src/core/score*.c).
 *
 * Expected values are worked by hand from the definitions in score.h:
 * a singscore example (expression 1,2,5,5 gives ascending ranks 1,2,3,3
 * among N = 4), a KS example (up at positions 1,2 and down at 9,10 of 10
 * rows), the original system's legacy checks, binomial tails computed
 * exactly (the large-n ones by 50-digit summation), and the agreement of
 * the rank method's normal approximation with its permutation
 * distribution.
 */
#include <stdint.h>
#include <stdlib.h>

#include "score.h"
#include "unit.h"

#define TOL 1e-12

static score_params
params(score_method m, double alpha, int64_t n_ranked)
{
	score_params p;

	memset(&p, 0, sizeof(p));
	p.method = m;
	p.alpha = alpha;
	p.n_ranked = n_ranked;
	return p;
}

/* An in-scope, matched component with statistic x and p-value p. */
static score_component
comp(double w, int d, int layer, double x, double p)
{
	score_component c;

	memset(&c, 0, sizeof(c));
	c.weight = w;
	c.direction = d;
	c.layer = layer;
	c.in_scope = true;
	c.matched = true;
	c.obs.x = x;
	c.obs.p = p;
	c.obs.rank_asc = 0;
	c.obs.pos_desc = 0;
	return c;
}

static score_component
unmatched(double w, int d, int layer)
{
	score_component c = comp(w, d, layer, NAN, NAN);

	c.matched = false;
	return c;
}

static score_component
ranked(int d, double rank_asc, double pos_desc)
{
	score_component c = comp(1.0, d, 0, NAN, NAN);

	c.obs.rank_asc = rank_asc;
	c.obs.pos_desc = pos_desc;
	return c;
}

static void
test_names(void)
{
	NOTE("method names");
	for (int m = SCORE_CONCORDANCE; m <= SCORE_LEGACY; m++)
		CHECK(score_method_from_name(score_method_name((score_method) m)) == m,
			  "name round trip %s", score_method_name((score_method) m));
	CHECK_STR(score_method_name(SCORE_KS), "ks", "SCORE_KS is \"ks\"");
	CHECK(score_method_from_name("Rank") == -1, "names are case-sensitive");
	CHECK(score_method_from_name("gsea") == -1, "unknown name");
	CHECK(score_method_from_name("") == -1, "empty name");
	CHECK(score_method_from_name(NULL) == -1, "NULL name");
	CHECK(score_method_name((score_method) 7) == NULL, "unknown method has no name");
}

static void
test_concordance(void)
{
	score_params par = params(SCORE_CONCORDANCE, NAN, 0);
	score_component c[8];
	score_result r;

	NOTE("concordance: weights, signs, neutral and unmatched components");
	c[0] = comp(1.0, 1, 0, 2.0, 0.01);	/* concordant */
	c[1] = comp(2.0, -1, 0, -1.5, 0.20);	/* concordant, fails alpha 0.05 */
	c[2] = comp(1.0, 1, 0, -0.5, 0.03);	/* discordant */
	c[3] = comp(5.0, 0, 0, 3.0, 0.01);	/* neutral: not in the score */
	c[4] = comp(1.0, 1, 0, NAN, NAN);	/* matched, no statistic: s = 0 */
	c[5] = unmatched(3.0, -1, 0);
	score_compute(&par, c, 6, &r);
	CHECK_NEAR(r.score, (1.0 + 2.0 - 1.0 + 0.0) / 5.0, TOL, "C without alpha");
	CHECK(r.concordant == 2 && r.discordant == 1, "concordant 2, discordant 1");
	CHECK(r.matched == 5 && r.total == 6, "matched 5 of 6");
	CHECK_NEAR(r.coverage, 5.0 / 6.0, TOL, "coverage");
	CHECK(isnan(r.up) && isnan(r.down), "no up/down parts for concordance");

	par.alpha = 0.05;
	score_compute(&par, c, 6, &r);
	CHECK_NEAR(r.score, (1.0 + 0.0 - 1.0) / 5.0, TOL,
			   "alpha 0.05: the p = 0.2 feature keeps its weight with s = 0");
	CHECK(r.concordant == 1 && r.discordant == 1, "alpha: counts follow s");
	c[2].obs.p = NAN;
	score_compute(&par, c, 6, &r);
	CHECK_NEAR(r.score, 1.0 / 5.0, TOL, "alpha: a missing p fails the filter");
	CHECK(r.discordant == 0, "alpha: missing p is not discordant");

	NOTE("concordance: zero weights");
	par.alpha = NAN;
	c[0] = comp(0.0, 1, 0, 2.0, 0.01);
	c[1] = comp(0.0, -1, 0, 1.0, 0.01);
	score_compute(&par, c, 2, &r);
	CHECK(isnan(r.score), "all weights zero: NAN");
	CHECK(r.concordant == 1 && r.discordant == 1, "counts still reported");
	c[2] = comp(2.0, 1, 0, 1.0, 0.01);
	score_compute(&par, c, 3, &r);
	CHECK_NEAR(r.score, 1.0, TOL, "zero-weight components do not count");

	NOTE("concordance: out-of-scope components");
	c[0] = comp(1.0, 1, 0, 2.0, 0.01);
	c[1] = comp(1.0, -1, 3, 2.0, 0.01);
	c[1].in_scope = false;
	c[1].matched = false;
	c[2] = unmatched(1.0, 1, 3);
	c[2].in_scope = false;
	score_compute(&par, c, 3, &r);
	CHECK_NEAR(r.score, 1.0, TOL, "out-of-scope components are ignored");
	CHECK(r.total == 1 && r.matched == 1, "total counts in-scope only");
	CHECK_NEAR(r.coverage, 1.0, TOL, "coverage over in-scope only");
	CHECK(r.layer[3].total == 0 && isnan(r.layer[3].score),
		  "out-of-scope layer: total 0, NAN");
	c[2].matched = true;		/* matched without in_scope: not matched */
	score_compute(&par, c, 3, &r);
	CHECK(r.matched == 1 && r.total == 1, "matched implies in_scope");

	NOTE("concordance: only neutral components matched");
	c[0] = comp(1.0, 0, 0, 2.0, 0.01);
	c[1] = comp(1.0, 0, 0, -2.0, 0.01);
	score_compute(&par, c, 2, &r);
	CHECK(isnan(r.score) && r.matched == 2, "no directed component: NAN");
}

static void
test_layers(void)
{
	score_params par = params(SCORE_CONCORDANCE, NAN, 0);
	score_component c[7];
	score_result r;
	double		w0,
				w3,
				want;

	NOTE("layer breakdown: genes (0) and lipids (3)");
	c[0] = comp(1.0, 1, 0, 1.0, 0.01);	/* +1 */
	c[1] = comp(2.0, 1, 0, -1.0, 0.01);	/* -2 */
	c[2] = comp(1.0, -1, 0, -3.0, 0.01);	/* +1 */
	c[3] = unmatched(4.0, 1, 0);
	c[4] = comp(0.5, 1, 3, 2.0, 0.01);	/* +0.5 */
	c[5] = comp(1.5, -1, 3, -2.0, 0.01);	/* +1.5 */
	c[6] = comp(9.0, 0, 3, 2.0, 0.01);	/* neutral */
	score_compute(&par, c, 7, &r);
	CHECK_NEAR(r.layer[0].score, 0.0 / 4.0, TOL, "gene layer score");
	CHECK_NEAR(r.layer[3].score, 1.0, TOL, "lipid layer score");
	CHECK_NEAR(r.layer[0].weight, 4.0, TOL, "gene layer weight");
	CHECK_NEAR(r.layer[3].weight, 2.0, TOL, "lipid layer weight (neutral excluded)");
	CHECK(r.layer[0].matched == 3 && r.layer[0].total == 4, "gene layer 3 of 4");
	CHECK(r.layer[3].matched == 3 && r.layer[3].total == 3, "lipid layer 3 of 3");
	CHECK(r.layer[1].total == 0 && isnan(r.layer[1].score), "protein layer empty");
	CHECK(r.layer[2].total == 0 && isnan(r.layer[2].score), "metabolite layer empty");
	w0 = r.layer[0].weight;
	w3 = r.layer[3].weight;
	want = (w0 * r.layer[0].score + w3 * r.layer[3].score) / (w0 + w3);
	CHECK_NEAR(r.score, want, TOL, "overall = weighted mean of layer scores");
	CHECK_NEAR(r.score, 2.0 / 6.0, TOL, "overall by hand");
	CHECK(r.matched == 6 && r.total == 7, "overall counts");
}

static void
test_undefined(void)
{
	score_component c[2];
	score_result r;

	NOTE("total = 0 and matched = 0 give NAN for every method");
	c[0] = unmatched(1.0, 1, 0);
	c[1] = unmatched(1.0, -1, 1);
	for (int m = SCORE_CONCORDANCE; m <= SCORE_LEGACY; m++)
	{
		score_params par = params((score_method) m, NAN, 100);

		score_compute(&par, c, 2, &r);
		CHECK(isnan(r.score) && r.matched == 0 && r.total == 2 &&
			  isnan(r.layer[0].score) && isnan(r.layer[1].score) &&
			  r.coverage == 0.0,
			  "%s: matched 0 -> NAN", score_method_name((score_method) m));
		CHECK(isnan(score_analytic_p(&par, c, 2, &r)),
			  "%s: no analytic p for NAN", score_method_name((score_method) m));
		score_compute(&par, c, 0, &r);
		CHECK(isnan(r.score) && r.total == 0 && isnan(r.coverage),
			  "%s: no component -> NAN", score_method_name((score_method) m));
	}
	c[0].in_scope = c[1].in_scope = false;
	{
		score_params par = params(SCORE_LEGACY, NAN, 0);

		score_compute(&par, c, 2, &r);
		CHECK(isnan(r.score) && r.total == 0 && isnan(r.coverage),
			  "legacy: nothing in scope -> NAN");
	}
}

static void
test_rank(void)
{
	score_params par = params(SCORE_RANK, NAN, 4);
	score_component c[4];
	score_result r;

	NOTE("singscore: expression (1,2,5,5) -> ranks (1,2,3,3), N = 4");
	c[0] = ranked(0, 1, 4);
	c[1] = ranked(0, 2, 3);
	c[2] = ranked(1, 3, 1);
	c[3] = ranked(1, 3, 1);
	score_compute(&par, c, 4, &r);
	CHECK_NEAR(r.score, 0.25, TOL, "up {3,4}: score 0.25");
	CHECK_NEAR(r.up, 0.25, TOL, "up {3,4}: up 0.25");
	CHECK(isnan(r.down), "up {3,4}: down NAN");

	c[0].direction = -1;
	score_compute(&par, c, 4, &r);
	CHECK_NEAR(r.score, 0.75, TOL, "up {3,4} + down {1}: score 0.75");
	CHECK_NEAR(r.up, 0.25, TOL, "up part 0.25");
	CHECK_NEAR(r.down, 0.5, TOL, "down part 0.5");
	CHECK_NEAR(r.layer[0].score, 0.75, TOL, "layer 0 repeats it");

	NOTE("singscore: weights are not used; unranked members are skipped");
	c[2].weight = 100.0;
	c[1] = ranked(1, 0, 0);		/* up, unranked */
	score_compute(&par, c, 4, &r);
	CHECK_NEAR(r.score, 0.75, TOL, "weights and unranked rows change nothing");

	NOTE("singscore: N <= k leaves the set undefined");
	par.n_ranked = 2;
	score_compute(&par, c, 4, &r);
	CHECK(isnan(r.up), "k_up = N: up undefined");
	CHECK_NEAR(r.score, r.down, TOL, "score = the defined part alone");
	par.n_ranked = 1;
	score_compute(&par, c, 4, &r);
	CHECK(isnan(r.score), "neither part defined: NAN");
}

/* Lamb's statistic by definition, O(t^2), for the sliced walk. */
static double
ks_reference(const double *v, int t, double N)
{
	double		a = -HUGE_VAL,
				b = -HUGE_VAL;

	for (int i = 0; i < t; i++)
	{
		int			lt = 0,
					le = 0;

		for (int j = 0; j < t; j++)
		{
			lt += v[j] < v[i];
			le += v[j] <= v[i];
		}
		/* j = le is the last of the run of v[i], j - 1 = lt the first */
		if ((double) le / t - v[i] / N > a)
			a = (double) le / t - v[i] / N;
		if (v[i] / N - (double) lt / t > b)
			b = v[i] / N - (double) lt / t;
	}
	return a > b ? a : -b;
}

static void
test_ks(void)
{
	score_params par = params(SCORE_KS, NAN, 10);
	score_component c[4];
	score_result r;

	NOTE("Lamb KS: N = 10, up at {1,2}, down at {9,10}");
	c[0] = ranked(1, 10, 1);
	c[1] = ranked(1, 9, 2);
	c[2] = ranked(-1, 2, 9);
	c[3] = ranked(-1, 1, 10);
	score_compute(&par, c, 4, &r);
	CHECK_NEAR(r.up, 0.8, TOL, "ks_up 0.8");
	CHECK_NEAR(r.down, -0.9, TOL, "ks_down -0.9");
	CHECK_NEAR(r.score, 1.7, TOL, "s = 1.7");
	CHECK(isnan(score_analytic_p(&par, c, 4, &r)), "no analytic p for ks");

	score_compute(&par, c, 2, &r);
	CHECK_NEAR(r.score, 0.8, TOL, "only up: ks_up");
	CHECK(isnan(r.down), "only up: down NAN");
	score_compute(&par, c + 2, 2, &r);
	CHECK_NEAR(r.score, 0.9, TOL, "only down: -ks_down");

	c[2].obs.pos_desc = 3;		/* down at {3,4}: a = 0.6, b = 0.3 */
	c[3].obs.pos_desc = 4;
	score_compute(&par, c, 4, &r);
	CHECK_NEAR(r.down, 0.6, TOL, "down at {3,4}: ks_down 0.6");
	CHECK(r.up > 0 && r.score == 0.0, "same signs: 0");

	NOTE("Lamb KS: ties and lists longer than the sorting buffer");
	{
		enum
		{
			T = 3000
		};
		static score_component big[T + 10];
		static double v[T];
		static double work[T + 10];
		score_rng	rng;
		double		want;

		score_rng_seed(&rng, 42);
		for (int i = 0; i < T; i++)
		{
			/* few distinct positions: long runs of ties across slices */
			v[i] = (double) (1 + score_rng_below(&rng, i < 1500 ? 40 : 5000));
			big[i] = ranked(1, 1, v[i]);
		}
		for (int i = T; i < T + 10; i++)
			big[i] = ranked(-1, 1, 6000 + i);
		par.n_ranked = 20000;
		want = ks_reference(v, T, 20000.0);
		score_compute(&par, big, T + 10, &r);
		CHECK_NEAR(r.up, want, 1e-12, "3000 tags, stack buffer: exact");
		par.work = work;
		par.nwork = T + 10;
		score_compute(&par, big, T + 10, &r);
		CHECK_NEAR(r.up, want, 1e-12, "3000 tags, caller buffer: exact");
		par.work = NULL;
		par.nwork = 0;
		for (int i = 0; i < T; i++)
		{
			v[i] = 777.0;		/* one run longer than the buffer */
			big[i].obs.pos_desc = 777.0;
		}
		want = ks_reference(v, T, 20000.0);
		score_compute(&par, big, T + 10, &r);
		CHECK_NEAR(r.up, want, 1e-12, "3000 equal positions: exact");
	}
}

static score_component
lipid(double w, int d, bool matched, double x)
{
	score_component c = comp(w, d, 3, x, NAN);

	c.matched = matched;
	return c;
}

static void
test_legacy(void)
{
	score_params par = params(SCORE_LEGACY, NAN, 0);
	score_component c[7];
	score_result r;
	static const double w[6] = {1, 1, 1, 1, 0.8, 0.8};
	static const int d[6] = {1, 1, 1, 1, -1, -1};

	NOTE("legacy: six lipids, weights 1,1,1,1 up and 0.8,0.8 down");
	for (int i = 0; i < 6; i++)
		c[i] = lipid(w[i], d[i], true, NAN);
	score_compute(&par, c, 6, &r);
	CHECK_NEAR(r.score, 0.65, TOL, "all matched, no statistic: 0.65");

	for (int i = 0; i < 6; i++)
		c[i] = lipid(w[i], d[i], true, d[i] * 1.5);
	score_compute(&par, c, 6, &r);
	CHECK_NEAR(r.score, 1.0, TOL, "all matched, agreeing: 1.0");
	CHECK(r.concordant == 6, "six concordant");

	for (int i = 0; i < 6; i++)
		c[i] = lipid(w[i], d[i], false, NAN);
	c[0] = lipid(1.0, 1, true, 2.0);
	c[4] = lipid(0.8, -1, true, 2.0);
	score_compute(&par, c, 6, &r);
	CHECK_NEAR(r.score, ((1.0 - 0.8) / 5.6 + 1.0) / 2.0, TOL,
			   "one agreeing, one conflicting, rest unmatched: 0.517857");
	CHECK_NEAR(r.score, 0.5178571428571429, 1e-15, "0.517857... to 16 digits");

	NOTE("legacy: zero weight counts 1.0; out-of-scope in the denominator");
	for (int i = 0; i < 6; i++)
		c[i] = lipid(w[i], d[i], true, -d[i] * 1.5);
	score_compute(&par, c, 6, &r);
	CHECK_NEAR(r.score, 0.0, TOL, "all opposite: 0.0");
	c[0] = lipid(0.0, 1, true, 1.0);	/* weight 0 -> 1.0, agrees */
	c[1] = lipid(1.0, 0, true, 1.0);	/* neutral matched -> 0.3 */
	c[6] = unmatched(2.0, 1, 0);
	c[6].in_scope = false;
	score_compute(&par, c, 7, &r);
	CHECK_NEAR(r.score,
			   ((1.0 + 0.3 - 1.0 - 1.0 - 0.8 - 0.8) / 7.6 + 1.0) / 2.0, TOL,
			   "zero weight and out-of-scope component");
	CHECK(r.total == 6 && r.matched == 6, "out-of-scope not in total");
}

static void
test_binomial(void)
{
	score_params par = params(SCORE_CONCORDANCE, NAN, 0);
	score_component c[12];
	score_result r;
	static const struct
	{
		int			c,
					d;
		double		p;
		double		rel;
	}			cases[] = {
		{9, 1, 0.021484375, 1e-13},
		{1, 9, 0.021484375, 1e-13},
		{10, 0, 2.0 / 1024.0, 1e-13},
		{27, 3, 8.4303319454193115234e-6, 1e-12},
		{600, 400, 2.7284641560660184256e-10, 1e-11},
		{501000, 499000, 0.04560829986538208642, 1e-10},
		{502500, 497500, 5.7625416377406040726e-7, 1e-10},
		{510000, 490000, 5.5443632876992246035e-89, 1e-9},
	};

	NOTE("sign test p-values (exact, large n from 50-digit sums)");
	for (int i = 0; i < 10; i++)
		c[i] = comp(1.0, 1, 0, i < 9 ? 1.0 : -1.0, NAN);
	score_compute(&par, c, 10, &r);
	CHECK(r.concordant == 9 && r.discordant == 1, "9 vs 1 from components");
	CHECK_NEAR(score_analytic_p(&par, c, 10, &r), 0.021484375, 1e-15,
			   "n = 10, c = 9: 0.021484375");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		double		p;

		r.score = 0.5;
		r.concordant = cases[i].c;
		r.discordant = cases[i].d;
		p = score_analytic_p(&par, c, 0, &r);
		CHECK(fabs(p - cases[i].p) <= cases[i].rel * cases[i].p,
			  "sign test %d vs %d: %.6g", cases[i].c, cases[i].d, cases[i].p);
		if (!(fabs(p - cases[i].p) <= cases[i].rel * cases[i].p))
			NOTE("got %.17g", p);
	}
	r.concordant = r.discordant = 5;
	CHECK(score_analytic_p(&par, c, 0, &r) == 1.0, "c = d: 1");
	r.concordant = r.discordant = 500000;
	CHECK(score_analytic_p(&par, c, 0, &r) == 1.0, "c = d = 500000: 1");
	r.concordant = 51;
	r.discordant = 50;
	CHECK(score_analytic_p(&par, c, 0, &r) == 1.0, "51 vs 50: 1");
	r.concordant = 1000;
	r.discordant = 0;
	CHECK(fabs(score_analytic_p(&par, c, 0, &r) / ldexp(1.0, -999) - 1.0) < 1e-12,
		  "1000 vs 0: 2^-999");
	r.concordant = 0;
	r.discordant = 2000;
	CHECK(score_analytic_p(&par, c, 0, &r) == 0.0, "0 vs 2000 underflows to 0");
	r.concordant = r.discordant = 0;
	CHECK(isnan(score_analytic_p(&par, c, 0, &r)), "n = 0: NAN");
}

static void
test_rng(void)
{
	score_rng	a,
				b;
	bool		same = true,
				differ = false;
	int64_t		count[6] = {0};
	double		chi2 = 0.0;

	NOTE("xoshiro256** seeded by splitmix64");
	score_rng_seed(&a, 0);
	CHECK(a.s[0] == UINT64_C(0xe220a8397b1dcdaf) &&
		  a.s[1] == UINT64_C(0x6e789e6aa1b965f4),
		  "splitmix64(0) reference outputs");
	score_rng_seed(&a, 12345);
	score_rng_seed(&b, 12345);
	for (int i = 0; i < 1000; i++)
		same &= score_rng_next(&a) == score_rng_next(&b);
	CHECK(same, "same seed, same sequence");
	score_rng_seed(&a, 12345);
	score_rng_seed(&b, 12346);
	for (int i = 0; i < 10; i++)
		differ |= score_rng_next(&a) != score_rng_next(&b);
	CHECK(differ, "different seeds differ");

	score_rng_seed(&a, 7);
	for (int i = 0; i < 60000; i++)
	{
		uint64_t	v = score_rng_below(&a, 6);

		if (v >= 6)
		{
			chi2 = HUGE_VAL;
			break;
		}
		count[v]++;
	}
	for (int i = 0; i < 6 && isfinite(chi2); i++)
		chi2 += (count[i] - 10000.0) * (count[i] - 10000.0) / 10000.0;
	NOTE("chi-square over 6 faces: %.3f", chi2);
	CHECK(chi2 < 30.0, "below(6) roughly uniform (chi2 < 30, 5 df)");
	CHECK(score_rng_below(&a, 1) == 0, "below(1) is 0");
	{
		uint64_t	big = (UINT64_C(1) << 63) + 1;
		bool		ok = true;

		for (int i = 0; i < 100; i++)
			ok &= score_rng_below(&a, big) < big;
		CHECK(ok, "below(2^63 + 1) stays in range");
	}
}

typedef struct tick_state
{
	int			calls;
	int			stop_at;
} tick_state;

static int
tick_fn(void *arg)
{
	tick_state *t = arg;

	t->calls++;
	return t->stop_at > 0 && t->calls >= t->stop_at;
}

static void
test_permutation(void)
{
	enum
	{
		NPOOL = 200,
		NSIG = 10
	};
	score_params par = params(SCORE_CONCORDANCE, NAN, 0);
	static score_obs pool[NPOOL];
	static int64_t work[NPOOL];
	score_component c[NSIG + 2];
	score_component scratch[NSIG + 2];
	score_result r;
	score_rng	rng;
	double		p1,
				p2;
	int			rc;
	tick_state	ts;

	/* 90% of the pool negative */
	score_rng_seed(&rng, 99);
	for (int i = 0; i < NPOOL; i++)
	{
		pool[i].x = (i % 10 == 0 ? 1.0 : -1.0) *
			(0.1 + (double) score_rng_below(&rng, 1000) / 100.0);
		pool[i].p = 0.01;
		pool[i].rank_asc = i + 1;
		pool[i].pos_desc = NPOOL - i;
	}

	NOTE("permutation: perfectly concordant signature, pool mostly negative");
	for (int i = 0; i < NSIG; i++)
	{
		int			d = i < NSIG / 2 ? 1 : -1;

		c[i] = comp(1.0, d, 0, d * 2.0, 0.01);
	}
	c[NSIG] = unmatched(1.0, 1, 0);
	c[NSIG + 1] = comp(1.0, 0, 0, 1.0, 0.01);
	score_compute(&par, c, NSIG + 2, &r);
	CHECK_NEAR(r.score, 1.0, TOL, "observed C = 1");
	rc = score_permutation_p(&par, c, NSIG + 2, pool, NPOOL, 999, 1,
							 scratch, work, NULL, NULL, &p1);
	CHECK(rc == 0, "returns 0");
	CHECK(p1 == 1.0 / 1000.0, "p = 1/(1+P) when no permutation reaches it");
	rc = score_permutation_p(&par, c, NSIG + 2, pool, NPOOL, 999, 1,
							 scratch, work, NULL, NULL, &p2);
	CHECK(p1 == p2, "same seed, same p, bit for bit");

	NOTE("permutation: random signature against a balanced pool");
	for (int i = 0; i < NPOOL; i++)
		pool[i].x = fabs(pool[i].x) * (i % 2 == 0 ? 1.0 : -1.0);
	for (int i = 0; i < NSIG; i++)
	{
		c[i].direction = score_rng_below(&rng, 2) ? 1 : -1;
		c[i].obs = pool[score_rng_below(&rng, NPOOL)];
	}
	score_compute(&par, c, NSIG + 2, &r);
	rc = score_permutation_p(&par, c, NSIG + 2, pool, NPOOL, 2000, 5,
							 scratch, work, NULL, NULL, &p1);
	NOTE("random signature: C = %.3f, p = %.4f", r.score, p1);
	CHECK(rc == 0 && p1 > 0.0 && p1 <= 1.0, "p in (0, 1]");
	CHECK(p1 > 0.5, "p near 1 for a random signature");
	rc = score_permutation_p(&par, c, NSIG + 2, pool, NPOOL, 2000, 5,
							 scratch, work, NULL, NULL, &p2);
	CHECK(p1 == p2, "deterministic for a seed");
	rc = score_permutation_p(&par, c, NSIG + 2, pool, NPOOL, 2000, 6,
							 scratch, work, NULL, NULL, &p2);
	CHECK(rc == 0 && fabs(p1 - p2) < 0.1, "another seed, close p");

	NOTE("permutation: tick and early stop");
	ts.calls = 0;
	ts.stop_at = 0;
	rc = score_permutation_p(&par, c, NSIG + 2, pool, NPOOL, 1000, 5,
							 scratch, work, tick_fn, &ts, &p1);
	CHECK(rc == 0 && ts.calls == 3, "tick after 256, 512, 768 of 1000");
	ts.calls = 0;
	ts.stop_at = 2;
	rc = score_permutation_p(&par, c, NSIG + 2, pool, NPOOL, 100000, 5,
							 scratch, work, tick_fn, &ts, &p2);
	CHECK(rc == 1 && ts.calls == 2, "non-zero tick stops: returns 1");
	CHECK(p2 > 0.0 && p2 <= 1.0 && p2 * 513.0 == floor(p2 * 513.0 + 0.5),
		  "p over the 512 permutations done");

	NOTE("permutation: undefined cases");
	rc = score_permutation_p(&par, c, NSIG + 2, pool, NSIG - 1, 100, 5,
							 scratch, work, NULL, NULL, &p1);
	CHECK(rc == -1 && isnan(p1), "npool < matched: -1, NAN");
	rc = score_permutation_p(&par, c, NSIG + 2, pool, NPOOL, 0, 5,
							 scratch, work, NULL, NULL, &p1);
	CHECK(rc == -1 && isnan(p1), "nperm < 1: -1, NAN");
	rc = score_permutation_p(&par, c + NSIG, 1, pool, NPOOL, 100, 5,
							 scratch, work, NULL, NULL, &p1);
	CHECK(rc == -1 && isnan(p1), "observed NAN: -1, NAN");

	NOTE("permutation: other methods run and stay in (0, 1]");
	for (int m = SCORE_RANK; m <= SCORE_LEGACY; m++)
	{
		score_params pm = params((score_method) m, NAN, NPOOL);

		for (int i = 0; i < NSIG; i++)
			c[i].obs = pool[(i * 37) % NPOOL];
		rc = score_permutation_p(&pm, c, NSIG + 2, pool, NPOOL, 500, 3,
								 scratch, work, NULL, NULL, &p1);
		CHECK(rc == 0 && p1 > 0.0 && p1 <= 1.0, "%s: p = %.4f",
			  score_method_name((score_method) m), p1);
	}
}

static void
test_rank_p(void)
{
	enum
	{
		N = 200,
		K = 12
	};
	score_params par = params(SCORE_RANK, NAN, N);
	static score_obs pool[N];
	static int64_t work[N];
	score_component c[2 * K];
	score_component scratch[2 * K];
	score_result r;
	double		pa,
				pp;
	int			rc;

	NOTE("rank: normal approximation against 20000 permutations");
	for (int i = 0; i < N; i++)
	{
		pool[i].x = NAN;
		pool[i].p = NAN;
		pool[i].rank_asc = i + 1;
		pool[i].pos_desc = N - i;
	}
	/* up ranks lean high, down ranks lean low: a moderate signal */
	for (int i = 0; i < K; i++)
	{
		c[i] = ranked(1, 40 + 13 * i, 0);
		c[K + i] = ranked(-1, 5 + 14 * i, 0);
	}
	score_compute(&par, c, 2 * K, &r);
	pa = score_analytic_p(&par, c, 2 * K, &r);
	rc = score_permutation_p(&par, c, 2 * K, pool, N, 20000, 2024,
							 scratch, work, NULL, NULL, &pp);
	NOTE("score %.4f (up %.4f, down %.4f): analytic p %.4f, permutation p %.4f",
		 r.score, r.up, r.down, pa, pp);
	CHECK(rc == 0, "permutations ran");
	CHECK(pa > 0.01 && pa < 0.5, "a moderate p (%.4f)", pa);
	CHECK(fabs(pa - pp) < 0.02, "analytic and permutation p agree within 0.02");

	NOTE("rank: one set only, and undefined cases");
	score_compute(&par, c, K, &r);
	pa = score_analytic_p(&par, c, K, &r);
	rc = score_permutation_p(&par, c, K, pool, N, 20000, 7,
							 scratch, work, NULL, NULL, &pp);
	NOTE("up only: score %.4f, analytic p %.4f, permutation p %.4f",
		 r.score, pa, pp);
	CHECK(fabs(pa - pp) < 0.02, "up only: agree within 0.02");
	par.n_ranked = 1;
	CHECK(isnan(score_analytic_p(&par, c, K, &r)), "N <= 1: NAN");
}

int
main(void)
{
	test_names();
	test_concordance();
	test_layers();
	test_undefined();
	test_rank();
	test_ks();
	test_legacy();
	test_binomial();
	test_rng();
	test_permutation();
	test_rank_p();
	return unit_done();
}
