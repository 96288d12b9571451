/*
 * metabolite.h - metabolite name and identifier normalizer.
 *
 * Follows the contract of normalize.h.  In short (details and examples in
 * doc/normalization-identifiers.md):
 *   - database ids are recognised and printed canonically: HMDB0000122
 *     (legacy HMDB00122 padded), KEGG C00031, CHEBI:17234, LMFA01010001,
 *     InChIKeys, CID:5793, CAS:50-99-7 (check digit verified), SLM:...;
 *     a bare number is NORM_AMBIGUOUS (PubChem, ChEBI or NCBI Gene?);
 *   - tool decorations are removed: adducts and charges ([M+H]+, M+Na,
 *     [M-H]-), retention times (@7.48), polarity ((pos), NEG); isomer
 *     counters (_R2, _1, " (2)") and low-confidence markers (w/o MS2:,
 *     trailing ?) are removed but flag the name NORM_AMBIGUOUS;
 *   - names are keyed RefMet-style: acid rather than anion (lactate,
 *     L-lactic acid, Lactic Acid -> "Lactic acid"), the natural
 *     configuration dropped (L for amino acids, D for sugars) and any other
 *     kept (D-Serine, L-2-Hydroxyglutaric acid), Greek letters spelled out
 *     (α- and a- -> alpha-), primes, dashes and spaces unified, upper
 *     case kept where it carries meaning (N-, cAMP, NAD+, acronyms) and
 *     the first letter of the parent name capitalised;
 *   - lipid shorthand is not parsed here: feature_type_infer() sends
 *     such names to the lipid parser.
 */
#ifndef AMPRENTA_METABOLITE_H
#define AMPRENTA_METABOLITE_H

#include <stddef.h>

#include "ident_text.h"
#include "normalize.h"

extern norm_status metabolite_normalize(const char *name, size_t len,
										char *out, size_t outsz,
										const char **reason);

/*
 * IDENT_STRONG for database identifiers; IDENT_NAME for names in the
 * synonym table, names carrying adducts or retention times, and names
 * shaped like chemical names (locants such as 2'- or N,N-, configuration
 * prefixes, words ending in -ine, -ate, -ose, -ol, "acid", ...);
 * IDENT_NONE otherwise (all-capital short words, mouse-style symbols).
 */
extern ident_evidence metabolite_evidence(const char *name, size_t len);

#endif
