/*
 * score_match.h - a signature's components and the dataset features each
 * one may match.
 *
 * Every component has a list of candidate features, best first: its own
 * feature (an exact match), then, for lipids, the features that agree with
 * it at the coarsest level both names carry (a signature's
 * "Cer 18:1;O2/16:0" and a dataset's "Cer 34:1;O2" agree at species level),
 * finer agreement first, then by name.  In a dataset, a component takes the
 * first candidate the dataset has, so the choice is deterministic and an
 * exact match always wins over a roll-up.
 */
#ifndef AMPRENTA_SCORE_MATCH_H
#define AMPRENTA_SCORE_MATCH_H

#include "postgres.h"

#include "utils/uuid.h"

#include "normalize.h"

#define MATCH_EXACT 0			/* ScoreCandidate.level of an exact match */

typedef struct ScoreCandidate
{
	int			feature;		/* index into ScoreSignature.features */
	int			level;			/* MATCH_EXACT, or the lipid_level compared at */
} ScoreCandidate;

typedef struct ScoreComponent
{
	char	   *raw_name;		/* as the signature gives it */
	char	   *normalized;		/* canonical name, NULL when not normalizable */
	feature_kind kind;
	int			direction;		/* +1 up, -1 down, 0 neutral/complex/none */
	const char *direction_label;	/* "up", ..., or NULL */
	double		weight;
	int			ncand;
	ScoreCandidate *cand;		/* best first */
} ScoreComponent;

typedef struct ScoreFeature
{
	pg_uuid_t	id;
	char	   *name;			/* normalized name */
} ScoreFeature;

typedef struct ScoreSignature
{
	pg_uuid_t	id;
	int			ncomp;
	ScoreComponent *comp;
	int			nfeat;
	ScoreFeature *feat;			/* distinct candidate features, sorted by id */
} ScoreSignature;

/* Loads signature `id` (ERROR P0002 when there is none).  Uses SPI. */
extern ScoreSignature *score_signature_load(const pg_uuid_t *id);

/* "exact", "species", "molecular_species", ... for ScoreCandidate.level. */
extern const char *score_match_level_name(int level);

#endif
