/*
 * ingest_options.c - the `options jsonb` argument of the ingestion functions.
 *
 * Every key is checked: an unknown key or a value of the wrong type is an
 * error (22023) that names the valid keys, so a typo never silently changes
 * what is stored.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/uuid.h"

#include "ingest.h"
#include "options.h"

static const char *const valid_keys =
	"name, description, program_id, experiment_id, organism, disease, sample_type, "
	"feature_column, layout, delimiter, notion_page_id";

static bool
take_option(const char *key, JsonbValue *v, void *arg)
{
	IngestOptions *opts = (IngestOptions *) arg;

	if (strcmp(key, "name") == 0)
		opts->name = option_string(key, v);
	else if (strcmp(key, "description") == 0)
		opts->description = option_string(key, v);
	else if (strcmp(key, "organism") == 0)
		opts->organism = option_string_list(key, v);
	else if (strcmp(key, "disease") == 0)
		opts->disease = option_string_list(key, v);
	else if (strcmp(key, "sample_type") == 0)
		opts->sample_type = option_string_list(key, v);
	else if (strcmp(key, "program_id") == 0)
	{
		option_uuid(key, v, &opts->program_id);
		opts->has_program = true;
	}
	else if (strcmp(key, "experiment_id") == 0)
	{
		option_uuid(key, v, &opts->experiment_id);
		opts->has_experiment = true;
	}
	else if (strcmp(key, "feature_column") == 0)
		opts->feature_column = option_string(key, v);
	else if (strcmp(key, "notion_page_id") == 0)
		opts->notion_page_id = option_string(key, v);
	else if (strcmp(key, "layout") == 0)
	{
		char	   *s = option_string(key, v);
		int			l = layout_from_name(s);

		if (l < 0 || l == LAYOUT_MWTAB || l == LAYOUT_MZTAB)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid layout \"%s\"", s),
					 errhint("Valid layouts are: auto, results, matrix, long, maxquant, maf "
							 "(mwTab and mzTab-M files are recognised from their content).")));
		opts->layout = (ingest_layout) l;
	}
	else if (strcmp(key, "delimiter") == 0)
	{
		char	   *s = option_string(key, v);

		if (strcmp(s, "\t") == 0 || pg_strcasecmp(s, "tab") == 0)
			opts->delimiter = '\t';
		else if (strcmp(s, ",") == 0 || pg_strcasecmp(s, "comma") == 0)
			opts->delimiter = ',';
		else if (strcmp(s, ";") == 0 || pg_strcasecmp(s, "semicolon") == 0)
			opts->delimiter = ';';
		else if (pg_strcasecmp(s, "auto") == 0)
			opts->delimiter = 0;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid delimiter \"%s\"", s),
					 errhint("Valid delimiters are: \"\\t\" (or \"tab\"), \",\" (or \"comma\"), \";\" (or \"semicolon\"), \"auto\".")));
	}
	else
		return false;
	return true;
}

void
ingest_parse_options(Jsonb *options, IngestOptions *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->raw = options;
	opts->layout = LAYOUT_AUTO;
	options_walk(options, valid_keys, take_option, opts);
}

static const char *const omics_names[] = {
	"lipidomics", "metabolomics", "proteomics", "transcriptomics"
};
static const char *const feature_names[] = {
	"gene", "protein", "metabolite", "lipid"
};

const char *
omics_kind_name(omics_kind kind)
{
	return (kind >= 0 && kind < 4) ? omics_names[kind] : "unknown";
}

omics_kind
omics_kind_from_name(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(name, omics_names[i]) == 0)
			return (omics_kind) i;
	return OMICS_UNKNOWN;
}

const char *
feature_kind_name(feature_kind kind)
{
	return (kind >= 0 && kind < 4) ? feature_names[kind] : "unknown";
}
