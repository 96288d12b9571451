/*
 * lipid.h - lipid name parser and Shorthand 2020 printer.
 *
 * Reads the dialects met in real files (Shorthand 2020, LIPID MAPS common
 * names, the old Goslin ";2" hydroxyl form, Biocrates "PC aa C36:2",
 * "lyso"/"plasmenyl" prefixes, MS-DIAL "A|B") and prints Shorthand 2020 at
 * the requested level of structural detail, never inventing structure the
 * input does not carry.
 */
#ifndef AMPRENTA_LIPID_H
#define AMPRENTA_LIPID_H

#include "normalize.h"

/*
 * Levels of the 2020 shorthand hierarchy, coarsest first.  LIPID_LEVEL_INPUT
 * asks for the finest level the input supports.
 */
typedef enum lipid_level
{
	LIPID_LEVEL_INPUT = 0,
	LIPID_LEVEL_SPECIES,			/* PC 34:1 */
	LIPID_LEVEL_MOLECULAR_SPECIES,	/* PC 16:0_18:1 */
	LIPID_LEVEL_SN_POSITION,		/* PC 16:0/18:1 */
	LIPID_LEVEL_STRUCTURE_DEFINED,	/* PC 16:0/18:1(9) */
	LIPID_LEVEL_FULL_STRUCTURE		/* PC 16:0/18:1(9Z) */
} lipid_level;

/*
 * Parse `name` (len bytes) and print it at `level` into out[outsz].
 * A level finer than the input supports is NORM_INVALID with a reason
 * ("input carries only species-level information").
 */
extern norm_status lipid_normalize(const char *name, size_t len,
								   lipid_level level,
								   char *out, size_t outsz,
								   const char **reason);

/*
 * The finest level `name` supports, or LIPID_LEVEL_INPUT (0) when it does
 * not parse as a lipid.
 */
extern lipid_level lipid_input_level(const char *name, size_t len);

/* "species", "molecular_species", ... -> level; returns -1 when unknown. */
extern int	lipid_level_from_name(const char *s);
extern const char *lipid_level_name(lipid_level level);

/*
 * What a name is, for callers that group or filter by class: the class as
 * printed at species level ("PC", "Hex2Cer", "SE 27:1", "FA" for a named
 * mediator such as 12-HETE), its LIPID MAPS category ("FA", "GL", "GP",
 * "SP", "ST", "SL") and the finest level the name supports.  Returns the
 * status lipid_normalize() gives at LIPID_LEVEL_INPUT; on NORM_INVALID the
 * class is "" and the category NULL.
 */
typedef struct lipid_info
{
	lipid_level level;
	const char *category;		/* static string, NULL when invalid */
	char		class_name[64];
} lipid_info;

extern norm_status lipid_describe(const char *name, size_t len,
								  lipid_info *info, const char **reason);

/*
 * ---------------------------------------------------------------------
 * Below: the parsed representation shared by src/core/lipid_*.c only.
 * Nothing outside those files may define AMPRENTA_LIPID_INTERNAL; the
 * layout may change without notice.
 * ---------------------------------------------------------------------
 */
#ifdef AMPRENTA_LIPID_INTERNAL

#include <stdbool.h>
#include <string.h>

#define LP_TEXT_MAX		400		/* longest name accepted, in bytes */
#define LP_MAX_CHAINS	4		/* chains written after the class (CL) */
#define LP_POOL_CHAINS	24		/* every chain: written, head-group, linked,
								 * ring interiors */
#define LP_POOL_FG		64		/* functional-group entries per name */
#define LP_MAX_DB		24		/* double-bond positions per chain */
#define LP_MAX_CARBON	300		/* bigger numbers (chains or sums) are
								 * typing errors */
#define LP_MAX_ELEM		99		/* most atoms of one element in a sum */

/* Elements that may be counted at sum level (";O2", ";N", ";S2"). */
enum
{
	LP_E_O = 0,
	LP_E_N,
	LP_E_P,
	LP_E_S,
	LP_E_AS,
	LP_E_BR,
	LP_E_CL,
	LP_E_F,
	LP_E_I,
	LP_NELEM
};

/* How a class carries its chains. */
typedef enum lp_kind
{
	LPK_CHAINS = 0,				/* acyl/alkyl chains on a backbone with
								 * numbered positions (FA, GL, GP, SL) */
	LPK_SPHINGO,				/* sphingoid base + N-acyl chain */
	LPK_LCB,					/* sphingoid base only (SPB, LSM ...) */
	LPK_STEROL,					/* sterol core "ST 27:1;O", no chain */
	LPK_STEROL_ESTER			/* "SE 27:1/18:1": core + one acyl */
} lp_kind;

/* lp_class.flags */
#define LPF_HG1		0x01		/* sphingolipid whose head group sits on
								 * O-1: one oxygen of the base is implicit at
								 * structure level, "(1)" at full structure */
#define LPF_HGCHAIN	0x02		/* takes a head-group chain: PE-N(FA 16:0) */
#define LPF_PIP		0x04		/* takes inositol positions: PIP2(4',5') */

typedef struct lp_class
{
	const char *name;			/* canonical spelling */
	const char *category;		/* LIPID MAPS category */
	unsigned int key;			/* first four bytes of name, for lookups */
	unsigned char kind;			/* lp_kind */
	unsigned char nchains;		/* non-empty chains of a complete name */
	unsigned char npos;			/* positions that may be written (0:0) */
	unsigned char flags;		/* LPF_* */
	unsigned char namelen;		/* strlen(name), filled in at compile time */
	const char *lyso;			/* same class with one chain less
								 * (PC -> LPC), NULL if none */
} lp_class;

/* Named lipid mediators (12-HETE ...): no chain syntax, a known sum. */
typedef struct lp_mediator
{
	const char *name;
	short		carbon;
	short		db;				/* double-bond equivalents, rings included */
	short		oxygen;			/* oxygens beyond the carboxyl group */
	unsigned char namelen;		/* strlen(name), filled in at compile time */
	unsigned int key;			/* first four bytes of name, for lookups */
} lp_mediator;

/* Functional groups of the 2020 shorthand with their element deltas. */
typedef struct lp_fgtype
{
	const char *name;
	short		carbon;
	short		dbe;			/* double-bond equivalents added */
	short		elem[LP_NELEM];
} lp_fgtype;

/* lp_fg.kind */
#define LP_FG_SIMPLE	0		/* 3OH, oxo, Me ... */
#define LP_FG_RING		1		/* [8-12cy5:0;11OH] */
#define LP_FG_LINK		2		/* 5O(FA 16:0), 5O(16:0), N(FA 16:0) */

typedef struct lp_fg
{
	short		next;			/* next group of the same chain, -1 ends */
	unsigned char kind;			/* LP_FG_* */
	unsigned char type;			/* index into the group table (SIMPLE) */
	short		pos;			/* position on the chain, -1 when unknown */
	short		count;			/* how many (written "(OH)2"), >= 1 */
	short		sub;			/* pool chain: linked chain or ring interior */
	short		ring_start;		/* RING: first and last chain atom, -1 */
	short		ring_end;
	short		ring_size;
	char		bridge[8];		/* RING: hetero atoms in the ring ("O") */
	char		link_atom;		/* LINK: 'O' or 'N' */
	bool		link_acyl;		/* LINK: "FA " written (ester/amide) */
} lp_fg;

/* lp_chain.flags */
#define LPC_DBPOS		0x01	/* double-bond positions were written */
#define LPC_BASE		0x02	/* sphingoid base of an SP class */
#define LPC_IMPLICIT_O	0x04	/* base carries the head-group oxygen that
								 * structure levels do not list */
#define LPC_SUM			0x08	/* species-level sum of several chains */
#define LPC_EMPTY		0x10	/* 0:0 placeholder */

typedef struct lp_chain
{
	short		carbon;
	short		db;
	char		ether;			/* 0, 'O' (alkyl) or 'P' (alk-1-enyl) */
	unsigned char nether;		/* ether bonds in a sum ("dO-" = 2) */
	unsigned char flags;		/* LPC_* */
	unsigned char ndbpos;
	unsigned char dbpos[LP_MAX_DB];
	char		dbgeom[LP_MAX_DB];	/* 'E', 'Z' or 0 */
	short		elem[LP_NELEM];	/* atoms counted without a group type
								 * (";O2", "d18:1", old ";2") */
	short		fg;				/* first functional group, -1 none */
} lp_chain;

typedef struct lp_lipid
{
	const lp_class *cls;		/* NULL for a named mediator */
	const lp_mediator *med;
	short		chain[LP_MAX_CHAINS];	/* written chains, 0:0 included */
	unsigned char nchains;
	char		sep;			/* '/', '_' or 0 (one chain) */
	bool		species;		/* one chain that sums the class's chains */
	short		core;			/* sterol core chain, -1 */
	short		hg;				/* head-group chain, -1 */
	bool		hg_acyl;		/* head-group chain is "FA ..." */
	bool		hg_type_only;	/* written "PE-N(FA)" or "PS-N(Alk)" */
	char		pip[16];		/* inositol phosphate positions "(3',5')" */
	short		hexoses;		/* sugars of a "Gal-Glc-Cer" class name */
	char		sugar_text[40]; /* that name, printed at structure levels */
	lp_chain	pool[LP_POOL_CHAINS];
	short		npool;
	lp_fg		fgs[LP_POOL_FG];
	short		nfg;
	norm_status status;			/* NORM_OK or NORM_AMBIGUOUS */
	const char *note;			/* reason when AMBIGUOUS */
} lp_lipid;

/* lipid_classes.c */
extern const lp_class *lp_class_by_name(const char *s, size_t len);
extern const lp_class *lp_class_match(const char *s, size_t len,
									  size_t *matched, int *modifier,
									  short *core_c, short *core_db);
extern const lp_mediator *lp_mediator_by_name(const char *s, size_t len);
extern const char *lp_named_lipid(const char *s, size_t len);
extern int	lp_fg_match(const char *s, size_t len, size_t *matched);
extern const lp_fgtype *lp_fg_type(int idx);
extern int	lp_element_match(const char *s, size_t len, size_t *matched);
extern const char *lp_element_symbol(int elem);

/* lp_class_match() modifiers, applied to the first chain */
#define LP_MOD_NONE			0
#define LP_MOD_PLASMENYL	1	/* PlsEtn: P- ether */
#define LP_MOD_STEROL_CORE	2	/* CE, ChE: sterol ester of a known core */

/* Parser state, shared by lipid_parse.c (classes) and lipid_chain.c. */
typedef struct lp_parser
{
	const char *s;				/* cleaned name */
	size_t		n;
	size_t		i;				/* cursor */
	lp_lipid   *L;
	const char *err;			/* first error, a static sentence */
	bool		base_prefix;	/* first chain was written m/d/t */
	bool		dash_sep;		/* chains were separated by '-' */
	int			depth;			/* nesting of chains in chains */
} lp_parser;

/* lp_parse_chain() flags */
#define LP_CH_BASE_PREFIX	0x01	/* may start with m/d/t (sphingoid base) */
#define LP_CH_C_PREFIX		0x02	/* may start with Biocrates' "C" */

static inline bool
lp_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
lp_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Character k places after the cursor, '\0' past the end. */
static inline char
lp_peek(const lp_parser *P, size_t k)
{
	return (P->i + k < P->n) ? P->s[P->i + k] : '\0';
}

static inline bool
lp_at(const lp_parser *P, const char *lit)
{
	size_t		k = strlen(lit);

	return P->i + k <= P->n && memcmp(P->s + P->i, lit, k) == 0;
}

static inline bool
lp_eat(lp_parser *P, char c)
{
	if (lp_peek(P, 0) == c)
	{
		P->i++;
		return true;
	}
	return false;
}

/* lipid_chain.c */
extern bool lp_fail(lp_parser *P, const char *why);
extern bool lp_parse_uint(lp_parser *P, int *v);
extern int	lp_new_chain(lp_parser *P);
extern int	lp_new_fg(lp_parser *P, int chain, int kind);
extern bool lp_add_simple(lp_parser *P, int chain, int type, int pos,
						  int count);
extern int	lp_parse_chain(lp_parser *P, int flags, char pre_ether);

/* lipid_clean.c */
extern norm_status lp_clean(const char *name, size_t len, char *buf,
							size_t *outlen, const char **reason);

/* lipid_parse.c */
extern norm_status lp_parse(const char *text, size_t len, lp_lipid *L,
							const char **reason);

/* lipid_print.c */
extern lipid_level lp_level(const lp_lipid *L);
extern bool lp_print(const lp_lipid *L, lipid_level level, char *out,
					 size_t outsz);
extern void lp_class_text(const lp_lipid *L, lipid_level level, char *out,
						  size_t outsz);
extern bool lp_sums_plausible(const lp_lipid *L);

#endif							/* AMPRENTA_LIPID_INTERNAL */

#endif
