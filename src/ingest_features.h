/*
 * ingest_features.h - the features named by an ingestion, resolved in bulk.
 */
#ifndef AMPRENTA_INGEST_FEATURES_H
#define AMPRENTA_INGEST_FEATURES_H

#include "postgres.h"

#include "utils/uuid.h"

#include "normalize.h"

typedef struct FeatureEntry
{
	char	   *key;			/* "<feature_kind digit><normalized name>" */
	pg_uuid_t	id;
	bool		resolved;
	int32		first_line;
} FeatureEntry;

typedef struct FeatureStore FeatureStore;

extern FeatureStore *features_begin(void);

/*
 * The entry of a feature for this file, created unresolved when new;
 * *is_new tells whether the file named it before (the duplicate policy).
 */
extern FeatureEntry *features_entry(FeatureStore *fs, feature_kind kind,
									const char *normalized, int32 line, bool *is_new);

/*
 * Give ids to n unresolved entries: existing features are looked up and
 * locked FOR KEY SHARE, missing ones are created (raw_names[i] becomes
 * the new feature's display name).
 */
extern void features_resolve(FeatureStore *fs, FeatureEntry **pending,
							 const char *const *raw_names, int n);

extern void features_end(FeatureStore *fs);

#endif
