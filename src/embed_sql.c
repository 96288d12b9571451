/*
 * embed_sql.c - SQL access to the built-in embedder and to cosine
 * similarity, which the local semantic index (amprenta.chunks) and
 * amprenta_search() use.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "embed.h"
#include "sync.h"

PG_FUNCTION_INFO_V1(amprenta_embed_local);

/*
 * amprenta_embed_local(text, dimension integer DEFAULT NULL) RETURNS real[]
 * The vector the built-in embedder gives the text; NULL dimension means
 * amprenta.embedding_dimension.
 */
Datum
amprenta_embed_local(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int			dim = PG_ARGISNULL(1) ? amprenta_embedding_dimension : PG_GETARG_INT32(1);
	float	   *v;
	Datum	   *d;

	if (dim < EMBED_DIM_MIN || dim > EMBED_DIM_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dimension %d is out of range", dim),
				 errhint("Use a dimension between %d and %d.", EMBED_DIM_MIN, EMBED_DIM_MAX)));
	v = palloc(sizeof(float) * dim);
	if (embed_text(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), dim, v, NULL) != 0)
		elog(ERROR, "embedding failed");
	d = palloc(sizeof(Datum) * dim);
	for (int i = 0; i < dim; i++)
		d[i] = Float4GetDatum(v[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(d, dim, FLOAT4OID, 4, true, TYPALIGN_INT));
}

static float *
vector_of(ArrayType *a, int *dim, const char *which)
{
	if (ARR_NDIM(a) > 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT4OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s vector must be a one-dimensional real[] without NULLs", which)));
	*dim = ARR_NDIM(a) == 0 ? 0 : ARR_DIMS(a)[0];
	/* No NULLs (checked above): the data follow the fixed header. */
	return (float *) ((char *) a + ARR_OVERHEAD_NONULLS(ARR_NDIM(a)));
}

PG_FUNCTION_INFO_V1(amprenta_cosine);

/* amprenta_cosine(real[], real[]) RETURNS float8: cosine similarity. */
Datum
amprenta_cosine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	int			da,
				db;
	float	   *va = vector_of(a, &da, "first");
	float	   *vb = vector_of(b, &db, "second");

	if (da != db)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("vectors of different dimensions (%d and %d)", da, db),
				 errhint("Vectors made by different embedding settings cannot be compared; run amprenta_pinecone_sync() to rebuild the index.")));
	PG_RETURN_FLOAT8(embed_cosine(va, vb, da));
}
