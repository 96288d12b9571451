/*
 * score_ks.c - Lamb's Kolmogorov-Smirnov statistic of one tag list.
 *
 * For tag positions sorted V(1) <= ... <= V(t) among N ranked rows,
 *     a = max_j [ j/t - V(j)/N ],  b = max_j [ V(j)/N - (j-1)/t ],
 *     ks = a if a > b else -b
 * (Lamb et al., Science 2006, supplementary methods).  With ties only
 * the extreme j of each run of equal positions can reach a maximum, so
 * the walk visits each distinct position v once, with below = #{V < v}
 * and its multiplicity m:
 *     a candidate (below + m)/t - v/N,  b candidate v/N - below/t.
 *
 * The positions come straight from the const component array, so they
 * are sorted in a caller-supplied buffer of B doubles.  A list of t <= B
 * positions takes one scan and one heapsort.  A longer list is walked in
 * ascending slices: each scan keeps, in a max-heap of size B, the B
 * smallest positions above the last one visited; the slice is sorted and
 * visited except for its largest value, whose copies may not all have
 * fitted; that value is then visited with its multiplicity counted by
 * one more scan.  Every slice visits at least one distinct value, and B
 * minus the run of the largest one in the usual case, so the result is
 * exact whatever B is.  No allocation, no recursion.
 */
#include "score.h"

#include <math.h>

#include "score_int.h"

/* Member of the tag list of score_ks_list(). */
static inline bool
tag_member(const score_component *c, int layer, int direction)
{
	return score_is_matched(c) &&
		(layer == SCORE_ALL_LAYERS || c->layer == layer) &&
		c->direction == direction &&
		c->obs.pos_desc > 0;
}

/* Restore the max-heap property below h[i] in h[0..n). */
static void
heap_sift(double *h, int64_t i, int64_t n)
{
	double		v = h[i];

	for (;;)
	{
		int64_t		child = 2 * i + 1;

		if (child >= n)
			break;
		if (child + 1 < n && h[child + 1] > h[child])
			child++;
		if (!(h[child] > v))
			break;
		h[i] = h[child];
		i = child;
	}
	h[i] = v;
}

static void
heap_build(double *h, int64_t n)
{
	for (int64_t i = n / 2 - 1; i >= 0; i--)
		heap_sift(h, i, n);
}

/* Sort the max-heap h[0..n) ascending, in place. */
static void
heap_sort(double *h, int64_t n)
{
	for (int64_t end = n - 1; end > 0; end--)
	{
		double		tmp = h[0];

		h[0] = h[end];
		h[end] = tmp;
		heap_sift(h, 0, end);
	}
}

typedef struct ks_walk
{
	double		t;				/* length of the list */
	double		N;				/* ranked rows */
	int64_t		below;			/* positions visited so far */
	double		a;
	double		b;
} ks_walk;

/* Visit the distinct position v, which occurs m times in the list. */
static void
ks_visit(ks_walk *w, double v, int64_t m)
{
	double		before = (double) w->below / w->t;
	double		after;
	double		frac = v / w->N;

	w->below += m;
	after = (double) w->below / w->t;
	if (after - frac > w->a)
		w->a = after - frac;
	if (frac - before > w->b)
		w->b = frac - before;
}

/* Visit every distinct value of the sorted h[0..n). */
static void
ks_visit_sorted(ks_walk *w, const double *h, int64_t n)
{
	int64_t		i = 0;

	while (i < n)
	{
		int64_t		j = i + 1;

		while (j < n && h[j] == h[i])
			j++;
		ks_visit(w, h[i], j - i);
		i = j;
	}
}

double
score_ks_list(const score_component *c, int n, int layer, int direction,
			  int64_t N, double *buf, int64_t bufsz)
{
	ks_walk		w;
	int64_t		t = 0;
	bool		have_lo = false;
	double		lo = 0.0;

	for (int i = 0; i < n; i++)
	{
		if (tag_member(&c[i], layer, direction))
			t++;
	}
	if (t == 0 || N < 1 || bufsz < 1)
		return NAN;

	w.t = (double) t;
	w.N = (double) N;
	w.below = 0;
	w.a = -HUGE_VAL;
	w.b = -HUGE_VAL;

	for (;;)
	{
		int64_t		k = 0;
		bool		heaped = false;
		bool		full;
		int64_t		end;
		double		hi;
		int64_t		m;

		/* the (up to) bufsz smallest positions above lo */
		for (int i = 0; i < n; i++)
		{
			double		v;

			if (!tag_member(&c[i], layer, direction))
				continue;
			v = c[i].obs.pos_desc;
			if (have_lo && !(v > lo))
				continue;
			if (k < bufsz)
			{
				buf[k++] = v;
				if (k == bufsz)
				{
					heap_build(buf, k);
					heaped = true;
				}
			}
			else if (v < buf[0])
			{
				buf[0] = v;
				heap_sift(buf, 0, k);
			}
		}
		if (k == 0)
			break;
		if (!heaped)
			heap_build(buf, k);
		heap_sort(buf, k);

		full = (k == bufsz);
		if (!full)
		{
			ks_visit_sorted(&w, buf, k);
			break;
		}

		/* the largest value may have copies that did not fit: count them */
		hi = buf[k - 1];
		end = k;
		while (end > 0 && buf[end - 1] == hi)
			end--;
		ks_visit_sorted(&w, buf, end);
		m = 0;
		for (int i = 0; i < n; i++)
		{
			if (tag_member(&c[i], layer, direction) && c[i].obs.pos_desc == hi)
				m++;
		}
		ks_visit(&w, hi, m);
		have_lo = true;
		lo = hi;
	}

	return w.a > w.b ? w.a : -w.b;
}
