/*
 * amprenta.c - module entry: PG_MODULE_MAGIC, _PG_init, amprenta_version().
 *
 * Settings live under the reserved prefix "amprenta."; the GUCs of each
 * subsystem are defined by that subsystem's init function, called from
 * here, so that a reader finds a setting next to the code it steers.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/rel.h"

#include "amprenta.h"
#include "sync.h"

PG_MODULE_MAGIC;

#if PG_VERSION_NUM < 160000
/* fmgr.h declares it from PostgreSQL 16 on. */
extern PGDLLEXPORT void _PG_init(void);
#endif

/* True when the library was loaded through shared_preload_libraries. */
bool		amprenta_preloaded = false;

void
_PG_init(void)
{
	amprenta_preloaded = process_shared_preload_libraries_in_progress;

	/*
	 * Reserve the prefix: a misspelt "SET amprenta.foo" is an error instead
	 * of a silently ignored placeholder.
	 */
	sync_define_gucs();
	MarkGUCPrefixReserved("amprenta");

	/*
	 * Delivery needs shared memory and the launcher, which only a library
	 * loaded at server start can have; everything else works without.
	 */
	if (amprenta_preloaded && !IsBinaryUpgrade)
	{
		sync_shmem_init_hooks();
		sync_register_launcher();
		sync_utility_hook_install();
	}
}

/*
 * The version recorded in pg_extension for this database, or NULL when the
 * extension is not installed here (the library can be loaded without it).
 */
static text *
installed_extension_version(void)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	text	   *result = NULL;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum("amprenta"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, Anum_pg_extension_extversion,
									 RelationGetDescr(rel), &isnull);

		if (!isnull)
			result = DatumGetTextPCopy(d);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

PG_FUNCTION_INFO_V1(amprenta_version);

/*
 * amprenta_version(OUT extension_version text, OUT library_version text,
 *                  OUT preloaded boolean)
 *
 * The SQL objects and the shared library are upgraded separately (ALTER
 * EXTENSION UPDATE vs. installing a new .so); showing both lets an operator
 * see a half-finished upgrade at a glance.
 */
Datum
amprenta_version(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	text	   *extversion;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function returning record called in context that cannot accept type record")));
	tupdesc = BlessTupleDesc(tupdesc);

	extversion = installed_extension_version();
	if (extversion)
		values[0] = PointerGetDatum(extversion);
	else
		nulls[0] = true;
	values[1] = CStringGetTextDatum(AMPRENTA_VERSION);
	values[2] = BoolGetDatum(amprenta_preloaded);

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
