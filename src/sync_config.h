/*
 * sync_config.h - the configuration the semantic index was built under.
 *
 * index_config_fingerprint() (sink_index.c) names what makes the index's
 * vectors what they are; sync_config_check() (sync_config.c) re-syncs the
 * whole index when it changes.  See doc/sync.md, "Embeddings".
 */
#ifndef AMPRENTA_SYNC_CONFIG_H
#define AMPRENTA_SYNC_CONFIG_H

/* Longest fingerprint kept (longer settings are cut, as in the hash). */
#define SYNC_CONFIG_FINGERPRINT_LEN 1200

extern void index_config_fingerprint(char *buf, size_t size);
extern bool sync_config_differs(void);
extern void sync_config_check(void);

#endif
