/*
 * embed_payload.h - request bodies and response parsing for the remote
 * embedding providers: an OpenAI-compatible POST {base}/embeddings
 * (external_apis.md §3) and Pinecone Inference POST /embed (§2.10).
 *
 * The built-in embedder (embed.h) needs none of this; these are used when
 * an external model is configured.  Strings that are not UTF-8 are sent
 * with U+FFFD (payload_json.h).  Returned strings are malloc'd (the
 * caller frees them).  Plain C, no PostgreSQL headers, no global state.
 */
#ifndef AMPRENTA_EMBED_PAYLOAD_H
#define AMPRENTA_EMBED_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>

#define OPENAI_EMBED_MAX_INPUTS 2048	/* array items per request */

/*
 * {"model","input":[...],"encoding_format":"float"} plus "dimensions"
 * when dimensions > 0.  NULL when model is NULL or empty, n is outside
 * 1..OPENAI_EMBED_MAX_INPUTS, or an input is NULL or empty (the API
 * refuses empty strings: leave such texts out of the batch).
 */
extern char *openai_embed_body(const char *model, const char *const *inputs, int n,
							   int dimensions);

/*
 * {"model","parameters":{"input_type","truncate":"END"},"inputs":[{"text"}]},
 * with "dimension" in parameters when dimension > 0.  input_type must be
 * "passage" (documents) or "query"; inputs as above, n >= 1 (the model sets
 * the batch limit: 96 for multilingual-e5-large).
 */
extern char *pinecone_embed_body(const char *model, const char *input_type,
								 const char *const *inputs, int n, int dimension);

/*
 * Whether a model takes the size of its vectors in the request.  Sending it
 * to a model that does not is an error (OpenAI's ada-002 answers 400 "This
 * model does not support specifying dimensions."; compatible servers may
 * refuse or ignore it), so it is sent only where the provider documents it:
 * OpenAI "dimensions" for the text-embedding-3 family (a model name that
 * starts with "text-embedding-3"); Pinecone "parameters.dimension" for the
 * hosted models whose description lists supported_dimensions
 * (llama-text-embed-v2).  Other models answer their native size; a size
 * that is not amprenta.embedding_dimension is the caller's dimension
 * mismatch error (embed_parse_response returns -3).
 */
extern bool openai_model_takes_dimensions(const char *model);
extern bool pinecone_model_takes_dimension(const char *model);

/*
 * Parse an embeddings response into out[n * dim], vector i at out[i * dim]
 * for input i.  OpenAI style: data[].embedding placed by data[].index (not
 * by array order, which compatible servers do not all keep); Pinecone
 * style: data[].values in array order.
 *
 * Returns 0 on success; -1 when the body cannot be used (not JSON, an
 * error object, no "data" array, base64 or sparse embeddings, a value
 * that is not a finite number within float range); -2 when data does not
 * hold exactly one embedding per input (wrong length, a missing or
 * repeated index); -3 when an embedding's length is not dim.  errmsg
 * (may be NULL) gets a one-line reason.  out is written only on success.
 */
extern int	embed_parse_response(const char *body, size_t len, bool pinecone_style,
								 int n, int dim, float *out, char *errmsg, size_t errsz);

/*
 * Token estimate used for batching: ceil(bytes / 4), at least 1 (what
 * OpenAI's request limits are observed to count, §3.4).
 */
extern int	embed_estimate_tokens(const char *text);

#endif
