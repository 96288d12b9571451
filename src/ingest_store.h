/*
 * ingest_store.h - writing an ingestion: the dataset row, features in bulk,
 * dataset_features through table_multi_insert, the ingestions record.
 */
#ifndef AMPRENTA_INGEST_STORE_H
#define AMPRENTA_INGEST_STORE_H

#include "postgres.h"

#include "nodes/pg_list.h"
#include "utils/relcache.h"
#include "utils/hsearch.h"
#include "utils/uuid.h"

#include "ingest.h"
#include "ingest_features.h"

/* SQL enum amprenta.mapping_status, in declaration order. */
typedef enum mapping_kind
{
	MAPPING_EXACT = 0,
	MAPPING_REPAIRED,
	MAPPING_AMBIGUOUS,
	MAPPING_UNMAPPED,
	MAPPING_DUPLICATE
} mapping_kind;

#define NUM_STATS 5				/* log2fc, stat, p, padj, abundance */

/* One dataset_features row being built. */
typedef struct StoreRow
{
	int32		ordinal;
	int32		rank;			/* 0 = none */
	char	   *raw_name;
	mapping_kind mapping;
	FeatureEntry *feature;		/* NULL when unmapped or duplicate */
	double		stats[NUM_STATS];
	bool		stat_null[NUM_STATS];
	float4	   *samples;		/* nsamples values, or NULL */
	bool	   *sample_null;
} StoreRow;


typedef struct StoreState StoreState;

/* 0-based position of a column, by name (the glue never hard-codes them). */
extern int	store_attnum(Relation rel, const char *name);

extern StoreState *store_begin(const pg_uuid_t *dataset_id, int nsamples);

/*
 * The entry for a feature, created unresolved when new.  *is_new tells the
 * caller whether this file mentioned the feature before (duplicate policy).
 */
extern FeatureEntry *store_feature(StoreState *st, feature_kind kind,
								   const char *normalized, int32 line, bool *is_new);

/* Queue a row for the caller to fill (strings through store_strdup); rows are written in batches. */
extern StoreRow *store_row(StoreState *st);
/* Copy a string into the current batch (for row fields). */
extern char *store_strdup(StoreState *st, const char *s);
extern void store_flush(StoreState *st);
extern void store_end(StoreState *st);

/* The dataset row (SPI); returns the new id. */
extern pg_uuid_t *store_create_dataset(const IngestOptions *opts, const char *default_name,
									   omics_kind omics, List *sample_names,
									   const IngestSource *src, const uint8 *sha256,
									   const char *format);

typedef struct IngestCounts
{
	int64		rows_read;
	int64		rows_kept;
	int64		unmapped;
	int64		ambiguous;
	int64		duplicates;
} IngestCounts;

extern void store_ingestion(const pg_uuid_t *dataset_id, const IngestSource *src,
							const uint8 *sha256, omics_kind omics, const char *format,
							Jsonb *options, const IngestCounts *counts, Jsonb *warnings,
							TimestampTz started_at);

/* The dataset of an earlier identical ingestion, or NULL. */
extern pg_uuid_t *store_find_previous(const uint8 *sha256, Jsonb *options, omics_kind requested);

#endif
