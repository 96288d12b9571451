/*
 * ident_text.h - byte-level helpers shared by the identifier normalizers
 * (gene.c, protein.c, metabolite.c, feature_type.c).
 *
 * Plain C, no PostgreSQL headers, no allocation, no global state.  All
 * character classes are ASCII-only on purpose: <ctype.h> depends on the
 * locale, and a normalizer must give the same answer in every backend.
 */
#ifndef AMPRENTA_IDENT_TEXT_H
#define AMPRENTA_IDENT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "normalize.h"

/*
 * How strongly a name looks like one kind of identifier; the evidence
 * functions of gene.c, protein.c and metabolite.c return it and
 * feature_type.c ranks it.
 */
typedef enum ident_evidence
{
	IDENT_NONE = 0,				/* nothing points at this kind */
	IDENT_WEAK,					/* only the shape (a symbol, an entry name) */
	IDENT_NAME,					/* a known or chemical-looking name */
	IDENT_STRONG				/* a database identifier or unique syntax */
} ident_evidence;

static inline bool
ident_is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static inline bool
ident_is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static inline bool
ident_is_alpha(unsigned char c)
{
	return ident_is_upper(c) || ident_is_lower(c);
}

static inline bool
ident_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
ident_is_alnum(unsigned char c)
{
	return ident_is_alpha(c) || ident_is_digit(c);
}

static inline char
ident_upper(char c)
{
	return ident_is_lower((unsigned char) c) ? (char) (c - 'a' + 'A') : c;
}

static inline char
ident_lower(char c)
{
	return ident_is_upper((unsigned char) c) ? (char) (c - 'A' + 'a') : c;
}

/*
 * Narrow [*s, *s + *len) to the meaningful part of a cell: strips ASCII
 * white space, a UTF-8 byte order mark, no-break and zero-width spaces,
 * and matching pairs of surrounding quotes (" ' ` and the typographic
 * ones), repeatedly, so '" TP53 "' becomes TP53.
 */
extern void ident_trim(const char **s, size_t *len);

/* Reason given for an empty cell or a missing-value token. */
#define IDENT_REASON_EMPTY "empty, or a missing-value token (NA, N/A, -, ...)"

/*
 * The checks every identifier normalizer starts with: trims the cell, then
 * returns why the cell cannot be an identifier (empty or a missing-value
 * token, control characters, invalid UTF-8), or NULL when it may be one.
 */
extern const char *ident_screen(const char **s, size_t *len);

/* True when the bytes are well-formed UTF-8 (no overlongs, no surrogates). */
extern bool ident_utf8_valid(const char *s, size_t len);

/* True when s holds a byte below 0x20 or 0x7F (after trimming). */
extern bool ident_has_control(const char *s, size_t len);

/*
 * True for the spellings of "no value" met in result files: NA, N/A, #N/A,
 * NaN, null, None, -, ., ?, ND, n.d., Excel error values, ...
 * (case-insensitive, on an already trimmed cell).
 */
extern bool ident_is_missing(const char *s, size_t len);

/* Case-insensitive ASCII comparison of s[0..len) with the C string word. */
extern bool ident_ci_eq(const char *s, size_t len, const char *word);

/* Case-insensitive: does s[0..len) start with the C string prefix? */
extern bool ident_ci_prefix(const char *s, size_t len, const char *prefix);

/* Does s[0..len) end with the C string suffix (case-insensitive)? */
extern bool ident_ci_suffix(const char *s, size_t len, const char *suffix);

/* Number of leading ASCII digits of s[0..len). */
extern size_t ident_span_digits(const char *s, size_t len);

/* True when s[0..len) is non-empty and all ASCII digits. */
extern bool ident_all_digits(const char *s, size_t len);

/*
 * Ensembl stable id, case-insensitive: ENS, an optional three-letter
 * species code (MUS, DAR, ...), the feature type, eleven digits, an
 * optional ".version" and, for GENCODE, an optional "_PAR_Y".  Returns the
 * feature type ('G' gene, 'T' transcript, 'P' protein, 'E' exon,
 * 'R' regulatory, 'F' family, 'X' gene tree) or 0 when s is not one; sets
 * *core_len to the length of the id without version and suffix, and
 * *par_y when the GENCODE "_PAR_Y" suffix is present.
 */
extern char ident_ensembl(const char *s, size_t len, size_t *core_len,
						  bool *par_y);

/*
 * RefSeq accession, case-insensitive: two letters, '_', 5-9 digits and an
 * optional ".version".  Returns true and the two-letter prefix (upper
 * case, e.g. "NM") in prefix[0..1], and *core_len = length without the
 * version.
 */
extern bool ident_refseq(const char *s, size_t len, char prefix[2],
						 size_t *core_len);

/* Copy s[0..len) into dst upper-cased (dst must hold len bytes). */
extern void ident_copy_upper(char *dst, const char *s, size_t len);

/*
 * Finish a normalizer call: copy src[0..n) NUL-terminated into out[outsz]
 * and return `status` with `why` in *reason (NULL for NORM_OK).  When the
 * form does not fit, out becomes "" and the call is NORM_INVALID.
 */
extern norm_status ident_emit(char *out, size_t outsz, const char **reason,
							  const char *src, size_t n,
							  norm_status status, const char *why);

/* Write "" into out (when outsz > 0) and return NORM_INVALID with `why`. */
extern norm_status ident_reject(char *out, size_t outsz, const char **reason,
								const char *why);

#endif
