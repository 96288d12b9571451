/*
 * signature.c - creating signatures: amprenta_create_signature() from SQL
 * and amprenta_ingest_signature_file(s)() from a TSV/CSV file.
 *
 * Both paths produce a list of components (raw name, feature type or
 * "infer", direction, weight, where it came from) and hand it to
 * signature_store(), which normalizes every name with the normalizer
 * ingestion uses, rejects what cannot match anything, and writes the
 * signature, the missing features and the components set-based, all in
 * the caller's transaction.  The same name with the same components returns
 * the existing signature; different components need options.replace.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/uuid.h"

#include "feature_type.h"
#include "ingest.h"
#include "options.h"
#include "signature_file.h"
#include "tabular.h"

typedef struct SigComponent
{
	char	   *raw;			/* as given */
	feature_kind kind;			/* FEATURE_UNKNOWN = infer */
	sig_direction direction;
	double		weight;
	char	   *normalized;		/* filled by signature_store() */
	char		where[64];		/* "line 7" or "component 3" */
} SigComponent;

typedef struct SigOptions
{
	char	   *name;
	char	   *signature;		/* file: which signature_name to take */
	char	   *description;
	char	   *source;
	char	   *short_id;
	List	   *biomarker_role;
	List	   *phenotype_axes;
	char	   *data_ownership;
	char	   *notion_page_id;
	bool		has_program;
	pg_uuid_t	program_id;
	bool		replace;
} SigOptions;

static const char *const sql_valid_keys =
	"description, source, short_id, biomarker_role, phenotype_axes, data_ownership, "
	"program_id, notion_page_id, replace";
static const char *const file_valid_keys =
	"name, signature, description, source, short_id, biomarker_role, phenotype_axes, "
	"data_ownership, program_id, notion_page_id, replace";

static const char *const direction_labels[] = {NULL, "up", "down", "neutral", "complex"};

typedef struct OptionTarget
{
	SigOptions *opts;
	bool		file;
} OptionTarget;

static bool
take_option(const char *key, JsonbValue *v, void *arg)
{
	OptionTarget *t = (OptionTarget *) arg;
	SigOptions *o = t->opts;

	if (t->file && strcmp(key, "name") == 0)
		o->name = option_string(key, v);
	else if (t->file && strcmp(key, "signature") == 0)
		o->signature = option_string(key, v);
	else if (strcmp(key, "description") == 0)
		o->description = option_string(key, v);
	else if (strcmp(key, "source") == 0)
		o->source = option_string(key, v);
	else if (strcmp(key, "short_id") == 0)
		o->short_id = option_string(key, v);
	else if (strcmp(key, "biomarker_role") == 0)
		o->biomarker_role = option_string_list(key, v);
	else if (strcmp(key, "phenotype_axes") == 0)
		o->phenotype_axes = option_string_list(key, v);
	else if (strcmp(key, "data_ownership") == 0)
		o->data_ownership = option_string(key, v);
	else if (strcmp(key, "notion_page_id") == 0)
		o->notion_page_id = option_string(key, v);
	else if (strcmp(key, "program_id") == 0)
	{
		option_uuid(key, v, &o->program_id);
		o->has_program = true;
	}
	else if (strcmp(key, "replace") == 0)
		o->replace = option_bool(key, v);
	else
		return false;
	return true;
}

static void
parse_options(Jsonb *options, bool file, SigOptions *opts)
{
	OptionTarget t = {opts, file};

	memset(opts, 0, sizeof(*opts));
	options_walk(options, file ? file_valid_keys : sql_valid_keys, take_option, &t);
}

/*
 * The original system's short id: runs of characters other than ASCII
 * letters and digits become '-', trimmed at both ends, at most 50 bytes.
 */
static char *
default_short_id(const char *name)
{
	StringInfoData s;
	bool		dash = false;

	initStringInfo(&s);
	for (const char *p = name; *p && s.len < 50; p++)
	{
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
		{
			if (dash && s.len > 0)
				appendStringInfoChar(&s, '-');
			dash = false;
			if (s.len < 50)
				appendStringInfoChar(&s, *p);
		}
		else
			dash = true;
	}
	return s.len > 0 ? s.data : NULL;
}

/* ---- normalization ---- */

static int
component_cmp(const void *a, const void *b)
{
	const SigComponent *x = *(SigComponent *const *) a;
	const SigComponent *y = *(SigComponent *const *) b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->normalized, y->normalized);
}

/*
 * Types, canonical names and duplicates.  `context` prefixes every message
 * ("file \"x.tsv\"" or "signature \"name\"").
 */
static void
normalize_components(SigComponent *c, int n, const char *context)
{
	SigComponent **sorted = palloc(sizeof(SigComponent *) * Max(n, 1));

	for (int i = 0; i < n; i++)
	{
		char		out[NORM_OUT_MAX];
		const char *reason = NULL;
		size_t		len = strlen(c[i].raw);
		norm_status st;

		if (c[i].kind == FEATURE_UNKNOWN)
		{
			c[i].kind = feature_type_infer(c[i].raw, len);
			if (c[i].kind == FEATURE_UNKNOWN)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("%s, %s: cannot tell the feature type of \"%s\"", context, c[i].where, c[i].raw),
						 errhint("Give the feature type (gene, protein, metabolite or lipid) in a feature_type column or key.")));
		}
		st = feature_normalize(c[i].kind, c[i].raw, len, out, sizeof(out), &reason);
		if (st == NORM_INVALID)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s, %s: \"%s\" is not a valid %s name", context, c[i].where, c[i].raw,
							feature_kind_name(c[i].kind)),
					 errdetail("%s", reason ? reason : "The normalizer rejected it."),
					 errhint("Correct the name or its feature type; amprenta_normalize_explain(name) shows how names are read.")));
		c[i].normalized = pstrdup(out);
		sorted[i] = &c[i];
	}

	qsort(sorted, n, sizeof(SigComponent *), component_cmp);
	for (int i = 1; i < n; i++)
		if (component_cmp(&sorted[i - 1], &sorted[i]) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("%s: %s and %s name the same %s \"%s\"", context,
							sorted[i - 1]->where, sorted[i]->where,
							feature_kind_name(sorted[i]->kind), sorted[i]->normalized),
					 errhint("Keep one component per feature.")));
	pfree(sorted);
}

/* ---- storage ---- */

static ArrayType *
text_array(SigComponent *c, int n, int field)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
	{
		const char *s = field == 0 ? feature_kind_name(c[i].kind)
			: field == 1 ? c[i].normalized
			: field == 2 ? c[i].raw
			: direction_labels[c[i].direction];

		d[i] = s ? CStringGetTextDatum(s) : (Datum) 0;
	}
	if (field == 3)
	{
		bool	   *nulls = palloc(sizeof(bool) * Max(n, 1));
		int			dims[1] = {n};
		int			lbs[1] = {1};

		for (int i = 0; i < n; i++)
			nulls[i] = direction_labels[c[i].direction] == NULL;
		return construct_md_array(d, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT);
	}
	return construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT);
}

static ArrayType *
weight_array(SigComponent *c, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = Float8GetDatum(c[i].weight);
	return construct_array(d, n, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

static Datum
text_list_datum(List *l, bool *isnull)
{
	Datum	   *d;
	int			i = 0;
	ListCell   *lc;

	*isnull = false;
	d = palloc(sizeof(Datum) * Max(list_length(l), 1));
	foreach(lc, l)
		d[i++] = CStringGetTextDatum((char *) lfirst(lc));
	return PointerGetDatum(construct_array(d, i, TEXTOID, -1, false, TYPALIGN_INT));
}

static Datum
nullable_text(const char *s, char *null)
{
	*null = s ? ' ' : 'n';
	return s ? CStringGetTextDatum(s) : (Datum) 0;
}

static void
spi_check(int rc, int expected, const char *what)
{
	if (rc != expected)
		elog(ERROR, "%s failed: %s", what, SPI_result_code_string(rc));
}

/*
 * True when the stored components of signature `id` are exactly `c`
 * (same features, directions and weights).
 */
static bool
same_components(Datum id, Datum types, Datum names, Datum dirs, Datum weights, int n)
{
	Oid			argtypes[5] = {UUIDOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, FLOAT8ARRAYOID};
	Datum		args[5] = {id, types, names, dirs, weights};
	int			rc;
	bool		isnull;
	int64		stored,
				equal;

	rc = SPI_execute_with_args(
		"SELECT (SELECT count(*) FROM amprenta.signature_components WHERE signature_id = $1), "
		"       (SELECT count(*) FROM amprenta.signature_components sc "
		"          JOIN amprenta.features f ON f.id = sc.feature_id "
		"          JOIN unnest($2, $3, $4, $5) u(t, n, d, w) "
		"            ON f.feature_type::text = u.t AND f.normalized_name = u.n "
		"         WHERE sc.signature_id = $1 AND sc.direction::text IS NOT DISTINCT FROM u.d "
		"           AND sc.weight = u.w)",
		5, argtypes, args, NULL, false, 1);
	spi_check(rc, SPI_OK_SELECT, "comparing signature components");
	stored = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	equal = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	return stored == n && equal == n;
}

/*
 * Writes the signature `name` with components c[0..n) and returns its id.
 * Must run inside SPI_connect().
 */
static pg_uuid_t *
signature_store(const char *name, SigComponent *c, int n, const SigOptions *o,
				const char *context)
{
	Datum		types,
				names,
				raws,
				dirs,
				weights;
	Datum		id = (Datum) 0;
	bool		isnull;
	int			rc;
	pg_uuid_t  *result = palloc(sizeof(pg_uuid_t));
	bool		exists;

	if (name == NULL || name[0] == '\0' || strspn(name, " \t\r\n") == strlen(name))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: a signature needs a name", context)));
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s has no components", context),
				 errhint("Give at least one component: a feature name, optionally with feature_type, direction and weight.")));

	normalize_components(c, n, context);
	types = PointerGetDatum(text_array(c, n, 0));
	names = PointerGetDatum(text_array(c, n, 1));
	raws = PointerGetDatum(text_array(c, n, 2));
	dirs = PointerGetDatum(text_array(c, n, 3));
	weights = PointerGetDatum(weight_array(c, n));

	/* An existing signature of that name: identical, replaced, or an error. */
	{
		Oid			argtypes[1] = {TEXTOID};
		Datum		args[1] = {CStringGetTextDatum(name)};

		rc = SPI_execute_with_args("SELECT id FROM amprenta.signatures WHERE name = $1 FOR UPDATE",
								   1, argtypes, args, NULL, false, 1);
		spi_check(rc, SPI_OK_SELECT, "looking up the signature");
		exists = SPI_processed > 0;
		if (exists)
			id = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	}
	if (exists)
	{
		memcpy(result, DatumGetUUIDP(id), sizeof(pg_uuid_t));
		id = UUIDPGetDatum(result);
		if (same_components(id, types, names, dirs, weights, n))
			return result;
		if (!o->replace)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("signature \"%s\" already exists with other components", name),
					 errhint("Pass {\"replace\": true} in options to replace its components, or choose another name.")));
		rc = SPI_execute_with_args("DELETE FROM amprenta.signature_components WHERE signature_id = $1",
								   1, (Oid[]) {UUIDOID}, &id, NULL, false, 0);
		spi_check(rc, SPI_OK_DELETE, "replacing signature components");
	}

	/* The signature row, new or refreshed from the options. */
	{
		Oid			argtypes[9] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTARRAYOID,
		TEXTARRAYOID, TEXTOID, TEXTOID, UUIDOID};
		Datum		args[9];
		char		nulls[10] = "         ";
		bool		listnull;
		char	   *short_id = o->short_id ? o->short_id : default_short_id(name);

		args[0] = CStringGetTextDatum(name);
		args[1] = nullable_text(o->description, &nulls[1]);
		args[2] = nullable_text(o->source, &nulls[2]);
		args[3] = nullable_text(short_id, &nulls[3]);
		args[4] = text_list_datum(o->biomarker_role, &listnull);
		args[5] = text_list_datum(o->phenotype_axes, &listnull);
		args[6] = nullable_text(o->data_ownership, &nulls[6]);
		args[7] = nullable_text(o->notion_page_id, &nulls[7]);
		args[8] = exists ? id : (Datum) 0;
		nulls[8] = exists ? ' ' : 'n';

		rc = SPI_execute_with_args(exists
								   ? "UPDATE amprenta.signatures SET description = coalesce($2, description), "
								   "  source = coalesce($3, source), short_id = coalesce($4, short_id), "
								   "  biomarker_role = CASE WHEN cardinality($5) > 0 THEN $5 ELSE biomarker_role END, "
								   "  phenotype_axes = CASE WHEN cardinality($6) > 0 THEN $6 ELSE phenotype_axes END, "
								   "  data_ownership = coalesce($7, data_ownership), "
								   "  notion_page_id = coalesce($8, notion_page_id) "
								   "WHERE id = $9 AND name = $1 RETURNING id"
								   : "INSERT INTO amprenta.signatures (name, description, source, short_id, "
								   "  biomarker_role, phenotype_axes, data_ownership, notion_page_id) "
								   "SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE $9 IS NULL RETURNING id",
								   9, argtypes, args, nulls, false, 0);	/* a row limit would skip the
																		 * statement triggers */
		spi_check(rc, exists ? SPI_OK_UPDATE_RETURNING : SPI_OK_INSERT_RETURNING, "storing the signature");
		id = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		memcpy(result, DatumGetUUIDP(id), sizeof(pg_uuid_t));
		id = UUIDPGetDatum(result);
	}

	/* Features first (set-based), then the components that point at them. */
	{
		Oid			argtypes[3] = {TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID};
		Datum		args[3] = {types, names, raws};

		rc = SPI_execute_with_args("INSERT INTO amprenta.features (feature_type, normalized_name, name) "
								   "SELECT t::amprenta.feature_type, n, r FROM unnest($1, $2, $3) u(t, n, r) "
								   "ON CONFLICT (feature_type, normalized_name) DO NOTHING",
								   3, argtypes, args, NULL, false, 0);
		spi_check(rc, SPI_OK_INSERT, "storing the component features");
	}
	{
		Oid			argtypes[6] = {UUIDOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
		TEXTARRAYOID, FLOAT8ARRAYOID};
		Datum		args[6] = {id, types, names, raws, dirs, weights};

		rc = SPI_execute_with_args("INSERT INTO amprenta.signature_components "
								   "  (signature_id, feature_id, feature_type, feature_name, direction, weight) "
								   "SELECT $1, f.id, f.feature_type, u.r, u.d::amprenta.signature_direction, u.w "
								   "  FROM unnest($2, $3, $4, $5, $6) u(t, n, r, d, w) "
								   "  JOIN amprenta.features f ON f.feature_type = u.t::amprenta.feature_type "
								   "   AND f.normalized_name = u.n",
								   6, argtypes, args, NULL, false, 0);
		spi_check(rc, SPI_OK_INSERT, "storing the signature components");
		if ((int) SPI_processed != n)
			elog(ERROR, "stored %d of %d signature components", (int) SPI_processed, n);
	}
	if (o->has_program)
	{
		Oid			argtypes[2] = {UUIDOID, UUIDOID};
		Datum		args[2] = {UUIDPGetDatum(&o->program_id), id};

		rc = SPI_execute_with_args("INSERT INTO amprenta.program_signatures (program_id, signature_id) "
								   "VALUES ($1, $2) ON CONFLICT DO NOTHING",
								   2, argtypes, args, NULL, false, 0);
		spi_check(rc, SPI_OK_INSERT, "linking the signature to its program");
	}
	return result;
}

/* ---- amprenta_create_signature(name, components jsonb, options) ---- */

static char *
json_scalar_text(JsonbValue *v)
{
	if (v->type == jbvString)
		return pnstrdup(v->val.string.val, v->val.string.len);
	if (v->type == jbvNumeric)
		return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	return NULL;
}

static void
component_error(int i, const char *msg, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("component %d: %s", i, msg),
			 errhint("%s", hint)));
}

/* One element of the components array: {"feature", "feature_type", "direction", "weight"}. */
static void
json_component(JsonbContainer *obj, int i, SigComponent *c)
{
	JsonbIterator *it = JsonbIteratorInit(obj);
	JsonbIteratorToken tok;
	JsonbValue	v;
	char	   *key = NULL;
	const char *keys_hint = "A component is {\"feature\": name, \"feature_type\": gene|protein|metabolite|lipid, "
		"\"direction\": up|down|neutral|complex, \"weight\": number >= 0}; only \"feature\" is required.";

	memset(c, 0, sizeof(*c));
	c->kind = FEATURE_UNKNOWN;
	c->weight = 1.0;
	snprintf(c->where, sizeof(c->where), "component %d", i);

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *s;

		if (tok == WJB_KEY)
		{
			key = pnstrdup(v.val.string.val, v.val.string.len);
			continue;
		}
		if (tok != WJB_VALUE || key == NULL || v.type == jbvNull)
			continue;
		s = json_scalar_text(&v);
		if (strcmp(key, "feature") == 0)
		{
			if (v.type != jbvString)
				component_error(i, "\"feature\" must be a string", keys_hint);
			c->raw = s;
		}
		else if (strcmp(key, "feature_type") == 0)
		{
			c->kind = FEATURE_UNKNOWN;
			for (int k = 0; k < 4 && s; k++)
				if (pg_strcasecmp(s, feature_kind_name((feature_kind) k)) == 0)
					c->kind = (feature_kind) k;
			if (c->kind == FEATURE_UNKNOWN)
				component_error(i, psprintf("unknown feature_type \"%s\"", s ? s : "?"), keys_hint);
		}
		else if (strcmp(key, "direction") == 0)
		{
			int			d = s ? sig_direction_parse(s, strlen(s)) : -1;

			if (d < 0)
				component_error(i, psprintf("unknown direction \"%s\"", s ? s : "?"),
								"Directions are up, down, neutral, complex, or one of ↑ ↓ + - increased decreased.");
			c->direction = (sig_direction) d;
		}
		else if (strcmp(key, "weight") == 0)
		{
			if (v.type != jbvNumeric)
				component_error(i, "\"weight\" must be a number", keys_hint);
			c->weight = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
														   NumericGetDatum(v.val.numeric)));
			if (isnan(c->weight) || isinf(c->weight) || c->weight < 0)
				component_error(i, psprintf("weight %s is not allowed", s),
								"Weights are finite numbers >= 0 (default 1.0).");
		}
		else
			component_error(i, psprintf("unknown key \"%s\"", key), keys_hint);
		key = NULL;
	}
	if (c->raw == NULL || c->raw[0] == '\0')
		component_error(i, "\"feature\" is missing or empty", keys_hint);
}

PG_FUNCTION_INFO_V1(amprenta_create_signature);
Datum
amprenta_create_signature(PG_FUNCTION_ARGS)
{
	char	   *name;
	Jsonb	   *components;
	SigOptions	opts;
	SigComponent *c;
	int			n = 0,
				cap;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	pg_uuid_t  *id;
	pg_uuid_t  *result;
	char	   *context;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("name and components must not be NULL")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	components = PG_GETARG_JSONB_P(1);
	parse_options(PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2), false, &opts);
	context = psprintf("signature \"%s\"", name);

	if (!JB_ROOT_IS_ARRAY(components) || JB_ROOT_IS_SCALAR(components))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("components must be a JSON array of objects"),
				 errhint("Example: '[{\"feature\": \"TP53\", \"direction\": \"up\"}]'.")));

	cap = Max(JB_ROOT_COUNT(components), 1);
	c = palloc0(sizeof(SigComponent) * cap);
	it = JsonbIteratorInit(&components->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
			component_error(n + 1, "not a JSON object",
							"Example: {\"feature\": \"TP53\", \"feature_type\": \"gene\", \"direction\": \"up\", \"weight\": 1}.");
		json_component(v.val.binary.data, n + 1, &c[n]);
		n++;
	}

	SPI_connect();
	id = signature_store(name, c, n, &opts, context);
	SPI_finish();
	result = palloc(sizeof(pg_uuid_t));
	memcpy(result, id, sizeof(pg_uuid_t));
	PG_RETURN_UUID_P(result);
}

/* ---- signature files ---- */

typedef struct FileSignature
{
	char	   *name;			/* signature_name, or NULL */
	SigComponent *c;
	int			n;
	int			cap;
} FileSignature;

typedef struct SigFileRead
{
	List	   *sigs;			/* of FileSignature *, in order of first appearance */
} SigFileRead;

static int
on_file_row(void *arg, const sigfile_row *row)
{
	SigFileRead   *fr = (SigFileRead *) arg;
	FileSignature *fs = NULL;
	ListCell   *lc;
	SigComponent *c;

	foreach(lc, fr->sigs)
	{
		FileSignature *s = (FileSignature *) lfirst(lc);

		if ((s->name == NULL && row->signature == NULL) ||
			(s->name && row->signature && strcmp(s->name, row->signature) == 0))
		{
			fs = s;
			break;
		}
	}
	if (fs == NULL)
	{
		fs = palloc0(sizeof(FileSignature));
		fs->name = row->signature ? pstrdup(row->signature) : NULL;
		fs->cap = 16;
		fs->c = palloc0(sizeof(SigComponent) * fs->cap);
		fr->sigs = lappend(fr->sigs, fs);
	}
	if (fs->n == fs->cap)
	{
		fs->cap *= 2;
		fs->c = repalloc(fs->c, sizeof(SigComponent) * fs->cap);
	}
	c = &fs->c[fs->n++];
	memset(c, 0, sizeof(*c));
	c->raw = pstrdup(row->feature);
	c->kind = (feature_kind) row->feature_type;
	c->direction = row->direction;
	c->weight = row->weight;
	snprintf(c->where, sizeof(c->where), "line %ld", row->line);
	CHECK_FOR_INTERRUPTS();
	return 0;
}

/* The whole file in memory: signature files are small tables. */
static char *
read_whole_file(const char *path, const char *file_name, size_t *len)
{
	IngestSource src;
	StringInfoData buf;
	char	   *scratch = palloc(INGEST_CHUNK);
	const char *chunk;
	size_t		n;

	ingest_source_open_file(&src, path);
	initStringInfo(&buf);
	while ((n = ingest_source_read(&src, &chunk, scratch)) > 0)
	{
		if ((size_t) buf.len + n > MaxAllocSize / 2)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("file \"%s\" is too large for a signature file", file_name)));
		appendBinaryStringInfo(&buf, chunk, n);
		CHECK_FOR_INTERRUPTS();
	}
	ingest_source_close(&src);
	*len = buf.len;
	return buf.data;
}

static int
sigfile_sqlstate(sigfile_status st, int tab_code)
{
	switch (st)
	{
		case SIGFILE_ERR_TABLE:
			if (tab_code == TAB_ERR_NOT_UTF8)
				return ERRCODE_CHARACTER_NOT_IN_REPERTOIRE;
			if (tab_code == TAB_ERR_EMPTY)
				return ERRCODE_NO_DATA;
			return ERRCODE_BAD_COPY_FILE_FORMAT;
		case SIGFILE_ERR_NO_COMPONENTS:
			return ERRCODE_NO_DATA;
		case SIGFILE_ERR_NO_FEATURE_COLUMN:
			return ERRCODE_UNDEFINED_COLUMN;
		default:
			return ERRCODE_INVALID_TEXT_REPRESENTATION;
	}
}

/* Reads path into its signatures; ERROR with file and line on bad input. */
static List *
read_signature_file(const char *path, const char **file_name_out)
{
	const char *slash = strrchr(path, '/');
	const char *file_name = slash ? slash + 1 : path;
	size_t		len;
	char	   *data = read_whole_file(path, file_name, &len);
	tab_alloc	alloc = ingest_tab_alloc();
	SigFileRead	fr = {NIL};
	sigfile_summary sum;
	tab_error	err;
	sigfile_status st;

	memset(&err, 0, sizeof(err));
	st = sigfile_read(data, len, &alloc, on_file_row, &fr, &sum, &err);
	if (st != SIGFILE_OK)
		ereport(ERROR,
				(errcode(sigfile_sqlstate(st, err.code)),
				 errmsg("signature file \"%s\"%s: %s", file_name,
						err.line > 0 ? psprintf(", line %ld", err.line) : "", err.message),
				 err.detail[0] ? errdetail("%s", err.detail) : 0,
				 err.hint[0] ? errhint("%s", err.hint) : 0));
	*file_name_out = file_name;
	return fr.sigs;
}

/* File name without directory and extension: the original's signature name. */
static char *
file_stem(const char *file_name)
{
	char	   *stem = pstrdup(file_name);
	char	   *dot = strrchr(stem, '.');

	if (dot && dot != stem)
		*dot = '\0';
	return stem;
}

static char *
file_path_arg(FunctionCallInfo fcinfo)
{
	char	   *path;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("path must not be NULL")));
	ingest_require_file_privilege("Create the signature from the client with amprenta_create_signature(name, components).");
	path = text_to_cstring(PG_GETARG_TEXT_PP(0));
	canonicalize_path(path);
	return path;
}

PG_FUNCTION_INFO_V1(amprenta_ingest_signature_file);
Datum
amprenta_ingest_signature_file(PG_FUNCTION_ARGS)
{
	char	   *path = file_path_arg(fcinfo);
	SigOptions	opts;
	const char *file_name;
	List	   *sigs;
	FileSignature *chosen = NULL;
	ListCell   *lc;
	pg_uuid_t  *id;
	pg_uuid_t  *result;
	char	   *name;

	parse_options(PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1), true, &opts);
	sigs = read_signature_file(path, &file_name);

	if (opts.signature)
	{
		foreach(lc, sigs)
		{
			FileSignature *s = (FileSignature *) lfirst(lc);

			if (s->name && strcmp(s->name, opts.signature) == 0)
				chosen = s;
		}
		if (chosen == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("signature file \"%s\" holds no signature named \"%s\"", file_name, opts.signature),
					 errhint("The signature_name column names the signatures of the file.")));
	}
	else if (list_length(sigs) > 1)
	{
		StringInfoData names;

		initStringInfo(&names);
		foreach(lc, sigs)
			appendStringInfo(&names, "%s\"%s\"", names.len ? ", " : "",
							 ((FileSignature *) lfirst(lc))->name);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("signature file \"%s\" holds %d signatures", file_name, list_length(sigs)),
				 errdetail("Signatures: %s.", names.data),
				 errhint("Name one with options {\"signature\": \"...\"}, or create them all with amprenta_ingest_signature_files(path).")));
	}
	else
		chosen = (FileSignature *) linitial(sigs);

	name = opts.name ? opts.name : chosen->name ? chosen->name : file_stem(file_name);
	if (opts.source == NULL)
		opts.source = pstrdup(file_name);
	SPI_connect();
	id = signature_store(name, chosen->c, chosen->n, &opts,
						 psprintf("signature file \"%s\"", file_name));
	SPI_finish();
	result = palloc(sizeof(pg_uuid_t));
	memcpy(result, id, sizeof(pg_uuid_t));
	PG_RETURN_UUID_P(result);
}

PG_FUNCTION_INFO_V1(amprenta_ingest_signature_files);
Datum
amprenta_ingest_signature_files(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *path = file_path_arg(fcinfo);
	SigOptions	opts;
	const char *file_name;
	List	   *sigs;
	ListCell   *lc;
	List	   *stored = NIL;

	parse_options(PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1), true, &opts);
	if (opts.name || opts.signature)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options \"name\" and \"signature\" do not apply to amprenta_ingest_signature_files()"),
				 errhint("Use amprenta_ingest_signature_file(path, options) for one signature.")));
	sigs = read_signature_file(path, &file_name);
	if (opts.source == NULL)
		opts.source = pstrdup(file_name);

	SPI_connect();
	foreach(lc, sigs)
	{
		FileSignature *s = (FileSignature *) lfirst(lc);
		char	   *name = s->name ? s->name : file_stem(file_name);
		pg_uuid_t  *id = signature_store(name, s->c, s->n, &opts,
										 psprintf("signature file \"%s\"", file_name));
		pg_uuid_t  *copy = SPI_palloc(sizeof(pg_uuid_t));

		memcpy(copy, id, sizeof(pg_uuid_t));
		stored = lappend(stored, copy);
	}
	SPI_finish();

	InitMaterializedSRF(fcinfo, 0);
	{
		ListCell   *idc;

		forboth(lc, sigs, idc, stored)
		{
			FileSignature *s = (FileSignature *) lfirst(lc);
			Datum		values[2];
			bool		nulls[2] = {false, false};

			values[0] = CStringGetTextDatum(s->name ? s->name : file_stem(file_name));
			values[1] = UUIDPGetDatum((pg_uuid_t *) lfirst(idc));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}
