/*
 * Replays transcripts through the C ABI: every server PDU goes into tsthinlic_exchange_step, the transcript's secrets
 * come back through the random callback (16 bytes: the HWID's data; 32: the next client random; 48: the next
 * premaster secret), its identity through the exchange options, and every PDU the client sends is compared byte for
 * byte with the transcript's. A transcript whose client held CALs gets them (and its HWID) through
 * tsthinlic_store_import; one whose client held none makes its HWID on first use from the random callback.
 *
 * usage: replay FILE.transcript...   (exchanges in one file run in order on one store, as a device's life)
 */
#include "check.h"
#include "replayer.h"

#include <string.h>

int main(int argc, char **argv)
{
    int i;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.transcript...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++) {
        tr_file file;
        char error[512];
        const char *base = strrchr(argv[i], '/') != NULL ? strrchr(argv[i], '/') + 1 : argv[i];
        secrets random_state;
        tsthinlic_store_options store_options;
        tsthinlic_store *store = NULL;
        size_t e;
        if (tr_load(argv[i], &file, error, sizeof error) != 0) {
            fail(base, "%s", error);
            continue;
        }
        replay_store_options(&store_options, &random_state, &file.exchanges[0]);
        /* One store per file: its exchanges are one device's life, each starting from what the last one stored. */
        if (tsthinlic_store_open("memory", NULL, &store_options, &store, error, sizeof error) != TSTHINLIC_OK) {
            fail(base, "tsthinlic_store_open: %s", error);
            tr_free(&file);
            continue;
        }
        for (e = 0; e < file.count; e++) {
            char name[600];
            char why[1024];
            int result;
            snprintf(name, sizeof name, "replay %s/%s", base, file.exchanges[e].name);
            result = replay_exchange(store, &random_state, &file.exchanges[e], e == 0, NULL, why, sizeof why);
            if (result == 0) {
                printf("PASS %s: %s\n", name, why);
            } else if (result > 0) {
                skip(name, "%s", why);
            } else {
                fail(name, "%s", why);
            }
        }
        tsthinlic_store_close(store);
        tr_free(&file);
    }
    return check_failures == 0 ? 0 : 1;
}
