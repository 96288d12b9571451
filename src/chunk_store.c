/*
 * chunk_store.c - the index sink's writes into amprenta.chunks (the local
 * semantic index), in bulk.
 *
 * A delivered batch replaces the chunks of its entities: the old rows are
 * deleted with one statement, the new ones written in bulk (bulk_insert.c).
 * An INSERT ... ON CONFLICT of the same rows from SQL arrays cost about a
 * quarter of the worker's time in a long drain (speculative insertion per
 * row, a 200,000-element array sliced per row, compression attempted on
 * every row).  The CHECK constraints hold by construction (known entity
 * type, chunk_no >= 0, a 32-byte hash, embedding and model given
 * together); chunks has no trigger on insert and no foreign key.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "bulk_insert.h"
#include "chunk_store.h"

struct ChunkStore
{
	BulkInsert *rows;
	Datum		now;
	int			att_type,
				att_id,
				att_no,
				att_content,
				att_sha,
				att_embedding,
				att_model,
				att_created,
				att_updated;
};

void
chunk_store_delete(const char *const *entity_types, const pg_uuid_t *entity_ids, int n)
{
	static SPIPlanPtr plan;
	Oid			types[2] = {TEXTARRAYOID, UUIDARRAYOID};
	Datum		args[2];
	Datum	   *et,
			   *eid;

	if (n == 0)
		return;
	et = palloc(sizeof(Datum) * n);
	eid = palloc(sizeof(Datum) * n);
	for (int i = 0; i < n; i++)
	{
		et[i] = CStringGetTextDatum(entity_types[i]);
		eid[i] = UUIDPGetDatum(&entity_ids[i]);
	}
	/* Planned per batch, like the queue's statements (sync_outbox.c). */
	plan = SPI_prepare("DELETE FROM amprenta.chunks c"
					   "  USING unnest($1::text[], $2::uuid[]) AS t (entity_type, entity_id)"
					   " WHERE c.entity_type = t.entity_type AND c.entity_id = t.entity_id", 2, types);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	args[0] = PointerGetDatum(construct_array(et, n, TEXTOID, -1, false, TYPALIGN_INT));
	args[1] = PointerGetDatum(construct_array(eid, n, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));
	if (SPI_execute_plan(plan, args, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "deleting chunks failed");
	SPI_freeplan(plan);
}

ChunkStore *
chunk_store_begin(int capacity)
{
	ChunkStore *cs = palloc0(sizeof(ChunkStore));

	cs->rows = bulk_insert_begin("chunks", capacity, NULL);
	cs->now = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	cs->att_type = bulk_insert_attnum(cs->rows, "entity_type");
	cs->att_id = bulk_insert_attnum(cs->rows, "entity_id");
	cs->att_no = bulk_insert_attnum(cs->rows, "chunk_no");
	cs->att_content = bulk_insert_attnum(cs->rows, "content");
	cs->att_sha = bulk_insert_attnum(cs->rows, "content_sha256");
	cs->att_embedding = bulk_insert_attnum(cs->rows, "embedding");
	cs->att_model = bulk_insert_attnum(cs->rows, "embedding_model");
	cs->att_created = bulk_insert_attnum(cs->rows, "created_at");
	cs->att_updated = bulk_insert_attnum(cs->rows, "updated_at");
	return cs;
}

void
chunk_sha256(const char *s, size_t len, uint8 *out)
{
	pg_cryptohash_ctx *h = pg_cryptohash_create(PG_SHA256);

	if (h == NULL || pg_cryptohash_init(h) < 0 ||
		pg_cryptohash_update(h, (const uint8 *) s, len) < 0 ||
		pg_cryptohash_final(h, out, 32) < 0)
		elog(ERROR, "could not compute SHA-256: %s", pg_cryptohash_error(h));
	pg_cryptohash_free(h);
}

/* A one-dimensional float4[] of dim elements, no NULLs. */
static Datum
vector_datum(const float *v, int dim)
{
	Size		bytes = ARR_OVERHEAD_NONULLS(1) + sizeof(float4) * (Size) dim;
	ArrayType  *a = palloc0(bytes);

	SET_VARSIZE(a, bytes);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = FLOAT4OID;
	ARR_DIMS(a)[0] = dim;
	ARR_LBOUND(a)[0] = 1;
	memcpy((char *) a + ARR_OVERHEAD_NONULLS(1), v, sizeof(float4) * (Size) dim);
	return PointerGetDatum(a);
}

void
chunk_store_add(ChunkStore *cs, const char *entity_type, const pg_uuid_t *entity_id,
				int chunk_no, const char *content, const uint8 *sha256,
				const float *vector, int dim, const char *model)
{
	TupleTableSlot *slot = bulk_insert_row(cs->rows);
	Datum	   *values = slot->tts_values;
	bool	   *nulls = slot->tts_isnull;

	values[cs->att_type] = CStringGetTextDatum(entity_type);
	values[cs->att_id] = UUIDPGetDatum(entity_id);
	values[cs->att_no] = Int32GetDatum(chunk_no);
	values[cs->att_content] = CStringGetTextDatum(content);
	{
		bytea	   *b = palloc(VARHDRSZ + 32);

		SET_VARSIZE(b, VARHDRSZ + 32);
		memcpy(VARDATA(b), sha256, 32);
		values[cs->att_sha] = PointerGetDatum(b);
	}
	values[cs->att_embedding] = vector_datum(vector, dim);
	values[cs->att_model] = CStringGetTextDatum(model);
	values[cs->att_created] = cs->now;
	values[cs->att_updated] = cs->now;
	nulls[cs->att_type] = nulls[cs->att_id] = nulls[cs->att_no] = false;
	nulls[cs->att_content] = nulls[cs->att_sha] = false;
	nulls[cs->att_embedding] = nulls[cs->att_model] = false;
	nulls[cs->att_created] = nulls[cs->att_updated] = false;
}

void
chunk_store_end(ChunkStore *cs)
{
	bulk_insert_end(cs->rows);
}
