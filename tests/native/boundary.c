/*
 * The C boundary under misuse and failure: no call aborts the process, each gives a status and a last-error text,
 * and a failure leaves the store as it was. Hostile PDUs (garbage, every truncation, every byte of a LICENSE_REQUEST
 * flipped, a lying length, more than any PDU), failing callbacks (random source, clock, flash read, program, erase,
 * sync), a log callback that calls back into the library, a store used from a second thread while a call runs,
 * forged and closed handles, wrong struct sizes, small buffers. Then the field functions (show, doctor, hwid,
 * wipe, export and import, clone detection) do what the command's do.
 *
 * usage: boundary new-license-with-challenge.transcript WORKDIR PROFILE.json
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "nor.h"
#include "replayer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const tr_exchange *new_license;
static const char *workdir;
static const char *profile;

/* ------------------------------------------------------------------------------------------------------------ */
/* Helpers */

static void last_store_error(tsthinlic_store *store, char *text, size_t capacity)
{
    size_t length;
    if (tsthinlic_store_last_error(store, text, capacity, &length) != TSTHINLIC_OK) {
        snprintf(text, capacity, "(no last error)");
    }
}

static tsthinlic_store *open_memory(secrets *random_state)
{
    tsthinlic_store_options options;
    tsthinlic_store *store = NULL;
    char error[256];
    replay_store_options(&options, random_state, new_license);
    if (tsthinlic_store_open("memory", NULL, &options, &store, error, sizeof error) != TSTHINLIC_OK) {
        fprintf(stderr, "cannot open a memory store: %s\n", error);
        exit(1);
    }
    return store;
}

static tsthinlic_exchange *begin(tsthinlic_store *store)
{
    tsthinlic_exchange_options options;
    tsthinlic_exchange *exchange = NULL;
    memset(&options, 0, sizeof options);
    options.struct_size = sizeof options;
    options.user_name = new_license->user;
    options.machine_name = new_license->machine;
    options.platform_id = new_license->platform_id;
    if (tsthinlic_exchange_begin(store, &options, &exchange) != TSTHINLIC_OK) {
        return NULL;
    }
    return exchange;
}

/* Feeds the transcript's server PDUs until the exchange stops waiting; the last status, and the step in *step. */
static int feed(tsthinlic_exchange *exchange, const tr_exchange *ex, int *step)
{
    static uint8_t reply[TSTHINLIC_MAX_PDU_SIZE];
    size_t i, reply_length;
    int status = TSTHINLIC_OK;
    *step = TSTHINLIC_STEP_SEND_AND_WAIT;
    for (i = 0; i < ex->pdu_count && *step == TSTHINLIC_STEP_SEND_AND_WAIT; i++) {
        if (!ex->pdus[i].from_server) {
            continue;
        }
        status = tsthinlic_exchange_step(exchange, ex->pdus[i].bytes, ex->pdus[i].length, reply, sizeof reply, &reply_length, step);
        if (status != TSTHINLIC_OK) {
            return status;
        }
    }
    return status;
}

static tsthinlic_outcome outcome_of(tsthinlic_exchange *exchange)
{
    tsthinlic_outcome outcome;
    memset(&outcome, 0, sizeof outcome);
    outcome.struct_size = sizeof outcome;
    tsthinlic_exchange_outcome(exchange, &outcome);
    return outcome;
}

static int same_text(char *a, char *b)
{
    int same = a != NULL && b != NULL && strcmp(a, b) == 0;
    free(a);
    free(b);
    return same;
}

static size_t hwid_length(tsthinlic_store *store, uint8_t *hwid)
{
    size_t length = 0;
    if (tsthinlic_hwid_get(store, hwid, TSTHINLIC_HWID_SIZE, &length) != TSTHINLIC_OK) {
        return (size_t)-1;
    }
    return length;
}

static const uint8_t *server_pdu(size_t which, size_t *length)
{
    size_t i, seen = 0;
    for (i = 0; i < new_license->pdu_count; i++) {
        if (new_license->pdus[i].from_server && seen++ == which) {
            *length = new_license->pdus[i].length;
            return new_license->pdus[i].bytes;
        }
    }
    *length = 0;
    return NULL;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Version, arguments, handles, buffers */

static void test_version(void)
{
    char text[64];
    size_t length = 0;
    if (tsthinlic_abi_version() != TSTHINLIC_ABI_VERSION) {
        fail("version abi", "the library implements 0x%x, the header says 0x%x", tsthinlic_abi_version(), TSTHINLIC_ABI_VERSION);
        return;
    }
    if (tsthinlic_version(NULL, 0, &length) != TSTHINLIC_OK || length < 2 || length > sizeof text
        || tsthinlic_version(text, sizeof text, &length) != TSTHINLIC_OK || strlen(text) + 1 != length || strstr(text, "abi 1.") == NULL) {
        fail("version text", "size query and text disagree or lack the ABI: '%s'", text);
        return;
    }
    pass("version abi and text");
}

static void test_open_refusals(void)
{
    char error[256];
    char tiny[8];
    char path[1024];
    tsthinlic_store *store = (tsthinlic_store *)&error;
    tsthinlic_store_options options;
    struct { const char *spec; const char *profile; int status; } cases[] = {
        { NULL, NULL, TSTHINLIC_E_INVALID_ARGUMENT },
        { "bogus:/tmp/x", NULL, TSTHINLIC_E_INVALID_ARGUMENT },
        { "file:", NULL, TSTHINLIC_E_INVALID_ARGUMENT },
        { "registry", NULL, TSTHINLIC_E_UNSUPPORTED },
        { "reg:/tmp/tsthinlic-never.reg", NULL, TSTHINLIC_E_UNSUPPORTED },
        { NULL, "/nonexistent/profile.json", TSTHINLIC_E_MALFORMED },
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int status = tsthinlic_store_open(cases[i].spec, cases[i].profile, NULL, &store, error, sizeof error);
        if (status != cases[i].status || store != NULL || error[0] == '\0') {
            fail("open refusals", "spec %s profile %s: status %d (want %d), store %p, error '%s'",
                cases[i].spec ? cases[i].spec : "NULL", cases[i].profile ? cases[i].profile : "NULL", status, cases[i].status, (void *)store, error);
            return;
        }
    }
    /* A profile that is not JSON is bad input, named as such. */
    snprintf(path, sizeof path, "%s/not-a-profile.json", workdir);
    {
        FILE *f = fopen(path, "w");
        if (f != NULL) {
            fputs("{\"id\": 1, \x1b[31m", f);
            fclose(f);
        }
    }
    if (tsthinlic_store_open(NULL, path, NULL, &store, error, sizeof error) != TSTHINLIC_E_MALFORMED || strchr(error, '\x1b') != NULL) {
        fail("open refusals", "a broken profile: '%s' (status, or an unescaped control character)", error);
        return;
    }
    /* The error text is truncated to fit and always terminated. */
    memset(tiny, 'x', sizeof tiny);
    if (tsthinlic_store_open("bogus:", NULL, NULL, &store, tiny, sizeof tiny) != TSTHINLIC_E_INVALID_ARGUMENT || tiny[sizeof tiny - 1] != '\0' || strlen(tiny) != sizeof tiny - 1) {
        fail("open refusals", "the error was not truncated and terminated");
        return;
    }
    if (tsthinlic_store_open("memory", NULL, NULL, NULL, error, sizeof error) != TSTHINLIC_E_INVALID_ARGUMENT) {
        fail("open refusals", "a NULL store pointer was not refused");
        return;
    }
    memset(&options, 0, sizeof options);
    options.struct_size = 8;
    if (tsthinlic_store_open("memory", NULL, &options, &store, error, sizeof error) != TSTHINLIC_E_INVALID_ARGUMENT || strstr(error, "struct_size") == NULL) {
        fail("open refusals", "a short struct_size was not refused: '%s'", error);
        return;
    }
    options.struct_size = sizeof options;
    options.device_identity_length = 5;
    if (tsthinlic_store_open("memory", NULL, &options, &store, error, sizeof error) != TSTHINLIC_E_INVALID_ARGUMENT) {
        fail("open refusals", "a NULL device identity with a length was not refused");
        return;
    }
    pass("open refuses what names no store, with a status and a reason");
}

static void test_handles(void)
{
    secrets random_state;
    tsthinlic_store *store;
    tsthinlic_store *forged = (tsthinlic_store *)(uintptr_t)0x1234;
    tsthinlic_exchange *exchange;
    size_t length;
    char text[64];
    memset(&random_state, 0, sizeof random_state);
    store = open_memory(&random_state);
    exchange = begin(store);
    if (tsthinlic_show_json(forged, text, sizeof text, &length) != TSTHINLIC_E_INVALID_ARGUMENT
        || tsthinlic_exchange_step((tsthinlic_exchange *)store, NULL, 0, NULL, 0, &length, (int *)text) != TSTHINLIC_E_INVALID_ARGUMENT
        || tsthinlic_show_json((tsthinlic_store *)exchange, text, sizeof text, &length) != TSTHINLIC_E_INVALID_ARGUMENT) {
        fail("handles", "a forged or mistyped handle was not refused");
        return;
    }
    if (tsthinlic_exchange_close(exchange) != TSTHINLIC_OK || tsthinlic_exchange_close(exchange) != TSTHINLIC_E_INVALID_ARGUMENT
        || tsthinlic_store_close(store) != TSTHINLIC_OK || tsthinlic_store_close(store) != TSTHINLIC_E_INVALID_ARGUMENT
        || tsthinlic_show_json(store, text, sizeof text, &length) != TSTHINLIC_E_INVALID_ARGUMENT
        || tsthinlic_store_close(NULL) != TSTHINLIC_OK || tsthinlic_exchange_close(NULL) != TSTHINLIC_OK) {
        fail("handles", "closing twice, or using a closed handle, was not refused");
        return;
    }
    pass("forged, mistyped and closed handles are refused, never dereferenced");
}

static void test_buffers(void)
{
    secrets random_state;
    tsthinlic_store *store;
    size_t length = 0, again = 0;
    char *json;
    char small[4];
    memset(&random_state, 0, sizeof random_state);
    store = open_memory(&random_state);
    if (tsthinlic_show_json(store, NULL, 0, &length) != TSTHINLIC_OK || length < 3) {
        fail("buffers", "the size query did not give a size");
        tsthinlic_store_close(store);
        return;
    }
    memset(small, 'x', sizeof small);
    if (tsthinlic_show_json(store, small, sizeof small, &again) != TSTHINLIC_E_BUFFER_TOO_SMALL || again != length || small[0] != '\0') {
        fail("buffers", "a small buffer: not TSTHINLIC_E_BUFFER_TOO_SMALL with the size and an empty string");
        tsthinlic_store_close(store);
        return;
    }
    json = (char *)malloc(length);
    if (json == NULL || tsthinlic_show_json(store, json, length, &again) != TSTHINLIC_OK || strlen(json) + 1 != length
        || tsthinlic_show_json(store, NULL, 8, &again) != TSTHINLIC_E_INVALID_ARGUMENT
        || tsthinlic_show_json(store, json, length, NULL) != TSTHINLIC_E_INVALID_ARGUMENT) {
        fail("buffers", "the reported size does not hold the text, or NULL was taken");
    } else {
        pass("buffers: size query, exact size, too small, NULL");
    }
    free(json);
    tsthinlic_store_close(store);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Hostile PDUs */

/* One PDU into a fresh exchange; the status, and the outcome. */
static int one_pdu(const uint8_t *pdu, size_t length, tsthinlic_outcome *outcome, int *step)
{
    static uint8_t reply[TSTHINLIC_MAX_PDU_SIZE];
    secrets random_state;
    tsthinlic_store *store;
    tsthinlic_exchange *exchange;
    size_t reply_length;
    int status;
    memset(&random_state, 0, sizeof random_state);
    store = open_memory(&random_state);
    exchange = begin(store);
    status = tsthinlic_exchange_step(exchange, pdu, length, reply, sizeof reply, &reply_length, step);
    *outcome = outcome_of(exchange);
    tsthinlic_exchange_close(exchange);
    tsthinlic_store_close(store);
    return status;
}

static void test_hostile_pdus(void)
{
    tsthinlic_outcome outcome;
    size_t request_length, i;
    const uint8_t *request = server_pdu(0, &request_length);
    uint8_t *copy;
    int step;
    unsigned seed = 12345;
    uint8_t garbage[600];
    int flipped_failed = 0, flipped_ok = 0;

    for (i = 0; i < sizeof garbage; i++) {
        seed = seed * 1103515245u + 12345u;
        garbage[i] = (uint8_t)(seed >> 16);
    }
    if (one_pdu(garbage, sizeof garbage, &outcome, &step) != TSTHINLIC_OK || step != TSTHINLIC_STEP_FAILED
        || outcome.failure != TSTHINLIC_FAILURE_MALFORMED_PDU || outcome.decode_offset < 0) {
        fail("hostile garbage", "status, step %d, failure %d, offset %d", step, outcome.failure, outcome.decode_offset);
    } else {
        pass("hostile: garbage is a malformed PDU with its offset");
    }

    for (i = 0; i < request_length; i++) {
        int status = one_pdu(request, i, &outcome, &step);
        if (status != TSTHINLIC_OK || step != TSTHINLIC_STEP_FAILED || outcome.failure != TSTHINLIC_FAILURE_MALFORMED_PDU) {
            fail("hostile truncation", "LICENSE_REQUEST cut to %u bytes: status %d, step %d, failure %d", (unsigned)i, status, step, outcome.failure);
            return;
        }
    }
    pass("hostile: LICENSE_REQUEST truncated at every length is a malformed PDU");

    copy = (uint8_t *)malloc(request_length);
    for (i = 0; copy != NULL && i < request_length; i++) {
        int status;
        memcpy(copy, request, request_length);
        copy[i] ^= 0xA5;
        status = one_pdu(copy, request_length, &outcome, &step);
        if (status != TSTHINLIC_OK || step == 0) {
            fail("hostile flips", "byte %u flipped: status %d, step %d", (unsigned)i, status, step);
            free(copy);
            return;
        }
        if (step == TSTHINLIC_STEP_FAILED) {
            flipped_failed++;
        } else {
            flipped_ok++;
        }
    }
    free(copy);
    printf("PASS hostile: each of the %u bytes of LICENSE_REQUEST flipped gives a status (%d refused, %d still answered)\n",
        (unsigned)request_length, flipped_failed, flipped_ok);

    /* wMsgSize says 64 KiB, the PDU is 8 bytes; and a length beyond any licensing PDU, never read. */
    {
        uint8_t lying[8] = { 0x01, 0x03, 0xFF, 0xFF, 0, 0, 0, 0 };
        if (one_pdu(lying, sizeof lying, &outcome, &step) != TSTHINLIC_OK || outcome.failure != TSTHINLIC_FAILURE_MALFORMED_PDU) {
            fail("hostile length", "a lying wMsgSize: failure %d", outcome.failure);
            return;
        }
        if (one_pdu(garbage, (size_t)1 << 20, &outcome, &step) != TSTHINLIC_OK || step != TSTHINLIC_STEP_FAILED
            || outcome.failure != TSTHINLIC_FAILURE_MALFORMED_PDU) {
            fail("hostile length", "a 1 MiB PDU: failure %d", outcome.failure);
            return;
        }
        if (one_pdu(NULL, 5, &outcome, &step) != TSTHINLIC_E_INVALID_ARGUMENT) {
            fail("hostile length", "a NULL PDU with a length was not refused");
            return;
        }
    }
    pass("hostile: a lying wMsgSize, a length beyond any PDU (unread), a NULL PDU");
}

static void test_state_rules(void)
{
    secrets random_state;
    tsthinlic_store *store;
    tsthinlic_exchange *exchange;
    tsthinlic_outcome outcome;
    uint8_t reply[16];
    size_t length, request_length;
    const uint8_t *request = server_pdu(0, &request_length);
    int step;
    char *before;
    memset(&random_state, 0, sizeof random_state);
    store = open_memory(&random_state);
    exchange = begin(store);
    /* A reply buffer too small: the step happened, the reply waits in the exchange. */
    if (tsthinlic_exchange_step(exchange, request, request_length, reply, sizeof reply, &length, &step) != TSTHINLIC_E_BUFFER_TOO_SMALL
        || length <= sizeof reply || step != TSTHINLIC_STEP_SEND_AND_WAIT) {
        fail("state rules", "a small reply buffer: not TSTHINLIC_E_BUFFER_TOO_SMALL with the reply's size");
        return;
    }
    {
        uint8_t *whole = (uint8_t *)malloc(length);
        size_t got = 0;
        if (whole == NULL || tsthinlic_exchange_reply(exchange, whole, length, &got) != TSTHINLIC_OK || got != length || whole[0] != 0x80 || whole[4] != 0x13) {
            fail("state rules", "tsthinlic_exchange_reply did not give the NEW_LICENSE_REQUEST");
            free(whole);
            return;
        }
        free(whole);
    }
    /* The caller's transport gave up: nothing stored, the exchange over. */
    before = store_export(store);
    if (tsthinlic_exchange_abandon(exchange, TSTHINLIC_FAILURE_TIMEOUT) != TSTHINLIC_OK) {
        fail("state rules", "abandon refused");
        return;
    }
    outcome = outcome_of(exchange);
    if (outcome.result != TSTHINLIC_RESULT_FAILED || outcome.failure != TSTHINLIC_FAILURE_TIMEOUT
        || tsthinlic_exchange_abandon(exchange, TSTHINLIC_FAILURE_TIMEOUT) != TSTHINLIC_E_STATE
        || tsthinlic_exchange_step(exchange, request, request_length, reply, sizeof reply, &length, &step) != TSTHINLIC_E_STATE
        || !same_text(before, store_export(store)) || hwid_length(store, reply) != 0) {
        fail("state rules", "after abandon: result %d failure %d, or a second abandon/step was taken, or the store changed", outcome.result, outcome.failure);
        return;
    }
    if (tsthinlic_exchange_abandon(exchange, 99) != TSTHINLIC_E_INVALID_ARGUMENT) {
        fail("state rules", "abandon with an unknown failure was taken");
        return;
    }
    tsthinlic_exchange_close(exchange);
    tsthinlic_store_close(store);
    pass("state rules: a small reply buffer keeps the reply; abandon ends it and stores nothing; a step after the end is refused");
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Failing callbacks */

static int random_fails(void *context, uint8_t *buffer, size_t length)
{
    int *after = (int *)context;
    if ((*after)-- > 0) {
        memset(buffer, 0x5A, length);
        return 0;
    }
    return -7;
}

static int clock_fails(void *context, int64_t *unix_ms)
{
    (void)context;
    (void)unix_ms;
    return -3;
}

static void test_failing_random(void)
{
    tsthinlic_store_options options;
    tsthinlic_store *store = NULL;
    tsthinlic_exchange *exchange = NULL;
    tsthinlic_outcome outcome;
    uint8_t hwid[TSTHINLIC_HWID_SIZE];
    char error[512];
    int budget = 0, step, status;
    size_t request_length;
    const uint8_t *request = server_pdu(0, &request_length);
    uint8_t reply[TSTHINLIC_MAX_PDU_SIZE];
    size_t reply_length;

    memset(&options, 0, sizeof options);
    options.struct_size = sizeof options;
    options.random = random_fails;
    options.random_context = &budget;
    tsthinlic_store_open("memory", NULL, &options, &store, error, sizeof error);
    /* No HWID can be made: begin fails, nothing is stored. */
    status = tsthinlic_exchange_begin(store, NULL, &exchange);
    last_store_error(store, error, sizeof error);
    if (status != TSTHINLIC_E_CALLBACK || exchange != NULL || hwid_length(store, hwid) != 0) {
        fail("failing random", "begin without random bytes for a HWID: not TSTHINLIC_E_CALLBACK");
        return;
    }
    if (strstr(error, "random callback returned -7") == NULL) {
        fail("failing random", "the last error does not say what failed: '%s'", error);
        return;
    }
    /* The HWID is made, then the client random fails in the middle of the first step. */
    budget = 1;
    if (tsthinlic_exchange_begin(store, NULL, &exchange) != TSTHINLIC_OK) {
        fail("failing random", "begin with a HWID's worth of random bytes failed");
        return;
    }
    status = tsthinlic_exchange_step(exchange, request, request_length, reply, sizeof reply, &reply_length, &step);
    outcome = outcome_of(exchange);
    if (status != TSTHINLIC_E_CALLBACK || reply_length != 0 || outcome.result != TSTHINLIC_RESULT_FAILED
        || outcome.failure != TSTHINLIC_FAILURE_CALLBACK_FAILED || hwid_length(store, hwid) != 0
        || tsthinlic_exchange_step(exchange, request, request_length, reply, sizeof reply, &reply_length, &step) != TSTHINLIC_E_STATE) {
        fail("failing random", "a step whose random callback fails: status %d, result %d, failure %d", status, outcome.result, outcome.failure);
        return;
    }
    tsthinlic_exchange_close(exchange);
    /* hwid_regenerate without random bytes changes nothing. */
    budget = 0;
    if (tsthinlic_hwid_regenerate(store) != TSTHINLIC_E_CALLBACK || hwid_length(store, hwid) != 0) {
        fail("failing random", "regenerate without random bytes was not TSTHINLIC_E_CALLBACK, or it changed the store");
        return;
    }
    tsthinlic_store_close(store);
    pass("failing random callback: TSTHINLIC_E_CALLBACK at begin, mid-step and regenerate; nothing stored");
}

static void test_failing_clock(void)
{
    tsthinlic_store_options options;
    tsthinlic_store *store = NULL;
    tsthinlic_exchange *exchange;
    secrets random_state;
    char error[256];
    char json[64];
    size_t length;
    int step, status;
    char *before;
    replay_store_options(&options, &random_state, new_license);
    options.clock = clock_fails;
    tsthinlic_store_open("memory", NULL, &options, &store, error, sizeof error);
    if (tsthinlic_show_json(store, json, sizeof json, &length) != TSTHINLIC_E_CALLBACK) {
        fail("failing clock", "show without a clock was not TSTHINLIC_E_CALLBACK");
        return;
    }
    before = store_export(store);
    exchange = begin(store);
    /* The clock dates the CAL when it is stored: the last step fails, and nothing is stored. */
    status = feed(exchange, new_license, &step);
    if (status != TSTHINLIC_E_CALLBACK || outcome_of(exchange).failure != TSTHINLIC_FAILURE_CALLBACK_FAILED || !same_text(before, store_export(store))) {
        fail("failing clock", "an exchange completing without a clock: status %d", status);
        return;
    }
    tsthinlic_exchange_close(exchange);
    tsthinlic_store_close(store);
    pass("failing clock callback: TSTHINLIC_E_CALLBACK, nothing stored");
}

/* A flash whose callback of one kind fails from a given call on. */
typedef struct failing_flash {
    nor medium;
    const char *failing;   /* "read", "program", "erase", "sync" */
    long after;            /* calls of that kind that still work */
} failing_flash;

static failing_flash *the_failing;
static tsthinlic_flash inner;

static int ff_read(void *context, uint64_t offset, uint8_t *buffer, size_t length)
{
    if (strcmp(the_failing->failing, "read") == 0 && the_failing->after-- <= 0) {
        return -5;
    }
    return inner.read(context, offset, buffer, length);
}

static int ff_program(void *context, uint64_t offset, const uint8_t *data, size_t length)
{
    if (strcmp(the_failing->failing, "program") == 0 && the_failing->after-- <= 0) {
        return -5;
    }
    return inner.program(context, offset, data, length);
}

static int ff_erase(void *context, uint64_t offset, uint64_t length)
{
    if (strcmp(the_failing->failing, "erase") == 0 && the_failing->after-- <= 0) {
        return -5;
    }
    return inner.erase(context, offset, length);
}

static int ff_sync(void *context)
{
    if (strcmp(the_failing->failing, "sync") == 0 && the_failing->after-- <= 0) {
        return -5;
    }
    return inner.sync(context);
}

static tsthinlic_store *open_failing(failing_flash *flash, secrets *random_state)
{
    tsthinlic_flash callbacks;
    tsthinlic_store_options options;
    tsthinlic_store *store = NULL;
    char error[256];
    the_failing = flash;
    inner = nor_callbacks(&flash->medium);
    callbacks = inner;
    callbacks.read = ff_read;
    callbacks.program = ff_program;
    callbacks.erase = ff_erase;
    callbacks.sync = ff_sync;
    replay_store_options(&options, random_state, new_license);
    if (tsthinlic_store_open_flash(&callbacks, &options, &store, error, sizeof error) != TSTHINLIC_OK) {
        fprintf(stderr, "open_flash: %s\n", error);
        exit(1);
    }
    return store;
}

static void test_failing_flash(void)
{
    static const char *const kinds[] = { "program", "sync", "erase", "read" };
    size_t k;
    for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        failing_flash flash;
        secrets random_state;
        tsthinlic_store *store;
        tsthinlic_exchange *exchange;
        tsthinlic_outcome outcome;
        char name[64];
        char error[512];
        int step, status;
        snprintf(name, sizeof name, "failing flash %s", kinds[k]);
        memset(&random_state, 0, sizeof random_state);
        nor_init(&flash.medium, 2 * 4096, 1, 4096, 0xFF);
        flash.failing = "none";
        flash.after = 0;
        store = open_failing(&flash, &random_state);
        if (strcmp(kinds[k], "erase") == 0) {
            /* Something to erase first: a licensed store. */
            exchange = begin(store);
            feed(exchange, new_license, &step);
            tsthinlic_exchange_close(exchange);
        }
        {
            char *before = store_export(store);
            flash.failing = kinds[k];
            flash.after = 0;
            if (strcmp(kinds[k], "erase") == 0) {
                status = tsthinlic_wipe(store, 0);
                last_store_error(store, error, sizeof error);
                flash.failing = "none";
                if (status != TSTHINLIC_E_STORE || strstr(error, "erase callback returned -5") == NULL || !same_text(before, store_export(store))) {
                    fail(name, "wipe with a failing erase: status %d, '%s'", status, error);
                    continue;
                }
            } else if (strcmp(kinds[k], "read") == 0) {
                status = tsthinlic_exchange_begin(store, NULL, &exchange);
                if (status != TSTHINLIC_E_STORE || exchange != NULL) {
                    fail(name, "begin with a failing read: status %d", status);
                    free(before);
                    continue;
                }
                flash.failing = "none";
                free(before);
            } else {
                exchange = begin(store);
                status = feed(exchange, new_license, &step);
                outcome = outcome_of(exchange);
                flash.failing = "none";
                if (status != TSTHINLIC_OK || step != TSTHINLIC_STEP_FAILED || outcome.failure != TSTHINLIC_FAILURE_STORE_FAILED
                    || outcome.license_stored != 0 || !same_text(before, store_export(store))) {
                    fail(name, "an exchange whose store fails: status %d, step %d, failure %d", status, step, outcome.failure);
                    continue;
                }
                tsthinlic_exchange_close(exchange);
            }
        }
        if (flash.medium.violations > 0) {
            fail(name, "a flash rule broken: %s", flash.medium.violation);
        } else {
            pass(name);
        }
        tsthinlic_store_close(store);
        nor_free(&flash.medium);
    }
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Log callback: re-entry, and what it carries */

typedef struct log_state {
    tsthinlic_store *store;
    int events;
    int reentered;
    int busy;
    int last_error_read;
    int leaked;
    char leak[128];
    char hex[4][100];
} log_state;

static void hex_of(const uint8_t *bytes, size_t length, char *out)
{
    size_t i;
    for (i = 0; i < length; i++) {
        sprintf(out + 2 * i, "%02x", bytes[i]);
    }
}

static void reentering_log(void *context, int level, int event_id, const char *message)
{
    log_state *state = (log_state *)context;
    size_t length;
    char text[16];
    int i;
    (void)level;
    state->events++;
    for (i = 0; i < 4; i++) {
        if (state->hex[i][0] != '\0' && strstr(message, state->hex[i]) != NULL) {
            state->leaked++;
            snprintf(state->leak, sizeof state->leak, "event %d carries secret %d", event_id, i);
        }
    }
    if (state->store != NULL) {
        state->reentered++;
        /* The store is in use by the call that logs: a call back into it changes nothing and says so. */
        if (tsthinlic_show_json(state->store, text, sizeof text, &length) == TSTHINLIC_E_BUSY
            && tsthinlic_wipe(state->store, 0) == TSTHINLIC_E_BUSY && tsthinlic_store_close(state->store) == TSTHINLIC_E_BUSY) {
            state->busy++;
        }
        if (tsthinlic_store_last_error(state->store, NULL, 0, &length) == TSTHINLIC_OK) {
            state->last_error_read++;
        }
    }
}

static void test_log_callback(void)
{
    tsthinlic_store_options options;
    tsthinlic_store *store = NULL;
    tsthinlic_exchange *exchange;
    secrets random_state;
    log_state state;
    char error[256];
    int step;
    memset(&state, 0, sizeof state);
    /* Key material and the HWID must never reach the log: the premaster secret, the client random, the HWID. */
    hex_of(new_license->premasters[0], 48, state.hex[0]);
    hex_of(new_license->client_randoms[0], 32, state.hex[1]);
    hex_of(new_license->hwid, 20, state.hex[2]);
    hex_of(new_license->hwid + 4, 16, state.hex[3]);
    replay_store_options(&options, &random_state, new_license);
    options.log = reentering_log;
    options.log_context = &state;
    options.log_level = TSTHINLIC_LOG_TRACE;
    tsthinlic_store_open("memory", NULL, &options, &store, error, sizeof error);
    state.store = store;
    exchange = begin(store);
    if (exchange == NULL || feed(exchange, new_license, &step) != TSTHINLIC_OK || step != TSTHINLIC_STEP_COMPLETED
        || outcome_of(exchange).result != TSTHINLIC_RESULT_LICENSE_ISSUED) {
        fail("log callback", "the exchange did not complete while its log callback called back in");
        return;
    }
    state.store = NULL;
    tsthinlic_exchange_close(exchange);
    tsthinlic_store_close(store);
    if (state.events < 5 || state.busy != state.reentered || state.last_error_read != state.reentered) {
        fail("log callback", "%d events, %d re-entries, %d TSTHINLIC_E_BUSY, %d last-error reads", state.events, state.reentered, state.busy, state.last_error_read);
    } else if (state.leaked > 0) {
        fail("log callback", "%s", state.leak);
    } else {
        printf("PASS log callback: %d events, each re-entry TSTHINLIC_E_BUSY, no key material or HWID in any\n", state.events);
    }
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Threads: a store in use from another thread is TSTHINLIC_E_BUSY; separate stores run side by side */

typedef struct gate {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int inside;
    int go;
} gate;

static gate the_gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
static tsthinlic_flash gated_inner;

static int gated_read(void *context, uint64_t offset, uint8_t *buffer, size_t length)
{
    pthread_mutex_lock(&the_gate.lock);
    the_gate.inside = 1;
    pthread_cond_broadcast(&the_gate.changed);
    while (!the_gate.go) {
        pthread_cond_wait(&the_gate.changed, &the_gate.lock);
    }
    pthread_mutex_unlock(&the_gate.lock);
    return gated_inner.read(context, offset, buffer, length);
}

typedef struct threaded_call {
    tsthinlic_store *store;
    int status;
} threaded_call;

static void *show_in_thread(void *context)
{
    static char json[1 << 16];
    size_t length;
    threaded_call *call = (threaded_call *)context;
    call->status = tsthinlic_show_json(call->store, json, sizeof json, &length);
    return NULL;
}

typedef struct side_by_side {
    int ok;
} side_by_side;

static void *license_in_thread(void *context)
{
    side_by_side *result = (side_by_side *)context;
    int round;
    result->ok = 1;
    for (round = 0; round < 20 && result->ok; round++) {
        secrets random_state;
        tsthinlic_store *store;
        char why[512];
        memset(&random_state, 0, sizeof random_state);
        store = open_memory(&random_state);
        result->ok = replay_exchange(store, &random_state, new_license, 0, NULL, why, sizeof why) == 0;
        tsthinlic_store_close(store);
    }
    return NULL;
}

static void test_threads(void)
{
    nor medium;
    tsthinlic_flash callbacks;
    tsthinlic_store *store = NULL;
    char error[256];
    pthread_t thread, others[3];
    side_by_side results[3];
    threaded_call call;
    size_t length;
    char text[64];
    int i, all = 1;

    nor_init(&medium, 2 * 4096, 1, 4096, 0xFF);
    gated_inner = nor_callbacks(&medium);
    callbacks = gated_inner;
    callbacks.read = gated_read;
    tsthinlic_store_open_flash(&callbacks, NULL, &store, error, sizeof error);
    call.status = 1;
    call.store = store;
    pthread_create(&thread, NULL, show_in_thread, &call);
    pthread_mutex_lock(&the_gate.lock);
    while (!the_gate.inside) {
        pthread_cond_wait(&the_gate.changed, &the_gate.lock);
    }
    pthread_mutex_unlock(&the_gate.lock);
    /* The other thread is inside a call on the store (its read callback waits): this one is refused. */
    i = tsthinlic_show_json(store, text, sizeof text, &length);
    pthread_mutex_lock(&the_gate.lock);
    the_gate.go = 1;
    pthread_cond_broadcast(&the_gate.changed);
    pthread_mutex_unlock(&the_gate.lock);
    pthread_join(thread, NULL);
    tsthinlic_store_close(store);
    nor_free(&medium);
    if (i != TSTHINLIC_E_BUSY || call.status != TSTHINLIC_OK) {
        fail("threads busy", "the second thread got %d (want TSTHINLIC_E_BUSY), the first %d", i, call.status);
    } else {
        pass("threads: a store in use by another thread is TSTHINLIC_E_BUSY");
    }

    for (i = 0; i < 3; i++) {
        pthread_create(&others[i], NULL, license_in_thread, &results[i]);
    }
    for (i = 0; i < 3; i++) {
        pthread_join(others[i], NULL);
        all = all && results[i].ok;
    }
    if (!all) {
        fail("threads independent", "an exchange on its own store failed while others ran");
    } else {
        pass("threads: three threads, each licensing on its own store 20 times, byte for byte");
    }
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Field functions */

static void test_field_functions(void)
{
    secrets random_state;
    tsthinlic_store *store;
    tsthinlic_exchange *exchange;
    uint8_t hwid[TSTHINLIC_HWID_SIZE], again[TSTHINLIC_HWID_SIZE];
    char json[1 << 16];
    size_t length;
    int step, healthy = -1;
    char *exported, *reimported;

    memset(&random_state, 0, sizeof random_state);
    store = open_memory(&random_state);
    if (hwid_length(store, hwid) != 0) {
        fail("field hwid", "a new store has a HWID");
        return;
    }
    exchange = begin(store);
    feed(exchange, new_license, &step);
    if (step != TSTHINLIC_STEP_COMPLETED || outcome_of(exchange).hwid_created != 1 || outcome_of(exchange).license_stored != 1) {
        fail("field functions", "the first exchange did not license");
        return;
    }
    tsthinlic_exchange_close(exchange);
    if (hwid_length(store, hwid) != TSTHINLIC_HWID_SIZE || memcmp(hwid, new_license->hwid, TSTHINLIC_HWID_SIZE) != 0) {
        fail("field hwid", "the HWID is not the one made from the random callback");
        return;
    }
    if (tsthinlic_show_json(store, json, sizeof json, &length) != TSTHINLIC_OK || strstr(json, "\"licenses\"") == NULL
        || strstr(json, "\"hwid\": \"000001040f1e2d3c4b5a69788796a5b4c3d2e1f0\"") == NULL || strstr(json, "\"licenseId\"") == NULL) {
        fail("field show", "show does not hold the HWID and the CAL:\n%s", json);
        return;
    }
    if (tsthinlic_doctor_json(store, json, sizeof json, &length, &healthy) != TSTHINLIC_OK || healthy < 0
        || strstr(json, "\"checks\"") == NULL || strstr(json, "\"cal-hwid\"") == NULL) {
        fail("field doctor", "doctor did not report its checks:\n%s", json);
        return;
    }
    pass("field: hwid, show and doctor after the first exchange");

    /* export, wipe, import: the same contents back. */
    exported = store_export(store);
    if (exported == NULL || tsthinlic_wipe(store, 0) != TSTHINLIC_OK || hwid_length(store, hwid) != 0
        || tsthinlic_store_import(store, (const uint8_t *)exported, strlen(exported), 0) != TSTHINLIC_OK
        || (reimported = store_export(store)) == NULL || strcmp(exported, reimported) != 0) {
        fail("field export import", "export, wipe, import did not bring the same contents back");
        return;
    }
    free(reimported);
    if (tsthinlic_store_import(store, (const uint8_t *)"{\"format\":1}", 12, 0) != TSTHINLIC_E_MALFORMED
        || tsthinlic_store_import(store, (const uint8_t *)exported, strlen(exported), 8) != TSTHINLIC_E_INVALID_ARGUMENT) {
        fail("field export import", "a broken image or unknown flags were taken");
        return;
    }
    pass("field: export, wipe, import round trip; a broken image refused");

    /* wipe --cals-only keeps the HWID; a full wipe leaves none, and the next exchange makes one. */
    if (tsthinlic_wipe(store, TSTHINLIC_WIPE_CALS_ONLY) != TSTHINLIC_OK || hwid_length(store, again) != TSTHINLIC_HWID_SIZE
        || memcmp(again, new_license->hwid, TSTHINLIC_HWID_SIZE) != 0 || tsthinlic_wipe(store, 2) != TSTHINLIC_E_INVALID_ARGUMENT) {
        fail("field wipe", "a CALs-only wipe did not keep the HWID, or unknown flags were taken");
        return;
    }
    tsthinlic_show_json(store, json, sizeof json, &length);
    if (strstr(json, "\"licenses\": []") == NULL) {
        fail("field wipe", "CALs left after a CALs-only wipe:\n%s", json);
        return;
    }
    if (tsthinlic_wipe(store, 0) != TSTHINLIC_OK || hwid_length(store, again) != 0) {
        fail("field wipe", "a full wipe left a HWID");
        return;
    }
    pass("field: wipe of CALs keeps the HWID; a full wipe leaves none");

    /* regenerate: a new HWID from the random source, the PlatformId kept, the CALs gone. */
    tsthinlic_store_import(store, (const uint8_t *)exported, strlen(exported), 0);
    random_state.hwid_used = 1;
    if (tsthinlic_hwid_regenerate(store) != TSTHINLIC_OK || hwid_length(store, again) != TSTHINLIC_HWID_SIZE
        || memcmp(again, hwid, 4) != 0 || memcmp(again + 4, hwid + 4, 16) == 0) {
        fail("field regenerate", "not a new HWID with the old PlatformId");
        return;
    }
    tsthinlic_show_json(store, json, sizeof json, &length);
    if (strstr(json, "\"licenses\": []") == NULL) {
        fail("field regenerate", "the old HWID's CALs were kept");
        return;
    }
    pass("field: hwid regenerate makes a new HWID, keeps the PlatformId, removes the CALs");
    free(exported);
    tsthinlic_store_close(store);
}

/* A HWID of all zeros: doctor names the C call that fixes it. */
static void test_doctor_names_the_call(void)
{
    secrets random_state;
    tsthinlic_store *store;
    char json[1 << 16];
    size_t length;
    int healthy = -1;
    const char *image = "{\"format\":\"tsthinlic-license-store\",\"formatVersion\":1,\"hwid\":\"0000010400000000000000000000000000000000\",\"deviceFingerprint\":null,\"licenses\":[]}";
    memset(&random_state, 0, sizeof random_state);
    store = open_memory(&random_state);
    if (tsthinlic_store_import(store, (const uint8_t *)image, strlen(image), 0) != TSTHINLIC_OK
        || tsthinlic_doctor_json(store, json, sizeof json, &length, &healthy) != TSTHINLIC_OK || healthy != 0
        || strstr(json, "tsthinlic_wipe(store, 0)") == NULL || strstr(json, "tsthinlic wipe") != NULL) {
        fail("doctor fix", "a constant HWID: healthy %d, or the fix does not name tsthinlic_wipe:\n%s", healthy, json);
    } else {
        pass("doctor: a problem's fix names the C call (tsthinlic_wipe), not the command line");
    }
    tsthinlic_store_close(store);
}

/* A file store opened on another unit (another device identity) sees a clone: no HWID until its own. */
static void test_clone_detection(void)
{
    char spec[1100];
    char error[256];
    char json[1 << 16];
    size_t length;
    uint8_t hwid[TSTHINLIC_HWID_SIZE];
    tsthinlic_store_options options;
    secrets random_state;
    tsthinlic_store *store = NULL;
    tsthinlic_exchange *exchange;
    int step, healthy = -1;
    static const uint8_t unit_a[] = { 'u', 'n', 'i', 't', '-', 'A' };
    static const uint8_t unit_b[] = { 'u', 'n', 'i', 't', '-', 'B' };

    snprintf(spec, sizeof spec, "file:%s/clone.store", workdir);
    replay_store_options(&options, &random_state, new_license);
    options.device_identity = unit_a;
    options.device_identity_length = sizeof unit_a;
    if (tsthinlic_store_open(spec, NULL, &options, &store, error, sizeof error) != TSTHINLIC_OK) {
        fail("clone detection", "open %s: %s", spec, error);
        return;
    }
    exchange = begin(store);
    feed(exchange, new_license, &step);
    /* The store handle may go first: the exchange keeps its store. */
    tsthinlic_store_close(store);
    tsthinlic_exchange_close(exchange);

    options.device_identity = unit_b;
    tsthinlic_store_open(spec, NULL, &options, &store, error, sizeof error);
    if (hwid_length(store, hwid) != 0 || tsthinlic_doctor_json(store, json, sizeof json, &length, &healthy) != TSTHINLIC_OK
        || healthy != 0 || strstr(json, "another device") == NULL) {
        fail("clone detection", "unit B sees unit A's HWID, or doctor does not report the clone:\n%s", json);
        tsthinlic_store_close(store);
        return;
    }
    tsthinlic_store_close(store);
    options.device_identity = unit_a;
    tsthinlic_store_open(spec, NULL, &options, &store, error, sizeof error);
    if (hwid_length(store, hwid) != TSTHINLIC_HWID_SIZE) {
        fail("clone detection", "unit A no longer sees its own HWID");
    } else {
        pass("clone detection: the device identity binds the HWID; another unit sees none and doctor says clone");
    }
    tsthinlic_store_close(store);
}

/* A flash:PATH spec with a device profile: the profile's geometry and partition. */
static void test_profile(void)
{
    char spec[1100];
    char error[512];
    tsthinlic_store *store = NULL;
    char json[4096];
    size_t length;
    snprintf(spec, sizeof spec, "flash:%s/profile-flash.img", workdir);
    if (tsthinlic_store_open(spec, profile, NULL, &store, error, sizeof error) != TSTHINLIC_OK) {
        fail("profile", "open %s with %s: %s", spec, profile, error);
        return;
    }
    if (tsthinlic_show_json(store, json, sizeof json, &length) != TSTHINLIC_OK || strstr(json, "program 1 B, erase 4096 B") == NULL) {
        fail("profile", "the store does not use the profile's geometry:\n%s", json);
    } else {
        pass("profile: flash:PATH with a hardware/ profile takes its geometry and partition");
    }
    tsthinlic_store_close(store);
}

int main(int argc, char **argv)
{
    tr_file file;
    char error[512];
    if (argc != 4) {
        fprintf(stderr, "usage: %s new-license-with-challenge.transcript WORKDIR PROFILE.json\n", argv[0]);
        return 2;
    }
    if (tr_load(argv[1], &file, error, sizeof error) != 0) {
        fail("boundary", "%s: %s", argv[1], error);
        return 1;
    }
    new_license = &file.exchanges[0];
    workdir = argv[2];
    profile = argv[3];

    test_version();
    test_open_refusals();
    test_handles();
    test_buffers();
    test_hostile_pdus();
    test_state_rules();
    test_failing_random();
    test_failing_clock();
    test_failing_flash();
    test_log_callback();
    test_threads();
    test_field_functions();
    test_doctor_names_the_call();
    test_clone_detection();
    test_profile();

    tr_free(&file);
    return check_failures == 0 ? 0 : 1;
}
