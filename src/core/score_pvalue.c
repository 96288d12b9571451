/*
 * score_pvalue.c - p-values of a signature score.
 *
 * score_analytic_p(): the exact binomial sign test for the concordance
 * method and a normal approximation for the rank method (formulas in
 * score.h).  score_permutation_p(): the permutation p-value for every
 * method, drawing dataset rows without replacement with score_rng.
 *
 * The binomial term C(n,k)/2^n is evaluated in log space from Stirling's
 * series written around the entropy term,
 *     ln(C(n,k)/2^n) = k ln(n/2k) + (n-k) ln(n/2(n-k))
 *                      + 1/2 ln(n / (2 pi k (n-k)))
 *                      + d(n) - d(k) - d(n-k),
 * where d(m) = ln m! - (m ln m - m + 1/2 ln(2 pi m)) is the Stirling
 * remainder.  The two logarithms are taken with log1p of exact integer
 * ratios, so the exponent keeps its relative accuracy for n in the
 * millions (lgamma differences lose about eps * n ln n, and lgamma writes
 * the global signgam).  The tail is then summed downwards from k with the
 * ratio C(n,i-1)/C(n,i) = i/(n-i+1).
 */
#include "score.h"

#include <math.h>
#include <string.h>

#include "score_int.h"

#define LN_SQRT_2PI 0.91893853320467274178	/* ln(sqrt(2 pi)) */

/* d(m), the remainder of Stirling's formula for ln m!, m >= 1. */
static double
stirling_remainder(double m)
{
	if (m < 16.0)
	{
		double		fact = 1.0;

		/* m! is exact in a double up to 18! */
		for (int i = 2; i <= (int) m; i++)
			fact *= i;
		return log(fact) - (m * log(m) - m + 0.5 * log(m) + LN_SQRT_2PI);
	}
	else
	{
		double		m2 = m * m;

		/* 1/12m - 1/360m^3 + 1/1260m^5 - 1/1680m^7; next term < 2e-14 */
		return (1.0 / 12.0 -
				(1.0 / 360.0 -
				 (1.0 / 1260.0 - 1.0 / (1680.0 * m2)) / m2) / m2) / m;
	}
}

/* ln(C(n,k) / 2^n) for 0 <= k <= n/2. */
static double
log_half_binom(int64_t n, int64_t k)
{
	double		dn = (double) n;
	double		dk = (double) k;
	double		dr = (double) (n - k);
	double		gap = (double) (n - 2 * k);

	if (k == 0)
		return -dn * M_LN2;
	return dk * log1p(gap / (2.0 * dk))
		- dr * log1p(gap / dn)
		+ 0.5 * log(dn / (dk * dr)) - LN_SQRT_2PI
		+ stirling_remainder(dn) - stirling_remainder(dk)
		- stirling_remainder(dr);
}

/* Two-sided exact sign test: c successes against d failures. */
static double
sign_test_p(int64_t c, int64_t d)
{
	int64_t		n = c + d;
	int64_t		k = c < d ? c : d;
	double		term = 1.0;
	double		sum = 1.0;
	double		p;

	if (n <= 0)
		return NAN;
	if (2 * k + 1 >= n)
		return 1.0;				/* |c - d| <= 1: the tail is half or more */

	/* sum_{i=0}^{k} C(n,i), relative to C(n,k); the terms shrink as i does */
	for (int64_t i = k; i > 0; i--)
	{
		term *= (double) i / (double) (n - i + 1);
		sum += term;
		if (term < sum * 1e-18)
			break;
	}
	p = 2.0 * exp(log_half_binom(n, k) + log(sum));
	return p < 1.0 ? p : 1.0;
}

/* Normal approximation of the rank (singscore) score; see score.h. */
static double
rank_p(const score_params *par, const score_component *c, int n,
	   double score)
{
	int64_t		N = par->n_ranked;
	int64_t		k_up = 0;
	int64_t		k_down = 0;
	bool		has_up,
				has_down;
	double		dN = (double) N;
	double		sigma2;
	double		var = 0.0;

	if (N <= 1)
		return NAN;
	for (int i = 0; i < n; i++)
	{
		if (score_rank_member(&c[i], 1))
			k_up++;
		else if (score_rank_member(&c[i], -1))
			k_down++;
	}
	has_up = k_up > 0 && k_up < N;
	has_down = k_down > 0 && k_down < N;
	if (!has_up && !has_down)
		return NAN;

	sigma2 = (dN * dN - 1.0) / 12.0;
	if (has_up)
	{
		double		r = dN - (double) k_up;
		double		var_mean = sigma2 * r / ((double) k_up * (dN - 1.0));

		var += var_mean / (r * r);
	}
	if (has_down)
	{
		double		r = dN - (double) k_down;
		double		var_mean = sigma2 * r / ((double) k_down * (dN - 1.0));

		var += var_mean / (r * r);
	}
	if (has_up && has_down)
		var += 2.0 * sigma2 /
			((dN - 1.0) * (dN - (double) k_up) * (dN - (double) k_down));
	if (!(var > 0.0) || !isfinite(var))
		return NAN;
	return erfc(fabs(score / sqrt(var)) / M_SQRT2);
}

double
score_analytic_p(const score_params *par, const score_component *c, int n,
				 const score_result *res)
{
	if (isnan(res->score))
		return NAN;
	switch (par->method)
	{
		case SCORE_CONCORDANCE:
			return sign_test_p(res->concordant, res->discordant);
		case SCORE_RANK:
			return rank_p(par, c, n, res->score);
		case SCORE_KS:
		case SCORE_LEGACY:
			return NAN;
	}
	return NAN;
}

int
score_permutation_p(const score_params *par, const score_component *c,
					int n, const score_obs *pool, int64_t npool,
					int64_t nperm, uint64_t seed,
					score_component *scratch, int64_t *work,
					int (*tick) (void *arg), void *arg, double *p_out)
{
	double		up,
				down;
	double		observed;
	double		threshold;
	int64_t		matched = 0;
	int64_t		done = 0;
	int64_t		extreme = 0;
	int			rc = 0;
	score_rng	rng;

	*p_out = NAN;
	if (nperm < 1 || n < 1)
		return -1;
	observed = score_eval(par, c, n, SCORE_ALL_LAYERS, &up, &down);
	if (isnan(observed))
		return -1;
	for (int i = 0; i < n; i++)
	{
		if (score_is_matched(&c[i]))
			matched++;
	}
	if (npool < matched)
		return -1;

	memcpy(scratch, c, (size_t) n * sizeof(*scratch));
	for (int64_t i = 0; i < npool; i++)
		work[i] = i;
	score_rng_seed(&rng, seed);
	threshold = fabs(observed) - 1e-12;

	while (done < nperm)
	{
		int64_t		j = 0;
		double		s;

		/* partial Fisher-Yates: work[0..matched) is a fresh sample */
		for (int i = 0; i < n; i++)
		{
			int64_t		r;
			int64_t		tmp;

			if (!score_is_matched(&scratch[i]))
				continue;
			r = j + (int64_t) score_rng_below(&rng, (uint64_t) (npool - j));
			tmp = work[j];
			work[j] = work[r];
			work[r] = tmp;
			scratch[i].obs = pool[work[j]];
			j++;
		}
		s = score_eval(par, scratch, n, SCORE_ALL_LAYERS, &up, &down);
		if (fabs(s) >= threshold)	/* false for NAN */
			extreme++;
		done++;
		if (tick != NULL && done % 256 == 0 && done < nperm && tick(arg) != 0)
		{
			rc = 1;
			break;
		}
	}
	*p_out = (1.0 + (double) extreme) / (1.0 + (double) done);
	return rc;
}
