/*
 * normalize_sql.c - SQL wrappers of the identifier normalizers of src/core/.
 *
 * A name that cannot be normalized gives NULL; amprenta_normalize_explain()
 * tells why.  The same C functions are used by ingestion and scoring, so a
 * name normalizes identically everywhere.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/syscache.h"

#include "feature_type.h"
#include "lipid.h"
#include "normalize.h"
#include "normalize_sql.h"

static const char *const feature_labels[4] = {"gene", "protein", "metabolite", "lipid"};
static const char *const status_labels[4] = {"ok", "repaired", "ambiguous", "invalid"};

static Oid
feature_type_oid(void)
{
	Oid			nsp = get_namespace_oid("amprenta", false);

	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
						   CStringGetDatum("feature_type"), ObjectIdGetDatum(nsp));
}

Datum
feature_kind_datum(feature_kind kind)
{
	return DirectFunctionCall2(enum_in, CStringGetDatum(feature_labels[kind]),
							   ObjectIdGetDatum(feature_type_oid()));
}

feature_kind
feature_kind_from_datum(Datum d)
{
	char	   *label = DatumGetCString(DirectFunctionCall1(enum_out, d));

	for (int i = 0; i < 4; i++)
		if (strcmp(label, feature_labels[i]) == 0)
			return (feature_kind) i;
	elog(ERROR, "unknown feature type \"%s\"", label);
	return FEATURE_UNKNOWN;		/* keep compiler quiet */
}

/* Result of a normalizer as text, or SQL NULL when it rejected the name. */
#define RETURN_NORMALIZED(status, out) \
	do { \
		if ((status) == NORM_INVALID) \
			PG_RETURN_NULL(); \
		PG_RETURN_TEXT_P(cstring_to_text(out)); \
	} while (0)

PG_FUNCTION_INFO_V1(amprenta_normalize_lipid);
Datum
amprenta_normalize_lipid(PG_FUNCTION_ARGS)
{
	text	   *name;
	lipid_level level = LIPID_LEVEL_INPUT;
	char		out[NORM_OUT_MAX];
	norm_status st;

	/* Not STRICT: a NULL level means "the level the input supports". */
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	name = PG_GETARG_TEXT_PP(0);
	if (!PG_ARGISNULL(1))
	{
		char	   *l = text_to_cstring(PG_GETARG_TEXT_PP(1));
		int			lv = lipid_level_from_name(l);

		if (lv < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid lipid level \"%s\"", l),
					 errhint("Valid levels are species, molecular_species, sn_position, "
							 "structure_defined and full_structure, or NULL for the level the name supports.")));
		level = (lipid_level) lv;
	}
	st = lipid_normalize(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), level, out, sizeof(out), NULL);
	RETURN_NORMALIZED(st, out);
}

/* The normalizer of one feature type applied to argument 0. */
static Datum
normalize_as(FunctionCallInfo fcinfo, feature_kind kind)
{
	text	   *name = PG_GETARG_TEXT_PP(0);
	char		out[NORM_OUT_MAX];
	norm_status st = feature_normalize(kind, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name),
									   out, sizeof(out), NULL);

	RETURN_NORMALIZED(st, out);
}

PG_FUNCTION_INFO_V1(amprenta_normalize_gene);
Datum
amprenta_normalize_gene(PG_FUNCTION_ARGS)
{
	return normalize_as(fcinfo, FEATURE_GENE);
}

PG_FUNCTION_INFO_V1(amprenta_normalize_protein);
Datum
amprenta_normalize_protein(PG_FUNCTION_ARGS)
{
	return normalize_as(fcinfo, FEATURE_PROTEIN);
}

PG_FUNCTION_INFO_V1(amprenta_normalize_metabolite);
Datum
amprenta_normalize_metabolite(PG_FUNCTION_ARGS)
{
	return normalize_as(fcinfo, FEATURE_METABOLITE);
}

PG_FUNCTION_INFO_V1(amprenta_normalize_feature);
Datum
amprenta_normalize_feature(PG_FUNCTION_ARGS)
{
	return normalize_as(fcinfo, feature_kind_from_datum(PG_GETARG_DATUM(1)));
}

PG_FUNCTION_INFO_V1(amprenta_infer_feature_type);
Datum
amprenta_infer_feature_type(PG_FUNCTION_ARGS)
{
	text	   *name = PG_GETARG_TEXT_PP(0);
	feature_kind kind = feature_type_infer(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));

	if (kind == FEATURE_UNKNOWN)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(feature_kind_datum(kind));
}

/*
 * amprenta_normalize_explain(name text, feature_type feature_type DEFAULT NULL,
 *     OUT feature_type feature_type, OUT normalized text, OUT status text,
 *     OUT reason text)
 */
PG_FUNCTION_INFO_V1(amprenta_normalize_explain);
Datum
amprenta_normalize_explain(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	text	   *name;
	feature_kind kind;
	char		out[NORM_OUT_MAX];
	const char *reason = NULL;
	norm_status st;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);

	name = PG_GETARG_TEXT_PP(0);
	if (PG_ARGISNULL(1))
		kind = feature_type_infer(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
	else
		kind = feature_kind_from_datum(PG_GETARG_DATUM(1));

	if (kind == FEATURE_UNKNOWN)
	{
		nulls[0] = nulls[1] = true;
		values[2] = CStringGetTextDatum("invalid");
		values[3] = CStringGetTextDatum("the name does not look like a gene, protein, metabolite or lipid identifier");
	}
	else
	{
		st = feature_normalize(kind, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), out, sizeof(out), &reason);
		values[0] = feature_kind_datum(kind);
		if (st == NORM_INVALID)
			nulls[1] = true;
		else
			values[1] = CStringGetTextDatum(out);
		values[2] = CStringGetTextDatum(status_labels[st]);
		if (reason)
			values[3] = CStringGetTextDatum(reason);
		else
			nulls[3] = true;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
