/*
 * options.h - checked reading of the `options jsonb` arguments.
 *
 * Every SQL function of amprenta that takes options rejects unknown keys
 * and values of the wrong type with an error (22023) naming the valid keys,
 * so a typo never silently changes what happens.
 */
#ifndef AMPRENTA_OPTIONS_H
#define AMPRENTA_OPTIONS_H

#include "postgres.h"

#include "nodes/pg_list.h"
#include "utils/jsonb.h"
#include "utils/uuid.h"

/*
 * Calls `take` for every key of `options` whose value is not JSON null (an
 * explicit null means "not given").  `take` returns false for a key it does
 * not know; the error then lists `valid_keys`.  NULL options are "{}".
 */
typedef bool (*option_taker) (const char *key, JsonbValue *value, void *arg);

extern void options_walk(Jsonb *options, const char *valid_keys,
						 option_taker take, void *arg);

/* Value readers: each raises 22023 naming `key` on a value of another type. */
extern char *option_string(const char *key, JsonbValue *v);
extern List *option_string_list(const char *key, JsonbValue *v);
extern void option_uuid(const char *key, JsonbValue *v, pg_uuid_t *out);
extern bool option_bool(const char *key, JsonbValue *v);
extern double option_number(const char *key, JsonbValue *v, double min, double max);

#endif
