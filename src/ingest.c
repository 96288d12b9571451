/*
 * ingest.c - SQL entry points of ingestion:
 *
 *   amprenta_ingest_file(path text, omics_type amprenta.omics_type DEFAULT NULL,
 *                        options jsonb DEFAULT '{}') RETURNS uuid
 *   amprenta_ingest_text(content text, filename text,
 *                        omics_type amprenta.omics_type DEFAULT NULL,
 *                        options jsonb DEFAULT '{}') RETURNS uuid
 *
 * Reading a server file needs what COPY FROM a file needs: superuser or
 * the privileges of pg_read_server_files.  Everything runs in the caller's
 * transaction, so a dataset lands whole or not at all.
 */
#include "postgres.h"

#include "catalog/pg_authid.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/uuid.h"

#include "ingest.h"

static omics_kind
omics_arg(FunctionCallInfo fcinfo, int argno)
{
	char	   *label;

	if (PG_ARGISNULL(argno))
		return OMICS_UNKNOWN;
	label = DatumGetCString(DirectFunctionCall1(enum_out, PG_GETARG_DATUM(argno)));
	return omics_kind_from_name(label);
}

static Datum
run(IngestSource *src, omics_kind omics, Jsonb *options_arg)
{
	IngestOptions opts;
	pg_uuid_t  *volatile id = NULL;

	ingest_parse_options(options_arg, &opts);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	PG_TRY();
	{
		id = ingest_run(src, omics, &opts);
	}
	PG_FINALLY();
	{
		ingest_source_close(src);
	}
	PG_END_TRY();
	/* The id was allocated in SPI's context: copy it out first. */
	{
		pg_uuid_t  *result = SPI_palloc(sizeof(pg_uuid_t));

		memcpy(result, id, sizeof(pg_uuid_t));
		SPI_finish();
		return UUIDPGetDatum(result);
	}
}

static Jsonb *
options_arg(FunctionCallInfo fcinfo, int argno)
{
	Jsonb	   *j;

	if (PG_ARGISNULL(argno))
		return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
	j = PG_GETARG_JSONB_P(argno);
	return j;
}

/* The rule of COPY FROM a file: superuser or pg_read_server_files. */
void
ingest_require_file_privilege(const char *hint)
{
	if (!superuser() && !has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to read server files"),
				 errdetail("Only superusers and roles with privileges of pg_read_server_files may read a file on the server."),
				 errhint("%s", hint)));
}

PG_FUNCTION_INFO_V1(amprenta_ingest_file);
Datum
amprenta_ingest_file(PG_FUNCTION_ARGS)
{
	IngestSource src;
	char	   *path;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("path must not be NULL")));

	ingest_require_file_privilege("Send the content from the client with amprenta_ingest_text(content, filename); in psql: "
								  "\\set content `cat file.csv` then SELECT amprenta.amprenta_ingest_text(:'content', 'file.csv').");

	path = text_to_cstring(PG_GETARG_TEXT_PP(0));
	canonicalize_path(path);
	ingest_source_open_file(&src, path);
	return run(&src, omics_arg(fcinfo, 1), options_arg(fcinfo, 2));
}

PG_FUNCTION_INFO_V1(amprenta_ingest_text);
Datum
amprenta_ingest_text(PG_FUNCTION_ARGS)
{
	IngestSource src;
	text	   *content;
	char	   *filename;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("content must not be NULL")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("filename must not be NULL"),
				 errhint("The file name names the dataset and appears in messages; any name will do.")));
	content = PG_GETARG_TEXT_PP(0);
	filename = text_to_cstring(PG_GETARG_TEXT_PP(1));
	ingest_source_open_text(&src, VARDATA_ANY(content), VARSIZE_ANY_EXHDR(content), filename);
	return run(&src, omics_arg(fcinfo, 2), options_arg(fcinfo, 3));
}
