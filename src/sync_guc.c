/*
 * sync_guc.c - the settings of the sync subsystem (amprenta.*).
 *
 * Every setting is documented in doc/gucs.md (a test checks the two agree).
 * Secrets are never values of a setting: the *_file settings name files
 * that hold them, readable by the server's OS user, and only superusers may
 * see or change those names.
 */
#include "postgres.h"

#include <float.h>

#include "utils/guc.h"

#include "sync.h"

bool		amprenta_sync_enabled = true;
char	   *amprenta_databases = NULL;
int			amprenta_max_workers = 8;
int			amprenta_naptime_ms = 10000;
int			amprenta_batch_size = 100;
int			amprenta_max_inflight = 8;
int			amprenta_lease_timeout_s = 300;
int			amprenta_max_attempts = 10;
int			amprenta_retry_base_delay_ms = 5000;
int			amprenta_retry_max_delay_ms = 3600000;
int			amprenta_http_timeout_ms = 30000;
int			amprenta_http_connect_timeout_ms = 5000;
char	   *amprenta_notion_api_url = NULL;
char	   *amprenta_notion_version = NULL;
char	   *amprenta_notion_token_file = NULL;
double		amprenta_notion_max_rps = 3.0;
bool		amprenta_notion_narrative = true;
char	   *amprenta_pinecone_api_url = NULL;
char	   *amprenta_pinecone_index = NULL;
char	   *amprenta_pinecone_host = NULL;
char	   *amprenta_pinecone_namespace = NULL;
char	   *amprenta_pinecone_api_key_file = NULL;
double		amprenta_pinecone_max_rps = 20.0;
int			amprenta_embedding_provider = EMBEDDING_LOCAL;
char	   *amprenta_embedding_model = NULL;
int			amprenta_embedding_dimension = 384;
char	   *amprenta_openai_api_url = NULL;
char	   *amprenta_openai_api_key_file = NULL;
int			amprenta_chunk_size = 1500;

static const struct config_enum_entry embedding_provider_options[] = {
	{"local", EMBEDDING_LOCAL, false},
	{"openai", EMBEDDING_OPENAI, false},
	{"pinecone", EMBEDDING_PINECONE, false},
	{NULL, 0, false}
};

static bool
check_notion_version(char **newval, void **extra, GucSource source)
{
	/* Dates the Notion API accepts as Notion-Version; new ones are dates too. */
	const char *v = *newval;

	if (v == NULL || strlen(v) != 10 || v[4] != '-' || v[7] != '-')
	{
		GUC_check_errdetail("A Notion API version is a date such as 2022-06-28 or 2025-09-03.");
		return false;
	}
	return true;
}

static bool
check_http_url(char **newval, void **extra, GucSource source)
{
	const char *v = *newval;

	if (v == NULL || v[0] == '\0')
		return true;
	if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
	{
		GUC_check_errdetail("Only http:// and https:// URLs are allowed.");
		return false;
	}
	return true;
}

void
sync_define_gucs(void)
{
	DefineCustomBoolVariable("amprenta.sync_enabled",
							 "Whether changes to synced tables are queued for Notion and the semantic index.",
							 "Turn it off in a session for a bulk load, then queue the loaded entities "
							 "at once with amprenta_notion_sync() and amprenta_pinecone_sync().",
							 &amprenta_sync_enabled, true, PGC_USERSET, 0,
							 NULL, NULL, NULL);

	DefineCustomStringVariable("amprenta.databases",
							   "Databases whose outbox a sync worker drains.",
							   "Comma-separated database names; empty means none. The launcher starts "
							   "one worker per listed database that has the extension installed.",
							   &amprenta_databases, "", PGC_SIGHUP, GUC_LIST_INPUT,
							   NULL, NULL, NULL);

	DefineCustomIntVariable("amprenta.max_workers",
							"Maximum number of sync workers the launcher runs at once.",
							"Each worker also needs a slot of max_worker_processes.",
							&amprenta_max_workers, 8, 1, SYNC_MAX_WORKERS, PGC_SIGHUP, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("amprenta.naptime",
							"Longest time a sync worker sleeps when nothing wakes it.",
							"Commits that queue changes wake the worker at once; this is the safety "
							"net for due retries and expired leases.",
							&amprenta_naptime_ms, 10000, 100, 3600 * 1000, PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("amprenta.batch_size",
							"Queue rows a worker claims per sink and round.",
							NULL,
							&amprenta_batch_size, 100, 1, 10000, PGC_SIGHUP, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("amprenta.max_inflight",
							"Concurrent HTTP transfers per sync worker.",
							NULL,
							&amprenta_max_inflight, 8, 1, 256, PGC_SIGHUP, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("amprenta.lease_timeout",
							"How long a claimed queue row stays leased before another worker may take it again.",
							"A worker that dies mid-delivery leaves its rows leased; they return to "
							"the queue when the lease expires.",
							&amprenta_lease_timeout_s, 300, 5, 86400, PGC_SIGHUP, GUC_UNIT_S,
							NULL, NULL, NULL);

	DefineCustomIntVariable("amprenta.max_attempts",
							"Delivery attempts before a queue row is marked dead.",
							"Rate-limit pauses and authentication pauses spend no attempt.",
							&amprenta_max_attempts, 10, 1, 1000, PGC_SIGHUP, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("amprenta.retry_base_delay",
							"First retry delay after a transient failure; it doubles per attempt (with jitter).",
							NULL,
							&amprenta_retry_base_delay_ms, 5000, 10, 3600 * 1000, PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("amprenta.retry_max_delay",
							"Longest retry delay.",
							NULL,
							&amprenta_retry_max_delay_ms, 3600000, 10, 86400 * 1000, PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("amprenta.http_timeout",
							"Time limit of one HTTP request, counted from when it starts.",
							NULL,
							&amprenta_http_timeout_ms, 30000, 100, 600 * 1000, PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("amprenta.http_connect_timeout",
							"Time limit of connecting to a service.",
							NULL,
							&amprenta_http_connect_timeout_ms, 5000, 100, 600 * 1000, PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomStringVariable("amprenta.notion_api_url",
							   "Base URL of the Notion API.",
							   NULL,
							   &amprenta_notion_api_url, "https://api.notion.com", PGC_SIGHUP, 0,
							   check_http_url, NULL, NULL);

	DefineCustomStringVariable("amprenta.notion_version",
							   "Notion-Version header sent to Notion.",
							   "2022-06-28 addresses databases by database_id; 2025-09-03 and later "
							   "address data sources by data_source_id (see amprenta.notion_targets).",
							   &amprenta_notion_version, "2025-09-03", PGC_SIGHUP, 0,
							   check_notion_version, NULL, NULL);

	DefineCustomStringVariable("amprenta.notion_token_file",
							   "File holding the Notion integration token.",
							   "Read by the sync worker; the token never appears in a table or a log.",
							   &amprenta_notion_token_file, "", PGC_SIGHUP, GUC_SUPERUSER_ONLY,
							   NULL, NULL, NULL);

	DefineCustomRealVariable("amprenta.notion_max_rps",
							 "Average Notion requests per second a worker sends (token bucket).",
							 "Notion allows an average of three requests per second per integration.",
							 &amprenta_notion_max_rps, 3.0, 0.01, 1000.0, PGC_SIGHUP, 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("amprenta.notion_narrative",
							 "Whether the semantic index adds the text of the Notion page a user linked to an entity.",
							 "Read when the entity is synced to the index: one Notion request per 100 blocks, "
							 "within amprenta.notion_max_rps. Needs amprenta.notion_token_file.",
							 &amprenta_notion_narrative, true, PGC_SIGHUP, 0,
							 NULL, NULL, NULL);

	DefineCustomStringVariable("amprenta.pinecone_api_url",
							   "Base URL of Pinecone's control plane and inference API.",
							   NULL,
							   &amprenta_pinecone_api_url, "https://api.pinecone.io", PGC_SIGHUP, 0,
							   check_http_url, NULL, NULL);

	DefineCustomStringVariable("amprenta.pinecone_index",
							   "Name of the Pinecone index that mirrors the semantic index; empty = local index only.",
							   "Its data-plane host is looked up through the control plane unless "
							   "amprenta.pinecone_host is set.",
							   &amprenta_pinecone_index, "", PGC_SIGHUP, 0,
							   NULL, NULL, NULL);

	DefineCustomStringVariable("amprenta.pinecone_host",
							   "Data-plane URL of the Pinecone index (overrides the control-plane lookup).",
							   NULL,
							   &amprenta_pinecone_host, "", PGC_SIGHUP, 0,
							   check_http_url, NULL, NULL);

	DefineCustomStringVariable("amprenta.pinecone_namespace",
							   "Pinecone namespace the vectors are written to.",
							   NULL,
							   &amprenta_pinecone_namespace, "", PGC_SIGHUP, 0,
							   NULL, NULL, NULL);

	DefineCustomStringVariable("amprenta.pinecone_api_key_file",
							   "File holding the Pinecone API key.",
							   "Read by the sync worker; the key never appears in a table or a log.",
							   &amprenta_pinecone_api_key_file, "", PGC_SIGHUP, GUC_SUPERUSER_ONLY,
							   NULL, NULL, NULL);

	DefineCustomRealVariable("amprenta.pinecone_max_rps",
							 "Average Pinecone requests per second a worker sends (token bucket).",
							 NULL,
							 &amprenta_pinecone_max_rps, 20.0, 0.01, 10000.0, PGC_SIGHUP, 0,
							 NULL, NULL, NULL);

	DefineCustomEnumVariable("amprenta.embedding_provider",
							 "What turns chunk text into vectors: local, openai or pinecone.",
							 "local is the built-in deterministic embedder (no network); openai is any "
							 "OpenAI-compatible /v1/embeddings service; pinecone is Pinecone's hosted inference.",
							 &amprenta_embedding_provider, EMBEDDING_LOCAL, embedding_provider_options,
							 PGC_SIGHUP, 0, NULL, NULL, NULL);

	DefineCustomStringVariable("amprenta.embedding_model",
							   "Model name sent to the remote embedding provider.",
							   "Ignored by the local embedder.",
							   &amprenta_embedding_model, "text-embedding-3-small", PGC_SIGHUP, 0,
							   NULL, NULL, NULL);

	DefineCustomIntVariable("amprenta.embedding_dimension",
							"Length of the embedding vectors.",
							"Must equal the dimension of the Pinecone index when one is configured.",
							&amprenta_embedding_dimension, 384, 8, 4096, PGC_SIGHUP, 0,
							NULL, NULL, NULL);

	DefineCustomStringVariable("amprenta.openai_api_url",
							   "Base URL of the OpenAI-compatible embeddings API (…/v1).",
							   NULL,
							   &amprenta_openai_api_url, "https://api.openai.com/v1", PGC_SIGHUP, 0,
							   check_http_url, NULL, NULL);

	DefineCustomStringVariable("amprenta.openai_api_key_file",
							   "File holding the API key of the OpenAI-compatible embeddings API.",
							   NULL,
							   &amprenta_openai_api_key_file, "", PGC_SIGHUP, GUC_SUPERUSER_ONLY,
							   NULL, NULL, NULL);

	DefineCustomIntVariable("amprenta.chunk_size",
							"Largest chunk of entity text embedded as one vector, in bytes.",
							NULL,
							&amprenta_chunk_size, 1500, 200, 32768, PGC_SIGHUP, 0,
							NULL, NULL, NULL);
}
