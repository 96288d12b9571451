/*
 * normalize.h - the contract shared by every identifier normalizer in
 * src/core/ (lipid.c, gene.c, protein.c, metabolite.c, feature_type.c).
 *
 * Plain C, no PostgreSQL headers.  Every normalizer:
 *   - takes the raw bytes (not necessarily NUL-terminated) and their length;
 *   - writes a NUL-terminated canonical form into a caller buffer of
 *     `outsz` bytes (NORM_OUT_MAX is always enough);
 *   - never allocates, keeps no mutable global state and is thread-safe;
 *   - returns a norm_status and, through `reason` (may be NULL), a static
 *     English sentence saying why the name was rejected, repaired or
 *     flagged (NULL when the status is NORM_OK).
 */
#ifndef AMPRENTA_NORMALIZE_H
#define AMPRENTA_NORMALIZE_H

#include <stddef.h>

/* Longest canonical form any normalizer writes, terminator included. */
#define NORM_OUT_MAX 512

typedef enum norm_status
{
	NORM_OK = 0,				/* canonical form written */
	NORM_REPAIRED,				/* written, after an unambiguous repair
								 * (e.g. Excel date damage); reason says what */
	NORM_AMBIGUOUS,				/* written as the best reading, but another
								 * reading exists; callers flag the row */
	NORM_INVALID				/* not a name of this type: nothing written
								 * (out is ""), reason says why */
} norm_status;

/* The four kinds of feature, in the order of the SQL enum feature_type. */
typedef enum feature_kind
{
	FEATURE_GENE = 0,
	FEATURE_PROTEIN,
	FEATURE_METABOLITE,
	FEATURE_LIPID,
	FEATURE_UNKNOWN = -1
} feature_kind;

#endif
