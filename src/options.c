/*
 * options.c - checked reading of the `options jsonb` arguments (options.h).
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/uuid.h"

#include "options.h"

static char *
value_text(JsonbValue *v)
{
	return pnstrdup(v->val.string.val, v->val.string.len);
}

static void
type_error(const char *key, const char *expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("option \"%s\" must be %s", key, expected)));
}

void
options_walk(Jsonb *options, const char *valid_keys, option_taker take, void *arg)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	char	   *key = NULL;

	if (options == NULL)
		return;
	if (!JB_ROOT_IS_OBJECT(options))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options must be a JSON object"),
				 errhint("Valid keys are: %s.", valid_keys)));

	it = JsonbIteratorInit(&options->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			key = value_text(&v);
			continue;
		}
		if (tok != WJB_VALUE || key == NULL)
			continue;
		if (v.type != jbvNull && !take(key, &v, arg))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown option \"%s\"", key),
					 errhint("Valid keys are: %s.", valid_keys)));
		key = NULL;
	}
}

char *
option_string(const char *key, JsonbValue *v)
{
	if (v->type != jbvString)
		type_error(key, "a string");
	return value_text(v);
}

/* A string or an array of strings, as a List of char *. */
List *
option_string_list(const char *key, JsonbValue *v)
{
	List	   *result = NIL;
	JsonbIterator *sub;
	JsonbIteratorToken tok;
	JsonbValue	elem;

	if (v->type == jbvString)
		return list_make1(value_text(v));
	if (v->type != jbvBinary)
		type_error(key, "a string or an array of strings");

	sub = JsonbIteratorInit(v->val.binary.data);
	tok = JsonbIteratorNext(&sub, &elem, true);
	if (tok != WJB_BEGIN_ARRAY)
		type_error(key, "a string or an array of strings");
	while ((tok = JsonbIteratorNext(&sub, &elem, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (elem.type != jbvString)
			type_error(key, "a string or an array of strings");
		result = lappend(result, value_text(&elem));
	}
	return result;
}

void
option_uuid(const char *key, JsonbValue *v, pg_uuid_t *out)
{
	char	   *s = option_string(key, v);
	Datum		d;
	int			hex = 0;

	/* Check the form here, so the error names the option. */
	for (const char *p = s; *p; p++)
	{
		if (isxdigit((unsigned char) *p))
			hex++;
		else if (*p != '-' && *p != '{' && *p != '}')
			hex = -1000;
	}
	if (hex != 32)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be a uuid, not \"%s\"", key, s)));

	d = DirectFunctionCall1(uuid_in, CStringGetDatum(s));
	memcpy(out, DatumGetUUIDP(d), sizeof(pg_uuid_t));
}

bool
option_bool(const char *key, JsonbValue *v)
{
	if (v->type != jbvBool)
		type_error(key, "true or false");
	return v->val.boolean;
}

double
option_number(const char *key, JsonbValue *v, double min, double max)
{
	double		d;

	if (v->type != jbvNumeric)
		type_error(key, "a number");
	d = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
										   NumericGetDatum(v->val.numeric)));
	if (isnan(d) || d < min || d > max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be between %g and %g, not %g", key, min, max, d)));
	return d;
}
