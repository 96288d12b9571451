/*
 * pinecone_payload.h - request bodies for Pinecone's vector data plane
 * (upsert, delete) and parsers of its responses (describe_index, upsert,
 * errors), after the wire reference external_apis.md §2.
 *
 * Upserts are built incrementally (PcUpsert) so that a batch never breaks
 * a request limit (§2.11): at most PC_MAX_VECTORS_PER_UPSERT vectors and
 * PC_MAX_UPSERT_BYTES of JSON, each vector's metadata at most
 * PC_MAX_METADATA_BYTES.  The byte limit is documented as "2 MB";
 * 2,000,000 is the smaller reading (the loopback fake enforces it), so a
 * body never depends on which one the service means.
 *
 * Metadata is what Pinecone stores: a flat object whose values are
 * strings, finite numbers, booleans or lists of strings.  The builder
 * drops what the service would refuse instead of failing the vector:
 * null values, nested objects, lists holding anything but strings,
 * non-finite numbers and keys starting with "$".  It is measured as
 * serialized JSON with every number charged PC_NUMBER_WORST bytes, the
 * longest text a float64 can print as: the service re-prints numbers
 * (42 may come back as 42.0) and must still find the metadata within the
 * limit.  When it is over, the longest strings are shortened at a
 * character boundary until it fits.
 *
 * Memory: the builder holds its body as text, about the body's size (at
 * most PC_MAX_UPSERT_BYTES and its allocation slack) until
 * pc_upsert_free(); each vector's values are written once, when it is
 * added.
 *
 * Strings that are not UTF-8 are sent with U+FFFD (payload_json.h).
 * Returned strings are malloc'd (the caller frees them).  Plain C, no
 * PostgreSQL headers, no global state.
 */
#ifndef AMPRENTA_PINECONE_PAYLOAD_H
#define AMPRENTA_PINECONE_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#define PC_MAX_VECTORS_PER_UPSERT	1000
#define PC_MAX_UPSERT_BYTES			2000000
#define PC_MAX_METADATA_BYTES		(40 * 1024)
#define PC_MAX_DELETE_IDS			1000
#define PC_MAX_ID_CHARS				512
#define PC_MAX_DIM					20000
#define PC_NUMBER_WORST				24	/* -2.2250738585072014e-308 */

/* Incremental builder of one upsert request. */
typedef struct PcUpsert PcUpsert;

/* A new, empty builder; namespace_ may be "" (or NULL: "") for the default. */
extern PcUpsert *pc_upsert_new(const char *namespace_);

/*
 * Add a vector: id (1 to 512 characters), values[dim] (finite, not all
 * zero, 1 <= dim <= PC_MAX_DIM; sent with nine significant digits, as
 * %.9g, which reads back as the same float) and metadata (a json object or NULL; ownership taken in
 * every case; cleaned and shortened as above).
 *
 * Returns false, the vector not added, when the batch already holds 1000
 * vectors or the vector would take the body past PC_MAX_UPSERT_BYTES:
 * the caller sends this batch and adds the vector to a new one.  A vector
 * that can never be sent (bad id or values, metadata that is not an
 * object or cannot be shortened enough, a vector bigger than a whole
 * body) returns false on an empty builder too: pc_upsert_count() == 0.
 */
extern bool pc_upsert_add(PcUpsert *u, const char *id, const float *values, int dim,
						  json_object *metadata);

extern int	pc_upsert_count(const PcUpsert *u);

/* Exact length of pc_upsert_body() now, kept up to date by each add. */
extern size_t pc_upsert_bytes(const PcUpsert *u);

/*
 * POST /vectors/upsert: {"vectors":[{"id","values","metadata"}],
 * "namespace"} ("metadata" left out when empty).  The builder is left as
 * it was.  Pinecone refuses an empty "vectors": send only when
 * pc_upsert_count() > 0.
 */
extern char *pc_upsert_body(PcUpsert *u);

extern void pc_upsert_free(PcUpsert *u);

/* POST /vectors/delete: {"ids":[...],"namespace"}; 1 <= n <= 1000 non-empty ids. */
extern char *pc_delete_ids_body(const char *const *ids, int n, const char *namespace_);

/*
 * Response parsers.  The body need not be NUL-terminated, and may be
 * anything (the data plane answers 401 with a bare "Unauthorized"): they
 * then return false, never crash.
 */

/* describe_index: its "host" (as given: bare host or URL); false if it
 * is missing, empty or longer than hostsz - 1. */
extern bool pc_parse_index_host(const char *body, size_t len, char *host, size_t hostsz);

/*
 * describe_index: is the index ready for data-plane calls?  False when
 * "status" says "ready": false (a new index is "Initializing" for a
 * while); true when it says true, and when there is no such status (a
 * compatible server that does not report one).  state[statesz] (may be
 * NULL) gets "status"."state", "" if absent, cut to fit.
 */
extern bool pc_parse_index_ready(const char *body, size_t len, char *state, size_t statesz);

/* A JSON object, as /vectors/delete answers ({}); false for anything else. */
extern bool pc_parse_object(const char *body, size_t len);

/* {"upsertedCount": n}. */
extern bool pc_parse_upsert_count(const char *body, size_t len, long *count);

/*
 * The message of an error body, in any of the shapes of §2.12: control
 * plane and Inference {"error":{"code","message"},"status"}, data plane
 * {"code":3,"message","details"}, {"message"} or {"detail"}, or a bare
 * JSON string.  Cut at a character boundary to fit msg[msgsz].  False
 * (msg emptied) when no message is found.
 */
extern bool pc_parse_error(const char *body, size_t len, char *msg, size_t msgsz);

#endif
