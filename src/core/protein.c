/*
 * protein.c - protein identifier normalizer.
 *
 * A cell is trimmed, split into the members of a protein group on ';',
 * and each member is read, in this order, as: a decoy or contaminant
 * entry, a FASTA header (sp|, tr|, ref|), a UniProt accession with its
 * isoform, version and spike-in decorations, an entry name, a RefSeq or
 * Ensembl protein id, and last a gene name (proteomics tables keyed by
 * gene).  See protein.h for the decisions.
 */
#include "protein.h"

#include <string.h>

#include "gene.h"

typedef enum prot_kind
{
	PROT_TARGET = 0,
	PROT_DECOY,
	PROT_CONTAMINANT
} prot_kind;

typedef struct prot_res
{
	norm_status status;
	const char *reason;
	ident_evidence evidence;
	prot_kind	kind;
	size_t		n;
	size_t		base_len;		/* accession without isoform, for groups */
	char		buf[NORM_OUT_MAX];
} prot_res;

static const char reason_decoy[] =
	"decoy: a reversed or decoy database entry (REV__, rev_, DECOY_, XXX_); not a real protein";
static const char reason_contaminant[] =
	"contaminant: a common-contaminant entry (CON__, contam_); not a protein of the sample";
static const char reason_empty[] = IDENT_REASON_EMPTY;

static void
set_invalid(prot_res *r, const char *why)
{
	r->status = NORM_INVALID;
	r->reason = why;
	r->evidence = IDENT_NONE;
	r->kind = PROT_TARGET;
	r->n = 0;
	r->base_len = 0;
	r->buf[0] = '\0';
}

static void
set_result(prot_res *r, const char *s, size_t n, size_t base_len,
		   norm_status status, const char *why, ident_evidence ev)
{
	if (n >= sizeof(r->buf))
	{
		set_invalid(r, "too long for a protein identifier");
		return;
	}
	memmove(r->buf, s, n);
	r->buf[n] = '\0';
	r->n = n;
	r->base_len = base_len;
	r->status = status;
	r->reason = (status == NORM_OK) ? NULL : why;
	r->evidence = ev;
	r->kind = PROT_TARGET;
}

/*
 * Length (6 or 10) of the UniProt accession that s starts with, or 0:
 * [OPQ][0-9][A-Z0-9]{3}[0-9] | [A-NR-Z][0-9]([A-Z][A-Z0-9]{2}[0-9]){1,2}
 * (upper-cased on the fly; lower-case accessions are common in files).
 * `want` selects the length to test.
 */
static bool
accession_at(const char *s, size_t len, size_t want)
{
	char		c[10] = {0};
	size_t		i;

	if ((want != 6 && want != 10) || len < want)
		return false;
	for (i = 0; i < want; i++)
	{
		c[i] = ident_upper(s[i]);
		if (!ident_is_alnum((unsigned char) c[i]))
			return false;
	}
	if (!ident_is_upper((unsigned char) c[0]) || !ident_is_digit((unsigned char) c[1]))
		return false;
	if (want == 6 && (c[0] == 'O' || c[0] == 'P' || c[0] == 'Q'))
		return ident_is_digit((unsigned char) c[5]);
	if (c[0] == 'O' || c[0] == 'P' || c[0] == 'Q')
		return false;
	/* [A-NR-Z][0-9] then one or two blocks [A-Z][A-Z0-9]{2}[0-9] */
	for (i = 2; i < want; i += 4)
		if (!ident_is_upper((unsigned char) c[i]) || !ident_is_digit((unsigned char) c[i + 3]))
			return false;
	return true;
}

bool
protein_is_accession(const char *s, size_t len)
{
	return (len == 6 || len == 10) && accession_at(s, len, len);
}

/*
 * A whole accession with decorations: ACC, then optionally an isoform
 * "-N", a sequence version ".N" and a UPS1 spike-in suffix "ups".  On
 * success write ACC[-N] into r.
 */
static bool
parse_accession(const char *s, size_t len, prot_res *r)
{
	static const size_t sizes[2] = {10, 6};
	int			k;

	for (k = 0; k < 2; k++)
	{
		size_t		a = sizes[k];
		size_t		i = a;
		size_t		iso = 0;
		char		tmp[24];

		if (!accession_at(s, len, a))
			continue;
		if (i < len && s[i] == '-')
		{
			size_t		d = ident_span_digits(s + i + 1, len - i - 1);

			if (d == 0 || d > 3 || s[i + 1] == '0')
				continue;
			iso = d + 1;
			i += iso;
		}
		if (i < len && s[i] == '.')
		{
			size_t		d = ident_span_digits(s + i + 1, len - i - 1);

			if (d == 0 || d > 3)
				continue;
			i += d + 1;
		}
		if (len - i == 3 && ident_ci_eq(s + i, 3, "ups"))
			i += 3;
		if (i != len)
			continue;
		ident_copy_upper(tmp, s, a);
		memcpy(tmp + a, s + a, iso);
		set_result(r, tmp, a + iso, a, NORM_OK, NULL, IDENT_STRONG);
		return true;
	}
	return false;
}

/* UniProt species mnemonics accepted in lower case (p53_human). */
static bool
known_species(const char *s, size_t len)
{
	static const char *const codes[] = {
		"HUMAN", "MOUSE", "RAT", "BOVIN", "PIG", "CHICK", "YEAST", "DROME",
		"DANRE", "CAEEL", "ARATH", "ECOLI", "MACMU", "SHEEP", "HORSE",
		"RABIT", "CANLF", "FELCA", "XENLA", "SCHPO",
	};
	size_t		i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (ident_ci_eq(s, len, codes[i]))
			return true;
	return false;
}

/*
 * Entry name X_SPECIES: X of 1-10 letters/digits (a TrEMBL entry name uses
 * the accession), SPECIES of 3-5 letters/digits with a letter.  Upper-case
 * input is accepted with any species code, other case only with a known
 * one (so "Unknown_d_5" is not an entry name).
 */
static bool
parse_entry_name(const char *s, size_t len, prot_res *r)
{
	const char *u = memchr(s, '_', len);
	size_t		x;
	size_t		sp;
	size_t		i;
	bool		lower = false;
	bool		sp_letter = false;
	char		tmp[24];

	if (u == NULL)
		return false;
	x = (size_t) (u - s);
	sp = len - x - 1;
	if (x < 1 || x > 10 || sp < 3 || sp > 5)
		return false;
	for (i = 0; i < len; i++)
	{
		if (i == x)
			continue;
		if (!ident_is_alnum((unsigned char) s[i]))
			return false;
		if (ident_is_lower((unsigned char) s[i]))
			lower = true;
		if (i > x && ident_is_alpha((unsigned char) s[i]))
			sp_letter = true;
	}
	if (!sp_letter || (lower && !known_species(u + 1, sp)))
		return false;
	if (protein_is_accession(s, x))
	{
		/* TrEMBL: A0A024R161_HUMAN names the accession A0A024R161 */
		ident_copy_upper(tmp, s, x);
		set_result(r, tmp, x, x, NORM_OK, NULL, IDENT_STRONG);
		return true;
	}
	ident_copy_upper(tmp, s, len);
	set_result(r, tmp, len, len, NORM_OK, NULL, IDENT_WEAK);
	return true;
}

static void prot_single(const char *s, size_t len, bool prefixes, prot_res *r);

/*
 * Does s[0..len) carry a decoy or contaminant prefix?  Double-underscore
 * forms (MaxQuant) and DECOY_ always count; the single-underscore forms
 * (rev_, XXX_, contam_) only when a protein identifier follows, because
 * REV_HV1H2 is the entry name of the HIV Rev protein.
 */
static prot_kind
decoy_prefix(const char *s, size_t len)
{
	static const struct
	{
		const char *prefix;
		prot_kind	kind;
		bool		need_id;
	}			prefixes[] = {
		{"REV__", PROT_DECOY, false},
		{"DECOY_", PROT_DECOY, false},
		{"CON__", PROT_CONTAMINANT, false},
		{"REV_", PROT_DECOY, true},
		{"XXX_", PROT_DECOY, true},
		{"REVERSED_", PROT_DECOY, true},
		{"CONTAM_", PROT_CONTAMINANT, true},
		{"CONT_", PROT_CONTAMINANT, true},
		{"CON_", PROT_CONTAMINANT, true},
	};
	size_t		i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
	{
		size_t		pl = strlen(prefixes[i].prefix);

		if (len > pl && ident_ci_prefix(s, len, prefixes[i].prefix))
		{
			if (prefixes[i].need_id)
			{
				prot_res	inner;

				prot_single(s + pl, len - pl, false, &inner);
				if (inner.evidence != IDENT_STRONG)
					continue;
			}
			return prefixes[i].kind;
		}
	}
	return PROT_TARGET;
}

/*
 * The identifier forms that need no context: accession, entry name,
 * RefSeq or Ensembl protein id.  True when s is one of them (r is then
 * set, possibly NORM_INVALID for a nucleotide or gene id).
 */
static bool
protein_id(const char *s, size_t len, prot_res *r)
{
	size_t		core;
	bool		par_y;
	char		rs[2];
	char		tmp[NORM_OUT_MAX];
	char		ensk;

	if (len >= NORM_OUT_MAX)
		return false;
	if (parse_accession(s, len, r))
		return true;
	if (parse_entry_name(s, len, r))
		return true;
	if (ident_refseq(s, len, rs, &core))
	{
		if (rs[1] == 'P')
		{
			ident_copy_upper(tmp, s, core);
			set_result(r, tmp, core, core, NORM_OK, NULL, IDENT_STRONG);
		}
		else
			set_invalid(r, "a RefSeq nucleotide accession, not a protein");
		return true;
	}
	ensk = ident_ensembl(s, len, &core, &par_y);
	if (ensk == 'P')
	{
		ident_copy_upper(tmp, s, core);
		set_result(r, tmp, core, core, NORM_OK, NULL, IDENT_STRONG);
		return true;
	}
	if (ensk != 0)
	{
		set_invalid(r, "an Ensembl gene, transcript or other non-protein id");
		return true;
	}
	return false;
}

/*
 * One member.  `prefixes` is false when checking what follows a decoy or
 * contaminant prefix, so that nested prefixes cannot recurse.
 */
static void
prot_single(const char *s, size_t len, bool prefixes, prot_res *r)
{
	static const char *const db_prefixes[] = {
		"UniProtKB/Swiss-Prot:", "UniProtKB/TrEMBL:", "UniProtKB:",
		"UniProt:", "SwissProt:", "ENSEMBL:",
	};
	prot_kind	kind;
	size_t		i;
	size_t		core;
	char		rs[2];
	char		tmp[NORM_OUT_MAX];

	while (len > 0 && s[0] == '>')	/* a FASTA line pasted whole */
	{
		s++;
		len--;
	}
	ident_trim(&s, &len);
	if (len == 0 || ident_is_missing(s, len))
	{
		set_invalid(r, reason_empty);
		return;
	}
	if (len >= NORM_OUT_MAX)
	{
		set_invalid(r, "too long for a protein identifier");
		return;
	}

	kind = prefixes ? decoy_prefix(s, len) : PROT_TARGET;
	if (kind != PROT_TARGET)
	{
		set_invalid(r, kind == PROT_DECOY ? reason_decoy : reason_contaminant);
		r->kind = kind;
		r->evidence = IDENT_STRONG;
		return;
	}

	/*
	 * Prefixes, however many and in any order: database names
	 * ("UniProtKB:P04637", "ENSEMBL:ENSBTAP...") and NCBI's "gi|<number>|"
	 * in front of the real header.
	 */
	for (;;)
	{
		bool		found = false;

		for (i = 0; i < sizeof(db_prefixes) / sizeof(db_prefixes[0]) && !found; i++)
		{
			size_t		pl = strlen(db_prefixes[i]);

			if (len > pl && ident_ci_prefix(s, len, db_prefixes[i]))
			{
				s += pl;
				len -= pl;
				found = true;
			}
		}
		if (!found && ident_ci_prefix(s, len, "gi|"))
		{
			const char *bar = memchr(s + 3, '|', len - 3);

			if (bar == NULL)
			{
				set_invalid(r, "a GenBank gi header without a protein accession");
				return;
			}
			len -= (size_t) (bar + 1 - s);
			s = bar + 1;
			found = true;
		}
		if (!found)
			break;
	}

	/* FASTA headers: sp|ACC|NAME desc, tr|ACC|NAME, ref|NP_...| */
	if (ident_ci_prefix(s, len, "sp|") || ident_ci_prefix(s, len, "tr|") ||
		ident_ci_prefix(s, len, "ref|"))
	{
		const char *f;
		size_t		fl;
		size_t		k;

		f = (const char *) memchr(s, '|', len) + 1;
		fl = len - (size_t) (f - s);
		for (k = 0; k < fl; k++)
			if (f[k] == '|' || f[k] == ' ' || f[k] == '\t')
				break;
		if (ident_ci_prefix(s, len, "ref|"))
		{
			if (ident_refseq(f, k, rs, &core) && rs[1] == 'P')
			{
				ident_copy_upper(tmp, f, core);
				set_result(r, tmp, core, core, NORM_OK, NULL, IDENT_STRONG);
				return;
			}
			set_invalid(r, "a RefSeq FASTA header without a RefSeq protein accession");
			return;
		}
		if (parse_accession(f, k, r))
			return;
		set_invalid(r, "a UniProt FASTA header whose accession field is not a UniProt accession");
		return;
	}

	if (protein_id(s, len, r))
		return;

	/*
	 * "P04637 Cellular tumor antigen p53" or "P04637 (P53_HUMAN)": an
	 * accession followed by a description.
	 */
	for (i = 0; i < len; i++)
		if (s[i] == ' ' || s[i] == '\t')
			break;
	if (i < len && parse_accession(s, i, r))
		return;

	/*
	 * Last: the gene name a proteomics table may use as its key, with the
	 * gene symbol rules.  Multi-valued cells are not split here ('|' is
	 * FASTA syntax, ';' groups were split already).  What the symbol rules
	 * make of the name is tried as a protein id once more, so that the
	 * result normalizes to itself ("np_000537.3 (human)" -> NP_000537).
	 */
	if (memchr(s, '|', len) != NULL || memchr(s, '/', len) != NULL)
	{
		set_invalid(r, "neither a UniProt accession, an entry name, a protein id nor a gene name");
		return;
	}
	{
		const char *why = NULL;
		norm_status st = gene_symbol_normalize(s, len, tmp, sizeof(tmp), &why);

		if (st == NORM_INVALID)
		{
			set_invalid(r, "neither a UniProt accession, an entry name, a protein id nor a gene name");
			return;
		}
		/* (not when checking behind a prefix: that would nest) */
		kind = prefixes ? decoy_prefix(tmp, strlen(tmp)) : PROT_TARGET;
		if (kind != PROT_TARGET)
		{
			set_invalid(r, kind == PROT_DECOY ? reason_decoy : reason_contaminant);
			r->kind = kind;
			r->evidence = IDENT_STRONG;
			return;
		}
		if (protein_id(tmp, strlen(tmp), r))
		{
			if (r->status == NORM_OK && st != NORM_OK)
			{
				r->status = st;
				r->reason = why;
			}
			return;
		}
		set_result(r, tmp, strlen(tmp), strlen(tmp), st, why, IDENT_NONE);
	}
}

/*
 * A cell: one identifier or a ';'-separated protein group.  The first
 * target member is kept: MaxQuant lists the leading protein first, and
 * where the order means nothing (DIA-NN) a fixed choice at least keeps
 * the key deterministic; the flag tells the caller it was a choice.
 */
static void
prot_cell(const char *name, size_t len, prot_res *r)
{
	const char *why;
	const char *s = name;
	size_t		n = (name == NULL) ? 0 : len;
	size_t		start = 0;
	size_t		i;
	int			ntarget = 0;
	int			ndecoy = 0;
	int			ncontam = 0;
	int			nbad = 0;
	bool		distinct = false;
	const char *first_bad = NULL;
	prot_res	m;

	if ((why = ident_screen(&s, &n)) != NULL)
	{
		set_invalid(r, why);
		return;
	}
	if (memchr(s, ';', n) == NULL)
	{
		prot_single(s, n, true, r);
		return;
	}

	set_invalid(r, reason_empty);
	for (i = 0; i <= n; i++)
	{
		const char *ps;
		size_t		pn;

		if (i < n && s[i] != ';')
			continue;
		ps = s + start;
		pn = i - start;
		start = i + 1;
		ident_trim(&ps, &pn);
		if (pn == 0)
			continue;
		prot_single(ps, pn, true, &m);
		if (m.kind == PROT_DECOY)
			ndecoy++;
		else if (m.kind == PROT_CONTAMINANT)
			ncontam++;
		else if (m.status == NORM_INVALID)
		{
			if (first_bad == NULL)
				first_bad = m.reason;
			nbad++;
		}
		else if (ntarget++ == 0)
			*r = m;
		else if (m.base_len != r->base_len ||
				 memcmp(m.buf, r->buf, r->base_len) != 0)
			distinct = true;
	}

	if (ntarget == 0)
	{
		if (ndecoy > 0)
		{
			set_invalid(r, reason_decoy);
			r->kind = PROT_DECOY;
			r->evidence = IDENT_STRONG;
		}
		else if (ncontam > 0)
		{
			set_invalid(r, reason_contaminant);
			r->kind = PROT_CONTAMINANT;
			r->evidence = IDENT_STRONG;
		}
		else
			set_invalid(r, first_bad != NULL ? first_bad : reason_empty);
		return;
	}
	if (distinct)
	{
		r->status = NORM_AMBIGUOUS;
		r->reason = "a protein group of several proteins; the leading one was kept";
	}
	else if (ndecoy > 0 || ncontam > 0)
	{
		r->status = NORM_AMBIGUOUS;
		r->reason = "a protein group that also holds decoy or contaminant entries; the target was kept";
	}
	else if (nbad > 0)
	{
		r->status = NORM_AMBIGUOUS;
		r->reason = "a protein group with members that are not protein identifiers; the first valid one was kept";
	}
	if (nbad > 0)
		r->evidence = IDENT_NONE;
}

norm_status
protein_normalize(const char *name, size_t len, char *out, size_t outsz,
				  const char **reason)
{
	prot_res	r;

	prot_cell(name, len, &r);
	return ident_emit(out, outsz, reason, r.buf, r.n, r.status, r.reason);
}

ident_evidence
protein_evidence(const char *name, size_t len)
{
	prot_res	r;

	prot_cell(name, len, &r);
	if (r.status == NORM_INVALID && r.kind == PROT_TARGET)
		return IDENT_NONE;
	return r.evidence;
}
