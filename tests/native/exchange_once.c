/*
 * One full new-license exchange through the C ABI, for the peak-RSS measurement (native-size-rss.sh): open the store,
 * license (LICENSE_REQUEST -> NEW_LICENSE_REQUEST -> PLATFORM_CHALLENGE -> PLATFORM_CHALLENGE_RESPONSE -> NEW_LICENSE,
 * the CAL and a new HWID stored), close. The server's PDUs and the client's secrets come from a transcript, so the
 * run is the same every time and its client PDUs are checked byte for byte.
 *
 * usage: exchange_once new-license-with-challenge.transcript STORE_SPEC
 */
#include "replayer.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    tr_file file;
    secrets random_state;
    tsthinlic_store_options options;
    tsthinlic_store *store = NULL;
    tsthinlic_outcome outcome;
    char error[512];
    int result;
    if (argc != 3) {
        fprintf(stderr, "usage: %s new-license-with-challenge.transcript STORE_SPEC\n", argv[0]);
        return 2;
    }
    if (tr_load(argv[1], &file, error, sizeof error) != 0) {
        fprintf(stderr, "%s: %s\n", argv[1], error);
        return 1;
    }
    memset(&random_state, 0, sizeof random_state);
    memset(&options, 0, sizeof options);
    options.struct_size = sizeof options;
    options.random = replay_random;
    options.random_context = &random_state;
    if (tsthinlic_store_open(argv[2], NULL, &options, &store, error, sizeof error) != TSTHINLIC_OK) {
        fprintf(stderr, "tsthinlic_store_open: %s\n", error);
        return 1;
    }
    result = replay_exchange(store, &random_state, &file.exchanges[0], 0, &outcome, error, sizeof error);
    tsthinlic_store_close(store);
    tr_free(&file);
    if (result != 0 || outcome.result != TSTHINLIC_RESULT_LICENSE_ISSUED || outcome.license_stored != 1) {
        fprintf(stderr, "the exchange did not issue and store a license: %s\n", error);
        return 1;
    }
    printf("license-issued: %s\n", error);
    return 0;
}
