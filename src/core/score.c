/*
 * score.c - signature scoring methods and their combination.
 *
 * score_compute() counts what every method reports (total, matched,
 * concordant, discordant, the per-layer counts and weights), then runs
 * the chosen method once over all components and once per layer.  The
 * methods and their formulas are documented in score.h; the KS tag-list
 * statistic lives in score_ks.c, the p-values in score_pvalue.c.
 */
#include "score.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "score_int.h"

static const char *const method_names[] = {
	"concordance",				/* SCORE_CONCORDANCE */
	"rank",						/* SCORE_RANK */
	"ks",						/* SCORE_KS */
	"legacy"					/* SCORE_LEGACY */
};

#define N_METHODS ((int) (sizeof(method_names) / sizeof(method_names[0])))

int
score_method_from_name(const char *s)
{
	if (s == NULL)
		return -1;
	for (int i = 0; i < N_METHODS; i++)
	{
		if (strcmp(s, method_names[i]) == 0)
			return i;
	}
	return -1;
}

const char *
score_method_name(score_method m)
{
	if ((int) m < 0 || (int) m >= N_METHODS)
		return NULL;
	return method_names[m];
}

/* Is c in the set of `layer` (SCORE_ALL_LAYERS = every component)? */
static inline bool
in_set(const score_component *c, int layer)
{
	return layer == SCORE_ALL_LAYERS || c->layer == layer;
}

static inline bool
directed(const score_component *c)
{
	return c->direction == 1 || c->direction == -1;
}

/* -1, 0 or +1; 0 for NAN. */
static inline int
sign_of(double x)
{
	return x > 0 ? 1 : (x < 0 ? -1 : 0);
}

/*
 * s of score.h: the sign of a matched component's statistic, 0 when the
 * statistic is missing or the feature fails alpha.
 */
static int
obs_sign(const score_obs *o, double alpha)
{
	if (!isfinite(o->x))
		return 0;
	if (!isnan(alpha) && !(isfinite(o->p) && o->p <= alpha))
		return 0;
	return sign_of(o->x);
}

/* C = sum(w d s) / sum(w) over matched, directed components. */
static double
eval_concordance(const score_params *par, const score_component *c, int n,
				 int layer)
{
	double		num = 0.0;
	double		den = 0.0;
	bool		any = false;

	for (int i = 0; i < n; i++)
	{
		const score_component *ci = &c[i];

		if (!in_set(ci, layer) || !score_is_matched(ci) || !directed(ci))
			continue;
		any = true;
		den += ci->weight;
		num += ci->weight * (ci->direction * obs_sign(&ci->obs, par->alpha));
	}
	if (!any || !(den > 0.0))
		return NAN;
	return num / den;
}

/*
 * singscore's U for one direction: (mean rank - (k+1)/2) / (N - k);
 * NAN when k = 0 or N <= k.
 */
static double
rank_u(const score_component *c, int n, int layer, int direction,
	   int64_t N)
{
	double		sum = 0.0;
	int64_t		k = 0;

	for (int i = 0; i < n; i++)
	{
		if (!in_set(&c[i], layer) || !score_rank_member(&c[i], direction))
			continue;
		sum += c[i].obs.rank_asc;
		k++;
	}
	if (k == 0 || N <= k)
		return NAN;
	return (sum / (double) k - (double) (k + 1) / 2.0) / (double) (N - k);
}

static double
eval_rank(const score_params *par, const score_component *c, int n,
		  int layer, double *up, double *down)
{
	double		u_up = rank_u(c, n, layer, 1, par->n_ranked);
	double		u_down = rank_u(c, n, layer, -1, par->n_ranked);

	*up = isnan(u_up) ? NAN : u_up - 0.5;
	*down = isnan(u_down) ? NAN : 0.5 - u_down;
	if (isnan(*up))
		return *down;			/* NAN when neither */
	if (isnan(*down))
		return *up;
	return *up + *down;
}

static double
eval_ks(const score_params *par, const score_component *c, int n,
		int layer, double *up, double *down)
{
	double		stack_buf[SCORE_SORT_STACK];
	double	   *buf = stack_buf;
	int64_t		bufsz = SCORE_SORT_STACK;
	double		ks_up,
				ks_down;

	if (par->work != NULL && par->nwork >= SCORE_SORT_STACK)
	{
		buf = par->work;
		bufsz = par->nwork;
	}
	ks_up = score_ks_list(c, n, layer, 1, par->n_ranked, buf, bufsz);
	ks_down = score_ks_list(c, n, layer, -1, par->n_ranked, buf, bufsz);
	*up = ks_up;
	*down = ks_down;
	if (isnan(ks_up))
		return isnan(ks_down) ? NAN : -ks_down;
	if (isnan(ks_down))
		return ks_up;
	if ((ks_up > 0 && ks_down < 0) || (ks_up < 0 && ks_down > 0))
		return ks_up - ks_down;
	return 0.0;
}

/*
 * The original formula: every component of the set, in scope or not;
 * a zero weight counts as 1.0; 0.3 for a match that carries no usable
 * direction on either side.
 */
static double
eval_legacy(const score_component *c, int n, int layer)
{
	double		num = 0.0;
	double		den = 0.0;

	for (int i = 0; i < n; i++)
	{
		const score_component *ci = &c[i];
		double		w;
		double		m;
		int			ds;

		if (!in_set(ci, layer))
			continue;
		w = ci->weight > 0 ? ci->weight : 1.0;
		den += w;
		if (!score_is_matched(ci))
			continue;
		ds = sign_of(ci->obs.x);
		if (directed(ci) && ds != 0)
			m = (ds == ci->direction) ? 1.0 : -1.0;
		else
			m = 0.3;
		num += w * m;
	}
	if (!(den > 0.0))
		return NAN;
	return (num / den + 1.0) / 2.0;
}

double
score_eval(const score_params *par, const score_component *c, int n,
		   int layer, double *up, double *down)
{
	int			total = 0;
	int			matched = 0;

	*up = NAN;
	*down = NAN;
	for (int i = 0; i < n; i++)
	{
		if (!in_set(&c[i], layer) || !c[i].in_scope)
			continue;
		total++;
		if (c[i].matched)
			matched++;
	}
	if (total == 0 || matched == 0)
		return NAN;

	switch (par->method)
	{
		case SCORE_CONCORDANCE:
			return eval_concordance(par, c, n, layer);
		case SCORE_RANK:
			return eval_rank(par, c, n, layer, up, down);
		case SCORE_KS:
			return eval_ks(par, c, n, layer, up, down);
		case SCORE_LEGACY:
			return eval_legacy(c, n, layer);
	}
	return NAN;
}

/* eval_concordance()'s sums, as score_compute() accumulates them. */
typedef struct concordance_sums
{
	double		num;
	double		den;
	bool		any;
} concordance_sums;

static inline double
concordance_of(const concordance_sums *s)
{
	return (!s->any || !(s->den > 0.0)) ? NAN : s->num / s->den;
}

void
score_compute(const score_params *par, const score_component *c, int n,
			  score_result *res)
{
	double		up,
				down;
	bool		concordance = par->method == SCORE_CONCORDANCE;
	concordance_sums all = {0.0, 0.0, false};
	concordance_sums per[SCORE_LAYERS];

	memset(res, 0, sizeof(*res));
	memset(per, 0, sizeof(per));
	for (int l = 0; l < SCORE_LAYERS; l++)
		res->layer[l].score = NAN;

	for (int i = 0; i < n; i++)
	{
		const score_component *ci = &c[i];
		score_layer *lay = NULL;
		int			m;

		if (!ci->in_scope)
			continue;
		if (ci->layer >= 0 && ci->layer < SCORE_LAYERS)
			lay = &res->layer[ci->layer];
		res->total++;
		if (lay)
			lay->total++;
		if (!ci->matched)
			continue;
		res->matched++;
		if (lay)
			lay->matched++;
		if (!directed(ci))
			continue;
		if (lay)
			lay->weight += ci->weight;
		m = ci->direction * obs_sign(&ci->obs, par->alpha);
		if (m == 1)
			res->concordant++;
		else if (m == -1)
			res->discordant++;
		/* the concordance score's sums, in eval_concordance()'s order */
		all.any = true;
		all.den += ci->weight;
		all.num += ci->weight * m;
		if (lay)
		{
			concordance_sums *ps = &per[ci->layer];

			ps->any = true;
			ps->den += ci->weight;
			ps->num += ci->weight * m;
		}
	}
	res->coverage = res->total > 0 ?
		(double) res->matched / (double) res->total : NAN;

	if (concordance)
	{
		/* score_eval() without its passes: NAN without a matched component */
		res->score = res->matched == 0 ? NAN : concordance_of(&all);
		res->up = res->down = NAN;
		for (int l = 0; l < SCORE_LAYERS; l++)
			if (res->layer[l].matched > 0)
				res->layer[l].score = concordance_of(&per[l]);
		return;
	}

	res->score = score_eval(par, c, n, SCORE_ALL_LAYERS, &up, &down);
	res->up = up;
	res->down = down;
	for (int l = 0; l < SCORE_LAYERS; l++)
	{
		if (res->layer[l].matched == 0)
			continue;
		/* One layer holding every in-scope component: the same set (legacy
		 * alone also counts out-of-scope components overall). */
		if (res->layer[l].total == res->total && par->method != SCORE_LEGACY)
			res->layer[l].score = res->score;
		else
			res->layer[l].score = score_eval(par, c, n, l, &up, &down);
	}
}
