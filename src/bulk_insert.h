/*
 * bulk_insert.h - rows written in bulk, as COPY writes them (bulk_insert.c).
 */
#ifndef AMPRENTA_BULK_INSERT_H
#define AMPRENTA_BULK_INSERT_H

#include "postgres.h"

#include "executor/tuptable.h"

typedef struct BulkInsert BulkInsert;

/*
 * Rows into amprenta.<relname>, up to capacity per batch; the hint goes
 * with the error when the user may not insert into the table.
 */
extern BulkInsert *bulk_insert_begin(const char *relname, int capacity,
									 const char *privilege_hint);
/* 0-based position of a column. */
extern int	bulk_insert_attnum(BulkInsert *b, const char *column);
/*
 * A new row of the batch, every column NULL: fill tts_values / tts_isnull
 * (with values that live until the batch is flushed).
 */
extern TupleTableSlot *bulk_insert_row(BulkInsert *b);
/* Writes the batch's rows and their index entries. */
extern void bulk_insert_flush(BulkInsert *b);
/* Flushes and closes; later statements of the transaction see the rows. */
extern void bulk_insert_end(BulkInsert *b);

#endif
