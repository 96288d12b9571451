/*
 * gene.h - gene identifier normalizer (HGNC-style symbols, Ensembl/GENCODE
 * ids, RefSeq transcripts, NCBI Gene ids, spreadsheet date damage).
 *
 * Follows the contract of normalize.h.  The rules, with examples, are in
 * doc/normalization-identifiers.md; in short:
 *   - human symbols are upper case except the "orf" of C1orf112;
 *     all-lower-case symbols are upper-cased, mixed-case symbols (mouse,
 *     rat: Actb, Trp53) keep their case;
 *   - ENSG00000141510.17 -> ENSG00000141510 (version dropped, case fixed),
 *     GENCODE "_PAR_Y" kept as a distinct key (ENSG00000002586_PAR_Y);
 *   - NM_000546.5 -> NM_000546; 7157 stays 7157, 7157.0 is repaired;
 *   - 1-Sep / Sep-1 / 2001-09-01 -> SEPTIN1 (NORM_REPAIRED), SEPT7 ->
 *     SEPTIN7, MARCH5 -> MARCHF5; 1-Mar, 2-Mar, 2-Sep, 1-Dec and DEC1,
 *     SEPT2 are NORM_AMBIGUOUS (two genes fit);
 *   - several genes in one cell ("A /// B", "A;B") give the first one and
 *     NORM_AMBIGUOUS unless they are all the same gene.
 */
#ifndef AMPRENTA_GENE_H
#define AMPRENTA_GENE_H

#include <stddef.h>

#include "ident_text.h"
#include "normalize.h"

extern norm_status gene_normalize(const char *name, size_t len,
								  char *out, size_t outsz,
								  const char **reason);

/*
 * The symbol rules alone (case, renames, date repair, decorations), with
 * database ids and bare numbers rejected.  protein.c uses it for the gene
 * names that proteomics tables use as protein keys.
 */
extern norm_status gene_symbol_normalize(const char *name, size_t len,
										 char *out, size_t outsz,
										 const char **reason);

/*
 * How much `name` looks like a gene identifier: IDENT_STRONG for Ensembl
 * gene/transcript ids, RefSeq transcripts, HGNC:/GeneID: ids, C#orf#
 * symbols, renamed families and repairable dates; IDENT_WEAK for any
 * other acceptable symbol; IDENT_NONE for bare numbers (an Entrez id, a
 * PubChem CID or a ChEBI number cannot be told apart) and for anything
 * gene_normalize() rejects.
 */
extern ident_evidence gene_evidence(const char *name, size_t len);

#endif
