/*
 * gene_renames.c - HGNC renames of the symbols that spreadsheets turn into
 * dates, and the repair of such dates.
 *
 * In 2020 HGNC renamed the 27 human symbols that Excel reads as dates
 * (Bruford et al., Nat Genet 2020): SEPT1..SEPT12, SEPT14 -> SEPTIN*,
 * MARCH1..MARCH11 -> MARCHF*, MARC1/MARC2 -> MTARC1/MTARC2, DEC1 -> DELEC1;
 * the pseudogenes and antisense genes of the families followed.  MGI did
 * the same for mouse (Sept7 -> Septin7, March5 -> Marchf5).
 *
 * Ambiguities, checked against the NCBI Gene alias table of 2022
 * (Bioconductor org.Hs.eg.db 3.16):
 *   - SEPT2 is the previous symbol of SEPTIN2 but also an alias of SEPTIN6;
 *   - DEC1 is the previous symbol of DELEC1 but also a widely used alias of
 *     BHLHE40;
 *   - SEPT13 was the symbol of what is now the pseudogene SEPTIN7P2;
 *   - the dates 1-Mar and 2-Mar come from MARCH1/MARCH2 or from MARC1/MARC2.
 * Those are answered with the HGNC successor of the previous symbol and
 * NORM_AMBIGUOUS, so ingestion flags the row instead of guessing silently.
 */
#include "gene_renames.h"

#include <string.h>

#include "ident_text.h"

static const char reason_sept[] =
	"previous HGNC symbol: the SEPT genes were renamed SEPTIN in 2020";
static const char reason_sept2[] =
	"SEPT2 is the previous symbol of SEPTIN2 but also an alias of SEPTIN6; read as SEPTIN2";
static const char reason_sept13[] =
	"SEPT13 is the previous symbol of the pseudogene SEPTIN7P2";
static const char reason_march[] =
	"previous HGNC symbol: the MARCH genes were renamed MARCHF in 2020";
static const char reason_marc[] =
	"previous HGNC symbol: MARC1 and MARC2 were renamed MTARC1 and MTARC2";
static const char reason_dec1[] =
	"DEC1 is the previous symbol of DELEC1 but also an alias of BHLHE40; read as DELEC1";
static const char reason_date[] =
	"a spreadsheet turned the symbol into a date; repaired to the current HGNC symbol";
static const char reason_date_mar[] =
	"a spreadsheet date: 1-Mar and 2-Mar come from MARCH1/MARCH2 (now MARCHF1/MARCHF2) "
	"or from MARC1/MARC2 (now MTARC1/MTARC2); read as MARCHF";
static const char reason_date_two[] =
	"a numeric date that reads both as month/day and as day/month, naming two "
	"different genes; read as month/day";
static const char reason_date_none[] =
	"a date (a spreadsheet converted the cell); no renamed gene symbol reads as this date";

/*
 * Parse a positive decimal number without leading zeros from s[0..len);
 * return it, or -1 when s is not such a number (or is unreasonably big).
 */
static int
plain_number(const char *s, size_t len)
{
	int			v = 0;
	size_t		i;

	if (len == 0 || len > 3 || s[0] == '0' || !ident_all_digits(s, len))
		return -1;
	for (i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Write prefix followed by tail[0..taillen) into buf; false if too long. */
static bool
compose(char *buf, size_t bufsz, const char *prefix,
		const char *tail, size_t taillen)
{
	size_t		lp = strlen(prefix);

	if (lp + taillen + 1 > bufsz)
		return false;
	memcpy(buf, prefix, lp);
	memcpy(buf + lp, tail, taillen);
	buf[lp + taillen] = '\0';
	return true;
}

static norm_status
done(char *buf, size_t bufsz, const char *prefix, const char *tail,
	 size_t taillen, norm_status status, const char *why, const char **reason)
{
	if (!compose(buf, bufsz, prefix, tail, taillen))
		return NORM_OK;			/* cannot happen with NORM_OUT_MAX buffers */
	*reason = why;
	return status;
}

/* SEPT<tail> in human upper case; tail is what follows "SEPT". */
static norm_status
rename_sept(const char *t, size_t n, char *buf, size_t bufsz,
			const char **reason)
{
	size_t		d = ident_span_digits(t, n);
	int			num = plain_number(t, d);

	if (num < 0)
		return NORM_OK;
	if (d == n)
	{
		if (num == 13)
			return done(buf, bufsz, "SEPTIN7P2", "", 0, NORM_REPAIRED,
						reason_sept13, reason);
		if (num == 2)
			return done(buf, bufsz, "SEPTIN", t, n, NORM_AMBIGUOUS,
						reason_sept2, reason);
		if (num >= 1 && num <= 14)
			return done(buf, bufsz, "SEPTIN", t, n, NORM_REPAIRED,
						reason_sept, reason);
		return NORM_OK;
	}
	/* Pseudogenes SEPT2P1, SEPT7P1..P9, SEPT10P1, SEPT14P1..P24. */
	if (t[d] == 'P' && (num == 2 || num == 7 || num == 10 || num == 14) &&
		plain_number(t + d + 1, n - d - 1) > 0)
		return done(buf, bufsz, "SEPTIN", t, n, NORM_REPAIRED,
					reason_sept, reason);
	if (n == 5 && memcmp(t, "4-AS1", 5) == 0)
		return done(buf, bufsz, "SEPTIN4-AS1", "", 0, NORM_REPAIRED,
					reason_sept, reason);
	if (n == 5 && memcmp(t, "7-AS1", 5) == 0)
		return done(buf, bufsz, "SEPTIN7-DT", "", 0, NORM_REPAIRED,
					reason_sept, reason);
	return NORM_OK;
}

/* MARCH<tail> in human upper case. */
static norm_status
rename_march(const char *t, size_t n, char *buf, size_t bufsz,
			 const char **reason)
{
	size_t		d = ident_span_digits(t, n);
	int			num = plain_number(t, d);

	if (num < 1 || num > 11)
		return NORM_OK;
	if (d == n ||
		(n == 5 && memcmp(t, "10-DT", 5) == 0) ||
		(n == 6 && memcmp(t, "11-AS1", 6) == 0))
		return done(buf, bufsz, "MARCHF", t, n, NORM_REPAIRED,
					reason_march, reason);
	return NORM_OK;
}

norm_status
gene_rename_lookup(const char *sym, size_t len, char *buf, size_t bufsz,
				   const char **reason)
{
	/* Human symbols (upper case). */
	if (len > 4 && memcmp(sym, "SEPT", 4) == 0 && ident_is_digit((unsigned char) sym[4]))
		return rename_sept(sym + 4, len - 4, buf, bufsz, reason);
	if (len > 5 && memcmp(sym, "MARCH", 5) == 0 && ident_is_digit((unsigned char) sym[5]))
		return rename_march(sym + 5, len - 5, buf, bufsz, reason);
	if (len == 5 && (memcmp(sym, "MARC1", 5) == 0 || memcmp(sym, "MARC2", 5) == 0))
		return done(buf, bufsz, "MTARC", sym + 4, 1, NORM_REPAIRED,
					reason_marc, reason);
	if (len == 4 && memcmp(sym, "DEC1", 4) == 0)
		return done(buf, bufsz, "DELEC1", "", 0, NORM_AMBIGUOUS,
					reason_dec1, reason);

	/* Mouse and rat symbols (MGI/RGD case): Sept7, March5, Marc1. */
	if (len > 4 && memcmp(sym, "Sept", 4) == 0)
	{
		int			num = plain_number(sym + 4, len - 4);

		if (num >= 1 && num <= 14 && num != 13)
			return done(buf, bufsz, "Septin", sym + 4, len - 4, NORM_REPAIRED,
						reason_sept, reason);
		return NORM_OK;
	}
	if (len > 5 && memcmp(sym, "March", 5) == 0)
	{
		int			num = plain_number(sym + 5, len - 5);

		if (num >= 1 && num <= 11)
			return done(buf, bufsz, "Marchf", sym + 5, len - 5, NORM_REPAIRED,
						reason_march, reason);
		return NORM_OK;
	}
	if (len == 5 && (memcmp(sym, "Marc1", 5) == 0 || memcmp(sym, "Marc2", 5) == 0))
		return done(buf, bufsz, "Mtarc", sym + 4, 1, NORM_REPAIRED,
					reason_marc, reason);
	return NORM_OK;
}

/* ---- dates ---- */

/* Month number of an English month name or abbreviation, or 0. */
static int
month_number(const char *s, size_t len)
{
	static const char *const names[12][3] = {
		{"jan", "january", NULL},
		{"feb", "february", NULL},
		{"mar", "march", NULL},
		{"apr", "april", NULL},
		{"may", NULL, NULL},
		{"jun", "june", NULL},
		{"jul", "july", NULL},
		{"aug", "august", NULL},
		{"sep", "sept", "september"},
		{"oct", "october", NULL},
		{"nov", "november", NULL},
		{"dec", "december", NULL},
	};
	int			m;
	int			k;

	if (len > 0 && s[len - 1] == '.')	/* "Sept." */
		len--;
	for (m = 0; m < 12; m++)
		for (k = 0; k < 3 && names[m][k] != NULL; k++)
			if (ident_ci_eq(s, len, names[m][k]))
				return m + 1;
	return 0;
}

/* Decimal value of 1..4 digits (leading zeros allowed), or -1. */
static int
date_number(const char *s, size_t len)
{
	int			v = 0;
	size_t		i;

	if (len == 0 || len > 4 || !ident_all_digits(s, len))
		return -1;
	for (i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* A two- or four-digit year. */
static bool
year_token(const char *s, size_t len)
{
	return (len == 2 || len == 4) && ident_all_digits(s, len);
}

/*
 * The renamed symbol that spreadsheets turn into day `day` of month `month`,
 * as the old symbol text in buf (e.g. "SEPT1"), or false when none does.
 */
static bool
old_symbol_for(int month, int day, char *buf, size_t bufsz)
{
	const char *family;
	int			maxday;
	size_t		lf;

	if (month == 9)
	{
		family = "SEPT";
		maxday = 14;
	}
	else if (month == 3)
	{
		family = "MARCH";
		maxday = 11;
	}
	else if (month == 12)
	{
		family = "DEC";
		maxday = 1;
	}
	else
		return false;
	if (day < 1 || day > maxday)
		return false;
	lf = strlen(family);
	if (lf + 3 > bufsz)
		return false;
	memcpy(buf, family, lf);
	if (day >= 10)
		buf[lf++] = (char) ('0' + day / 10);
	buf[lf++] = (char) ('0' + day % 10);
	buf[lf] = '\0';
	return true;
}

/* Resolve one (month, day) reading to a current symbol. */
static norm_status
reading_to_symbol(int month, int day, char *buf, size_t bufsz,
				  const char **reason)
{
	char		old[16];

	if (!old_symbol_for(month, day, old, sizeof(old)))
		return NORM_INVALID;
	return gene_rename_lookup(old, strlen(old), buf, bufsz, reason);
}

bool
gene_excel_date(const char *s, size_t len, char *buf, size_t bufsz,
				norm_status *status, const char **reason)
{
	const char *tok[3];
	size_t		toklen[3];
	int			ntok = 0;
	char		sep = 0;
	size_t		i = 0;
	int			readings[2][2];	/* (month, day) */
	int			nread = 0;
	int			k;
	norm_status st[2];
	const char *why[2];
	char		cand[2][32];

	/* Drop a midnight time part: "2001-09-01 00:00:00", "...T00:00". */
	for (i = 0; i < len; i++)
	{
		if ((s[i] == ' ' || s[i] == 'T') && i >= 8 && i + 5 <= len &&
			ident_is_digit((unsigned char) s[i + 1]))
		{
			size_t		j = i + 1;

			while (j < len && (ident_is_digit((unsigned char) s[j]) || s[j] == ':'))
				j++;
			if (j == len && memchr(s + i + 1, ':', len - i - 1) != NULL)
			{
				len = i;
				break;
			}
		}
	}

	/* Split into at most three tokens on one kind of separator. */
	i = 0;
	while (i < len)
	{
		size_t		start = i;

		if (ntok == 3)
			return false;
		if (ident_is_digit((unsigned char) s[i]))
			while (i < len && ident_is_digit((unsigned char) s[i]))
				i++;
		else if (ident_is_alpha((unsigned char) s[i]))
		{
			while (i < len && ident_is_alpha((unsigned char) s[i]))
				i++;
			if (i < len && s[i] == '.' && i + 1 < len && s[i + 1] != '.' &&
				!ident_is_digit((unsigned char) s[i + 1]))
				i++;			/* "Sept. 1" */
		}
		else
			return false;
		tok[ntok] = s + start;
		toklen[ntok] = i - start;
		ntok++;
		if (i == len)
			break;
		if (s[i] != '-' && s[i] != '/' && s[i] != ' ' && s[i] != '.')
			return false;
		if (sep != 0 && s[i] != sep)
			return false;
		sep = s[i];
		i++;
		if (i == len)
			return false;
	}
	if (ntok < 2)
		return false;

	/* Which readings does the shape allow? */
	if (ident_is_alpha((unsigned char) tok[0][0]) || ident_is_alpha((unsigned char) tok[1][0]))
	{
		int			mi = ident_is_alpha((unsigned char) tok[0][0]) ? 0 : 1;
		int			di = 1 - mi;
		int			month = month_number(tok[mi], toklen[mi]);
		int			day = date_number(tok[di], toklen[di]);

		if (month == 0 || day < 1 || day > 31 || toklen[di] > 2)
			return false;
		if (ntok == 3 && !year_token(tok[2], toklen[2]))
			return false;
		if (sep == '.' && mi == 0)
			return false;
		readings[nread][0] = month;
		readings[nread][1] = day;
		nread++;
	}
	else if (ntok == 3)
	{
		int			a = date_number(tok[0], toklen[0]);
		int			b = date_number(tok[1], toklen[1]);
		int			c = date_number(tok[2], toklen[2]);

		if (toklen[0] == 4)
		{
			/* ISO year-month-day (or year/month/day). */
			if (sep != '-' && sep != '/')
				return false;
			if (toklen[1] > 2 || toklen[2] > 2 || b < 1 || b > 12 || c < 1 || c > 31)
				return false;
			readings[nread][0] = b;
			readings[nread][1] = c;
			nread++;
		}
		else
		{
			if (toklen[0] > 2 || toklen[1] > 2 || !year_token(tok[2], toklen[2]))
				return false;
			if (sep == ' ')
				return false;
			/* month/day/year (US) first, then day/month/year. */
			if (sep != '.' && a >= 1 && a <= 12 && b >= 1 && b <= 31)
			{
				readings[nread][0] = a;
				readings[nread][1] = b;
				nread++;
			}
			if (b >= 1 && b <= 12 && a >= 1 && a <= 31)
			{
				readings[nread][0] = b;
				readings[nread][1] = a;
				nread++;
			}
			if (nread == 0)
				return false;
			(void) c;
		}
	}
	else
		return false;

	/* Resolve the readings; keep those that name a gene. */
	{
		int			ngood = 0;
		int			first = -1;

		for (k = 0; k < nread; k++)
		{
			why[k] = NULL;
			st[k] = reading_to_symbol(readings[k][0], readings[k][1],
									  cand[k], sizeof(cand[k]), &why[k]);
			if (st[k] == NORM_REPAIRED || st[k] == NORM_AMBIGUOUS)
			{
				ngood++;
				if (first < 0)
					first = k;
			}
		}
		if (ngood == 0)
		{
			*status = NORM_INVALID;
			*reason = reason_date_none;
			return true;
		}
		if (strlen(cand[first]) + 1 > bufsz)
		{
			*status = NORM_INVALID;
			*reason = reason_date_none;
			return true;
		}
		strcpy(buf, cand[first]);
		if (ngood == 2 && strcmp(cand[0], cand[1]) != 0)
		{
			*status = NORM_AMBIGUOUS;
			*reason = reason_date_two;
		}
		else if (readings[first][0] == 3 && readings[first][1] <= 2)
		{
			*status = NORM_AMBIGUOUS;
			*reason = reason_date_mar;
		}
		else if (st[first] == NORM_AMBIGUOUS)
		{
			*status = NORM_AMBIGUOUS;
			*reason = why[first];
		}
		else
		{
			*status = NORM_REPAIRED;
			*reason = reason_date;
		}
	}
	return true;
}
