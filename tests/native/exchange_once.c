/*
 * One full new-license exchange through the C ABI, for the peak-RSS measurement (native-size-rss.sh): open the store,
 * license (LICENSE_REQUEST -> NEW_LICENSE_REQUEST -> PLATFORM_CHALLENGE -> PLATFORM_CHALLENGE_RESPONSE -> NEW_LICENSE,
 * the CAL and a new HWID stored), close. The server's PDUs and the client's secrets come from a transcript, so the
 * run is the same every time and its client PDUs are checked byte for byte.
 *
 * usage: exchange_once new-license-with-challenge.transcript STORE_SPEC [--memory-report]
 *
 * --memory-report: after the exchange, where the resident pages are (from /proc/self/status and /proc/self/smaps):
 * the peak, the library's own mapped pages, and anonymous memory (the runtime's GC heap and bookkeeping, malloc).
 */
#include "replayer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kB value of a "Name:   N kB" line of /proc/self/status. */
static long status_kb(const char *name)
{
    char line[256];
    long value = -1;
    FILE *status = fopen("/proc/self/status", "r");
    if (status == NULL) {
        return -1;
    }
    while (fgets(line, sizeof line, status) != NULL) {
        if (strncmp(line, name, strlen(name)) == 0 && line[strlen(name)] == ':') {
            value = strtol(line + strlen(name) + 1, NULL, 10);
            break;
        }
    }
    fclose(status);
    return value;
}

/* Resident kB of the mappings whose path contains what; for NULL, of those without a file (anonymous, [heap]). */
static long mapped_kb(const char *what)
{
    char line[512];
    long total = 0;
    int counting = 0;
    FILE *smaps = fopen("/proc/self/smaps", "r");
    if (smaps == NULL) {
        return -1;
    }
    while (fgets(line, sizeof line, smaps) != NULL) {
        if (strchr("0123456789abcdef", line[0]) != NULL && line[0] != '\0') {
            /* A mapping's first line: "start-end perms offset dev inode [path]"; its fields follow, capitalised. */
            char *path = strchr(line, '/');
            counting = what != NULL ? path != NULL && strstr(path, what) != NULL : path == NULL;
        } else if (counting && strncmp(line, "Rss:", 4) == 0) {
            total += strtol(line + 4, NULL, 10);
        }
    }
    fclose(smaps);
    return total;
}

int main(int argc, char **argv)
{
    tr_file file;
    secrets random_state;
    tsthinlic_store_options options;
    tsthinlic_store *store = NULL;
    tsthinlic_outcome outcome;
    char error[512];
    int result;
    if (argc != 3 && !(argc == 4 && strcmp(argv[3], "--memory-report") == 0)) {
        fprintf(stderr, "usage: %s new-license-with-challenge.transcript STORE_SPEC [--memory-report]\n", argv[0]);
        return 2;
    }
    if (tr_load(argv[1], &file, error, sizeof error) != 0) {
        fprintf(stderr, "%s: %s\n", argv[1], error);
        return 1;
    }
    replay_store_options(&options, &random_state, &file.exchanges[0]);
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
    if (argc == 4) {
        printf("memory: peak %ld kB (VmHWM); now %ld kB resident: %ld kB of libtsthinlic.so's pages, %ld kB anonymous (GC heap, runtime, malloc), %ld kB of libc\n",
            status_kb("VmHWM"), status_kb("VmRSS"), mapped_kb("libtsthinlic.so"), mapped_kb(NULL), mapped_kb("libc.so"));
    }
    return 0;
}
