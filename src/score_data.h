/*
 * score_data.h - the dataset values the scorer reads.
 *
 * A feature's values across datasets come from the covering unique index
 * dataset_features (feature_id, dataset_id) INCLUDE (statistic, ...): one
 * index range per feature, read index-only where the visibility map allows,
 * in dataset order, so scoring a signature against every dataset touches a
 * few index pages per component instead of one heap page per dataset.
 * Per-dataset data that the rank-based methods and permutations need (the
 * ranks of every row, the pool of rows to draw from) is read through the
 * primary key.
 */
#ifndef AMPRENTA_SCORE_DATA_H
#define AMPRENTA_SCORE_DATA_H

#include "postgres.h"

#include "utils/uuid.h"

#include "score.h"

/* One dataset_features row as the scorer sees it. */
typedef struct ScoreValue
{
	double		x;				/* statistic, else log2 fold change; NAN = none */
	double		p;				/* adjusted p, else p; NAN = none */
	int32		rank;			/* stored rank (1 = largest, ties share); 0 = none */
} ScoreValue;

typedef struct ScoreReader ScoreReader;

extern ScoreReader *score_reader_open(void);
extern void score_reader_close(ScoreReader *r);

/* The row of (feature, dataset), if the dataset has the feature. */
extern bool score_reader_probe(ScoreReader *r, const pg_uuid_t *feature,
							   const pg_uuid_t *dataset, ScoreValue *out);

/*
 * Streams of one feature's rows in dataset order.  score_stream_next()
 * returns false at the end.
 */
typedef struct ScoreStream ScoreStream;

extern ScoreStream *score_stream_begin(ScoreReader *r, const pg_uuid_t *feature);
extern bool score_stream_next(ScoreStream *s, pg_uuid_t *dataset, ScoreValue *out);
extern void score_stream_end(ScoreStream *s);

/* Every dataset: id and omics type (as the omics_kind number), sorted by id. */
typedef struct ScoreDataset
{
	pg_uuid_t	id;
	int			omics;
} ScoreDataset;

extern ScoreDataset *score_datasets(int64 *n);

/* The omics type of one dataset, or -1 when it does not exist. */
extern int	score_dataset_omics(const pg_uuid_t *id);

/*
 * Whole-dataset facts for the rank methods and permutations: N (rows with
 * a rank), the number of rows sharing each rank (ties[r], r = 1..N), and,
 * when pool is wanted, one score_obs per row linked to a feature.
 */
typedef struct ScoreDatasetRows
{
	int64		n_ranked;
	int32	   *ties;			/* n_ranked + 1 entries */
	score_obs  *pool;
	int64		npool;
} ScoreDatasetRows;

extern void score_dataset_rows(ScoreReader *r, const pg_uuid_t *dataset, bool want_pool,
							   ScoreDatasetRows *out);

/* The score_obs of a value, given the dataset's ranks (NULL: no ranks). */
extern void score_value_obs(const ScoreValue *v, const ScoreDatasetRows *rows, score_obs *obs);

#endif
