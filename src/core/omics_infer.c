/*
 * omics_infer.c - omics type of a table from its content.
 *
 * Three kinds of evidence, in points: the layout (a MaxQuant table is
 * proteomics, a MAF/mwTab/mzTab-M file metabolomics unless its names are
 * mostly lipids), header names typical of one kind of analysis (DESeq2's
 * baseMean and lfcSE, edgeR's logCPM: RNA-seq), and what the identifiers of
 * the first rows look like (percentage of each feature type).
 */
#include "omics_infer.h"

#include <string.h>

#include "feature_type.h"

enum
{
	O_LIPID = 0, O_METAB, O_PROT, O_TRANS
};

/* Header keys (see columns_key) that point to one omics. */
static const struct
{
	const char *key;
	int			omics;
	int			points;
}			header_hints[] = {
	{"basemean", O_TRANS, 30}, {"lfcse", O_TRANS, 30}, {"logcpm", O_TRANS, 30},
	{"ensemblgeneid", O_TRANS, 30}, {"geneid", O_TRANS, 10}, {"transcriptid", O_TRANS, 30},
	{"uniprot", O_PROT, 30}, {"uniprotid", O_PROT, 30}, {"proteinid", O_PROT, 30},
	{"proteinids", O_PROT, 30}, {"majorityproteinids", O_PROT, 30}, {"accession", O_PROT, 15},
	{"razoruniquepeptides", O_PROT, 30}, {"peptides", O_PROT, 10},
	{"lipid", O_LIPID, 30}, {"lipids", O_LIPID, 30}, {"lipidspecies", O_LIPID, 30},
	{"lipidclass", O_LIPID, 30}, {"optgloballipidspecies", O_LIPID, 30},
	{"metabolite", O_METAB, 30}, {"metabolitename", O_METAB, 30}, {"compound", O_METAB, 15},
	{"hmdb", O_METAB, 30}, {"keggid", O_METAB, 30}, {"pubchemid", O_METAB, 30},
	{NULL, 0, 0}
};

void
omics_infer_scores(const char *const *names, int ncols, const col_plan *plan,
				   const char *const *ids, int nids, int scores[OMICS_KINDS])
{
	int			kinds[4] = {0, 0, 0, 0};	/* gene, protein, metabolite, lipid */
	int			typed = 0;

	memset(scores, 0, sizeof(int) * OMICS_KINDS);

	switch (plan->layout)
	{
		case LAYOUT_MAXQUANT:
			scores[O_PROT] += 100;
			break;
		case LAYOUT_MAF:
		case LAYOUT_MWTAB:
		case LAYOUT_MZTAB:
			scores[O_METAB] += 50;
			break;
		default:
			break;
	}

	for (int c = 0; c < ncols; c++)
	{
		char		key[128];

		columns_key(names[c], key, sizeof(key));
		for (int h = 0; header_hints[h].key; h++)
			if (strcmp(key, header_hints[h].key) == 0)
				scores[header_hints[h].omics] += header_hints[h].points;
	}

	for (int i = 0; i < nids; i++)
	{
		feature_kind k;

		if (ids[i] == NULL || ids[i][0] == '\0')
			continue;
		k = feature_type_infer(ids[i], strlen(ids[i]));
		if (k == FEATURE_UNKNOWN)
			continue;
		kinds[k]++;
		typed++;
	}
	if (typed > 0)
	{
		scores[O_TRANS] += 100 * kinds[FEATURE_GENE] / typed;
		scores[O_PROT] += 100 * kinds[FEATURE_PROTEIN] / typed;
		scores[O_METAB] += 100 * kinds[FEATURE_METABOLITE] / typed;
		scores[O_LIPID] += 100 * kinds[FEATURE_LIPID] / typed;
	}
}

int
omics_infer_best(const int scores[OMICS_KINDS], bool *tied)
{
	int			best = -1,
				second = -1;

	for (int i = 0; i < OMICS_KINDS; i++)
	{
		if (best < 0 || scores[i] > scores[best])
		{
			second = best;
			best = i;
		}
		else if (second < 0 || scores[i] > scores[second])
			second = i;
	}
	*tied = false;
	if (scores[best] <= 0)
		return -1;
	/* "As likely": within 5 points out of a scale of about 100. */
	if (second >= 0 && scores[best] - scores[second] < 5)
		*tied = true;
	return best;
}
