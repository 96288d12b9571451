/*
 * test_lipid_conformance.c - the lipid normalizer against the Goslin test
 * vectors in test/data/goslin/ (MIT, see the README there).
 *
 *   shorthand-test.csv       every column, parsed, reproduces itself and
 *                            every coarser column at that column's level
 *   lipidnames-invalid*.txt  every name is rejected
 *   lipidnames.txt           every name parses
 *   goslin-test.csv,         at least 99% parse with a known class; the
 *   swiss-lipids-test.csv    figures are printed as TAP comments
 *
 * Molecular-species columns are compared after putting the expected
 * chains in our canonical order: Goslin keeps the written order there
 * (PC 18:1_16:0), we sort (PC 16:0_18:1).
 *
 * Run with the repository root as the working directory.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "unit.h"
#include "lipid.h"

#define DATA_DIR "test/data/goslin/"

static char filebuf[1 << 20];

/* Read a whole file into filebuf; returns its length or -1. */
static long
read_file(const char *path)
{
	FILE	   *f = fopen(path, "rb");
	size_t		n;

	if (f == NULL)
		return -1;
	n = fread(filebuf, 1, sizeof(filebuf) - 1, f);
	fclose(f);
	filebuf[n] = '\0';
	return (long) n;
}

/* Next line of filebuf starting at *pos (without CR/LF); NULL at the end. */
static char *
next_line(long len, long *pos, long *linelen)
{
	char	   *start;
	long		i = *pos;

	if (i >= len)
		return NULL;
	start = filebuf + i;
	while (i < len && filebuf[i] != '\n')
		i++;
	*linelen = (filebuf + i) - start;
	if (*linelen > 0 && start[*linelen - 1] == '\r')
		(*linelen)--;
	*pos = i + 1;
	return start;
}

/* Split one CSV line with "..." quoting into at most maxf fields. */
static int
split_csv(const char *line, long len, char fields[][256], int maxf)
{
	int			nf = 0;
	long		i = 0;

	while (i <= len && nf < maxf)
	{
		int			o = 0;
		bool		quoted = (i < len && line[i] == '"');

		if (quoted)
			i++;
		while (i < len)
		{
			if (quoted && line[i] == '"')
			{
				if (i + 1 < len && line[i + 1] == '"')
				{
					i++;
				}
				else
				{
					quoted = false;
					i++;
					continue;
				}
			}
			else if (!quoted && line[i] == ',')
				break;
			if (o < 255)
				fields[nf][o++] = line[i];
			i++;
		}
		fields[nf][o] = '\0';
		nf++;
		i++;					/* the comma */
	}
	return nf;
}

static const lipid_level column_level[5] = {
	LIPID_LEVEL_FULL_STRUCTURE, LIPID_LEVEL_STRUCTURE_DEFINED,
	LIPID_LEVEL_SN_POSITION, LIPID_LEVEL_MOLECULAR_SPECIES,
	LIPID_LEVEL_SPECIES
};

static void
test_shorthand(void)
{
	long		len = read_file(DATA_DIR "shorthand-test.csv");
	long		pos = 0;
	long		ll;
	char	   *line;
	int			rows = 0;
	int			rows_ok = 0;

	CHECK(len > 0, "read shorthand-test.csv");
	if (len <= 0)
		return;
	while ((line = next_line(len, &pos, &ll)) != NULL)
	{
		char		f[8][256];
		int			nf;
		bool		row_ok = true;

		if (ll == 0)
			continue;
		nf = split_csv(line, ll, f, 8);
		if (nf < 5)
			continue;
		rows++;
		for (int i = 0; i < 5; i++)
		{
			bool		ok = true;
			char		detail[2048] = "";

			for (int j = i; j < 5 && ok; j++)
			{
				char		got[NORM_OUT_MAX];
				char		want[NORM_OUT_MAX];
				const char *why;
				norm_status st;

				st = lipid_normalize(f[i], strlen(f[i]), column_level[j],
									 got, sizeof(got), &why);
				snprintf(want, sizeof(want), "%s", f[j]);
				if (column_level[j] == LIPID_LEVEL_MOLECULAR_SPECIES)
					lipid_normalize(f[j], strlen(f[j]), column_level[j],
									want, sizeof(want), NULL);
				if (st == NORM_INVALID || strcmp(got, want) != 0)
				{
					ok = false;
					snprintf(detail, sizeof(detail),
							 "column %d at %s: got '%s'%s%s, want '%s'",
							 i + 1, lipid_level_name(column_level[j]), got,
							 st == NORM_INVALID ? " rejected: " : "",
							 st == NORM_INVALID ? why : "", want);
				}
			}
			CHECK(ok, "shorthand-test row %d column %d '%s' coarsens as expected",
				  rows, i + 1, f[i]);
			if (!ok)
			{
				printf("#   %s\n", detail);
				row_ok = false;
			}
		}
		if (row_ok)
			rows_ok++;
	}
	NOTE("shorthand-test: %d of %d rows reproduce every coarser level",
		 rows_ok, rows);
	CHECK(rows == 43, "shorthand-test has its 43 rows (%d)", rows);
}

static void
test_must_reject(const char *file)
{
	char		path[256];
	long		len;
	long		pos = 0;
	long		ll;
	char	   *line;
	int			n = 0;

	snprintf(path, sizeof(path), DATA_DIR "%s", file);
	len = read_file(path);
	CHECK(len > 0, "read %s", file);
	while ((line = next_line(len, &pos, &ll)) != NULL)
	{
		char		out[NORM_OUT_MAX];
		const char *why = NULL;
		char		name[256];
		norm_status st;

		if (ll == 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int) ll, line);
		st = lipid_normalize(line, (size_t) ll, LIPID_LEVEL_INPUT, out,
							 sizeof(out), &why);
		CHECK(st == NORM_INVALID && out[0] == '\0' && why != NULL,
			  "%s: '%s' is rejected", file, name);
		if (st != NORM_INVALID)
			printf("#   accepted as '%s'\n", out);
		else
			printf("#   reason: %s\n", why);
		n++;
	}
	CHECK(n > 0, "%s has names (%d)", file, n);
}

static void
test_must_parse(const char *file)
{
	char		path[256];
	long		len;
	long		pos = 0;
	long		ll;
	char	   *line;

	snprintf(path, sizeof(path), DATA_DIR "%s", file);
	len = read_file(path);
	CHECK(len > 0, "read %s", file);
	while ((line = next_line(len, &pos, &ll)) != NULL)
	{
		char		out[NORM_OUT_MAX];
		const char *why = NULL;
		char		name[256];
		norm_status st;

		if (ll == 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int) ll, line);
		st = lipid_normalize(line, (size_t) ll, LIPID_LEVEL_INPUT, out,
							 sizeof(out), &why);
		CHECK(st != NORM_INVALID, "%s: '%s' parses (as '%s')", file, name,
			  out);
		if (st == NORM_INVALID)
			printf("#   reason: %s\n", why);
	}
}

/* Share of names that parse with a known class; prints the figures. */
static void
test_coverage(const char *file, const char *label)
{
	char		path[256];
	long		len;
	long		pos = 0;
	long		ll;
	char	   *line;
	int			total = 0;
	int			ok = 0;
	int			shown = 0;
	double		pct;

	snprintf(path, sizeof(path), DATA_DIR "%s", file);
	len = read_file(path);
	CHECK(len > 0, "read %s", file);
	if (len <= 0)
		return;
	while ((line = next_line(len, &pos, &ll)) != NULL)
	{
		lipid_info info;
		const char *why = NULL;
		norm_status st;

		if (ll == 0)
			continue;
		total++;
		st = lipid_describe(line, (size_t) ll, &info, &why);
		if (st != NORM_INVALID && info.class_name[0] != '\0' &&
			info.category != NULL)
			ok++;
		else if (shown++ < 40)
			printf("# %s unparsed: '%.*s' (%s)\n", label, (int) ll, line,
				   why ? why : "no class");
	}
	pct = total ? 100.0 * ok / total : 0.0;
	NOTE("%s: %.1f%% (%d of %d)", label, pct, ok, total);
	CHECK(total > 0 && ok * 100 >= total * 99,
		  "%s: at least 99%% parse with a known class", label);
}

int
main(void)
{
	test_shorthand();
	test_must_reject("lipidnames-invalid.txt");
	test_must_reject("lipidnames-invalid-01.txt");
	test_must_parse("lipidnames.txt");
	test_coverage("goslin-test.csv", "goslin-test");
	test_coverage("swiss-lipids-test.csv", "swiss-lipids-test");
	return unit_done();
}
