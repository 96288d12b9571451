/*
 * gene_renames.h - the HGNC 2020 renames of symbols that spreadsheets turn
 * into dates (SEPT -> SEPTIN, MARCH -> MARCHF, MARC -> MTARC, DEC1 ->
 * DELEC1), and the reading of such dates back into symbols.
 *
 * Internal to gene.c; see doc/normalization-identifiers.md for the rules.
 */
#ifndef AMPRENTA_GENE_RENAMES_H
#define AMPRENTA_GENE_RENAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "normalize.h"

/*
 * If sym[0..len) (case already normalized: human upper case, or mouse
 * style "Sept7") is a symbol of the renamed families, write the current
 * symbol into buf and return NORM_REPAIRED, or NORM_AMBIGUOUS when the old
 * symbol is also an alias of another gene.  Otherwise return NORM_OK and
 * leave buf alone.
 */
extern norm_status gene_rename_lookup(const char *sym, size_t len,
									  char *buf, size_t bufsz,
									  const char **reason);

/*
 * If s[0..len) is a date as spreadsheets write it (1-Sep, Sep-1, 01-Sep-01,
 * 2001-09-01, 9/1/2001, ...), return true and set *status: NORM_REPAIRED
 * or NORM_AMBIGUOUS with the symbol in buf, or NORM_INVALID when no renamed
 * symbol reads as that date.  Returns false when s is not a date.
 */
extern bool gene_excel_date(const char *s, size_t len,
							char *buf, size_t bufsz,
							norm_status *status, const char **reason);

#endif
