/*
 * gene.c - gene identifier normalizer.
 *
 * A cell goes through: trimming (white space, quotes, BOM, NBSP), a split
 * of multi-valued cells ("A /// B", "A;B", "A|B"), then per value:
 * database ids (HGNC:, GeneID:, Ensembl/GENCODE, RefSeq, NCBI Gene
 * numbers), spreadsheet damage (dates, floats), and last the symbol rules
 * (decorations, character set, case, HGNC renames).  See gene.h and
 * doc/normalization-identifiers.md for the decisions.
 */
#include "gene.h"

#include <string.h>

#include "gene_renames.h"

/* Longest symbol accepted; real ones stay far below (clone names ~20). */
#define GENE_SYMBOL_MAX 64

typedef struct gene_res
{
	norm_status status;
	const char *reason;
	ident_evidence evidence;
	size_t		n;
	char		buf[NORM_OUT_MAX];
} gene_res;

static const char reason_empty[] = IDENT_REASON_EMPTY;
static const char reason_long[] = "too long for a gene identifier";

static void
set_invalid(gene_res *r, const char *why)
{
	r->status = NORM_INVALID;
	r->reason = why;
	r->evidence = IDENT_NONE;
	r->n = 0;
	r->buf[0] = '\0';
}

static void
set_result(gene_res *r, const char *s, size_t n, norm_status status,
		   const char *why, ident_evidence ev)
{
	if (n >= sizeof(r->buf))
	{
		set_invalid(r, reason_long);
		return;
	}
	memmove(r->buf, s, n);
	r->buf[n] = '\0';
	r->n = n;
	r->status = status;
	r->reason = (status == NORM_OK) ? NULL : why;
	r->evidence = ev;
}

/* OK < REPAIRED < AMBIGUOUS: the flag that tells a caller the most. */
static norm_status
worse(norm_status a, norm_status b)
{
	return a > b ? a : b;
}

/*
 * NCBI Gene id from the digits s[0..len): leading zeros dropped.  Bare
 * numbers carry no evidence of being genes (PubChem and ChEBI use numbers
 * too), prefixed ones ("GeneID:7157") do.
 */
static void
entrez_number(const char *s, size_t len, ident_evidence ev,
			  norm_status status, const char *why, gene_res *r)
{
	while (len > 1 && s[0] == '0')
	{
		s++;
		len--;
	}
	if (!ident_all_digits(s, len) || (len == 1 && s[0] == '0'))
	{
		set_invalid(r, "not a positive NCBI Gene id");
		return;
	}
	if (len > 10)
	{
		set_invalid(r, "too many digits for an NCBI Gene id");
		return;
	}
	set_result(r, s, len, status, why, ev);
}

/*
 * Numbers as spreadsheets and data frames damage them: "7157.0" (an id
 * column that held a missing value became float) is repaired; "2.31E+13"
 * (a RIKEN clone symbol such as 2310009E13 read as a number) cannot be.
 * Returns true when s was handled.
 */
static bool
damaged_number(const char *s, size_t len, gene_res *r)
{
	size_t		d = ident_span_digits(s, len);
	size_t		i;
	size_t		frac;

	if (d == 0 || d == len)
		return false;
	i = d;
	frac = 0;
	if (s[i] == '.')
	{
		frac = ident_span_digits(s + i + 1, len - i - 1);
		if (frac == 0)
			return false;
		i += 1 + frac;
	}
	if (i == len)
	{
		size_t		k;

		for (k = d + 1; k < len; k++)
			if (s[k] != '0')
			{
				set_invalid(r, "a decimal number is not a gene identifier");
				return true;
			}
		entrez_number(s, d, IDENT_NONE, NORM_REPAIRED,
					  "NCBI Gene id written as a floating-point number (7157.0); the fraction was dropped",
					  r);
		return true;
	}
	if (s[i] == 'e' || s[i] == 'E')
	{
		size_t		j = i + 1;
		bool		sign = false;

		if (j < len && (s[j] == '+' || s[j] == '-'))
		{
			sign = true;
			j++;
		}
		if (j < len && ident_span_digits(s + j, len - j) == len - j &&
			(sign || frac > 0))
		{
			set_invalid(r, "a number in scientific notation: a spreadsheet turned a symbol "
						"such as the RIKEN clone 2310009E13 into 2.31E+13, which cannot be repaired");
			return true;
		}
	}
	return false;
}

/* Is s[0..len) a C#orf# symbol?  If so write its HGNC case into dst. */
static bool
orf_symbol(const char *s, size_t len, char *dst)
{
	size_t		i = 1;
	size_t		d;
	size_t		k;

	if (len < 6 || (s[0] != 'C' && s[0] != 'c'))
		return false;
	d = ident_span_digits(s + 1, len - 1);
	if (d == 1 || d == 2)
		i += d;
	else if (d == 0 && (ident_upper(s[1]) == 'X' || ident_upper(s[1]) == 'Y'))
		i++;
	else
		return false;
	if (s[1] == '0' || !ident_ci_prefix(s + i, len - i, "orf"))
		return false;
	i += 3;
	d = ident_span_digits(s + i, len - i);
	if (d == 0)
		return false;
	i += d;
	for (k = i; k < len; k++)
		if (!ident_is_alnum((unsigned char) s[k]) && s[k] != '-')
			return false;
	dst[0] = 'C';
	for (k = 1; k < len; k++)
		dst[k] = ident_upper(s[k]);
	/* the only lower-case letters HGNC allows: the "orf" */
	for (k = 0; k < 3; k++)
		dst[i - d - 3 + k] = "orf"[k];
	return true;
}

/* UniProt species mnemonics met as suffixes of symbols (TP53_HUMAN). */
static bool
species_suffix(const char *s, size_t len)
{
	static const char *const codes[] = {
		"HUMAN", "MOUSE", "RAT", "BOVIN", "PIG", "CHICK", "YEAST", "DROME",
		"DANRE", "CAEEL", "ARATH", "ECOLI", "MACMU", "HSA", "MMU", "RNO",
	};
	size_t		i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (ident_ci_eq(s, len, codes[i]))
			return true;
	return false;
}

/*
 * "TP53.1": R's make.unique() counter or a version on an HGNC-shaped
 * symbol.  GenBank-accession-based clone names (AC004947.2, AL627309.1)
 * carry a meaningful ".N" and are left alone.
 */
static bool
dotted_symbol(const char *s, size_t len)
{
	const char *dot = memchr(s, '.', len);
	size_t		base;
	size_t		i;
	size_t		letters = 0;

	if (dot == NULL)
		return false;
	base = (size_t) (dot - s);
	if (base == 0 || !ident_is_upper((unsigned char) s[0]) ||
		base + 1 == len || !ident_all_digits(dot + 1, len - base - 1))
		return false;
	for (i = 0; i < base; i++)
	{
		if (!ident_is_upper((unsigned char) s[i]) && !ident_is_digit((unsigned char) s[i]))
			return false;
		if (ident_is_upper((unsigned char) s[i]))
			letters++;
	}
	/* one or two letters then only digits: a GenBank accession */
	if (letters <= 2 && ident_span_digits(s + letters, base - letters) == base - letters &&
		base - letters >= 5)
		return false;
	return true;
}

/* Only the characters of HGNC symbols: letters, digits, '-' (and '.'). */
static bool
hgnc_charset(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
		if (!ident_is_alnum((unsigned char) s[i]) && s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

/*
 * Shapes that count as evidence of a gene when nothing else is known:
 * letters, digits, '-' and '.', at most 30 characters, e.g. TP53, Actb,
 * NKX2-1, RP11-357D18.1, unc-13.  gene_normalize() accepts more (fly
 * "l(2)gl", yeast "ADE5,7") when told the column holds genes.
 */
static bool
symbol_shape(const char *s, size_t len)
{
	size_t		i;

	if (len == 0 || len > 30 || !ident_is_alnum((unsigned char) s[0]) ||
		!ident_is_alnum((unsigned char) s[len - 1]))
		return false;
	for (i = 0; i < len; i++)
	{
		if (ident_is_alnum((unsigned char) s[i]))
			continue;
		if ((s[i] != '-' && s[i] != '.') || !ident_is_alnum((unsigned char) s[i + 1]))
			return false;
	}
	return true;
}

/*
 * Decorations around a gene identifier, removed before anything else so
 * that what remains is read by the same rules as a clean cell: a trailing
 * annotation after a space ("TP53 (Human)", "TP53 [Homo sapiens]") and
 * UniProt species suffixes ("TP53_HUMAN", "Tp53_mouse").  Returns the new
 * length; *species is set when a species suffix went.
 */
static size_t
strip_gene_decorations(const char *p, size_t n, bool *species)
{
	size_t		i;

	*species = false;
	/* A trailing annotation after a space: "TP53 (Human)", "TP53 [Homo sapiens]". */
	if (n > 2 && (p[n - 1] == ')' || p[n - 1] == ']'))
	{
		char		open = p[n - 1] == ')' ? '(' : '[';
		size_t		k = n - 1;

		while (k > 0 && p[k - 1] != open)
			k--;
		if (k > 1 && (p[k - 2] == ' ' || p[k - 2] == '\t'))
		{
			size_t		m = k - 1;

			while (m > 0 && (p[m - 1] == ' ' || p[m - 1] == '\t'))
				m--;
			if (m > 0)
				n = m;
		}
	}

	/* UniProt species suffixes: TP53_HUMAN, Tp53_mouse (repeated ones too). */
	for (;;)
	{
		const char *u = NULL;

		for (i = n; i > 0; i--)
			if (p[i - 1] == '_')
			{
				u = p + i - 1;
				break;
			}
		if (u == NULL || u == p || !species_suffix(u + 1, n - (size_t) (u - p) - 1))
			break;
		n = (size_t) (u - p);
		*species = true;
	}

	return n;
}

static void
gene_symbol(const char *p, size_t n, gene_res *r)
{
	char		sym[GENE_SYMBOL_MAX + 1];
	char		renamed[NORM_OUT_MAX];
	const char *why = NULL;
	norm_status status = NORM_OK;
	ident_evidence ev = IDENT_WEAK;
	bool		has_upper = false;
	bool		has_lower = false;
	bool		has_letter = false;
	size_t		i;

	if (n == 0 || ident_is_missing(p, n))
	{
		set_invalid(r, reason_empty);
		return;
	}
	if (!ident_is_alnum((unsigned char) p[0]))
	{
		set_invalid(r, "a gene symbol starts with a letter or a digit");
		return;
	}
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) p[i];

		if (ident_is_upper(c))
			has_upper = true;
		else if (ident_is_lower(c))
			has_lower = true;
		else if (ident_is_digit(c) || (c != 0 && strchr("-._:()',@", c) != NULL))
			continue;
		else if (c == ' ' || c == '\t')
		{
			set_invalid(r, "contains white space: a description, not a gene symbol");
			return;
		}
		else if (c >= 0x80)
		{
			set_invalid(r, "contains non-ASCII characters: not a gene symbol");
			return;
		}
		else
		{
			set_invalid(r, "contains characters that gene symbols do not use");
			return;
		}
	}
	has_letter = has_upper || has_lower;
	if (!has_letter)
	{
		set_invalid(r, "no letters: not a gene symbol");
		return;
	}
	if (n > GENE_SYMBOL_MAX)
	{
		set_invalid(r, "too long for a gene symbol");
		return;
	}

	/*
	 * Case.  HGNC symbols are upper case except the "orf" of C1orf112.  An
	 * all-lower-case symbol is taken as a human one typed in lower case;
	 * a mixed-case one (Actb, Trp53, Gm12345, NfL) is kept as written,
	 * because mouse and rat symbols differ from human ones only by case
	 * and folding them would merge species silently.  Lower-case names
	 * with punctuation HGNC never uses (fly "l(2)gl", zebrafish
	 * "si:ch211-1a1.1") are not human symbols and keep their case too.
	 */
	if (orf_symbol(p, n, sym))
		ev = IDENT_STRONG;
	else if (!has_upper && hgnc_charset(p, n))
		ident_copy_upper(sym, p, n);
	else
		memcpy(sym, p, n);
	sym[n] = '\0';

	status = gene_rename_lookup(sym, n, renamed, sizeof(renamed), &why);
	if (status != NORM_OK)
	{
		set_result(r, renamed, strlen(renamed), status, why, IDENT_STRONG);
		return;
	}
	if (dotted_symbol(sym, n))
	{
		status = NORM_AMBIGUOUS;
		why = "the \".N\" suffix may be a version or an R make.unique() counter "
			"(TP53.1 = second TP53 row); kept as written";
	}
	if (ev == IDENT_WEAK && !symbol_shape(sym, n))
		ev = IDENT_NONE;
	set_result(r, sym, n, status, why, ev);
}

/* One value, decorations already removed. */
static void
gene_one_core(const char *s, size_t len, bool symbols_only, gene_res *r)
{
	char		tmp[NORM_OUT_MAX];
	norm_status status;
	const char *why = NULL;

	if (len == 0 || ident_is_missing(s, len))
	{
		set_invalid(r, reason_empty);
		return;
	}
	if (len >= NORM_OUT_MAX)
	{
		set_invalid(r, reason_long);
		return;
	}

	if (!symbols_only)
	{
		static const char *const entrez_prefixes[] = {
			"NCBIGene:", "GeneID:", "EntrezGene:", "Entrez:",
		};
		size_t		core;
		bool		par_y;
		char		kind;
		char		rs[2];
		size_t		i;

		if (ident_ci_prefix(s, len, "HGNC:"))
		{
			const char *d = s + 5;
			size_t		dl = len - 5;

			while (dl > 1 && d[0] == '0')
			{
				d++;
				dl--;
			}
			if (!ident_all_digits(d, dl) || (dl == 1 && d[0] == '0') || dl > 9)
			{
				set_invalid(r, "HGNC: must be followed by a positive number");
				return;
			}
			memcpy(tmp, "HGNC:", 5);
			memcpy(tmp + 5, d, dl);
			set_result(r, tmp, 5 + dl, NORM_OK, NULL, IDENT_STRONG);
			return;
		}
		for (i = 0; i < sizeof(entrez_prefixes) / sizeof(entrez_prefixes[0]); i++)
		{
			size_t		pl = strlen(entrez_prefixes[i]);

			if (ident_ci_prefix(s, len, entrez_prefixes[i]))
			{
				entrez_number(s + pl, len - pl, IDENT_STRONG, NORM_OK, NULL, r);
				return;
			}
		}

		kind = ident_ensembl(s, len, &core, &par_y);
		if (kind == 'G' || kind == 'T')
		{
			/*
			 * The version is dropped; GENCODE's _PAR_Y copy of a
			 * pseudo-autosomal gene is a separate row with the same id, so
			 * the suffix is kept to keep the two rows apart.
			 */
			ident_copy_upper(tmp, s, core);
			if (par_y)
			{
				memcpy(tmp + core, "_PAR_Y", 6);
				core += 6;
			}
			set_result(r, tmp, core, NORM_OK, NULL, IDENT_STRONG);
			return;
		}
		if (kind == 'P')
		{
			set_invalid(r, "an Ensembl protein id (ENSP): a protein, not a gene");
			return;
		}
		if (kind != 0)
		{
			set_invalid(r, "an Ensembl exon, regulatory, family or gene-tree id, not a gene");
			return;
		}

		if (ident_refseq(s, len, rs, &core))
		{
			if ((rs[1] == 'M' || rs[1] == 'R') && (rs[0] == 'N' || rs[0] == 'X'))
			{
				/* NM_, NR_, XM_, XR_ transcripts: version dropped */
				ident_copy_upper(tmp, s, core);
				set_result(r, tmp, core, NORM_OK, NULL, IDENT_STRONG);
				return;
			}
			if (rs[1] == 'P')
			{
				set_invalid(r, "a RefSeq protein accession (NP_, XP_): a protein, not a gene");
				return;
			}
			if (rs[0] == 'N' && rs[1] == 'G')
			{
				ident_copy_upper(tmp, s, core);
				set_result(r, tmp, core, NORM_OK, NULL, IDENT_STRONG);
				return;
			}
			set_invalid(r, "a RefSeq genomic accession, not a gene");
			return;
		}

		if (ident_all_digits(s, len))
		{
			entrez_number(s, len, IDENT_NONE, NORM_OK, NULL, r);
			return;
		}
		if (damaged_number(s, len, r))
			return;
	}

	if (gene_excel_date(s, len, tmp, sizeof(tmp), &status, &why))
	{
		if (status == NORM_INVALID)
			set_invalid(r, why);
		else
			set_result(r, tmp, strlen(tmp), status, why, IDENT_STRONG);
		return;
	}

	gene_symbol(s, len, r);
}

/* One value of a cell, already trimmed. */
static void
gene_one(const char *s, size_t len, bool symbols_only, gene_res *r)
{
	bool		species;

	if (len >= NORM_OUT_MAX)
	{
		set_invalid(r, reason_long);
		return;
	}
	len = strip_gene_decorations(s, len, &species);
	gene_one_core(s, len, symbols_only, r);
	if (species && r->status != NORM_INVALID && r->status != NORM_AMBIGUOUS)
	{
		r->status = NORM_AMBIGUOUS;
		r->reason = "a UniProt entry name (SYMBOL_SPECIES); the species was dropped, "
			"but the first part is a protein mnemonic and not always the gene symbol";
	}
}

/*
 * A whole cell: trimming, sanity checks and the split of multi-valued
 * cells.  Several values give the first one, flagged unless they all
 * normalize to the same gene.
 */
static void
gene_cell(const char *name, size_t len, bool symbols_only, gene_res *r)
{
	const char *why;
	const char *s = name;
	size_t		n = (name == NULL) ? 0 : len;
	size_t		i;
	size_t		start;
	bool		multi = false;
	bool		first_done = false;
	bool		differ = false;
	bool		seen_invalid = false;
	ident_evidence ev = IDENT_STRONG;
	gene_res	part;

	if ((why = ident_screen(&s, &n)) != NULL)
	{
		set_invalid(r, why);
		return;
	}
	if (ident_ci_prefix(s, n, "sp|") || ident_ci_prefix(s, n, "tr|") ||
		ident_ci_prefix(s, n, ">sp|") || ident_ci_prefix(s, n, ">tr|"))
	{
		set_invalid(r, "a UniProt FASTA header: a protein, not a gene");
		return;
	}
	for (i = 0; i < n; i++)
		if (s[i] == ';' || s[i] == '|' || (s[i] == '/' && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/'))
		{
			multi = true;
			break;
		}
	if (!multi)
	{
		gene_one(s, n, symbols_only, r);
		return;
	}

	/*
	 * Keep the first value that normalizes; any other value that is
	 * different (or not a gene) makes the cell ambiguous.
	 */
	set_invalid(r, reason_empty);
	start = 0;
	i = 0;
	for (;;)
	{
		size_t		seplen = 0;
		const char *ps;
		size_t		pn;

		while (i < n)
		{
			if (s[i] == ';' || s[i] == '|')
			{
				seplen = 1;
				break;
			}
			if (s[i] == '/' && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/')
			{
				seplen = 3;
				break;
			}
			i++;
		}
		ps = s + start;
		pn = i - start;
		ident_trim(&ps, &pn);
		if (pn > 0 && !ident_is_missing(ps, pn))
		{
			gene_one(ps, pn, symbols_only, &part);
			if (part.status == NORM_INVALID)
			{
				if (!first_done && !seen_invalid)
					*r = part;	/* its reason, if nothing valid follows */
				seen_invalid = true;
				ev = IDENT_NONE;
			}
			else if (!first_done)
			{
				*r = part;
				first_done = true;
				if (part.evidence < ev)
					ev = part.evidence;
			}
			else
			{
				if (strcmp(part.buf, r->buf) != 0)
					differ = true;
				else if (part.status > r->status)
				{
					r->status = part.status;
					r->reason = part.reason;
				}
				if (part.evidence < ev)
					ev = part.evidence;
			}
		}
		if (i >= n)
			break;
		i += seplen;
		start = i;
	}
	if (!first_done)
		return;					/* r holds the first invalid value, or "empty" */
	r->evidence = ev;
	if (differ || seen_invalid)
	{
		r->status = worse(r->status, NORM_AMBIGUOUS);
		r->reason = "several different genes in one cell; the first one was kept";
	}
}

norm_status
gene_normalize(const char *name, size_t len, char *out, size_t outsz,
			   const char **reason)
{
	gene_res	r;

	gene_cell(name, len, false, &r);
	return ident_emit(out, outsz, reason, r.buf, r.n, r.status, r.reason);
}

norm_status
gene_symbol_normalize(const char *name, size_t len, char *out, size_t outsz,
					  const char **reason)
{
	gene_res	r;

	gene_cell(name, len, true, &r);
	return ident_emit(out, outsz, reason, r.buf, r.n, r.status, r.reason);
}

ident_evidence
gene_evidence(const char *name, size_t len)
{
	gene_res	r;

	gene_cell(name, len, false, &r);
	return r.status == NORM_INVALID ? IDENT_NONE : r.evidence;
}
