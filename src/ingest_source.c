/*
 * ingest_source.c - the bytes to ingest: a server file read in chunks, or a
 * text argument already in memory.  Both can be read twice (the ingestion
 * plans in a first pass and stores in a second).
 */
#include "postgres.h"

#include <sys/stat.h>

#include "storage/fd.h"

#include "ingest.h"

void
ingest_source_open_file(IngestSource *src, const char *path)
{
	struct stat st;
	const char *slash;

	memset(src, 0, sizeof(*src));
	src->path = path;
	slash = strrchr(path, '/');
	src->file_name = slash ? slash + 1 : path;

	if (stat(path, &st) != 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open file \"%s\": %m", path),
				 errhint("The path is read by the database server, relative to its data directory unless absolute; "
						 "to send a file from the client use amprenta_ingest_text().")));
	if (S_ISDIR(st.st_mode))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is a directory", path),
				 errhint("Pass the path of one file.")));
	src->size = (int64) st.st_size;

	src->fp = AllocateFile(path, PG_BINARY_R);
	if (src->fp == NULL)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open file \"%s\" for reading: %m", path)));
}

void
ingest_source_open_text(IngestSource *src, const char *data, size_t len,
						const char *file_name)
{
	memset(src, 0, sizeof(*src));
	src->file_name = file_name;
	src->data = data;
	src->len = len;
	src->size = (int64) len;
}

void
ingest_source_rewind(IngestSource *src)
{
	if (src->fp)
	{
		if (fseeko(src->fp, 0, SEEK_SET) != 0)
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("could not seek in file \"%s\": %m", src->path)));
	}
	src->offset = 0;
}

size_t
ingest_source_read(IngestSource *src, const char **buf, char *scratch)
{
	if (src->fp)
	{
		size_t		n = fread(scratch, 1, INGEST_CHUNK, src->fp);

		if (n == 0 && ferror(src->fp))
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("could not read file \"%s\": %m", src->path)));
		*buf = scratch;
		return n;
	}
	else
	{
		size_t		n = Min(src->len - src->offset, (size_t) INGEST_CHUNK);

		*buf = src->data + src->offset;
		src->offset += n;
		return n;
	}
}

void
ingest_source_close(IngestSource *src)
{
	if (src->fp)
	{
		FreeFile(src->fp);
		src->fp = NULL;
	}
}

/* The reader allocates through palloc, so an ERROR cannot leak its memory. */
static void *
tab_palloc_realloc(void *ctx, void *ptr, size_t size)
{
	if (ptr == NULL)
		return MemoryContextAllocHuge((MemoryContext) ctx, size);
	return repalloc_huge(ptr, size);
}

static void
tab_palloc_free(void *ctx, void *ptr)
{
	if (ptr)
		pfree(ptr);
}

tab_alloc
ingest_tab_alloc(void)
{
	tab_alloc	alloc = {tab_palloc_realloc, tab_palloc_free, CurrentMemoryContext};

	return alloc;
}
