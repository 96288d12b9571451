/*
 * score_match.c - a signature's components and their candidate features
 * (see score_match.h for the matching rule).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/uuid.h"

#include "feature_type.h"
#include "ingest.h"
#include "lipid.h"
#include "score_match.h"

/* A candidate while the lists are built: the feature by id, not yet by index. */
typedef struct PendingCandidate
{
	int			comp;
	int			level;
	pg_uuid_t	id;
	char	   *name;
} PendingCandidate;

const char *
score_match_level_name(int level)
{
	return level == MATCH_EXACT ? "exact" : lipid_level_name((lipid_level) level);
}

static feature_kind
kind_from_label(const char *s)
{
	for (int k = 0; k < 4; k++)
		if (strcmp(s, feature_kind_name((feature_kind) k)) == 0)
			return (feature_kind) k;
	elog(ERROR, "unknown feature type \"%s\"", s);
	return FEATURE_UNKNOWN;
}

static char *
getstr(HeapTuple tup, TupleDesc desc, int col)
{
	return SPI_getvalue(tup, desc, col);
}

static int
uuid_cmp_raw(const pg_uuid_t *a, const pg_uuid_t *b)
{
	return memcmp(a->data, b->data, UUID_LEN);
}

static int
pending_cmp(const void *a, const void *b)
{
	const PendingCandidate *x = (const PendingCandidate *) a;
	const PendingCandidate *y = (const PendingCandidate *) b;

	if (x->comp != y->comp)
		return x->comp < y->comp ? -1 : 1;
	/* exact first, then the finer level of agreement, then by name */
	if (x->level != y->level)
	{
		if (x->level == MATCH_EXACT || y->level == MATCH_EXACT)
			return x->level == MATCH_EXACT ? -1 : 1;
		return x->level > y->level ? -1 : 1;
	}
	return strcmp(x->name, y->name);
}

static int
feature_cmp(const void *a, const void *b)
{
	return uuid_cmp_raw(&((const ScoreFeature *) a)->id, &((const ScoreFeature *) b)->id);
}

/*
 * The level at which lipid names a and b agree (the coarser of their own
 * levels), or -1 when they differ there.
 */
static int
lipid_agreement(const char *a, const char *b)
{
	lipid_level la = lipid_input_level(a, strlen(a));
	lipid_level lb = lipid_input_level(b, strlen(b));
	lipid_level l = Min(la, lb);
	char		pa[NORM_OUT_MAX],
				pb[NORM_OUT_MAX];

	if (la == LIPID_LEVEL_INPUT || lb == LIPID_LEVEL_INPUT)
		return -1;
	if (lipid_normalize(a, strlen(a), l, pa, sizeof(pa), NULL) == NORM_INVALID ||
		lipid_normalize(b, strlen(b), l, pb, sizeof(pb), NULL) == NORM_INVALID)
		return -1;
	return strcmp(pa, pb) == 0 ? (int) l : -1;
}

static void
add_pending(PendingCandidate **p, int *n, int *cap, int comp, int level,
			const pg_uuid_t *id, const char *name)
{
	if (*n == *cap)
	{
		*cap *= 2;
		*p = repalloc(*p, sizeof(PendingCandidate) * *cap);
	}
	(*p)[*n].comp = comp;
	(*p)[*n].level = level;
	memcpy(&(*p)[*n].id, id, sizeof(pg_uuid_t));
	(*p)[*n].name = pstrdup(name);
	(*n)++;
}

static ArrayType *
cstring_array(char **s, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = CStringGetTextDatum(s[i]);
	return construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT);
}

ScoreSignature *
score_signature_load(const pg_uuid_t *id)
{
	ScoreSignature *sig = palloc0(sizeof(ScoreSignature));
	Datum		idd = UUIDPGetDatum(id);
	Oid			uuidtype = UUIDOID;
	int			rc;
	PendingCandidate *pend;
	int			npend = 0,
				cappend = 64;
	MemoryContext callerctx = CurrentMemoryContext;

	memcpy(&sig->id, id, sizeof(pg_uuid_t));
	SPI_connect();

	rc = SPI_execute_with_args("SELECT 1 FROM amprenta.signatures WHERE id = $1",
							   1, &uuidtype, &idd, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "looking up the signature failed: %s", SPI_result_code_string(rc));
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("signature %s does not exist",
						DatumGetCString(DirectFunctionCall1(uuid_out, idd))),
				 errhint("amprenta.signatures lists the signatures.")));

	rc = SPI_execute_with_args(
		"SELECT sc.feature_name, f.normalized_name, sc.feature_type::text, sc.direction::text, "
		"       sc.weight, f.id "
		"  FROM amprenta.signature_components sc "
		"  LEFT JOIN amprenta.features f ON f.id = sc.feature_id "
		" WHERE sc.signature_id = $1 "
		" ORDER BY sc.feature_type, coalesce(f.normalized_name, sc.feature_name), sc.feature_name",
		1, &uuidtype, &idd, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "loading signature components failed: %s", SPI_result_code_string(rc));

	{
		MemoryContext spictx = MemoryContextSwitchTo(callerctx);
		SPITupleTable *tt = SPI_tuptable;
		int			n = (int) SPI_processed;

		sig->ncomp = n;
		sig->comp = palloc0(sizeof(ScoreComponent) * Max(n, 1));
		pend = palloc(sizeof(PendingCandidate) * cappend);
		for (int i = 0; i < n; i++)
		{
			ScoreComponent *c = &sig->comp[i];
			HeapTuple	tup = tt->vals[i];
			char	   *dir = getstr(tup, tt->tupdesc, 4);
			bool		isnull;
			Datum		fid;

			c->raw_name = getstr(tup, tt->tupdesc, 1);
			c->normalized = getstr(tup, tt->tupdesc, 2);
			c->kind = kind_from_label(getstr(tup, tt->tupdesc, 3));
			c->direction = dir == NULL ? 0 : strcmp(dir, "up") == 0 ? 1 : strcmp(dir, "down") == 0 ? -1 : 0;
			c->direction_label = dir;
			c->weight = DatumGetFloat8(SPI_getbinval(tup, tt->tupdesc, 5, &isnull));
			fid = SPI_getbinval(tup, tt->tupdesc, 6, &isnull);
			if (!isnull)
				add_pending(&pend, &npend, &cappend, i, MATCH_EXACT, DatumGetUUIDP(fid), c->normalized);
			else
			{
				/* A component written without a feature: normalize it here. */
				char		out[NORM_OUT_MAX];

				if (feature_normalize(c->kind, c->raw_name, strlen(c->raw_name), out, sizeof(out), NULL) != NORM_INVALID)
					c->normalized = pstrdup(out);
			}
		}
		MemoryContextSwitchTo(spictx);
	}

	/* Exact features of components stored without one. */
	{
		char	  **types = palloc(sizeof(char *) * Max(sig->ncomp, 1));
		char	  **names = palloc(sizeof(char *) * Max(sig->ncomp, 1));
		int			m = 0;

		for (int i = 0; i < sig->ncomp; i++)
		{
			bool		has = false;

			for (int j = 0; j < npend; j++)
				has |= pend[j].comp == i;
			if (!has && sig->comp[i].normalized)
			{
				types[m] = (char *) feature_kind_name(sig->comp[i].kind);
				names[m++] = sig->comp[i].normalized;
			}
		}
		if (m > 0)
		{
			Oid			argtypes[2] = {TEXTARRAYOID, TEXTARRAYOID};
			Datum		args[2] = {PointerGetDatum(cstring_array(types, m)),
			PointerGetDatum(cstring_array(names, m))};

			rc = SPI_execute_with_args("SELECT f.id, f.feature_type::text, f.normalized_name "
									   "  FROM unnest($1, $2) u(t, n) "
									   "  JOIN amprenta.features f ON f.feature_type::text = u.t AND f.normalized_name = u.n",
									   2, argtypes, args, NULL, true, 0);
			if (rc != SPI_OK_SELECT)
				elog(ERROR, "looking up component features failed: %s", SPI_result_code_string(rc));
			for (uint64 r = 0; r < SPI_processed; r++)
			{
				HeapTuple	tup = SPI_tuptable->vals[r];
				bool		isnull;
				pg_uuid_t  *fid = DatumGetUUIDP(SPI_getbinval(tup, SPI_tuptable->tupdesc, 1, &isnull));
				feature_kind k = kind_from_label(getstr(tup, SPI_tuptable->tupdesc, 2));
				char	   *name = getstr(tup, SPI_tuptable->tupdesc, 3);

				for (int i = 0; i < sig->ncomp; i++)
					if (sig->comp[i].kind == k && sig->comp[i].normalized &&
						strcmp(sig->comp[i].normalized, name) == 0)
					{
						MemoryContext old = MemoryContextSwitchTo(callerctx);

						add_pending(&pend, &npend, &cappend, i, MATCH_EXACT, fid, name);
						MemoryContextSwitchTo(old);
					}
			}
		}
	}

	/* Lipids: every feature of the same species, kept when the names agree. */
	{
		char	  **species = palloc(sizeof(char *) * Max(sig->ncomp, 1));
		char	  **comp_species = palloc0(sizeof(char *) * Max(sig->ncomp, 1));
		int			m = 0;

		for (int i = 0; i < sig->ncomp; i++)
		{
			ScoreComponent *c = &sig->comp[i];
			char		out[NORM_OUT_MAX];

			if (c->kind != FEATURE_LIPID || c->normalized == NULL)
				continue;
			if (lipid_normalize(c->normalized, strlen(c->normalized), LIPID_LEVEL_SPECIES,
								out, sizeof(out), NULL) == NORM_INVALID)
				continue;
			comp_species[i] = pstrdup(out);
			species[m++] = comp_species[i];
		}
		if (m > 0)
		{
			Oid			argtypes[1] = {TEXTARRAYOID};
			Datum		args[1] = {PointerGetDatum(cstring_array(species, m))};

			rc = SPI_execute_with_args("SELECT f.id, f.normalized_name, "
									   "       amprenta.amprenta_normalize_lipid(f.normalized_name, 'species') "
									   "  FROM amprenta.features f "
									   " WHERE f.feature_type = 'lipid' "
									   "   AND amprenta.amprenta_normalize_lipid(f.normalized_name, 'species') = ANY ($1)",
									   1, argtypes, args, NULL, true, 0);
			if (rc != SPI_OK_SELECT)
				elog(ERROR, "looking up lipid candidates failed: %s", SPI_result_code_string(rc));
			for (uint64 r = 0; r < SPI_processed; r++)
			{
				HeapTuple	tup = SPI_tuptable->vals[r];
				bool		isnull;
				pg_uuid_t  *fid = DatumGetUUIDP(SPI_getbinval(tup, SPI_tuptable->tupdesc, 1, &isnull));
				char	   *name = getstr(tup, SPI_tuptable->tupdesc, 2);
				char	   *sp = getstr(tup, SPI_tuptable->tupdesc, 3);

				for (int i = 0; i < sig->ncomp; i++)
				{
					ScoreComponent *c = &sig->comp[i];
					int			level;

					if (comp_species[i] == NULL || strcmp(comp_species[i], sp) != 0 ||
						strcmp(c->normalized, name) == 0)
						continue;	/* other species, or the exact feature */
					level = lipid_agreement(c->normalized, name);
					if (level >= 0)
					{
						MemoryContext old = MemoryContextSwitchTo(callerctx);

						add_pending(&pend, &npend, &cappend, i, level, fid, name);
						MemoryContextSwitchTo(old);
					}
				}
			}
		}
	}
	SPI_finish();

	/* Distinct features sorted by id; candidates point at them by index. */
	sig->feat = palloc(sizeof(ScoreFeature) * Max(npend, 1));
	for (int j = 0; j < npend; j++)
	{
		memcpy(&sig->feat[j].id, &pend[j].id, sizeof(pg_uuid_t));
		sig->feat[j].name = pend[j].name;
	}
	qsort(sig->feat, npend, sizeof(ScoreFeature), feature_cmp);
	for (int j = 0; j < npend; j++)
		if (sig->nfeat == 0 || uuid_cmp_raw(&sig->feat[sig->nfeat - 1].id, &sig->feat[j].id) != 0)
			sig->feat[sig->nfeat++] = sig->feat[j];

	qsort(pend, npend, sizeof(PendingCandidate), pending_cmp);
	for (int j = 0; j < npend;)
	{
		ScoreComponent *c = &sig->comp[pend[j].comp];
		int			k = j;

		while (k < npend && pend[k].comp == pend[j].comp)
			k++;
		c->cand = palloc(sizeof(ScoreCandidate) * (k - j));
		for (int q = j; q < k; q++)
		{
			ScoreFeature key;
			ScoreFeature *f;

			memcpy(&key.id, &pend[q].id, sizeof(pg_uuid_t));
			f = bsearch(&key, sig->feat, sig->nfeat, sizeof(ScoreFeature), feature_cmp);
			Assert(f != NULL);
			c->cand[c->ncand].feature = (int) (f - sig->feat);
			c->cand[c->ncand].level = pend[q].level;
			c->ncand++;
		}
		j = k;
	}
	return sig;
}
