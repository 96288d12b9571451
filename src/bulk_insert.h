/*
 * bulk_insert.h - rows the sync worker writes in bulk (bulk_insert.c).
 */
#ifndef AMPRENTA_BULK_INSERT_H
#define AMPRENTA_BULK_INSERT_H

#include "postgres.h"

#include "executor/tuptable.h"

typedef struct BulkInsert BulkInsert;

/* Up to capacity rows into amprenta.<relname>. */
extern BulkInsert *bulk_insert_begin(const char *relname, int capacity);
/* 0-based position of a column. */
extern int	bulk_insert_attnum(BulkInsert *b, const char *column);
/* A new row, every column NULL: fill tts_values / tts_isnull. */
extern TupleTableSlot *bulk_insert_row(BulkInsert *b);
/* Writes the rows and their index entries; closes. */
extern void bulk_insert_end(BulkInsert *b);

#endif
