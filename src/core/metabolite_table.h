/*
 * metabolite_table.h - the small synonym table shipped with the metabolite
 * normalizer (internal to metabolite.c; the unit tests read it too).
 */
#ifndef AMPRENTA_METABOLITE_TABLE_H
#define AMPRENTA_METABOLITE_TABLE_H

#include <stddef.h>

/* The upper-case spelling of the name is also an HGNC gene symbol. */
#define MET_GENE_CAPS	0x01

typedef struct met_entry
{
	const char *key;			/* lower-case lookup key (see metabolite.c) */
	const char *canonical;		/* what the normalizer prints */
	char		natural;		/* 'L' or 'D': the configuration dropped
								 * because it is the natural one; 0 none */
	unsigned char flags;
} met_entry;

/* Entry whose key is key[0..len), or NULL. */
extern const met_entry *met_table_find(const char *key, size_t len);

/* For tests: the i-th entry, or NULL past the end. */
extern const met_entry *met_table_entry(size_t i);

#endif
