/*
 * ingest.h - declarations shared by the ingestion glue:
 *   ingest.c          the SQL entry points, file access, idempotency
 *   ingest_options.c  the options jsonb
 *   ingest_source.c   bytes from a server file or from a text argument
 *   ingest_run.c      the two passes over the bytes (plan, then store)
 *   ingest_store.c    datasets, features, dataset_features, ingestions rows
 */
#ifndef AMPRENTA_INGEST_H
#define AMPRENTA_INGEST_H

#include "postgres.h"

#include "nodes/pg_list.h"
#include "utils/jsonb.h"
#include "utils/uuid.h"

#include "columns.h"
#include "normalize.h"
#include "tabular.h"

/* SQL enum amprenta.omics_type, in declaration order; -1 = not given. */
typedef enum omics_kind
{
	OMICS_UNKNOWN = -1,
	OMICS_LIPIDOMICS = 0,
	OMICS_METABOLOMICS,
	OMICS_PROTEOMICS,
	OMICS_TRANSCRIPTOMICS
} omics_kind;

extern const char *omics_kind_name(omics_kind kind);
extern omics_kind omics_kind_from_name(const char *name);
extern const char *feature_kind_name(feature_kind kind);

typedef struct IngestOptions
{
	Jsonb	   *raw;			/* as given, for the ingestions row and idempotency */
	char	   *name;
	char	   *description;
	List	   *organism;		/* of char * */
	List	   *disease;
	List	   *sample_type;
	bool		has_program;
	pg_uuid_t	program_id;
	bool		has_experiment;
	pg_uuid_t	experiment_id;
	char	   *feature_column;
	ingest_layout layout;
	char		delimiter;		/* 0 = detect */
	char	   *notion_page_id;
} IngestOptions;

extern void ingest_parse_options(Jsonb *options, IngestOptions *opts);

/* Where the bytes come from. */
typedef struct IngestSource
{
	const char *file_name;		/* base name shown in messages and stored */
	const char *path;			/* server path, or NULL for text input */
	/* text input */
	const char *data;
	size_t		len;
	size_t		offset;			/* read cursor */
	/* file input */
	FILE	   *fp;
	int64		size;			/* bytes in the file or the text */
} IngestSource;

#define INGEST_CHUNK (64 * 1024)

extern void ingest_source_open_file(IngestSource *src, const char *path);
extern void ingest_source_open_text(IngestSource *src, const char *data, size_t len,
									const char *file_name);
extern void ingest_source_rewind(IngestSource *src);
/* Next chunk: *buf points into a buffer valid until the next call; 0 at end. */
extern size_t ingest_source_read(IngestSource *src, const char **buf, char *scratch);
extern void ingest_source_close(IngestSource *src);

/* Memory hooks of the table reader in CurrentMemoryContext (palloc). */
extern tab_alloc ingest_tab_alloc(void);

extern void ingest_require_file_privilege(const char *hint);

/* ingest_run.c: does both passes and returns the dataset id. */
extern pg_uuid_t *ingest_run(IngestSource *src, omics_kind requested, IngestOptions *opts);

#endif
