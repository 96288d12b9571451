/*
 * sink_notion.c - the Notion sink: one page per entity.
 *
 * Page creation is not idempotent at Notion, so every page carries an
 * "Amprenta ID" property (the entity's uuid) and the sink asks the
 * database for it before it creates anything: a worker that died between
 * creating a page and recording it finds the page instead of making a
 * second one.  A page the user linked (notion_page_id on the row) is
 * updated, never replaced.  Requests go one at a time through a token
 * bucket (amprenta.notion_max_rps); 429 and 529 pause the sink for
 * Retry-After without spending an attempt.
 */
#include "postgres.h"

#include "json_compat.h"

#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "notion_payload.h"
#include "sync_worker.h"

#define AMPRENTA_ID_PROPERTY	"Amprenta ID"

typedef struct NotionTarget
{
	char		entity_type[16];
	char	   *database_id;
	char	   *data_source_id;
	char	   *title_property;
	char	   *property_map;	/* JSON text */
} NotionTarget;

typedef struct NotionRound
{
	int			ntargets;
	NotionTarget targets[8];
	char	   *token;
} NotionRound;

static NotionRound round_state;

static int
notion_batch_limit(SyncContext *ctx)
{
	/* About five seconds of requests per round: short leases, steady records. */
	int			n = (int) (amprenta_notion_max_rps * 5.0);

	return Max(1, Min(n, amprenta_batch_size));
}

static void
notion_prepare(SyncContext *ctx, SyncItem *items, int n)
{
	MemoryContext old;

	outbox_read_documents(SYNC_SINK_NOTION, items, n);
	if (SPI_execute("SELECT entity_type, database_id, data_source_id, title_property, property_map::text"
					"  FROM amprenta.notion_targets WHERE enabled", false, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading notion_targets failed");
	old = MemoryContextSwitchTo(sync_round_context);
	round_state.ntargets = 0;
	for (uint64 r = 0; r < SPI_processed && r < lengthof(round_state.targets); r++)
	{
		NotionTarget *t = &round_state.targets[round_state.ntargets++];
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;

		strlcpy(t->entity_type, SPI_getvalue(tup, desc, 1), sizeof(t->entity_type));
		t->database_id = SPI_getvalue(tup, desc, 2);
		t->data_source_id = SPI_getvalue(tup, desc, 3);
		t->title_property = SPI_getvalue(tup, desc, 4);
		t->property_map = SPI_getvalue(tup, desc, 5);
	}
	MemoryContextSwitchTo(old);
}

static NotionTarget *
target_for(const char *etype)
{
	for (int i = 0; i < round_state.ntargets; i++)
		if (strcmp(round_state.targets[i].entity_type, etype) == 0)
			return &round_state.targets[i];
	return NULL;
}

/* Version 2025-09-03 and later address data sources; earlier, databases. */
static bool
use_data_source(NotionTarget *t)
{
	return strcmp(amprenta_notion_version, "2025-09-03") >= 0 && t->data_source_id != NULL;
}

/* A JSON value of the row as the text form notion_properties() expects. */
static char *
json_value_text(json_object *v)
{
	if (v == NULL || json_object_is_type(v, json_type_null))
		return NULL;
	if (json_object_is_type(v, json_type_array))
	{
		StringInfoData buf;
		size_t		len = json_object_array_length(v);

		initStringInfo(&buf);
		for (size_t i = 0; i < len; i++)
		{
			json_object *e = json_object_array_get_idx(v, i);

			if (e == NULL || json_object_is_type(e, json_type_null))
				continue;
			if (buf.len > 0)
				appendStringInfoString(&buf, ", ");
			appendStringInfoString(&buf, json_object_get_string(e));
		}
		return buf.data;
	}
	if (json_object_is_type(v, json_type_string))
		return pstrdup(json_object_get_string(v));
	return pstrdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

/*
 * Properties of the page: the title, the Amprenta ID, and every column the
 * target's property_map names ({"column": {"property": name, "type": t}}).
 */
static json_object *
page_properties(SyncItem *it, NotionTarget *t, char *err, size_t errsz)
{
	json_object *row = it->properties ? json_tokener_parse(it->properties) : NULL;
	json_object *map = t->property_map ? json_tokener_parse(t->property_map) : NULL;
	NotionProp	props[64];
	int			np = 0;
	json_object *result;

	props[np].name = t->title_property ? t->title_property : "Name";
	props[np].type = NP_TITLE;
	props[np].value = it->title;
	np++;
	props[np].name = AMPRENTA_ID_PROPERTY;
	props[np].type = NP_RICH_TEXT;
	props[np].value = it->entity_id_str;
	np++;
	if (map && json_object_is_type(map, json_type_object))
	{
		json_object_object_foreach(map, column, spec)
		{
			json_object *pname,
					   *ptype,
					   *value = NULL;
			NotionPropType type;

			if (np == lengthof(props))
				break;
			if (!json_object_object_get_ex(spec, "property", &pname) ||
				!json_object_object_get_ex(spec, "type", &ptype) ||
				!notion_prop_type_parse(json_object_get_string(ptype), &type))
			{
				snprintf(err, errsz, "notion_targets.property_map of %s: entry \"%s\" needs "
						 "\"property\" and a known \"type\"", t->entity_type, column);
				json_object_put(row);
				json_object_put(map);
				return NULL;
			}
			if (row)
				json_object_object_get_ex(row, column, &value);
			props[np].name = pstrdup(json_object_get_string(pname));
			props[np].type = type;
			props[np].value = json_value_text(value);
			np++;
		}
	}
	result = notion_properties(props, np);
	json_object_put(row);
	json_object_put(map);
	return result;
}

int
notion_call(SyncContext *ctx, HttpRequest *req, const char *method, const char *url,
			const char *token, const char *body)
{
	char		auth[4200];
	char		version[64];
	const char *headers[4];
	int			h = 0;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	snprintf(version, sizeof(version), "Notion-Version: %s", amprenta_notion_version);
	headers[h++] = auth;
	headers[h++] = version;
	if (body)
		headers[h++] = "Content-Type: application/json";
	headers[h] = NULL;
	/* Creating a page is the one call that must never be repeated blindly. */
	return sync_request(ctx, SYNC_SINK_NOTION, req, method, url, headers, body,
						strcmp(method, "POST") == 0 && strstr(url, "/v1/pages") != NULL);
}

/* A request of this round's token; true when answered 2xx. */
static bool
request(SyncContext *ctx, HttpRequest *req, const char *method, const char *url, char *body)
{
	if (notion_call(ctx, req, method, url, round_state.token, body) < 0)
		return false;
	return req->status >= 200 && req->status < 300;
}

/*
 * Find a page that already carries this entity's Amprenta ID.  A filtered
 * query may answer fewer results than asked for, even none, and still say
 * has_more: the next pages are read (from next_cursor) until a page is
 * found or there are no more, at most QUERY_MAX_PAGES of them.  Stopping
 * early would take "not found" for an answer and create a duplicate.
 */
#define QUERY_MAX_PAGES		100

static bool
find_page(SyncContext *ctx, SyncItem *it, NotionTarget *t, char *page, size_t pagesz)
{
	char		url[1024];
	char		cursor[NOTION_ID_MAX * 4] = "";
	int			pages = 0;

	page[0] = '\0';
	if (use_data_source(t))
		snprintf(url, sizeof(url), "%s/v1/data_sources/%s/query", amprenta_notion_api_url, t->data_source_id);
	else
		snprintf(url, sizeof(url), "%s/v1/databases/%s/query", amprenta_notion_api_url,
				 t->database_id ? t->database_id : t->data_source_id);
	for (;;)
	{
		char	   *body = notion_query_equals_body(AMPRENTA_ID_PROPERTY, it->entity_id_str,
													cursor[0] ? cursor : NULL);
		HttpRequest req;
		char		ids[2][NOTION_ID_MAX];
		int			found;
		bool		ok;
		bool		more;

		ok = request(ctx, &req, "POST", url, body);
		free(body);
		if (!ok)
		{
			sync_item_fail(ctx, SYNC_SINK_NOTION, it, &req, "Notion query");
			http_request_clear(&req);
			return false;
		}
		found = notion_parse_query_ids(req.response, req.response_len, ids, 2);
		more = notion_parse_query_next(req.response, req.response_len, cursor, sizeof(cursor));
		http_request_clear(&req);
		if (found < 0)
		{
			it->outcome = ITEM_RETRY;
			strlcpy(it->error, "Notion query: unreadable answer", sizeof(it->error));
			return false;
		}
		if (found > 0)
		{
			strlcpy(page, ids[0], pagesz);
			return true;
		}
		if (!more)
			return true;
		if (++pages >= QUERY_MAX_PAGES)
		{
			it->outcome = ITEM_RETRY;
			snprintf(it->error, sizeof(it->error),
					 "Notion query: no answer after %d pages of results that said has_more", pages);
			return false;
		}
	}
}

static bool
create_page(SyncContext *ctx, SyncItem *it, NotionTarget *t, json_object *props,
			char *page, size_t pagesz)
{
	json_object *blocks = notion_blocks_from_text(it->body);
	int			used = 0;
	char	   *body;
	char		url[1024];
	HttpRequest req;
	bool		ok;
	int			nblocks = blocks ? (int) json_object_array_length(blocks) : 0;

	body = notion_create_page_body(use_data_source(t),
								   use_data_source(t) ? t->data_source_id :
								   (t->database_id ? t->database_id : t->data_source_id),
								   props, blocks, &used);
	snprintf(url, sizeof(url), "%s/v1/pages", amprenta_notion_api_url);
	ok = request(ctx, &req, "POST", url, body);
	free(body);
	if (!ok || !notion_parse_object_id(req.response, req.response_len, page, pagesz))
	{
		if (ok)
		{
			it->outcome = ITEM_RETRY;
			strlcpy(it->error, "Notion create page: no page id in the answer", sizeof(it->error));
		}
		else
			sync_item_fail(ctx, SYNC_SINK_NOTION, it, &req, "Notion create page");
		http_request_clear(&req);
		json_object_put(blocks);
		return false;
	}
	http_request_clear(&req);

	/* The rest of the text, at most 100 blocks per request. */
	while (used < nblocks)
	{
		int			cnt = notion_append_children_count(blocks, used);

		if (cnt <= 0)
			break;
		body = notion_append_children_body(blocks, used, cnt);
		snprintf(url, sizeof(url), "%s/v1/blocks/%s/children", amprenta_notion_api_url, page);
		ok = request(ctx, &req, "PATCH", url, body);
		free(body);
		if (!ok)
		{
			/* The page exists and is found by its Amprenta ID next time. */
			sync_item_fail(ctx, SYNC_SINK_NOTION, it, &req, "Notion append blocks");
			http_request_clear(&req);
			json_object_put(blocks);
			return false;
		}
		http_request_clear(&req);
		used += cnt;
	}
	json_object_put(blocks);
	return true;
}

static void
deliver_one(SyncContext *ctx, SyncItem *it)
{
	NotionTarget *t = target_for(it->entity_type);
	char		page[NOTION_ID_MAX] = "";
	char		url[1024];
	char		err[256] = "";
	HttpRequest req;
	json_object *props;
	char	   *body;
	bool		from_user = false;

	if (it->is_delete || !it->exists)
	{
		/* Archive the page we made; a page the user linked stays theirs. */
		if (it->ref_external_id == NULL || !it->ref_owned)
		{
			it->outcome = ITEM_DONE;
			it->drop_ref = true;
			return;
		}
		body = notion_update_page_body(NULL, true);
		snprintf(url, sizeof(url), "%s/v1/pages/%s", amprenta_notion_api_url, it->ref_external_id);
		if (request(ctx, &req, "PATCH", url, body) || req.status == 404)
		{
			it->outcome = ITEM_DONE;
			it->drop_ref = true;
		}
		else
			sync_item_fail(ctx, SYNC_SINK_NOTION, it, &req, "Notion archive page");
		free(body);
		http_request_clear(&req);
		return;
	}

	if (t == NULL)
	{
		/* The target was disabled or removed since the change was queued. */
		it->outcome = ITEM_DONE;
		return;
	}
	if (it->has_ref_hash && memcmp(it->ref_hash, it->content_hash, 32) == 0 &&
		it->ref_external_id != NULL &&
		(it->user_page_id == NULL || strcmp(it->user_page_id, it->ref_external_id) == 0))
	{
		it->outcome = ITEM_DONE;	/* nothing changed since the last delivery */
		return;
	}

	props = page_properties(it, t, err, sizeof(err));
	if (props == NULL)
	{
		it->outcome = ITEM_DEAD;
		strlcpy(it->error, err[0] ? err : "could not build the page properties", sizeof(it->error));
		return;
	}

	/*
	 * The row's page id is the user's unless it is the page this sink made
	 * (written back to the row after the create): that one stays ours, to
	 * archive when the entity goes.
	 */
	if (it->user_page_id && !it->page_is_ours)
	{
		strlcpy(page, it->user_page_id, sizeof(page));
		from_user = true;
	}
	else if (it->ref_external_id)
		strlcpy(page, it->ref_external_id, sizeof(page));
	else if (!find_page(ctx, it, t, page, sizeof(page)))
	{
		json_object_put(props);
		return;
	}

	if (page[0])
	{
		body = notion_update_page_body(props, false);
		snprintf(url, sizeof(url), "%s/v1/pages/%s", amprenta_notion_api_url, page);
		if (request(ctx, &req, "PATCH", url, body))
		{
			free(body);
			http_request_clear(&req);
			goto delivered;
		}
		free(body);
		if (req.status != 404 || from_user)
		{
			sync_item_fail(ctx, SYNC_SINK_NOTION, it, &req, "Notion update page");
			http_request_clear(&req);
			json_object_put(props);
			return;
		}
		/* Our page is gone (deleted in Notion): make a new one. */
		http_request_clear(&req);
		page[0] = '\0';
		if (!find_page(ctx, it, t, page, sizeof(page)))
		{
			json_object_put(props);
			return;
		}
	}
	if (page[0] == '\0' && !create_page(ctx, it, t, props, page, sizeof(page)))
	{
		json_object_put(props);
		return;
	}

delivered:
	json_object_put(props);
	it->outcome = ITEM_DONE;
	it->write_ref = true;
	it->new_external_id = pstrdup(page);
	it->write_page_id = !from_user;
	it->new_owned = !from_user;
}

static void
notion_deliver(SyncContext *ctx, SyncItem *items, int n)
{
	round_state.token = sync_read_secret(amprenta_notion_token_file, "amprenta.notion_token_file");
	if (round_state.token == NULL)
	{
		const char *msg = "no Notion token: amprenta.notion_token_file is not set or not readable";

		sync_pause_sink(ctx, SYNC_SINK_NOTION, 60 * 1000, msg);
		for (int i = 0; i < n; i++)
		{
			items[i].outcome = ITEM_THROTTLED;
			strlcpy(items[i].error, msg, sizeof(items[i].error));
		}
		return;
	}
	for (int i = 0; i < n; i++)
	{
		SyncItem   *it = &items[i];

		if (ctx->paused_until[SYNC_SINK_NOTION] > GetCurrentTimestamp())
		{
			/* Paused by an earlier item of this round: the rest waits, free. */
			it->outcome = ITEM_THROTTLED;
			strlcpy(it->error, ctx->pause_reason[SYNC_SINK_NOTION], sizeof(it->error));
			continue;
		}
		deliver_one(ctx, it);
		CHECK_FOR_INTERRUPTS();
	}
}

static void
notion_record(SyncContext *ctx, SyncItem *items, int n)
{
	/* sync_refs and page ids are written by outbox_record. */
}

const SinkOps sink_notion_ops = {
	.sink = SYNC_SINK_NOTION,
	.batch_limit = notion_batch_limit,
	.prepare = notion_prepare,
	.deliver = notion_deliver,
	.record = notion_record,
};
