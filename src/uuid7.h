/*
 * uuid7.h - time-ordered UUIDs (RFC 9562 version 7) for rows created in bulk.
 */
#ifndef AMPRENTA_UUID7_H
#define AMPRENTA_UUID7_H

#include "postgres.h"

#include "utils/uuid.h"

/* Fill n UUIDs, each greater than the one before within this backend. */
extern void uuid7_generate(pg_uuid_t *out, int n);

#endif
