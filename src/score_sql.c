/*
 * score_sql.c - amprenta_score_signature() (one dataset, every dataset) and
 * amprenta_refresh_scores().
 *
 * The formulas live in src/core/score*.c; this file finds each component's
 * match in a dataset, hands the numbers to the core and turns the result
 * into an amprenta.signature_score row.  Scoring every dataset merges one
 * index range per candidate feature in dataset order (score_data.c), so
 * memory is bounded by the signature, not by the number of datasets, apart
 * from the result rows themselves.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/uuid.h"

#include "ingest.h"
#include "options.h"
#include "score.h"
#include "score_data.h"
#include "score_match.h"

#define MAX_PERMUTATIONS 1000000

typedef struct ScoreOptions
{
	score_method method;
	double		alpha;			/* NAN = not given */
	int64		permutations;
	uint64		seed;
	int			details;		/* -1 = not given */
} ScoreOptions;

static const char *const valid_keys = "method, alpha, permutations, seed, details";

static bool
take_option(const char *key, JsonbValue *v, void *arg)
{
	ScoreOptions *o = (ScoreOptions *) arg;

	if (strcmp(key, "method") == 0)
	{
		char	   *s = option_string(key, v);
		int			m = score_method_from_name(s);

		if (m < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown scoring method \"%s\"", s),
					 errhint("Methods are concordance (the default), rank, ks and legacy.")));
		o->method = (score_method) m;
	}
	else if (strcmp(key, "alpha") == 0)
	{
		o->alpha = option_number(key, v, 0, 1);
		if (o->alpha <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"alpha\" must be greater than 0")));
	}
	else if (strcmp(key, "permutations") == 0)
	{
		double		d = option_number(key, v, 0, MAX_PERMUTATIONS);

		if (d != floor(d))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"permutations\" must be a whole number")));
		o->permutations = (int64) d;
	}
	else if (strcmp(key, "seed") == 0)
	{
		double		d = option_number(key, v, -9007199254740992.0, 9007199254740992.0);

		if (d != floor(d))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"seed\" must be a whole number")));
		o->seed = (uint64) (int64) d;
	}
	else if (strcmp(key, "details") == 0)
		o->details = option_bool(key, v) ? 1 : 0;
	else
		return false;
	return true;
}

static void
parse_options(Jsonb *options, ScoreOptions *o)
{
	o->method = SCORE_CONCORDANCE;
	o->alpha = NAN;
	o->permutations = 0;
	o->seed = 0;
	o->details = -1;
	options_walk(options, valid_keys, take_option, o);
}

/* ---- one dataset ---- */

typedef struct Scorer
{
	MemoryContext cxt;			/* lives as long as the scorer */
	ScoreSignature *sig;
	ScoreOptions opts;
	bool		details;
	ScoreReader *reader;
	TupleDesc	desc;
	/* per dataset, per feature of the signature */
	bool	   *fhas;
	ScoreValue *fval;
	/* per component */
	score_component *comp;
	int		   *chosen;			/* candidate index, -1 = none */
	score_component *scratch;	/* permutations */
	int64	   *work;
	int64		work_cap;
	double	   *sortbuf;
	Datum		method_text;
	struct NumericSlot *numerics;	/* jb_double's cache */
	struct LayersSlot *layers;	/* layers_jsonb's cache */
	double	   *sign_p;			/* concordance: p by (concordant, discordant),
								 * -1 = not computed yet */
	bool	   *scope[5];		/* per omics kind + 1: which components the
								 * dataset's feature types cover; NULL = not
								 * computed yet */
	bool		any_scope[5];
} Scorer;

/*
 * The numerics of recent doubles, direct-mapped by bit pattern: the layer
 * scores and weights of one signature take few distinct values across
 * datasets, and a double's exact decimal (print, then parse) is the
 * costliest part of a result row.
 */
#define NUMERIC_SLOTS 1024

typedef struct NumericSlot
{
	uint64		bits;
	Numeric		num;			/* NULL = empty */
} NumericSlot;

/*
 * The layers column of recent results, direct-mapped by the layer values:
 * across the datasets of one signature the per-layer (score, weight,
 * matched, total) repeat a lot, and the JSON is rebuilt only when they
 * differ.  Equal bytes mean equal values, so a hit is always exact.
 */
#define LAYERS_SLOTS 256

typedef struct LayersSlot
{
	score_layer key[SCORE_LAYERS];
	Jsonb	   *jb;				/* NULL = empty */
} LayersSlot;

static Scorer *
scorer_begin(const pg_uuid_t *signature, Jsonb *options, bool details_default, TupleDesc desc)
{
	Scorer	   *s = palloc0(sizeof(Scorer));
	int			nc;

	s->cxt = CurrentMemoryContext;

	parse_options(options, &s->opts);
	s->details = s->opts.details < 0 ? details_default : s->opts.details == 1;
	s->sig = score_signature_load(signature);
	s->reader = score_reader_open();
	s->desc = desc;
	nc = Max(s->sig->ncomp, 1);
	s->fhas = palloc0(sizeof(bool) * Max(s->sig->nfeat, 1));
	s->fval = palloc0(sizeof(ScoreValue) * Max(s->sig->nfeat, 1));
	s->comp = palloc0(sizeof(score_component) * nc);
	s->chosen = palloc(sizeof(int) * nc);
	s->scratch = palloc(sizeof(score_component) * nc);
	s->sortbuf = palloc(sizeof(double) * nc);
	s->method_text = CStringGetTextDatum(score_method_name(s->opts.method));
	s->numerics = palloc0(sizeof(NumericSlot) * NUMERIC_SLOTS);
	s->layers = palloc0(sizeof(LayersSlot) * LAYERS_SLOTS);
	/* The sign test depends on the two counts only: at most (n + 1)^2 values. */
	s->sign_p = palloc(sizeof(double) * (nc + 1) * (nc + 1));
	for (int i = 0; i < (nc + 1) * (nc + 1); i++)
		s->sign_p[i] = -1.0;
	return s;
}

static void
scorer_end(Scorer *s)
{
	score_reader_close(s->reader);
}

static bool
layer_in_dataset(int layer, int omics)
{
	switch (omics)
	{
		case OMICS_TRANSCRIPTOMICS:
			return layer == FEATURE_GENE;
		case OMICS_PROTEOMICS:
			return layer == FEATURE_PROTEIN;
		case OMICS_LIPIDOMICS:
		case OMICS_METABOLOMICS:
			/* either table holds lipids and other small molecules */
			return layer == FEATURE_LIPID || layer == FEATURE_METABOLITE;
		default:
			return false;
	}
}

static int
tick(void *arg)
{
	CHECK_FOR_INTERRUPTS();
	return 0;
}

/* ---- jsonb building ---- */

static void
jb_key(JsonbParseState **st, const char *k)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) k;
	v.val.string.len = strlen(k);
	pushJsonbValue(st, WJB_KEY, &v);
}

/* The shortest exact decimal of d (Ryu), cheaper than float8_numeric. */
static Numeric
double_numeric(double d)
{
	return DatumGetNumeric(DirectFunctionCall3(numeric_in,
											   CStringGetDatum(float8out_internal(d)),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

/* d as a JSON number (null when not finite), through the scorer's cache. */
static void
jb_double(Scorer *s, JsonbParseState **st, double d)
{
	JsonbValue	v;

	if (isnan(d) || isinf(d))
		v.type = jbvNull;
	else
	{
		uint64		bits;
		NumericSlot *slot;

		memcpy(&bits, &d, sizeof(bits));
		slot = &s->numerics[(bits ^ (bits >> 29) ^ (bits >> 47)) % NUMERIC_SLOTS];
		if (slot->num == NULL || slot->bits != bits)
		{
			MemoryContext old = MemoryContextSwitchTo(GetMemoryChunkContext(s->numerics));

			if (slot->num)
				pfree(slot->num);
			slot->num = double_numeric(d);
			slot->bits = bits;
			MemoryContextSwitchTo(old);
		}
		/* a copy: the slot may be refilled while this value is still pushed */
		v.type = jbvNumeric;
		v.val.numeric = DatumGetNumericCopy(NumericGetDatum(slot->num));
	}
	pushJsonbValue(st, WJB_VALUE, &v);
}

static void
jb_int(JsonbParseState **st, int64 i)
{
	JsonbValue	v;

	v.type = jbvNumeric;
	v.val.numeric = int64_to_numeric(i);
	pushJsonbValue(st, WJB_VALUE, &v);
}

static void
jb_string(JsonbParseState **st, const char *s)
{
	JsonbValue	v;

	if (s == NULL)
		v.type = jbvNull;
	else
	{
		v.type = jbvString;
		v.val.string.val = (char *) s;
		v.val.string.len = strlen(s);
	}
	pushJsonbValue(st, WJB_VALUE, &v);
}

static Jsonb *
build_layers(Scorer *s, const score_result *res)
{
	JsonbParseState *st = NULL;
	JsonbValue *root;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	for (int l = 0; l < SCORE_LAYERS; l++)
	{
		if (res->layer[l].total == 0)
			continue;
		jb_key(&st, feature_kind_name((feature_kind) l));
		pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
		jb_key(&st, "score");
		jb_double(s, &st, res->layer[l].score);
		jb_key(&st, "matched");
		jb_int(&st, res->layer[l].matched);
		jb_key(&st, "total");
		jb_int(&st, res->layer[l].total);
		jb_key(&st, "weight");
		jb_double(s, &st, res->layer[l].weight);
		pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	}
	root = pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(root);
}

/* The layers column of res, through the scorer's cache. */
static Datum
layers_jsonb(Scorer *s, const score_result *res)
{
	score_layer key[SCORE_LAYERS];
	LayersSlot *slot;

	/* only what the JSON shows: layers without components are left out */
	memset(key, 0, sizeof(key));
	for (int l = 0; l < SCORE_LAYERS; l++)
		if (res->layer[l].total != 0)
			key[l] = res->layer[l];
	slot = &s->layers[hash_bytes((const unsigned char *) key, sizeof(key)) % LAYERS_SLOTS];
	if (slot->jb == NULL || memcmp(slot->key, key, sizeof(key)) != 0)
	{
		MemoryContext old = MemoryContextSwitchTo(GetMemoryChunkContext(s->layers));

		if (slot->jb)
			pfree(slot->jb);
		slot->jb = build_layers(s, res);
		memcpy(slot->key, key, sizeof(key));
		MemoryContextSwitchTo(old);
	}
	/* the row is formed (and the value copied) before the slot can change */
	return JsonbPGetDatum(slot->jb);
}

/* Every in-scope component: what it matched, at which level, with what values. */
static Datum
matches_jsonb(Scorer *s)
{
	JsonbParseState *st = NULL;
	JsonbValue *root;

	pushJsonbValue(&st, WJB_BEGIN_ARRAY, NULL);
	for (int i = 0; i < s->sig->ncomp; i++)
	{
		ScoreComponent *c = &s->sig->comp[i];
		score_component *sc = &s->comp[i];

		if (!sc->in_scope)
			continue;
		pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
		jb_key(&st, "component");
		jb_string(&st, c->raw_name);
		jb_key(&st, "feature_type");
		jb_string(&st, feature_kind_name(c->kind));
		jb_key(&st, "direction");
		jb_string(&st, c->direction_label);
		jb_key(&st, "weight");
		jb_double(s, &st, c->weight);
		jb_key(&st, "feature");
		jb_string(&st, s->chosen[i] >= 0 ? s->sig->feat[c->cand[s->chosen[i]].feature].name : NULL);
		jb_key(&st, "match");
		jb_string(&st, s->chosen[i] >= 0 ? score_match_level_name(c->cand[s->chosen[i]].level) : NULL);
		jb_key(&st, "x");
		jb_double(s, &st, sc->matched ? sc->obs.x : NAN);
		jb_key(&st, "p");
		jb_double(s, &st, sc->matched ? sc->obs.p : NAN);
		pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	}
	root = pushJsonbValue(&st, WJB_END_ARRAY, NULL);
	return JsonbPGetDatum(JsonbValueToJsonb(root));
}

/* A dataset's score before it becomes a row. */
typedef struct Outcome
{
	score_result res;
	double		p;				/* NAN = NULL */
} Outcome;

/*
 * Scores the dataset whose matched features are in s->fhas / s->fval;
 * s->comp and s->chosen keep what each component matched until the next
 * call.
 */
static void
score_outcome(Scorer *s, const pg_uuid_t *dataset, int omics, Outcome *out)
{
	ScoreSignature *sig = s->sig;
	bool		need_rows = s->opts.method == SCORE_RANK || s->opts.method == SCORE_KS ||
		s->opts.permutations > 0;
	ScoreDatasetRows rows;
	score_params par;
	int			o = (omics >= 0 && omics < 4) ? omics + 1 : 0;
	const bool *scope;

	if (s->scope[o] == NULL)
	{
		s->scope[o] = MemoryContextAlloc(s->cxt, sizeof(bool) * Max(sig->ncomp, 1));
		s->any_scope[o] = false;
		for (int i = 0; i < sig->ncomp; i++)
		{
			s->scope[o][i] = layer_in_dataset(sig->comp[i].kind, omics);
			s->any_scope[o] |= s->scope[o][i];
		}
	}
	scope = s->scope[o];

	memset(&rows, 0, sizeof(rows));
	if (need_rows && s->any_scope[o])
		score_dataset_rows(s->reader, dataset, s->opts.permutations > 0, &rows);

	for (int i = 0; i < sig->ncomp; i++)
	{
		ScoreComponent *c = &sig->comp[i];
		score_component *sc = &s->comp[i];

		sc->weight = c->weight;
		sc->direction = c->direction;
		sc->layer = c->kind;
		sc->in_scope = scope[i];
		sc->matched = false;
		s->chosen[i] = -1;
		if (!sc->in_scope)
			continue;
		for (int k = 0; k < c->ncand; k++)
			if (s->fhas[c->cand[k].feature])
			{
				s->chosen[i] = k;
				sc->matched = true;
				score_value_obs(&s->fval[c->cand[k].feature], need_rows ? &rows : NULL, &sc->obs);
				break;
			}
	}

	memset(&par, 0, sizeof(par));
	par.method = s->opts.method;
	par.alpha = s->opts.alpha;
	par.n_ranked = rows.n_ranked;
	par.work = s->sortbuf;
	par.nwork = sig->ncomp;
	score_compute(&par, s->comp, sig->ncomp, &out->res);

	out->p = NAN;
	if (!isnan(out->res.score))
	{
		if (s->opts.permutations > 0)
		{
			if (rows.npool > s->work_cap)
			{
				s->work_cap = rows.npool;
				s->work = s->work ? repalloc_huge(s->work, sizeof(int64) * s->work_cap)
					: MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * s->work_cap);
			}
			score_permutation_p(&par, s->comp, sig->ncomp, rows.pool, rows.npool,
								s->opts.permutations, s->opts.seed, s->scratch,
								(int64_t *) s->work, tick, NULL, &out->p);
		}
		else if (par.method == SCORE_CONCORDANCE)
		{
			double	   *memo = &s->sign_p[out->res.concordant * (Max(sig->ncomp, 1) + 1) +
										  out->res.discordant];

			if (*memo < 0)
				*memo = score_analytic_p(&par, s->comp, sig->ncomp, &out->res);
			out->p = *memo;
		}
		else
			out->p = score_analytic_p(&par, s->comp, sig->ncomp, &out->res);
	}

	if (rows.ties)
		pfree(rows.ties);
	if (rows.pool)
		pfree(rows.pool);
}

#define SCORE_NATTS 14

/*
 * The amprenta.signature_score row of an outcome; the matches column
 * (details) describes the last dataset given to score_outcome().
 */
static void
outcome_values(Scorer *s, const pg_uuid_t *dataset, const Outcome *o,
			   Datum *values, bool *nulls)
{
	const score_result *res = &o->res;

	memset(nulls, 0, sizeof(bool) * SCORE_NATTS);
	values[0] = UUIDPGetDatum(&s->sig->id);
	values[1] = UUIDPGetDatum(dataset);
	values[2] = s->method_text;
	values[3] = Float8GetDatum(res->score);
	nulls[3] = isnan(res->score);
	values[4] = Float8GetDatum(o->p);
	nulls[4] = isnan(o->p);
	values[5] = Int32GetDatum(res->matched);
	values[6] = Int32GetDatum(res->total);
	values[7] = Int32GetDatum(res->concordant);
	values[8] = Int32GetDatum(res->discordant);
	values[9] = Float8GetDatum(res->total > 0 ? res->coverage : 0.0);
	values[10] = Float8GetDatum(res->up);
	nulls[10] = isnan(res->up);
	values[11] = Float8GetDatum(res->down);
	nulls[11] = isnan(res->down);
	values[12] = layers_jsonb(s, res);
	if (s->details)
		values[13] = matches_jsonb(s);
	else
		nulls[13] = true;
}

static TupleDesc
result_desc(FunctionCallInfo fcinfo)
{
	TupleDesc	desc;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "amprenta_score_signature must return amprenta.signature_score");
	return BlessTupleDesc(desc);
}

PG_FUNCTION_INFO_V1(amprenta_score_signature_one);
Datum
amprenta_score_signature_one(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *signature = PG_GETARG_UUID_P(0);
	pg_uuid_t  *dataset = PG_GETARG_UUID_P(1);
	Jsonb	   *options = PG_GETARG_JSONB_P(2);
	Scorer	   *s;
	int			omics;
	Outcome		o;
	Datum		values[SCORE_NATTS];
	bool		nulls[SCORE_NATTS];
	HeapTuple	tup;

	s = scorer_begin(signature, options, true, result_desc(fcinfo));
	omics = score_dataset_omics(dataset);
	if (omics < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("dataset %s does not exist",
						DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(dataset)))),
				 errhint("amprenta.datasets lists the datasets.")));

	for (int f = 0; f < s->sig->nfeat; f++)
		s->fhas[f] = score_reader_probe(s->reader, &s->sig->feat[f].id, dataset, &s->fval[f]);
	score_outcome(s, dataset, omics, &o);
	outcome_values(s, dataset, &o, values, nulls);
	tup = heap_form_tuple(s->desc, values, nulls);
	scorer_end(s);
	PG_RETURN_DATUM(HeapTupleGetDatum(tup));
}

/* ---- every dataset ---- */

/* A uuid as two integers that compare in uuid order. */
typedef struct UuidKey
{
	uint64		hi;
	uint64		lo;
} UuidKey;

static inline UuidKey
uuid_key(const pg_uuid_t *u)
{
	UuidKey		k;

	memcpy(&k.hi, u->data, 8);
	memcpy(&k.lo, u->data + 8, 8);
	k.hi = pg_ntoh64(k.hi);
	k.lo = pg_ntoh64(k.lo);
	return k;
}

static inline bool
key_lt(UuidKey a, UuidKey b)
{
	return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

static inline bool
key_eq(UuidKey a, UuidKey b)
{
	return a.hi == b.hi && a.lo == b.lo;
}

typedef struct StreamHead
{
	ScoreStream *stream;
	bool		valid;
	UuidKey		key;			/* dataset of the current entry */
	ScoreValue	value;
} StreamHead;

static void
stream_advance(StreamHead *h)
{
	pg_uuid_t	dataset;

	h->valid = score_stream_next(h->stream, &dataset, &h->value);
	if (h->valid)
		h->key = uuid_key(&dataset);
}

typedef struct Ranked
{
	uint64		key;			/* ranked_key(score): ascending = best first */
	int64		index;			/* into the outcomes and datasets (id order) */
	HeapTuple	tuple;			/* with details: the row, formed at once */
} Ranked;

/*
 * Best first: higher score, NULL scores last, equal scores by dataset id.
 * The key maps a score to an integer that sorts ascending in that order
 * (the bits of a double made monotonic, then reversed; -0 taken as 0); the
 * datasets are scored in id order, so their index breaks ties by id.
 */
static inline uint64
ranked_key(double score)
{
	uint64		bits;

	if (isnan(score))
		return PG_UINT64_MAX;
	if (score == 0.0)
		score = 0.0;
	memcpy(&bits, &score, sizeof(bits));
	bits = (bits & UINT64CONST(0x8000000000000000)) ? ~bits : bits | UINT64CONST(0x8000000000000000);
	return ~bits;				/* below PG_UINT64_MAX: NaN was excluded */
}

/*
 * Sort by key, stably: a radix sort, one byte of the key per pass from the
 * lowest, passes over a byte all keys share skipped.  The entries come in
 * index order, so equal keys stay in it.  For 10,000 scores it does a
 * fraction of the work of qsort's comparisons (7% of a scoring run).
 */
static void
sort_ranked(Ranked *a, int64 n)
{
	Ranked	   *tmp,
			   *src = a,
			   *dst;
	int64		count[256];

	if (n < 2)
		return;
	tmp = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(Ranked) * n);
	dst = tmp;
	for (int shift = 0; shift < 64; shift += 8)
	{
		int64		pos = 0;
		Ranked	   *swap;

		memset(count, 0, sizeof(count));
		for (int64 i = 0; i < n; i++)
			count[(src[i].key >> shift) & 0xFF]++;
		if (count[(src[0].key >> shift) & 0xFF] == n)
			continue;
		for (int b = 0; b < 256; b++)
		{
			int64		c = count[b];

			count[b] = pos;
			pos += c;
		}
		for (int64 i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & 0xFF]++] = src[i];
		swap = src;
		src = dst;
		dst = swap;
		CHECK_FOR_INTERRUPTS();
	}
	if (src != a)
		memcpy(a, src, sizeof(Ranked) * n);
	pfree(tmp);
}

/*
 * Datasets are scored in blocks: one pass over every stream per block; the
 * block's matches (DATASET_BLOCK x features) stay small enough for the CPU
 * cache.
 */
#define DATASET_BLOCK 512

PG_FUNCTION_INFO_V1(amprenta_score_signature_all);
Datum
amprenta_score_signature_all(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	pg_uuid_t  *signature = PG_GETARG_UUID_P(0);
	Jsonb	   *options = PG_GETARG_JSONB_P(1);
	Scorer	   *s;
	ScoreDataset *ds;
	UuidKey    *dkey;
	int64		nds;
	StreamHead *heads;
	Ranked	   *ranked;
	Outcome    *outcomes;
	Datum		values[SCORE_NATTS];
	bool		nulls[SCORE_NATTS];
	int			nfeat;
	bool	   *has;
	ScoreValue *val;
	MemoryContext rowctx,
				old;

	InitMaterializedSRF(fcinfo, 0);
	s = scorer_begin(signature, options, false, rsinfo->setDesc);
	nfeat = s->sig->nfeat;
	ds = score_datasets(&nds);
	dkey = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(UuidKey) * Max(nds, 1));
	for (int64 d = 0; d < nds; d++)
		dkey[d] = uuid_key(&ds[d].id);
	ranked = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(Ranked) * Max(nds, 1));
	outcomes = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(Outcome) * Max(nds, 1));
	rowctx = AllocSetContextCreate(CurrentMemoryContext, "amprenta score row", ALLOCSET_DEFAULT_SIZES);

	/* One index range per candidate feature, each in dataset order. */
	heads = palloc(sizeof(StreamHead) * Max(nfeat, 1));
	for (int f = 0; f < nfeat; f++)
	{
		heads[f].stream = score_stream_begin(s->reader, &s->sig->feat[f].id);
		stream_advance(&heads[f]);
	}
	has = palloc(sizeof(bool) * DATASET_BLOCK * Max(nfeat, 1));
	val = palloc(sizeof(ScoreValue) * DATASET_BLOCK * Max(nfeat, 1));

	for (int64 base = 0; base < nds; base += DATASET_BLOCK)
	{
		int			n = (int) Min(DATASET_BLOCK, nds - base);
		const UuidKey *bk = &dkey[base];
		UuidKey		last = bk[n - 1];

		memset(has, 0, sizeof(bool) * n * Max(nfeat, 1));
		/* Each stream: merge its entries up to the block's last dataset. */
		for (int f = 0; f < nfeat; f++)
		{
			StreamHead *h = &heads[f];
			int			j = 0;

			while (h->valid && !key_lt(last, h->key))
			{
				while (key_lt(bk[j], h->key))
					j++;
				/* not equal: a row of a dataset this snapshot does not show */
				if (key_eq(bk[j], h->key))
				{
					has[j * nfeat + f] = true;
					val[j * nfeat + f] = h->value;
				}
				stream_advance(h);
			}
			CHECK_FOR_INTERRUPTS();
		}

		for (int j = 0; j < n; j++)
		{
			Ranked	   *r = &ranked[base + j];
			Outcome    *o = &outcomes[base + j];

			s->fhas = &has[j * nfeat];
			s->fval = &val[j * nfeat];
			old = MemoryContextSwitchTo(rowctx);
			score_outcome(s, &ds[base + j].id, ds[base + j].omics, o);
			r->tuple = NULL;
			if (s->details)
			{
				/* the matches describe this dataset only until the next */
				outcome_values(s, &ds[base + j].id, o, values, nulls);
				MemoryContextSwitchTo(old);
				r->tuple = heap_form_tuple(s->desc, values, nulls);
			}
			MemoryContextSwitchTo(old);
			MemoryContextReset(rowctx);
			r->key = ranked_key(o->res.score);
			r->index = base + j;
			if ((j & 255) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	}

	for (int f = 0; f < nfeat; f++)
		score_stream_end(heads[f].stream);

	/* Best first; each row formed once, straight into the result. */
	sort_ranked(ranked, nds);
	for (int64 d = 0; d < nds; d++)
	{
		if (ranked[d].tuple)
		{
			tuplestore_puttuple(rsinfo->setResult, ranked[d].tuple);
			heap_freetuple(ranked[d].tuple);
		}
		else
		{
			old = MemoryContextSwitchTo(rowctx);
			outcome_values(s, &ds[ranked[d].index].id, &outcomes[ranked[d].index], values, nulls);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			MemoryContextSwitchTo(old);
			MemoryContextReset(rowctx);
		}
		if ((d & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	scorer_end(s);
	return (Datum) 0;
}

/* ---- materialization ---- */

PG_FUNCTION_INFO_V1(amprenta_refresh_scores);
Datum
amprenta_refresh_scores(PG_FUNCTION_ARGS)
{
	int64		written = 0;
	int			rc;
	Oid			argtype = UUIDOID;
	Datum		arg;
	SPIPlanPtr	plan;
	SPITupleTable *ids;
	uint64		nids;

	SPI_connect();
	if (PG_ARGISNULL(0))
		rc = SPI_execute("SELECT id FROM amprenta.signatures ORDER BY id", true, 0);
	else
	{
		arg = PG_GETARG_DATUM(0);
		rc = SPI_execute_with_args("SELECT id FROM amprenta.signatures WHERE id = $1",
								   1, &argtype, &arg, NULL, true, 0);
		if (rc == SPI_OK_SELECT && SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_NO_DATA_FOUND),
					 errmsg("signature %s does not exist",
							DatumGetCString(DirectFunctionCall1(uuid_out, arg))),
					 errhint("amprenta.signatures lists the signatures.")));
	}
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "listing signatures failed: %s", SPI_result_code_string(rc));
	ids = SPI_tuptable;
	nids = SPI_processed;

	plan = SPI_prepare("INSERT INTO amprenta.dataset_signature_scores AS t "
					   "  (signature_id, dataset_id, method, score, p_value, matched, total, "
					   "   concordant, discordant, coverage, layers, options, computed_at) "
					   "SELECT s.signature_id, s.dataset_id, s.method, s.score, s.p_value, s.matched, s.total, "
					   "       s.concordant, s.discordant, s.coverage, s.layers, '{}', now() "
					   "  FROM amprenta.amprenta_score_signature($1, '{}'::jsonb) s "
					   "ON CONFLICT (signature_id, dataset_id, method) DO UPDATE SET "
					   "  score = excluded.score, p_value = excluded.p_value, matched = excluded.matched, "
					   "  total = excluded.total, concordant = excluded.concordant, "
					   "  discordant = excluded.discordant, coverage = excluded.coverage, "
					   "  layers = excluded.layers, options = excluded.options, computed_at = excluded.computed_at",
					   1, &argtype);
	if (plan == NULL)
		elog(ERROR, "preparing the refresh failed: %s", SPI_result_code_string(SPI_result));

	for (uint64 i = 0; i < nids; i++)
	{
		bool		isnull;

		arg = SPI_getbinval(ids->vals[i], ids->tupdesc, 1, &isnull);
		rc = SPI_execute_plan(plan, &arg, NULL, false, 0);
		if (rc != SPI_OK_INSERT)
			elog(ERROR, "refreshing scores failed: %s", SPI_result_code_string(rc));
		written += SPI_processed;
		CHECK_FOR_INTERRUPTS();
	}
	SPI_finish();
	PG_RETURN_INT64(written);
}
