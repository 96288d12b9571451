/*
 * ingest_run.c - the two passes of an ingestion over the bytes.
 *
 * Pass 1 validates the whole file (encoding, shape), hashes it, plans the
 * columns from the header and the first rows, infers the omics type and
 * collects the rank keys.  Nothing is written during pass 1, so a bad line
 * anywhere in the file is reported before the first row is stored; and if
 * identical bytes were already ingested with identical options, the
 * earlier dataset is returned and pass 2 never runs.  Pass 2 normalizes
 * each identifier and stores the rows in batches.  Memory stays bounded by
 * the widest row plus a few bytes per row (rank keys) and per distinct
 * feature (the duplicate check), except for long-format files, which are
 * pivoted in memory.
 */
#include "postgres.h"

#include <math.h>

#include "common/cryptohash.h"
#include "common/hashfn.h"
#include "common/sha2.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "feature_type.h"
#include "ingest.h"
#include "ingest_store.h"
#include "lipid.h"
#include "omics_infer.h"
#include "tabular.h"

#define PLAN_ROWS 200			/* rows looked at to plan the columns ... */
#define PLAN_CELLS 200000		/* ... fewer for wide tables */
#define SNIFF_BYTES (1024 * 1024)
#define MAX_WARNINGS 50

typedef struct LongFeature		/* long layout: one pivoted feature */
{
	char	   *key;			/* identity cell (hash key) */
	int32		first_line;
	int32		order;
	float4	   *values;
	bool	   *nulls;
} LongFeature;

typedef struct RunState
{
	IngestSource *src;
	IngestOptions *opts;
	omics_kind	requested;		/* the omics_type argument, or OMICS_UNKNOWN */
	omics_kind	omics;
	tab_dialect dialect;
	int			pass;

	/* header and plan */
	char	  **names;
	int			ncols;
	col_plan	plan;
	bool		planned;
	char	  **sample_cells;	/* plan_rows * ncols copies (pass 1) */
	long	   *sample_lines;
	int			nsample_rows;
	int			plan_rows;		/* rows to sample before planning */
	MemoryContext sample_ctx;	/* holds the sample until it is replayed */
	List	   *sample_names;	/* of char * */

	/* per kept row */
	int64		nkept;			/* rows kept so far in this pass */
	double	   *rank_keys;		/* pass 1: one per kept row, NAN = none */
	int64		rank_cap;
	int32	   *ranks;			/* after pass 1 */
	int64		values_seen;	/* numeric values parsed (pass 1) */

	/* long layout */
	HTAB	   *long_features;
	HTAB	   *long_samples;
	int32		long_nfeatures;

	/* pass 2 */
	StoreState *store;
	IngestCounts counts;
	StringInfoData warnings;
	int			nwarnings;
	int64		warnings_dropped;

	long		line;			/* for the error context */
} RunState;

static void
ingest_error_callback(void *arg)
{
	RunState   *rs = (RunState *) arg;

	if (rs->line > 0)
		errcontext("file \"%s\", line %ld", rs->src->file_name, rs->line);
	else
		errcontext("file \"%s\"", rs->src->file_name);
}

/* Add a warning (kept for the ingestions row, capped at MAX_WARNINGS). */
static void
add_warning(RunState *rs, long line, const char *fmt,...)
{
	char		msg[512];
	va_list		ap;

	if (rs->pass != 2)
		return;
	if (rs->nwarnings >= MAX_WARNINGS && line >= 0)
	{
		rs->warnings_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	appendStringInfo(&rs->warnings, "%s{\"line\": %ld, \"message\": ", rs->nwarnings ? ", " : "", line);
	escape_json(&rs->warnings, msg);
	appendStringInfoChar(&rs->warnings, '}');
	rs->nwarnings++;
}

static void
raise_tab_error(RunState *rs, const tab_error *err)
{
	int			code;

	switch (err->code)
	{
		case TAB_ERR_NOT_UTF8:
			code = ERRCODE_CHARACTER_NOT_IN_REPERTOIRE;
			break;
		default:
			code = ERRCODE_BAD_COPY_FILE_FORMAT;
			break;
	}
	rs->line = err->line;
	ereport(ERROR,
			(errcode(code),
			 errmsg("%s", err->message),
			 err->detail[0] ? errdetail("%s", err->detail) : 0,
			 err->hint[0] ? errhint("%s", err->hint) : 0));
}

static const char *
cell(const tab_record *rec, int col)
{
	return (col >= 0 && col < rec->nfields) ? rec->fields[col] : "";
}

/* Trimmed copy-free view: is the cell empty after spaces? */
static bool
cell_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

/*
 * Whether a data row is kept, the same in both passes: MaxQuant flag
 * columns, the mwTab "Factors" row, and rows without an identifier.
 */
static bool
row_kept(RunState *rs, const tab_record *rec, const char **id)
{
	const col_plan *p = &rs->plan;

	if (rec->is_factors)
		return false;
	for (int c = 0; c < p->ncols; c++)
		if (p->roles[c] == ROLE_DROP_FLAG && !cell_blank(cell(rec, c)))
			return false;
	*id = cell(rec, p->id_col);
	if (cell_blank(*id) && p->id_fallback_col >= 0)
		*id = cell(rec, p->id_fallback_col);
	if (cell_blank(*id))
	{
		add_warning(rs, rec->line, "row without an identifier skipped");
		return false;
	}
	return true;
}

/* Parse a numeric cell; missing or invalid give false (with a warning). */
static bool
cell_number(RunState *rs, const tab_record *rec, int col, double *out)
{
	const char *s = cell(rec, col);
	size_t		len = (col >= 0 && col < rec->nfields) ? rec->lens[col] : 0;

	switch (tab_parse_double(s, len, rs->dialect.decimal_comma, out))
	{
		case TAB_NUM_OK:
			if (rs->plan.zero_is_missing && *out == 0.0)
				return false;
			rs->values_seen++;
			return true;
		case TAB_NUM_MISSING:
			return false;
		default:
			add_warning(rs, rec->line, "column \"%s\": \"%s\" is not a number, stored as missing",
						rs->names[col], s);
			return false;
	}
}

/* The rank key of a kept row: statistic, else log2 fold change, else mean. */
static double
rank_key(RunState *rs, const tab_record *rec)
{
	const col_plan *p = &rs->plan;
	double		v,
				sum = 0;
	int			n = 0;

	if (p->stat_col >= 0 && cell_number(rs, rec, p->stat_col, &v))
		return v;
	if (p->log2fc_col >= 0 && cell_number(rs, rec, p->log2fc_col, &v))
		return v;
	if (p->p_col >= 0 && cell_number(rs, rec, p->p_col, &v))
		return NAN;
	for (int c = 0; c < p->ncols; c++)
		if (p->roles[c] == ROLE_SAMPLE && cell_number(rs, rec, c, &v))
		{
			sum += v;
			n++;
		}
	return n ? sum / n : NAN;
}

static void
push_rank_key(RunState *rs, double key)
{
	if (rs->nkept >= rs->rank_cap)
	{
		rs->rank_cap = rs->rank_cap ? rs->rank_cap * 2 : 4096;
		rs->rank_keys = rs->rank_keys
			? repalloc_huge(rs->rank_keys, sizeof(double) * rs->rank_cap)
			: MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * rs->rank_cap);
	}
	rs->rank_keys[rs->nkept] = key;
}

/* ---- the long layout: pivot (feature, sample, value) into a matrix ---- */

static uint32
str_hash(const void *key, Size keysize)
{
	const char *s = *(const char *const *) key;

	return string_hash(s, strlen(s) + 1);
}

static int
str_match(const void *a, const void *b, Size keysize)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static HTAB *
string_table(const char *name, Size entrysize)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(char *);
	ctl.entrysize = entrysize;
	ctl.hash = str_hash;
	ctl.match = str_match;
	ctl.hcxt = CurrentMemoryContext;
	return hash_create(name, 256, &ctl, HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
}

typedef struct LongSample
{
	char	   *key;
	int32		index;
} LongSample;

static void
long_pass1_row(RunState *rs, const tab_record *rec, const char *id)
{
	const char *sample = cell(rec, rs->plan.long_sample_col);
	char	   *key = (char *) sample;
	bool		found;
	LongSample *s;
	double		v;

	if (rs->long_samples == NULL)
		rs->long_samples = string_table("amprenta long samples", sizeof(LongSample));
	s = hash_search(rs->long_samples, &key, HASH_FIND, NULL);
	if (s == NULL)
	{
		key = pstrdup(sample);
		s = hash_search(rs->long_samples, &key, HASH_ENTER, &found);
		s->key = key;
		s->index = list_length(rs->sample_names);
		rs->sample_names = lappend(rs->sample_names, key);
	}
	(void) id;
	(void) cell_number(rs, rec, rs->plan.long_value_col, &v);
}

static void
long_pass2_row(RunState *rs, const tab_record *rec, const char *id)
{
	char	   *key = (char *) id;
	const char *sample = cell(rec, rs->plan.long_sample_col);
	char	   *skey = (char *) sample;
	LongFeature *f;
	LongSample *s;
	bool		found;
	double		v;
	int			n = list_length(rs->sample_names);

	if (rs->long_features == NULL)
		rs->long_features = string_table("amprenta long features", sizeof(LongFeature));
	f = hash_search(rs->long_features, &key, HASH_FIND, NULL);
	if (f == NULL)
	{
		key = pstrdup(id);
		f = hash_search(rs->long_features, &key, HASH_ENTER, &found);
		f->key = key;
		f->first_line = (int32) rec->line;
		f->order = rs->long_nfeatures++;
		f->values = palloc(sizeof(float4) * n);
		f->nulls = palloc(sizeof(bool) * n);
		for (int i = 0; i < n; i++)
			f->nulls[i] = true;
	}
	s = hash_search(rs->long_samples, &skey, HASH_FIND, NULL);
	if (s && cell_number(rs, rec, rs->plan.long_value_col, &v))
	{
		if (!f->nulls[s->index])
			add_warning(rs, rec->line, "second value for \"%s\" in sample \"%s\", the first is kept", id, sample);
		else
		{
			f->values[s->index] = (float4) v;
			f->nulls[s->index] = false;
		}
	}
}

/* ---- normalization and one stored row ---- */

static feature_kind
kind_for(RunState *rs, const char *id, size_t len)
{
	switch (rs->omics)
	{
		case OMICS_PROTEOMICS:
			return FEATURE_PROTEIN;
		case OMICS_TRANSCRIPTOMICS:
			return FEATURE_GENE;
		default:
			/* Metabolomics tables hold lipids too, and lipidomics tables
			 * hold internal standards and other small molecules. */
			return lipid_input_level(id, len) != LIPID_LEVEL_INPUT ? FEATURE_LIPID : FEATURE_METABOLITE;
	}
}

static StoreRow *
emit_row(RunState *rs, const char *id, long line, int32 rank)
{
	StoreRow   *row = store_row(rs->store);
	char		norm[NORM_OUT_MAX];
	const char *reason = NULL;
	size_t		len = strlen(id);
	feature_kind kind = kind_for(rs, id, len);
	norm_status st = feature_normalize(kind, id, len, norm, sizeof(norm), &reason);

	row->ordinal = (int32) (++rs->nkept);
	row->rank = rank;
	row->raw_name = store_strdup(rs->store, id);
	rs->counts.rows_kept++;
	if (st == NORM_INVALID)
	{
		row->mapping = MAPPING_UNMAPPED;
		rs->counts.unmapped++;
		add_warning(rs, line, "\"%s\" is not a valid %s identifier: %s", id, feature_kind_name(kind),
					reason ? reason : "not recognised");
	}
	else
	{
		bool		is_new;
		FeatureEntry *e = store_feature(rs->store, kind, norm, (int32) line, &is_new);

		if (!is_new)
		{
			row->mapping = MAPPING_DUPLICATE;
			rs->counts.duplicates++;
			add_warning(rs, line, "\"%s\" is %s \"%s\" again (first on line %d); the first row keeps the link",
						id, feature_kind_name(kind), norm, e->first_line);
		}
		else
		{
			row->feature = e;
			row->mapping = st == NORM_REPAIRED ? MAPPING_REPAIRED :
				st == NORM_AMBIGUOUS ? MAPPING_AMBIGUOUS : MAPPING_EXACT;
			if (st == NORM_AMBIGUOUS)
			{
				rs->counts.ambiguous++;
				add_warning(rs, line, "\"%s\" read as \"%s\" but is ambiguous: %s", id, norm,
							reason ? reason : "another reading exists");
			}
			else if (st == NORM_REPAIRED)
				add_warning(rs, line, "\"%s\" repaired to \"%s\": %s", id, norm, reason ? reason : "");
		}
	}
	return row;
}

static void
pass2_row(RunState *rs, const tab_record *rec, const char *id)
{
	const col_plan *p = &rs->plan;
	StoreRow   *row;
	int			s = 0;
	int			stat_col[NUM_STATS];

	stat_col[0] = p->log2fc_col;
	stat_col[1] = p->stat_col;
	stat_col[2] = p->p_col;
	stat_col[3] = p->padj_col;
	stat_col[4] = p->abundance_col;

	row = emit_row(rs, id, rec->line, rs->ranks ? rs->ranks[rs->nkept] : 0);
	for (int i = 0; i < NUM_STATS; i++)
	{
		double		v;

		if (stat_col[i] < 0 || !cell_number(rs, rec, stat_col[i], &v))
			continue;
		if ((i == 2 || i == 3) && (v < 0 || v > 1))
		{
			add_warning(rs, rec->line, "column \"%s\": %g is not a probability, stored as missing",
						rs->names[stat_col[i]], v);
			continue;
		}
		row->stats[i] = v;
		row->stat_null[i] = false;
	}
	if (p->nsamples > 0)
	{
		for (int c = 0; c < p->ncols; c++)
		{
			double		v;

			if (p->roles[c] != ROLE_SAMPLE)
				continue;
			if (cell_number(rs, rec, c, &v))
			{
				row->samples[s] = (float4) v;
				row->sample_null[s] = false;
			}
			else
				row->sample_null[s] = true;
			s++;
		}
	}
}

/* ---- planning (end of the sampled rows of pass 1) ---- */

static void
make_plan(RunState *rs, omics_kind requested)
{
	col_sample	sample;
	char		err[COLUMNS_ERR_MAX];
	columns_status cs;
	ingest_layout format_layout = LAYOUT_AUTO;

	if (rs->dialect.format == TAB_FORMAT_MWTAB)
		format_layout = LAYOUT_MWTAB;
	else if (rs->dialect.format == TAB_FORMAT_MZTAB)
		format_layout = LAYOUT_MZTAB;

	sample.nrows = rs->nsample_rows;
	sample.cells = (const char *const *) rs->sample_cells;
	sample.decimal_comma = rs->dialect.decimal_comma;
	rs->plan.roles = palloc(sizeof(col_role) * rs->ncols);
	rs->line = rs->dialect.header_line;
	cs = columns_plan((const char *const *) rs->names, rs->ncols, &sample, format_layout,
					  rs->opts->layout, rs->opts->feature_column, &rs->plan, err, sizeof(err));
	switch (cs)
	{
		case COLUMNS_OK:
			break;
		case COLUMNS_NO_IDENTITY:
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("no identifier column found"),
					 errdetail("%s", err),
					 errhint("Name the column that holds the feature identifiers with options => '{\"feature_column\": \"...\"}'.")));
			break;
		case COLUMNS_BAD_FEATURE_COLUMN:
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("feature column \"%s\" not found", rs->opts->feature_column),
					 errdetail("%s", err),
					 errhint("Option \"feature_column\" must be one of the header names (case is ignored).")));
			break;
		case COLUMNS_NO_VALUES:
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("no value columns found"),
					 errdetail("%s", err),
					 errhint("Pass options => '{\"layout\": \"results\"}' or '{\"layout\": \"matrix\"}' if the layout was not recognised.")));
			break;
		case COLUMNS_LAYOUT_MISMATCH:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("layout \"%s\" does not fit this file", layout_name(rs->opts->layout)),
					 errdetail("%s", err),
					 errhint("Leave out option \"layout\" to detect it.")));
			break;
	}

	/* Sample names, in column order, without the family prefix. */
	if (rs->plan.layout != LAYOUT_LONG)
		for (int c = 0; c < rs->ncols; c++)
			if (rs->plan.roles[c] == ROLE_SAMPLE)
				rs->sample_names = lappend(rs->sample_names,
										   pstrdup(rs->names[c] + strlen(rs->plan.sample_prefix) *
												   (strncasecmp(rs->names[c], rs->plan.sample_prefix,
																strlen(rs->plan.sample_prefix)) == 0)));

	/* The omics type, when not given. */
	if (requested != OMICS_UNKNOWN)
		rs->omics = requested;
	else
	{
		const char **ids = palloc(sizeof(char *) * Max(rs->nsample_rows, 1));
		int			scores[OMICS_KINDS];
		bool		tied;
		int			best;

		for (int r = 0; r < rs->nsample_rows; r++)
			ids[r] = rs->sample_cells[(size_t) r * rs->ncols + rs->plan.id_col];
		omics_infer_scores((const char *const *) rs->names, rs->ncols, &rs->plan,
						   ids, rs->nsample_rows, scores);
		best = omics_infer_best(scores, &tied);
		if (best < 0 || tied)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot tell the omics type of the file"),
					 errdetail("Scores from the header and the first identifiers: lipidomics %d, "
							   "metabolomics %d, proteomics %d, transcriptomics %d.",
							   scores[0], scores[1], scores[2], scores[3]),
					 errhint("Pass the omics_type argument, e.g. amprenta_ingest_file(path, 'proteomics').")));
		rs->omics = (omics_kind) best;
	}
	rs->planned = true;
}

/* A data row of pass 1. */
static void
pass1_row(RunState *rs, const tab_record *rec)
{
	const char *id;

	if (!row_kept(rs, rec, &id))
		return;
	if (rs->plan.layout == LAYOUT_LONG)
	{
		long_pass1_row(rs, rec, id);
		return;
	}
	push_rank_key(rs, rank_key(rs, rec));
	if (rs->plan.layout != LAYOUT_RESULTS)
	{
		/* Count values of sample columns the rank key did not look at. */
		double		v;

		for (int c = 0; c < rs->plan.ncols && rs->values_seen == 0; c++)
			if (rs->plan.roles[c] == ROLE_SAMPLE)
				(void) cell_number(rs, rec, c, &v);
	}
	else if (rs->values_seen == 0)
	{
		double		v;

		for (int c = 0; c < rs->plan.ncols; c++)
			if (rs->plan.roles[c] != ROLE_NONE && rs->plan.roles[c] != ROLE_ID &&
				rs->plan.roles[c] != ROLE_ID_FALLBACK)
				(void) cell_number(rs, rec, c, &v);
	}
	rs->nkept++;
}

static void replay_sample_rows(RunState *rs);

static int
on_record(void *ctx, const tab_record *rec)
{
	RunState   *rs = (RunState *) ctx;
	const char *id;

	CHECK_FOR_INTERRUPTS();
	rs->line = rec->line;
	if (rec->is_header)
	{
		if (rs->pass == 1)
		{
			rs->ncols = rec->nfields;
			rs->names = palloc(sizeof(char *) * rec->nfields);
			for (int c = 0; c < rec->nfields; c++)
				rs->names[c] = pstrdup(rec->fields[c]);
			rs->plan_rows = Max(20, Min(PLAN_ROWS, PLAN_CELLS / Max(rec->nfields, 1)));
			rs->sample_ctx = AllocSetContextCreate(CurrentMemoryContext, "amprenta plan sample",
												   ALLOCSET_DEFAULT_SIZES);
			rs->sample_cells = MemoryContextAllocZero(rs->sample_ctx,
													  sizeof(char *) * (size_t) rs->plan_rows * rec->nfields);
			rs->sample_lines = MemoryContextAlloc(rs->sample_ctx, sizeof(long) * rs->plan_rows);
		}
		return 0;
	}

	if (rs->pass == 1)
	{
		if (!rs->planned)
		{
			int			r = rs->nsample_rows++;

			for (int c = 0; c < rs->ncols; c++)
				rs->sample_cells[(size_t) r * rs->ncols + c] =
					MemoryContextStrdup(rs->sample_ctx, cell(rec, c));
			rs->sample_lines[r] = rec->line;
			/* Enough rows seen: plan, then treat them as pass-1 rows. */
			if (rs->nsample_rows == rs->plan_rows)
			{
				make_plan(rs, rs->requested);
				replay_sample_rows(rs);
			}
			return 0;
		}
		pass1_row(rs, rec);
		return 0;
	}

	/* pass 2 */
	rs->counts.rows_read++;
	if (!row_kept(rs, rec, &id))
		return 0;
	if (rs->plan.layout == LAYOUT_LONG)
		long_pass2_row(rs, rec, id);
	else
		pass2_row(rs, rec, id);
	return 0;
}

/* Replay the buffered plan rows through pass 1 once the plan exists. */
static void
replay_sample_rows(RunState *rs)
{
	size_t	   *lens = MemoryContextAlloc(rs->sample_ctx, sizeof(size_t) * rs->ncols);

	for (int r = 0; r < rs->nsample_rows; r++)
	{
		tab_record	rec;

		for (int c = 0; c < rs->ncols; c++)
			lens[c] = strlen(rs->sample_cells[(size_t) r * rs->ncols + c]);
		memset(&rec, 0, sizeof(rec));
		rec.line = rs->sample_lines[r];
		rec.nfields = rs->ncols;
		rec.fields = (const char *const *) &rs->sample_cells[(size_t) r * rs->ncols];
		rec.lens = lens;
		rs->line = rec.line;
		pass1_row(rs, &rec);
	}
	/* The plan keeps nothing of the sample: free it. */
	MemoryContextDelete(rs->sample_ctx);
	rs->sample_ctx = NULL;
	rs->sample_cells = NULL;
	rs->sample_lines = NULL;
}

/* Stream the source through a reader: one pass. */
static void
read_pass(RunState *rs, pg_cryptohash_ctx *hash)
{
	tab_reader *reader;
	tab_error	err;
	char	   *scratch = palloc(INGEST_CHUNK);
	const char *buf;
	size_t		n;
	int			rc;

	tab_alloc	alloc = ingest_tab_alloc();

	ingest_source_rewind(rs->src);
	reader = tab_reader_create(&rs->dialect, &alloc, on_record, rs);
	while ((n = ingest_source_read(rs->src, &buf, scratch)) > 0)
	{
		CHECK_FOR_INTERRUPTS();
		if (hash && pg_cryptohash_update(hash, (const uint8 *) buf, n) < 0)
			elog(ERROR, "could not update SHA-256: %s", pg_cryptohash_error(hash));
		rc = tab_reader_feed(reader, buf, n, &err);
		if (rc != TAB_OK)
			raise_tab_error(rs, &err);
	}
	rc = tab_reader_finish(reader, &err);
	if (rc != TAB_OK)
		raise_tab_error(rs, &err);
	if (rs->pass == 1 && !rs->planned)
	{
		make_plan(rs, rs->requested);
		replay_sample_rows(rs);
	}
	tab_reader_destroy(reader);
	pfree(scratch);
}

static int
rank_cmp(const void *a, const void *b, void *arg)
{
	const double *keys = (const double *) arg;
	int64		ia = *(const int64 *) a,
				ib = *(const int64 *) b;

	if (keys[ia] > keys[ib])
		return -1;
	if (keys[ia] < keys[ib])
		return 1;
	return (ia > ib) - (ia < ib);
}

/*
 * Rank 1 = largest key; equal keys share a rank and the next key skips
 * (1, 1, 3), so the scorer can recover ties; rows without a key get no rank.
 */
static int32 *
compute_ranks(const double *keys, int64 n)
{
	int64	   *order;
	int32	   *ranks;
	int64		m = 0;

	if (n == 0)
		return NULL;
	order = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * n);
	ranks = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32) * n);
	for (int64 i = 0; i < n; i++)
	{
		ranks[i] = 0;
		if (!isnan(keys[i]))
			order[m++] = i;
	}
	if (m == 0)
	{
		pfree(order);
		pfree(ranks);
		return NULL;
	}
	qsort_arg(order, m, sizeof(int64), rank_cmp, (void *) keys);
	/* Competition ranking: equal keys share the best rank (1, 1, 3). */
	for (int64 r = 0; r < m; r++)
		ranks[order[r]] = (r > 0 && keys[order[r]] == keys[order[r - 1]])
			? ranks[order[r - 1]] : (int32) (r + 1);
	pfree(order);
	return ranks;
}

static int
long_order_cmp(const void *a, const void *b)
{
	const LongFeature *fa = *(LongFeature *const *) a;
	const LongFeature *fb = *(LongFeature *const *) b;

	return (fa->order > fb->order) - (fa->order < fb->order);
}

/* Long layout: emit the pivoted features in order of first appearance. */
static void
emit_long(RunState *rs)
{
	int			n = rs->long_nfeatures;
	int			ns = list_length(rs->sample_names);
	LongFeature **all;
	HASH_SEQ_STATUS seq;
	LongFeature *f;
	double	   *keys;
	int32	   *ranks;
	int			i = 0;

	if (n == 0)
		return;
	all = palloc(sizeof(LongFeature *) * n);
	hash_seq_init(&seq, rs->long_features);
	while ((f = hash_seq_search(&seq)) != NULL)
		all[i++] = f;
	qsort(all, n, sizeof(LongFeature *), long_order_cmp);

	keys = palloc(sizeof(double) * n);
	for (i = 0; i < n; i++)
	{
		double		sum = 0;
		int			k = 0;

		for (int s = 0; s < ns; s++)
			if (!all[i]->nulls[s])
			{
				sum += all[i]->values[s];
				k++;
			}
		keys[i] = k ? sum / k : NAN;
	}
	ranks = compute_ranks(keys, n);

	for (i = 0; i < n; i++)
	{
		StoreRow   *row;

		CHECK_FOR_INTERRUPTS();
		row = emit_row(rs, all[i]->key, all[i]->first_line, ranks ? ranks[i] : 0);
		memcpy(row->samples, all[i]->values, sizeof(float4) * ns);
		memcpy(row->sample_null, all[i]->nulls, sizeof(bool) * ns);
	}
}

pg_uuid_t *
ingest_run(IngestSource *src, omics_kind requested, IngestOptions *opts)
{
	RunState	rs;
	ErrorContextCallback errcb;
	pg_cryptohash_ctx *hash;
	uint8		sha256[PG_SHA256_DIGEST_LENGTH];
	char	   *head;
	size_t		headlen = 0;
	const char *buf;
	size_t		n;
	tab_error	err;
	pg_uuid_t  *dataset_id;
	char		format[64];
	TimestampTz started_at = GetCurrentTimestamp();
	Jsonb	   *options = opts->raw;

	memset(&rs, 0, sizeof(rs));
	rs.src = src;
	rs.opts = opts;
	rs.requested = requested;
	rs.omics = requested;
	errcb.callback = ingest_error_callback;
	errcb.arg = &rs;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	/* Sniff the dialect from the first megabyte. */
	head = palloc(SNIFF_BYTES);
	{
		char	   *scratch = palloc(INGEST_CHUNK);

		ingest_source_rewind(src);
		while (headlen < SNIFF_BYTES && (n = ingest_source_read(src, &buf, scratch)) > 0)
		{
			size_t		take = Min(n, SNIFF_BYTES - headlen);

			memcpy(head + headlen, buf, take);
			headlen += take;
		}
		pfree(scratch);
	}
	if (tab_sniff(head, headlen, headlen < SNIFF_BYTES && (int64) headlen == src->size,
				  opts->delimiter, &rs.dialect, &err) != TAB_OK)
		raise_tab_error(&rs, &err);
	pfree(head);

	/* Pass 1: hash, validate, plan, rank keys. */
	hash = pg_cryptohash_create(PG_SHA256);
	if (hash == NULL || pg_cryptohash_init(hash) < 0)
		elog(ERROR, "could not initialise SHA-256");
	rs.pass = 1;
	PG_TRY();
	{
		read_pass(&rs, hash);
		if (pg_cryptohash_final(hash, sha256, sizeof(sha256)) < 0)
			elog(ERROR, "could not finish SHA-256: %s", pg_cryptohash_error(hash));
	}
	PG_FINALLY();
	{
		pg_cryptohash_free(hash);
	}
	PG_END_TRY();
	rs.line = 0;
	elog(DEBUG1, "amprenta ingest: pass 1 over \"%s\" done in %ld ms",
		 src->file_name, (long) (TimestampDifferenceMilliseconds(started_at, GetCurrentTimestamp())));
	if (rs.nkept == 0 && rs.plan.layout != LAYOUT_LONG)
		ereport(ERROR,
				(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
				 errmsg("no data rows with an identifier"),
				 errhint("Check that column \"%s\" holds the feature identifiers, or name another with option \"feature_column\".",
						 rs.names[rs.plan.id_col])));
	if (rs.values_seen == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("every value in the file is missing"),
				 errdetail("No numeric value was found in the value columns of layout \"%s\".",
						   layout_name(rs.plan.layout)),
				 errhint("Missing values are empty cells, NA, NaN, null and the like; check the export settings of the tool that wrote the file.")));

	snprintf(format, sizeof(format), "%s", layout_name(rs.plan.layout));

	/* Identical bytes and options ingested before: return that dataset. */
	{
		int64		key;

		memcpy(&key, sha256, sizeof(key));
		DirectFunctionCall1(pg_advisory_xact_lock_int8, Int64GetDatum(key));
	}
	dataset_id = store_find_previous(sha256, options, requested);
	if (dataset_id)
	{
		error_context_stack = errcb.previous;
		return dataset_id;
	}

	rs.ranks = compute_ranks(rs.rank_keys, rs.nkept);
	if (rs.rank_keys)
		pfree(rs.rank_keys);

	/* Pass 2: normalize and store. */
	{
		char	   *dot = strrchr(src->file_name, '.');
		char	   *default_name = dot && dot != src->file_name ? pnstrdup(src->file_name, dot - src->file_name)
			: pstrdup(src->file_name);

		dataset_id = store_create_dataset(opts, default_name, rs.omics, rs.sample_names, src, sha256, format);
	}
	rs.store = store_begin(dataset_id, list_length(rs.sample_names));
	initStringInfo(&rs.warnings);
	rs.pass = 2;
	rs.nkept = 0;
	read_pass(&rs, NULL);
	rs.line = 0;
	if (rs.plan.layout == LAYOUT_LONG)
		emit_long(&rs);
	store_end(rs.store);
	elog(DEBUG1, "amprenta ingest: pass 2 over \"%s\" done at %ld ms",
		 src->file_name, (long) (TimestampDifferenceMilliseconds(started_at, GetCurrentTimestamp())));

	if (rs.warnings_dropped > 0)
		add_warning(&rs, -1, "%lld more warnings not recorded", (long long) rs.warnings_dropped);
	{
		StringInfoData w;
		Jsonb	   *warnings;

		initStringInfo(&w);
		appendStringInfo(&w, "[%s]", rs.warnings.data);
		warnings = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(w.data)));
		store_ingestion(dataset_id, src, sha256, rs.omics, format, options, &rs.counts, warnings, started_at);
	}

	error_context_stack = errcb.previous;
	return dataset_id;
}
