/*
 * feature_type.c - feature-type inference and normalizer dispatch.
 *
 * The inference asks each normalizer how strongly the name looks like its
 * kind (the *_evidence() functions share the normalizers' own parsing, so
 * the two cannot drift apart) and ranks the answers; see feature_type.h
 * for the precedence and the reasons behind it.
 */
#include "feature_type.h"

#include "gene.h"
#include "gene_renames.h"
#include "ident_text.h"
#include "lipid.h"
#include "metabolite.h"
#include "protein.h"

/*
 * A date no renamed gene reads as (4-Oct: OCT4 damaged by a spreadsheet)
 * looks like a locant-bearing chemical name; it is no evidence at all.
 */
static bool
spreadsheet_date(const char *s, size_t n)
{
	char		buf[NORM_OUT_MAX];
	norm_status st;
	const char *why;

	return gene_excel_date(s, n, buf, sizeof(buf), &st, &why);
}

feature_kind
feature_type_infer(const char *name, size_t len)
{
	const char *s = name;
	size_t		n = (name == NULL) ? 0 : len;
	ident_evidence pe;
	ident_evidence ge;
	ident_evidence me;

	ident_trim(&s, &n);
	if (n == 0 || ident_is_missing(s, n) || ident_has_control(s, n) ||
		!ident_utf8_valid(s, n))
		return FEATURE_UNKNOWN;

	/*
	 * Database identifiers first: their syntaxes do not overlap, and each
	 * settles the kind whatever else the name resembles.
	 */
	pe = protein_evidence(s, n);
	if (pe == IDENT_STRONG)
		return FEATURE_PROTEIN;
	ge = gene_evidence(s, n);
	if (ge == IDENT_STRONG)
		return FEATURE_GENE;
	me = metabolite_evidence(s, n);
	if (me == IDENT_STRONG)
		return FEATURE_METABOLITE;

	/*
	 * Lipid shorthand before metabolite names: "PC 34:1" or "Cer(d18:1/
	 * 16:0)" would otherwise be kept as plain metabolite names.  Gene
	 * symbols never contain the ':' that lipid species need.
	 */
	if (lipid_input_level(s, n) != LIPID_LEVEL_INPUT)
		return FEATURE_LIPID;

	/*
	 * Names: a chemical-looking or known metabolite name beats the mere
	 * shape of a symbol (Taurine is not a mouse gene), an entry name
	 * beats a symbol (TP53_HUMAN).
	 */
	if (me == IDENT_NAME && !spreadsheet_date(s, n))
		return FEATURE_METABOLITE;
	if (pe == IDENT_WEAK)
		return FEATURE_PROTEIN;
	if (ge == IDENT_WEAK)
		return FEATURE_GENE;
	return FEATURE_UNKNOWN;
}

norm_status
feature_normalize(feature_kind kind, const char *name, size_t len,
				  char *out, size_t outsz, const char **reason)
{
	switch (kind)
	{
		case FEATURE_GENE:
			return gene_normalize(name, len, out, outsz, reason);
		case FEATURE_PROTEIN:
			return protein_normalize(name, len, out, outsz, reason);
		case FEATURE_METABOLITE:
			return metabolite_normalize(name, len, out, outsz, reason);
		case FEATURE_LIPID:
			return lipid_normalize(name, len, LIPID_LEVEL_INPUT, out, outsz, reason);
		case FEATURE_UNKNOWN:
			break;
	}
	return ident_reject(out, outsz, reason,
						"unknown feature kind: infer it with feature_type_infer() or name it");
}
