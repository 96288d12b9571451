/*
 * chunk_store.h - the index sink's writes into amprenta.chunks, in bulk.
 */
#ifndef AMPRENTA_CHUNK_STORE_H
#define AMPRENTA_CHUNK_STORE_H

#include "postgres.h"

#include "utils/uuid.h"

/* Deletes every chunk of the n entities (SPI connected). */
extern void chunk_store_delete(const char *const *entity_types, const pg_uuid_t *entity_ids, int n);

typedef struct ChunkStore ChunkStore;

/* Up to capacity rows, added one by one, written by chunk_store_end(). */
extern ChunkStore *chunk_store_begin(int capacity);

/* sha256: of content (chunk_sha256); vector: dim floats made by model. */
extern void chunk_store_add(ChunkStore *cs, const char *entity_type, const pg_uuid_t *entity_id,
							int chunk_no, const char *content, const uint8 *sha256,
							const float *vector, int dim, const char *model);

/* SHA-256 of s[0..len) into out (32 bytes). */
extern void chunk_sha256(const char *s, size_t len, uint8 *out);
extern void chunk_store_end(ChunkStore *cs);

#endif
