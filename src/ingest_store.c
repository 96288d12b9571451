/*
 * ingest_store.c - the writes of an ingestion.
 *
 * Features are resolved a batch at a time by ingest_features.c.
 * dataset_features rows are written in batches by bulk_insert.c
 * (table_multi_insert() and the indexes' own insertion, as COPY does); the foreign
 * keys hold because the dataset row was created by this transaction and
 * no referenced feature can be deleted before it commits (ingest_features.c:
 * an advisory lock that DELETE on features waits for, or each row locked
 * FOR KEY SHARE under REPEATABLE READ and SERIALIZABLE), and the CHECK
 * constraints hold because the reader validates each value with the file
 * line in hand.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "bulk_insert.h"
#include "ingest_store.h"
#include "uuid7.h"

#define STORE_BATCH 4096
#define STORE_BATCH_BYTES (8 * 1024 * 1024)	/* wide rows flush sooner */

struct StoreState
{
	pg_uuid_t	dataset_id;
	int			nsamples;
	BulkInsert *out;			/* dataset_features */
	StoreRow	rows[STORE_BATCH];
	int			nrows;
	Size		batch_bytes;	/* approximate size of the queued rows */
	MemoryContext batch_ctx;	/* reset after every flush */
	FeatureStore *features;
	Datum		mapping_datum[5];
	/* attribute numbers (0-based) in dataset_features */
	int			att_dataset_id,
				att_ordinal,
				att_feature_id,
				att_raw_name,
				att_mapping,
				att_stats[NUM_STATS],
				att_samples,
				att_rank;
};

static const char *const stat_columns[NUM_STATS] = {
	"log2_fold_change", "statistic", "p_value", "adjusted_p_value", "abundance"
};
static const char *const mapping_labels[5] = {
	"exact", "repaired", "ambiguous", "unmapped", "duplicate"
};

static Oid
amprenta_namespace(void)
{
	return get_namespace_oid("amprenta", false);
}

int
store_attnum(Relation rel, const char *name)
{
	TupleDesc	desc = RelationGetDescr(rel);

	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(desc, i);

		if (!a->attisdropped && strcmp(NameStr(a->attname), name) == 0)
			return i;
	}
	elog(ERROR, "amprenta.%s has no column \"%s\"", RelationGetRelationName(rel), name);
	return -1;					/* keep compiler quiet */
}

StoreState *
store_begin(const pg_uuid_t *dataset_id, int nsamples)
{
	StoreState *st = palloc0(sizeof(StoreState));
	Oid			nsp = amprenta_namespace();
	Oid			relid = get_relname_relid("dataset_features", nsp);
	Oid			mapping_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
											   CStringGetDatum("mapping_status"),
											   ObjectIdGetDatum(nsp));

	if (!OidIsValid(relid) || !OidIsValid(mapping_type))
		elog(ERROR, "the amprenta schema is incomplete");

	st->dataset_id = *dataset_id;
	st->nsamples = nsamples;
	st->out = bulk_insert_begin("dataset_features", STORE_BATCH,
								"Ingestion needs the privileges of amprenta_writer.");

	st->att_dataset_id = bulk_insert_attnum(st->out, "dataset_id");
	st->att_ordinal = bulk_insert_attnum(st->out, "ordinal");
	st->att_feature_id = bulk_insert_attnum(st->out, "feature_id");
	st->att_raw_name = bulk_insert_attnum(st->out, "raw_name");
	st->att_mapping = bulk_insert_attnum(st->out, "mapping");
	for (int i = 0; i < NUM_STATS; i++)
		st->att_stats[i] = bulk_insert_attnum(st->out, stat_columns[i]);
	st->att_samples = bulk_insert_attnum(st->out, "sample_values");
	st->att_rank = bulk_insert_attnum(st->out, "rank");

	for (int i = 0; i < 5; i++)
		st->mapping_datum[i] = DirectFunctionCall2(enum_in,
												   CStringGetDatum(mapping_labels[i]),
												   ObjectIdGetDatum(mapping_type));

	st->batch_ctx = AllocSetContextCreate(CurrentMemoryContext, "amprenta ingest batch",
										  ALLOCSET_DEFAULT_SIZES);
	st->features = features_begin();
	return st;
}

FeatureEntry *
store_feature(StoreState *st, feature_kind kind, const char *normalized,
			  int32 line, bool *is_new)
{
	return features_entry(st->features, kind, normalized, line, is_new);
}

StoreRow *
store_row(StoreState *st)
{
	StoreRow   *row;

	if (st->nrows == STORE_BATCH || st->batch_bytes > STORE_BATCH_BYTES)
		store_flush(st);
	row = &st->rows[st->nrows++];
	memset(row, 0, sizeof(*row));
	for (int i = 0; i < NUM_STATS; i++)
		row->stat_null[i] = true;
	st->batch_bytes += sizeof(StoreRow) + 2 * (sizeof(float4) + sizeof(bool)) * st->nsamples;
	if (st->nsamples > 0)
	{
		row->samples = MemoryContextAlloc(st->batch_ctx, sizeof(float4) * st->nsamples);
		row->sample_null = MemoryContextAlloc(st->batch_ctx, sizeof(bool) * st->nsamples);
	}
	return row;
}

char *
store_strdup(StoreState *st, const char *s)
{
	return MemoryContextStrdup(st->batch_ctx, s);
}

/* Give every unresolved feature of the batch its id. */
static void
resolve_features(StoreState *st)
{
	FeatureEntry **pending = palloc(sizeof(FeatureEntry *) * st->nrows);
	const char **raws = palloc(sizeof(char *) * st->nrows);
	int			n = 0;

	for (int i = 0; i < st->nrows; i++)
	{
		FeatureEntry *e = st->rows[i].feature;

		/* A new entry is referenced by exactly one row (the duplicate policy). */
		if (e == NULL || e->resolved)
			continue;
		pending[n] = e;
		raws[n] = st->rows[i].raw_name;
		n++;
	}
	features_resolve(st->features, pending, raws, n);
}

void
store_flush(StoreState *st)
{
	MemoryContext old;

	if (st->nrows == 0)
		return;
	CHECK_FOR_INTERRUPTS();

	old = MemoryContextSwitchTo(st->batch_ctx);
	resolve_features(st);

	for (int i = 0; i < st->nrows; i++)
	{
		StoreRow   *row = &st->rows[i];
		TupleTableSlot *slot = bulk_insert_row(st->out);
		Datum	   *values = slot->tts_values;
		bool	   *nulls = slot->tts_isnull;

		values[st->att_dataset_id] = UUIDPGetDatum(&st->dataset_id);
		nulls[st->att_dataset_id] = false;
		values[st->att_ordinal] = Int32GetDatum(row->ordinal);
		nulls[st->att_ordinal] = false;
		if (row->feature)
		{
			values[st->att_feature_id] = UUIDPGetDatum(&row->feature->id);
			nulls[st->att_feature_id] = false;
		}
		values[st->att_raw_name] = CStringGetTextDatum(row->raw_name);
		nulls[st->att_raw_name] = false;
		values[st->att_mapping] = st->mapping_datum[row->mapping];
		nulls[st->att_mapping] = false;
		for (int s = 0; s < NUM_STATS; s++)
		{
			if (!row->stat_null[s])
			{
				values[st->att_stats[s]] = Float8GetDatum(row->stats[s]);
				nulls[st->att_stats[s]] = false;
			}
		}
		if (row->samples)
		{
			Datum	   *elems = palloc(sizeof(Datum) * st->nsamples);
			int			dims[1] = {st->nsamples};
			int			lbs[1] = {1};

			for (int s = 0; s < st->nsamples; s++)
				elems[s] = Float4GetDatum(row->samples[s]);
			values[st->att_samples] = PointerGetDatum(construct_md_array(elems, row->sample_null, 1, dims, lbs,
																		 FLOAT4OID, sizeof(float4), true,
																		 TYPALIGN_INT));
			nulls[st->att_samples] = false;
		}
		if (row->rank > 0)
		{
			values[st->att_rank] = Int32GetDatum(row->rank);
			nulls[st->att_rank] = false;
		}
	}
	bulk_insert_flush(st->out);

	MemoryContextSwitchTo(old);
	MemoryContextReset(st->batch_ctx);
	st->nrows = 0;
	st->batch_bytes = 0;
}

void
store_end(StoreState *st)
{
	store_flush(st);
	bulk_insert_end(st->out);
	features_end(st->features);
	MemoryContextDelete(st->batch_ctx);
}

static Datum
text_array(List *items)
{
	int			n = list_length(items);
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	int			i = 0;
	ListCell   *lc;

	foreach(lc, items)
		elems[i++] = CStringGetTextDatum((char *) lfirst(lc));
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

static Datum
bytea_datum(const uint8 *bytes, int len)
{
	bytea	   *b = palloc(VARHDRSZ + len);

	SET_VARSIZE(b, VARHDRSZ + len);
	memcpy(VARDATA(b), bytes, len);
	return PointerGetDatum(b);
}

/*
 * Link the new dataset to a program or experiment named in the options,
 * with a clear error when that row does not exist.
 */
static void
link_dataset(const pg_uuid_t *dataset_id, const pg_uuid_t *parent_id, const char *what,
			 const char *table, const char *link_table)
{
	Oid			types[2] = {UUIDOID, UUIDOID};
	Datum		args[2] = {UUIDPGetDatum(parent_id), UUIDPGetDatum(dataset_id)};
	int			rc;

	rc = SPI_execute_with_args(psprintf("SELECT 1 FROM amprenta.%s WHERE id = $1 FOR KEY SHARE", table),
							   1, types, args, NULL, false, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("%s %s does not exist", what,
						DatumGetCString(DirectFunctionCall1(uuid_out, args[0]))),
				 errhint("Pass the id of a row of amprenta.%s as option \"%s_id\".", table, what)));
	rc = SPI_execute_with_args(psprintf("INSERT INTO amprenta.%s (%s_id, dataset_id) VALUES ($1, $2)",
										link_table, what),
							   2, types, args, NULL, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "linking the dataset failed: %s", SPI_result_code_string(rc));
}

pg_uuid_t *
store_create_dataset(const IngestOptions *opts, const char *default_name,
					 omics_kind omics, List *sample_names,
					 const IngestSource *src, const uint8 *sha256,
					 const char *format)
{
	Oid			types[14] = {TEXTOID, TEXTOID, TEXTOID, TEXTARRAYOID, TEXTARRAYOID,
		TEXTARRAYOID, TEXTARRAYOID, TEXTOID, TEXTOID, BYTEAOID, INT8OID, TEXTOID, TEXTOID, UUIDOID};
	Datum		args[14];
	char		nulls[14];
	int			rc;
	bool		isnull;
	pg_uuid_t  *id = palloc(sizeof(pg_uuid_t));

	memset(nulls, ' ', sizeof(nulls));
	args[0] = CStringGetTextDatum(opts->name ? opts->name : default_name);
	args[1] = CStringGetTextDatum(omics_kind_name(omics));
	if (opts->description)
		args[2] = CStringGetTextDatum(opts->description);
	else
		nulls[2] = 'n';
	args[3] = text_array(opts->organism);
	args[4] = text_array(opts->disease);
	args[5] = text_array(opts->sample_type);
	args[6] = text_array(sample_names);
	args[7] = CStringGetTextDatum(src->file_name);
	if (src->path)
		args[8] = CStringGetTextDatum(src->path);
	else
		nulls[8] = 'n';
	args[9] = bytea_datum(sha256, 32);
	args[10] = Int64GetDatum(src->size);
	args[11] = CStringGetTextDatum(format);
	if (opts->notion_page_id)
		args[12] = CStringGetTextDatum(opts->notion_page_id);
	else
		nulls[12] = 'n';

	/*
	 * A time-ordered id: the rows of successive datasets then land at the
	 * right edge of the dataset_features primary key.
	 */
	uuid7_generate(id, 1);
	args[13] = UUIDPGetDatum(id);
	rc = SPI_execute_with_args("INSERT INTO amprenta.datasets (name, omics_type, description, organism, disease, "
							   "  sample_type, sample_names, file_name, file_path, file_sha256, file_size, "
							   "  file_format, notion_page_id, id) "
							   "VALUES ($1, $2::amprenta.omics_type, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
							   "RETURNING id",
							   14, types, args, nulls, false, 0);	/* no row limit: it would skip the
																	 * statement triggers (sync capture) */
	if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "creating the dataset failed: %s", SPI_result_code_string(rc));
	memcpy(id, DatumGetUUIDP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)),
		   sizeof(pg_uuid_t));

	if (opts->has_program)
		link_dataset(id, &opts->program_id, "program", "programs", "program_datasets");
	if (opts->has_experiment)
		link_dataset(id, &opts->experiment_id, "experiment", "experiments", "experiment_datasets");
	return id;
}

void
store_ingestion(const pg_uuid_t *dataset_id, const IngestSource *src,
				const uint8 *sha256, omics_kind omics, const char *format,
				Jsonb *options, const IngestCounts *counts, Jsonb *warnings,
				TimestampTz started_at)
{
	Oid			types[14] = {UUIDOID, TEXTOID, TEXTOID, BYTEAOID, INT8OID, TEXTOID, TEXTOID,
		JSONBOID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, JSONBOID};
	Datum		args[15];
	char		nulls[15];
	int			rc;
	Oid			alltypes[15];

	memcpy(alltypes, types, sizeof(types));
	alltypes[14] = TIMESTAMPTZOID;
	memset(nulls, ' ', sizeof(nulls));
	args[0] = UUIDPGetDatum(dataset_id);
	args[1] = CStringGetTextDatum(src->file_name);
	if (src->path)
		args[2] = CStringGetTextDatum(src->path);
	else
		nulls[2] = 'n';
	args[3] = bytea_datum(sha256, 32);
	args[4] = Int64GetDatum(src->size);
	args[5] = CStringGetTextDatum(omics_kind_name(omics));
	args[6] = CStringGetTextDatum(format);
	args[7] = JsonbPGetDatum(options);
	args[8] = Int64GetDatum(counts->rows_read);
	args[9] = Int64GetDatum(counts->rows_kept);
	args[10] = Int64GetDatum(counts->unmapped);
	args[11] = Int64GetDatum(counts->ambiguous);
	args[12] = Int64GetDatum(counts->duplicates);
	args[13] = JsonbPGetDatum(warnings);
	args[14] = TimestampTzGetDatum(started_at);

	rc = SPI_execute_with_args("INSERT INTO amprenta.ingestions (dataset_id, file_name, file_path, sha256, "
							   "  file_size, omics_type, format, options, rows_read, rows_kept, unmapped, "
							   "  ambiguous, duplicates, warnings, started_at) "
							   "VALUES ($1, $2, $3, $4, $5, $6::amprenta.omics_type, $7, $8, $9, $10, $11, "
							   "  $12, $13, $14, $15)",
							   15, alltypes, args, nulls, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "recording the ingestion failed: %s", SPI_result_code_string(rc));
}

pg_uuid_t *
store_find_previous(const uint8 *sha256, Jsonb *options, omics_kind requested)
{
	Oid			types[3] = {BYTEAOID, JSONBOID, TEXTOID};
	Datum		args[3];
	char		nulls[3] = {' ', ' ', ' '};
	int			rc;
	pg_uuid_t  *id;
	bool		isnull;

	args[0] = bytea_datum(sha256, 32);
	args[1] = JsonbPGetDatum(options);
	if (requested != OMICS_UNKNOWN)
		args[2] = CStringGetTextDatum(omics_kind_name(requested));
	else
		nulls[2] = 'n';
	rc = SPI_execute_with_args("SELECT i.dataset_id FROM amprenta.ingestions i "
							   " WHERE i.sha256 = $1 AND i.options = $2 AND i.dataset_id IS NOT NULL "
							   "   AND ($3 IS NULL OR i.omics_type = $3::amprenta.omics_type) "
							   " ORDER BY i.finished_at DESC LIMIT 1",
							   3, types, args, nulls, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "looking up earlier ingestions failed: %s", SPI_result_code_string(rc));
	if (SPI_processed == 0)
		return NULL;
	id = palloc(sizeof(pg_uuid_t));
	memcpy(id, DatumGetUUIDP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)),
		   sizeof(pg_uuid_t));
	return id;
}
