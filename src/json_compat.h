/*
 * json_compat.h - lets a glue file use json-c.
 *
 * PostgreSQL declares a SQL-callable C function named json_object (in
 * utils/fmgrprotos.h) and json-c a type of the same name.  Include this
 * right after postgres.h: it reads PostgreSQL's declarations with the name
 * hidden, so json-c's type is the only json_object the file sees.
 */
#ifndef AMPRENTA_JSON_COMPAT_H
#define AMPRENTA_JSON_COMPAT_H

#define json_object amprenta_pg_json_object_fn
#include "utils/fmgrprotos.h"
#undef json_object

#include <json-c/json.h>

#endif
