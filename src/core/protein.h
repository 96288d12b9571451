/*
 * protein.h - protein identifier normalizer (UniProt accessions, isoforms,
 * entry names, FASTA headers, MaxQuant/DIA-NN protein groups, RefSeq and
 * Ensembl protein ids, decoy and contaminant entries).
 *
 * Follows the contract of normalize.h.  In short (details and examples in
 * doc/normalization-identifiers.md):
 *   - accessions are validated with the UniProt pattern and upper-cased;
 *     a sequence version (.3) and a UPS1 spike suffix (P02768ups) are
 *     dropped; an isoform suffix is KEPT (P04637-2 is its own entity,
 *     and P04637-1 is kept too: the canonical isoform is not always -1);
 *   - sp|P04637|P53_HUMAN ... -> P04637 (the accession, never the name);
 *   - entry names stay entry names in upper case (P53_HUMAN), except
 *     TrEMBL ones, which are ACCESSION_SPECIES and give the accession;
 *   - a group "A;B;C" gives its first target member; NORM_AMBIGUOUS when
 *     the group holds more than one base accession or also holds decoy or
 *     contaminant members;
 *   - decoys (REV__, rev_, DECOY_, XXX_) and contaminants (CON__,
 *     contam_) are NORM_INVALID with a reason starting with "decoy" or
 *     "contaminant", so ingestion can drop or count them;
 *   - anything else is read as the gene name a proteomics table may use
 *     as its key, with the gene symbol rules (gene_symbol_normalize()).
 */
#ifndef AMPRENTA_PROTEIN_H
#define AMPRENTA_PROTEIN_H

#include <stdbool.h>
#include <stddef.h>

#include "ident_text.h"
#include "normalize.h"

extern norm_status protein_normalize(const char *name, size_t len,
									 char *out, size_t outsz,
									 const char **reason);

/*
 * IDENT_STRONG for accessions, FASTA headers, groups of accessions,
 * RefSeq/Ensembl protein ids and decoy/contaminant entries; IDENT_WEAK for
 * Swiss-Prot entry names; IDENT_NONE otherwise (gene names included).
 */
extern ident_evidence protein_evidence(const char *name, size_t len);

/* Is s[0..len) exactly a UniProt accession (6 or 10 characters, any case)? */
extern bool protein_is_accession(const char *s, size_t len);

#endif
