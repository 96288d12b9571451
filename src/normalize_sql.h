/*
 * normalize_sql.h - conversions between the core's feature_kind and the SQL
 * enum amprenta.feature_type.
 */
#ifndef AMPRENTA_NORMALIZE_SQL_H
#define AMPRENTA_NORMALIZE_SQL_H

#include "postgres.h"

#include "normalize.h"

extern Datum feature_kind_datum(feature_kind kind);
extern feature_kind feature_kind_from_datum(Datum d);

#endif
