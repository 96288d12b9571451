/*
 * metabolite_ids.c - database identifiers of the metabolite normalizer:
 * HMDB, KEGG, ChEBI, LIPID MAPS, InChIKey, PubChem CID, CAS (check digit
 * verified), SwissLipids and RefMet, printed in their canonical forms
 * (omics.md §2).  See metabolite.c.
 */
#include "metabolite_int.h"

/* Does s[0..n) hold a letter (any non-ASCII character counts)? */
bool
met_has_letters(const char *s, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (ident_is_alpha((unsigned char) s[i]) || (unsigned char) s[i] >= 0x80)
			return true;
	return false;
}

/* True when s[0..n) is all '0'. */
static bool
all_zero(const char *s, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (s[i] != '0')
			return false;
	return true;
}

/* Write "<prefix><digits without leading zeros>" into r. */
static void
prefixed_number(met_res *r, const char *prefix, const char *d, size_t dl)
{
	char		tmp[64];
	size_t		pl = strlen(prefix);

	while (dl > 1 && d[0] == '0')
	{
		d++;
		dl--;
	}
	memcpy(tmp, prefix, pl);
	memcpy(tmp + pl, d, dl);
	met_set_result(r, tmp, pl + dl, NORM_OK, NULL, IDENT_STRONG);
}

/* CAS registry number check digit (weights 1, 2, 3, ... from the right). */
static bool
cas_valid(const char *s, size_t n)
{
	size_t		a = ident_span_digits(s, n);
	unsigned	sum = 0;
	unsigned	weight = 1;
	size_t		i;

	if (a < 2 || a > 7 || n != a + 5 || s[a] != '-' ||
		ident_span_digits(s + a + 1, 2) != 2 || s[a + 3] != '-' ||
		!ident_is_digit((unsigned char) s[a + 4]))
		return false;
	for (i = a + 3; i-- > 0;)
	{
		if (s[i] == '-')
			continue;
		sum += weight++ * (unsigned) (s[i] - '0');
	}
	return sum % 10 == (unsigned) (s[a + 4] - '0');
}

/*
 * Try the database identifier that is the whole of t[0..n).  Returns true
 * when t is one (r is then set, possibly NORM_INVALID for a malformed id
 * with an explicit prefix).
 */
bool
met_parse_id(const char *t, size_t n, met_res *r)
{
	static const char *const kegg_prefixes[] = {"kegg:cpd:", "kegg:", "cpd:", "dr:", "gl:"};
	static const char *const cid_prefixes[] = {
		"pubchem.compound:", "pubchem cid:", "pubchem_cid:", "pubchem:", "cid:", "cid ", "cid",
	};
	static const char *const cas_prefixes[] = {"cas-rn:", "casrn:", "cas:", "cas#", "cas "};
	char		tmp[64];
	size_t		i;

	if (n == 0 || n > 40)
		return false;

	/* HMDB: HMDB0000122, legacy HMDB00122, HMDB:122, hmdb:HMDB00122 */
	if (ident_ci_prefix(t, n, "hmdb"))
	{
		const char *d = t + 4;
		size_t		dl = n - 4;

		if (dl > 0 && (d[0] == ':' || d[0] == ' '))
		{
			d++;
			dl--;
		}
		if (ident_ci_prefix(d, dl, "hmdb"))
		{
			d += 4;
			dl -= 4;
		}
		if (ident_all_digits(d, dl))
		{
			while (dl > 7 && d[0] == '0')
			{
				d++;
				dl--;
			}
			if (dl > 7 || all_zero(d, dl))
			{
				met_set_invalid(r, "not an HMDB accession (HMDB and up to 7 digits)");
				return true;
			}
			memcpy(tmp, "HMDB0000000", 11);
			memcpy(tmp + 11 - dl, d, dl);
			met_set_result(r, tmp, 11, NORM_OK, NULL, IDENT_STRONG);
			return true;
		}
		return false;
	}

	/* ChEBI: CHEBI:17234, ChEBI:17234, chebi 17234, CHEBI17234 */
	if (ident_ci_prefix(t, n, "chebi"))
	{
		const char *d = t + 5;
		size_t		dl = n - 5;

		if (dl > 0 && (d[0] == ':' || d[0] == ' ' || d[0] == '_'))
		{
			d++;
			dl--;
		}
		if (ident_ci_prefix(d, dl, "chebi:"))
		{
			d += 6;
			dl -= 6;
		}
		if (ident_all_digits(d, dl) && dl <= 9)
		{
			prefixed_number(r, "CHEBI:", d, dl);
			if (strcmp(r->buf, "CHEBI:0") == 0)
				met_set_invalid(r, "CHEBI:0 is not a ChEBI accession");
			return true;
		}
		return false;
	}

	/* KEGG compound, drug, glycan: C00031, cpd:C00031 */
	{
		const char *k = t;
		size_t		kl = n;

		for (i = 0; i < sizeof(kegg_prefixes) / sizeof(kegg_prefixes[0]); i++)
			if (ident_ci_prefix(k, kl, kegg_prefixes[i]))
			{
				k += strlen(kegg_prefixes[i]);
				kl -= strlen(kegg_prefixes[i]);
				break;
			}
		if (kl == 6 && strchr("CDGcdg", k[0]) != NULL && k[0] != '\0' &&
			ident_all_digits(k + 1, 5))
		{
			ident_copy_upper(tmp, k, 6);
			met_set_result(r, tmp, 6, NORM_OK, NULL, IDENT_STRONG);
			return true;
		}
	}

	/* LIPID MAPS: LMFA01010001, LM:LMSP0501AB02 */
	{
		const char *k = t;
		size_t		kl = n;

		if (ident_ci_prefix(k, kl, "lipidmaps:"))
		{
			k += 10;
			kl -= 10;
		}
		else if (ident_ci_prefix(k, kl, "lm:"))
		{
			k += 3;
			kl -= 3;
		}
		if (kl >= 12 && kl <= 14 && ident_ci_prefix(k, kl, "lm"))
		{
			static const char *const cats[] = {"FA", "GL", "GP", "SP", "ST", "PR", "SL", "PK"};
			char		cat[2];
			bool		ok = false;

			cat[0] = ident_upper(k[2]);
			cat[1] = ident_upper(k[3]);
			for (i = 0; i < 8; i++)
				if (cat[0] == cats[i][0] && cat[1] == cats[i][1])
					ok = true;
			if (ok && ident_span_digits(k + 4, 4) == 4)
			{
				for (i = 8; i < kl; i++)
					if (!ident_is_alnum((unsigned char) k[i]))
						ok = false;
				if (ok)
				{
					ident_copy_upper(tmp, k, kl);
					met_set_result(r, tmp, kl, NORM_OK, NULL, IDENT_STRONG);
					return true;
				}
			}
		}
	}

	/* InChIKey: 14 letters, 10 letters, 1 letter */
	{
		const char *k = t;
		size_t		kl = n;

		if (ident_ci_prefix(k, kl, "inchikey=") || ident_ci_prefix(k, kl, "inchikey:"))
		{
			k += 9;
			kl -= 9;
		}
		if (kl == 27 && k[14] == '-' && k[25] == '-')
		{
			bool		ok = true;

			for (i = 0; i < 27; i++)
				if (i != 14 && i != 25 && !ident_is_alpha((unsigned char) k[i]))
					ok = false;
			if (ok)
			{
				ident_copy_upper(tmp, k, 27);
				met_set_result(r, tmp, 27, NORM_OK, NULL, IDENT_STRONG);
				return true;
			}
		}
	}

	/* PubChem CID: CID5793, CID:5793, PubChem:5793 */
	for (i = 0; i < sizeof(cid_prefixes) / sizeof(cid_prefixes[0]); i++)
	{
		size_t		pl = strlen(cid_prefixes[i]);

		if (n > pl && ident_ci_prefix(t, n, cid_prefixes[i]) &&
			ident_all_digits(t + pl, n - pl) && n - pl <= 12)
		{
			prefixed_number(r, "CID:", t + pl, n - pl);
			if (strcmp(r->buf, "CID:0") == 0)
				met_set_invalid(r, "CID:0 is not a PubChem compound");
			return true;
		}
	}

	/* CAS registry number, check digit verified */
	for (i = 0; i < sizeof(cas_prefixes) / sizeof(cas_prefixes[0]); i++)
	{
		size_t		pl = strlen(cas_prefixes[i]);

		if (n > pl && ident_ci_prefix(t, n, cas_prefixes[i]))
		{
			if (!cas_valid(t + pl, n - pl))
			{
				met_set_invalid(r, "not a CAS registry number (wrong form or check digit)");
				return true;
			}
			memcpy(tmp, "CAS:", 4);
			memcpy(tmp + 4, t + pl, n - pl);
			met_set_result(r, tmp, 4 + n - pl, NORM_OK, NULL, IDENT_STRONG);
			return true;
		}
	}
	if (ident_is_digit((unsigned char) t[0]) && cas_valid(t, n))
	{
		memcpy(tmp, "CAS:", 4);
		memcpy(tmp + 4, t, n);
		met_set_result(r, tmp, 4 + n, NORM_OK, NULL, IDENT_STRONG);
		return true;
	}

	/* SwissLipids SLM:000000001, RefMet RM0000001 */
	if (n == 13 && ident_ci_prefix(t, n, "slm:") && ident_all_digits(t + 4, 9))
	{
		memcpy(tmp, "SLM:", 4);
		memcpy(tmp + 4, t + 4, 9);
		met_set_result(r, tmp, 13, NORM_OK, NULL, IDENT_STRONG);
		return true;
	}
	if (n == 9 && ident_ci_prefix(t, n, "rm") && ident_all_digits(t + 2, 7))
	{
		ident_copy_upper(tmp, t, 9);
		met_set_result(r, tmp, 9, NORM_OK, NULL, IDENT_STRONG);
		return true;
	}

	/* A bare number: PubChem CID, ChEBI, NCBI Gene ... cannot be told. */
	if (ident_all_digits(t, n))
	{
		while (n > 1 && t[0] == '0')
		{
			t++;
			n--;
		}
		if (n > 12 || (n == 1 && t[0] == '0'))
		{
			met_set_invalid(r, "a number that is not a database identifier");
			return true;
		}
		met_set_result(r, t, n, NORM_AMBIGUOUS,
				   "a bare number: a PubChem CID, a ChEBI number or another database's id; "
				   "write the prefix (CID:, CHEBI:) to say which", IDENT_NONE);
		return true;
	}
	return false;
}

