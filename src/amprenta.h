/*
 * amprenta.h - declarations shared by the PostgreSQL glue (the outer ring).
 */
#ifndef AMPRENTA_H
#define AMPRENTA_H

#ifndef AMPRENTA_VERSION
#error "AMPRENTA_VERSION must be defined by the build (see Makefile)"
#endif

/* True when loaded through shared_preload_libraries (set in _PG_init). */
extern bool amprenta_preloaded;

#endif
