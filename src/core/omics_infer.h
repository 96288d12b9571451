/*
 * omics_infer.h - which omics a table holds, from its header, its layout
 * and the identifiers of its first rows; never from the file's path.
 */
#ifndef AMPRENTA_OMICS_INFER_H
#define AMPRENTA_OMICS_INFER_H

#include "columns.h"

/* Indexes follow the SQL enum amprenta.omics_type. */
#define OMICS_KINDS 4

/*
 * Scores (higher = more likely) for lipidomics, metabolomics, proteomics,
 * transcriptomics.  ids are the identity cells of the first rows.
 */
extern void omics_infer_scores(const char *const *names, int ncols,
							   const col_plan *plan,
							   const char *const *ids, int nids,
							   int scores[OMICS_KINDS]);

/*
 * The best index, or -1 when nothing points anywhere; *tied is set when
 * the runner-up is as likely (then the caller must ask for omics_type).
 */
extern int	omics_infer_best(const int scores[OMICS_KINDS], bool *tied);

#endif
