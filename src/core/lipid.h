/*
 * lipid.h - lipid name parser and Shorthand 2020 printer.
 *
 * Reads the dialects met in real files (Shorthand 2020, LIPID MAPS common
 * names, the old Goslin ";2" hydroxyl form, Biocrates "PC aa C36:2",
 * "lyso"/"plasmenyl" prefixes, MS-DIAL "A|B") and prints Shorthand 2020 at
 * the requested level of structural detail, never inventing structure the
 * input does not carry.
 */
#ifndef AMPRENTA_LIPID_H
#define AMPRENTA_LIPID_H

#include "normalize.h"

/*
 * Levels of the 2020 shorthand hierarchy, coarsest first.  LIPID_LEVEL_INPUT
 * asks for the finest level the input supports.
 */
typedef enum lipid_level
{
	LIPID_LEVEL_INPUT = 0,
	LIPID_LEVEL_SPECIES,			/* PC 34:1 */
	LIPID_LEVEL_MOLECULAR_SPECIES,	/* PC 16:0_18:1 */
	LIPID_LEVEL_SN_POSITION,		/* PC 16:0/18:1 */
	LIPID_LEVEL_STRUCTURE_DEFINED,	/* PC 16:0/18:1(9) */
	LIPID_LEVEL_FULL_STRUCTURE		/* PC 16:0/18:1(9Z) */
} lipid_level;

/*
 * Parse `name` (len bytes) and print it at `level` into out[outsz].
 * A level finer than the input supports is NORM_INVALID with a reason
 * ("input carries only species-level information").
 */
extern norm_status lipid_normalize(const char *name, size_t len,
								   lipid_level level,
								   char *out, size_t outsz,
								   const char **reason);

/*
 * The finest level `name` supports, or LIPID_LEVEL_INPUT (0) when it does
 * not parse as a lipid.
 */
extern lipid_level lipid_input_level(const char *name, size_t len);

/* "species", "molecular_species", ... -> level; returns -1 when unknown. */
extern int	lipid_level_from_name(const char *s);
extern const char *lipid_level_name(lipid_level level);

#endif
