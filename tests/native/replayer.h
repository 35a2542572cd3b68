/*
 * Runs one transcript exchange through the C ABI: server PDUs into tsthinlic_exchange_step, the transcript's secrets
 * back through the random callback (16 bytes: the HWID's data; 32: the next client random; 48: the next premaster
 * secret), its identity through the exchange options, each client PDU compared byte for byte with the transcript's.
 */
#ifndef TSTHINLIC_TESTS_REPLAYER_H
#define TSTHINLIC_TESTS_REPLAYER_H

#include "transcript.h"
#include "tsthinlic.h"

typedef struct secrets {
    const tr_exchange *exchange;
    size_t randoms_used;
    size_t premasters_used;
    int hwid_used;
} secrets;

/* The tsthinlic_random_fn that hands out the exchange's secrets; context is a secrets. */
int replay_random(void *context, uint8_t *buffer, size_t length);

/* The transcript client's store (its HWID and CALs) through tsthinlic_store_import; 0 on success. */
int import_stored(tsthinlic_store *store, const tr_exchange *ex, char *why, size_t why_capacity);

/* Replays ex on store (whose random callback has random_state as its context); when import is set and the
   transcript's client held CALs, they are imported first. 0: every client PDU matched and the outcome is the
   expected one; 1: not replayable (encrypted PDUs); -1: it differs, or a call failed (why says which). The
   outcome, when outcome is not NULL, is the exchange's. */
int replay_exchange(tsthinlic_store *store, secrets *random_state, const tr_exchange *ex, int import,
                    tsthinlic_outcome *outcome, char *why, size_t why_capacity);

const char *result_name(int result);

/* Store options whose random callback hands out ex's secrets (random_state reset for it); the rest zero. */
void replay_store_options(tsthinlic_store_options *options, secrets *random_state, const tr_exchange *ex);

/* The store's contents as `tsthinlic export` writes them (size query, then the text), malloc'd; NULL on failure. */
char *store_export(tsthinlic_store *store);

#endif
