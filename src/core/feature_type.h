/*
 * feature_type.h - infer gene | protein | metabolite | lipid from a name
 * alone, and normalize a name as a given kind.
 *
 * Precedence (first match wins; doc/normalization-identifiers.md has the
 * examples and the known ambiguous cases):
 *   1. empty cells and missing-value tokens      -> FEATURE_UNKNOWN
 *   2. protein identifiers: UniProt accessions (also with isoform),
 *      FASTA headers, groups of accessions, decoy/contaminant entries,
 *      RefSeq NP_/XP_, Ensembl ENSP              -> FEATURE_PROTEIN
 *   3. gene identifiers: Ensembl ENSG/ENST, RefSeq NM_/NR_, HGNC:,
 *      GeneID:, C#orf#, the renamed SEPT/MARCH families and spreadsheet
 *      dates that repair to them                 -> FEATURE_GENE
 *   4. metabolite identifiers: HMDB, KEGG, ChEBI, LIPID MAPS, InChIKey,
 *      CID:, CAS                                 -> FEATURE_METABOLITE
 *   5. anything lipid_input_level() parses       -> FEATURE_LIPID
 *   6. metabolite names: the synonym table, adducts/RT decorations,
 *      chemical name shapes                       -> FEATURE_METABOLITE
 *   7. UniProt entry names (P53_HUMAN)           -> FEATURE_PROTEIN
 *   8. gene-symbol shapes (TP53, Actb, C9orf72)  -> FEATURE_GENE
 *   9. otherwise (bare numbers included)         -> FEATURE_UNKNOWN
 * Whenever the answer is not FEATURE_UNKNOWN, feature_normalize() with that
 * kind accepts the name (decoys and contaminants excepted: they are
 * proteins that protein_normalize() rejects on purpose).
 */
#ifndef AMPRENTA_FEATURE_TYPE_H
#define AMPRENTA_FEATURE_TYPE_H

#include <stddef.h>

#include "normalize.h"

extern feature_kind feature_type_infer(const char *name, size_t len);

/*
 * Dispatch to gene_normalize(), protein_normalize(),
 * metabolite_normalize() or lipid_normalize(..., LIPID_LEVEL_INPUT, ...).
 * FEATURE_UNKNOWN (or any other value) is NORM_INVALID.
 */
extern norm_status feature_normalize(feature_kind kind,
									 const char *name, size_t len,
									 char *out, size_t outsz,
									 const char **reason);

#endif
