/*
 * A reader of the licensing transcript format (src/TsThinLic.Replay/TranscriptFormat.cs, fixtures/README.md) in C99,
 * for the C consumer tests: one "keyword value" per line, '#' comments, hex continued on indented lines, "exchange
 * NAME" starting each exchange. Bounded like the managed reader; a problem gives its line number.
 */
#ifndef TSTHINLIC_TESTS_TRANSCRIPT_H
#define TSTHINLIC_TESTS_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#define TR_MAX_PDUS 256
#define TR_MAX_SECRETS 16
#define TR_MAX_CALS 16
#define TR_MAX_TEXT 256

typedef struct tr_pdu {
    int from_server;   /* 1: server to client; 0: client to server */
    int encrypted;     /* "client-encrypted" / "server-encrypted": not replayable in clear */
    uint8_t *bytes;
    size_t length;
} tr_pdu;

typedef struct tr_cal {
    uint32_t version;
    char scope[TR_MAX_TEXT];
    char product_id[TR_MAX_TEXT];
    char company_name[TR_MAX_TEXT];
    uint8_t *bytes;
    size_t length;
} tr_cal;

typedef struct tr_exchange {
    char name[TR_MAX_TEXT];
    char expect[32];           /* valid-client, license-issued, license-upgraded, failed; "" when not said */
    char user[TR_MAX_TEXT];
    char machine[TR_MAX_TEXT];
    int has_platform_id;
    uint32_t platform_id;
    int has_hwid;
    uint8_t hwid[20];
    size_t client_random_count;
    uint8_t client_randoms[TR_MAX_SECRETS][32];
    size_t premaster_count;
    uint8_t premasters[TR_MAX_SECRETS][48];
    uint8_t *gcc_certificate;
    size_t gcc_certificate_length;
    size_t cal_count;
    tr_cal cals[TR_MAX_CALS];
    size_t pdu_count;
    tr_pdu pdus[TR_MAX_PDUS];
} tr_exchange;

typedef struct tr_file {
    size_t count;
    tr_exchange *exchanges;
} tr_file;

/* Reads a transcript file; 0 on success, else -1 with the line and the problem in error. */
int tr_load(const char *path, tr_file *file, char *error, size_t error_capacity);

void tr_free(tr_file *file);

#endif
