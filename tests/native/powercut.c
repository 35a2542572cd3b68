/*
 * The power-cut sweep through the C ABI (the managed PowerCutSweepTests, in C): the store over flash callbacks on an
 * emulated NOR partition with a device profile's geometry, one device's licensing life from
 * fixtures/native/lifecycle.transcript (first CAL with a new HWID, upgrade, second CAL), then a wipe of the CALs and a
 * full wipe. For every step, the power is cut after each of its programs and erases, and in the middle of each (torn
 * at its first byte, its last and fifteen points between). Then the power comes back, the store is opened afresh and must hold exactly
 * the state before the step or after it (compared through tsthinlic_store_export), never a mix; show and doctor must
 * read it; from the old state the step is run again (what the next connection does) and must reach the new state.
 * Every cut must be reported as a status (TSTHINLIC_E_STORE, or an exchange failed with
 * TSTHINLIC_FAILURE_STORE_FAILED), never a crash.
 *
 * usage: powercut NAME PROGRAM_UNIT ERASE_UNIT ERASE_VALUE SIZE lifecycle.transcript [--lossy-driver]
 *
 * --lossy-driver: the negative control. The emulated driver reports every program as done but programs nothing after
 * the first two, as a broken firmware driver could; the sweep must then fail.
 */
#include "check.h"
#include "nor.h"
#include "replayer.h"

#include <stdlib.h>
#include <string.h>

#define STEPS 5

static const char *const step_names[STEPS] = { "first-cal", "upgrade", "second-cal", "wipe-cals", "wipe" };

static int fixed_clock(void *context, int64_t *unix_ms)
{
    (void)context;
    *unix_ms = INT64_C(1780300800000); /* 2026-06-01T08:00:00Z: storedAt is the same in every run */
    return 0;
}

static const uint8_t device_identity[] = "unit-0042 serial 5CG0421XYZ";

static tsthinlic_store *open_on(nor *flash, secrets *random_state, char *why, size_t why_capacity)
{
    tsthinlic_flash callbacks = nor_callbacks(flash);
    tsthinlic_store_options options;
    tsthinlic_store *store = NULL;
    char error[512];
    int status;
    const tr_exchange *ex = random_state->exchange;
    replay_store_options(&options, random_state, ex);
    options.device_identity = device_identity;
    options.device_identity_length = sizeof device_identity - 1;
    options.clock = fixed_clock;
    status = tsthinlic_store_open_flash(&callbacks, &options, &store, error, sizeof error);
    if (status != TSTHINLIC_OK) {
        snprintf(why, why_capacity, "tsthinlic_store_open_flash: %d: %s", status, error);
        return NULL;
    }
    return store;
}

/* Runs one step of the life; the status of the call, or for an exchange its outcome folded into one number:
   0 completed, TSTHINLIC_E_STORE when the store failed, another negative value otherwise. */
static int run_step(tsthinlic_store *store, secrets *random_state, const tr_file *life, int step, char *why, size_t why_capacity)
{
    tsthinlic_outcome outcome;
    int status;
    why[0] = '\0';
    if (step < 3) {
        status = replay_exchange(store, random_state, &life->exchanges[step], 0, &outcome, why, why_capacity);
        if (status == 0) {
            return 0;
        }
        if (outcome.result == TSTHINLIC_RESULT_FAILED && outcome.failure == TSTHINLIC_FAILURE_STORE_FAILED) {
            return TSTHINLIC_E_STORE;
        }
        return -100;
    }
    status = tsthinlic_wipe(store, step == 3 ? TSTHINLIC_WIPE_CALS_ONLY : 0);
    if (status != TSTHINLIC_OK) {
        size_t length;
        tsthinlic_store_last_error(store, why, why_capacity, &length);
    }
    return status;
}

static int occurrences(const char *text, const char *what)
{
    int n = 0;
    const char *at = text;
    while (text != NULL && (at = strstr(at, what)) != NULL) {
        n++;
        at += strlen(what);
    }
    return n;
}

/* What each state of the life holds: whether there is a HWID, and how many CALs. */
static int state_is(const char *json, int hwid, int cals)
{
    return json != NULL && (occurrences(json, "\"hwid\": null") == 0) == hwid && occurrences(json, "\"clientLicense\"") == cals;
}

/* show and doctor read whatever a cut left. */
static int views_read(tsthinlic_store *store)
{
    static char buffer[1 << 20];
    size_t length;
    int healthy = 0;
    return tsthinlic_show_json(store, buffer, sizeof buffer, &length) == TSTHINLIC_OK
        && tsthinlic_doctor_json(store, buffer, sizeof buffer, &length, &healthy) == TSTHINLIC_OK;
}

int main(int argc, char **argv)
{
    const char *geometry;
    unsigned long program_unit, erase_unit, erase_value;
    unsigned long long size;
    tr_file life;
    char error[1024];
    nor reference;
    nor before[STEPS];
    char *state[STEPS + 1];
    long first_operation[STEPS + 1];
    secrets random_state;
    tsthinlic_store *store;
    int step;

    if (argc != 7 && !(argc == 8 && strcmp(argv[7], "--lossy-driver") == 0)) {
        fprintf(stderr, "usage: %s NAME PROGRAM_UNIT ERASE_UNIT ERASE_VALUE SIZE lifecycle.transcript [--lossy-driver]\n", argv[0]);
        return 2;
    }
    geometry = argv[1];
    program_unit = strtoul(argv[2], NULL, 10);
    erase_unit = strtoul(argv[3], NULL, 10);
    erase_value = strtoul(argv[4], NULL, 10);
    size = strtoull(argv[5], NULL, 10);
    if (tr_load(argv[6], &life, error, sizeof error) != 0 || life.count != 3) {
        fail("powercut", "%s: %s", argv[6], life.count != 3 ? "not the three exchanges of a lifecycle" : error);
        return 1;
    }
    memset(&random_state, 0, sizeof random_state);
    if (erase_value > 255 || nor_init(&reference, size, (uint32_t)program_unit, (uint32_t)erase_unit, (uint8_t)erase_value) != 0) {
        fail("powercut", "geometry %s is not usable", geometry);
        return 1;
    }
    reference.lossy_after = argc == 8 ? 2 : -1;

    /* The reference life, uncut: the image before each step, the state after each, and which operations each did. */
    store = open_on(&reference, &random_state, error, sizeof error);
    if (store == NULL) {
        fail("powercut", "%s", error);
        return 1;
    }
    state[0] = store_export(store);
    for (step = 0; step < STEPS; step++) {
        nor_copy(&before[step], &reference);
        first_operation[step] = reference.operations;
        if (run_step(store, &random_state, &life, step, error, sizeof error) != 0) {
            fail("powercut", "%s: the uncut %s failed: %s", geometry, step_names[step], error);
            return 1;
        }
        state[step + 1] = store_export(store);
    }
    first_operation[STEPS] = reference.operations;
    tsthinlic_store_close(store);
    /* The life itself, so that a medium that loses writes cannot pass as one where nothing changes. */
    if (!state_is(state[0], 0, 0) || !state_is(state[1], 1, 1) || !state_is(state[2], 1, 1) || strcmp(state[1], state[2]) == 0
        || !state_is(state[3], 1, 2) || !state_is(state[4], 1, 0) || !state_is(state[5], 0, 0)) {
        fail("powercut", "%s: the uncut life did not store what it should (HWID and 0, 1, 1 upgraded, 2, 0 CALs, then nothing)", geometry);
        return 1;
    }
    if (reference.violations > 0) {
        fail("powercut", "%s: the store broke a flash rule: %s", geometry, reference.violation);
        return 1;
    }

    for (step = 0; step < STEPS; step++) {
        char name[256];
        long operations = first_operation[step + 1] - first_operation[step];
        long k;
        long cuts = 0, torn = 0, old_states = 0, new_states = 0;
        int failed = 0;
        snprintf(name, sizeof name, "powercut %s %s", geometry, step_names[step]);
        for (k = 1; k <= operations && !failed; k++) {
            long index = first_operation[step] + k - 1;
            uint64_t length = index < NOR_MAX_RECORDED ? reference.lengths[index] : 0;
            long tears[20];
            int tear_count = 0, t;
            tears[tear_count++] = -1;
            if (length > 0) {
                /* Torn at its first byte, its last, and fifteen points between. */
                long spread;
                for (spread = 0; spread < 16; spread++) {
                    long at = (long)(length * (uint64_t)spread / 16);
                    if (tear_count == 1 || at != tears[tear_count - 1]) {
                        tears[tear_count++] = at;
                    }
                }
                if ((long)length - 1 != tears[tear_count - 1]) {
                    tears[tear_count++] = (long)length - 1;
                }
            }
            for (t = 0; t < tear_count && !failed; t++) {
                nor flash;
                char *after;
                int status;
                nor_copy(&flash, &before[step]);
                nor_cut_after(&flash, k, tears[t]);
                store = open_on(&flash, &random_state, error, sizeof error);
                if (store == NULL) {
                    fail(name, "cut %ld: %s", k, error);
                    failed = 1;
                    nor_free(&flash);
                    break;
                }
                status = run_step(store, &random_state, &life, step, error, sizeof error);
                tsthinlic_store_close(store);
                if (status != TSTHINLIC_E_STORE) {
                    fail(name, "cut after operation %ld (torn %ld): status %d, not TSTHINLIC_E_STORE: %s", k, tears[t], status, error);
                    failed = 1;
                }
                nor_power_on(&flash);
                store = open_on(&flash, &random_state, error, sizeof error);
                after = store != NULL ? store_export(store) : NULL;
                if (!failed && (after == NULL || !views_read(store))) {
                    fail(name, "cut after operation %ld (torn %ld): the store does not read after the cut", k, tears[t]);
                    failed = 1;
                } else if (!failed && strcmp(after, state[step]) == 0) {
                    /* The old state: the next connection (or the next wipe) runs the step again. */
                    old_states++;
                    free(after);
                    after = NULL;
                    if (run_step(store, &random_state, &life, step, error, sizeof error) != 0 || (after = store_export(store)) == NULL
                        || strcmp(after, state[step + 1]) != 0) {
                        fail(name, "cut after operation %ld (torn %ld): from the old state the step does not reach the new one: %s", k, tears[t], error);
                        failed = 1;
                    }
                } else if (!failed && strcmp(after, state[step + 1]) == 0) {
                    new_states++;
                } else if (!failed) {
                    fail(name, "cut after operation %ld (torn %ld): neither the old nor the new state:\n%s", k, tears[t], after);
                    failed = 1;
                }
                free(after);
                tsthinlic_store_close(store);
                if (!failed && flash.violations > 0) {
                    fail(name, "cut after operation %ld (torn %ld): the store broke a flash rule: %s", k, tears[t], flash.violation);
                    failed = 1;
                }
                cuts++;
                torn += tears[t] >= 0;
                nor_free(&flash);
            }
        }
        if (!failed) {
            printf("PASS %s: %ld operations, %ld cuts (%ld torn): %ld old state then recovered, %ld new state\n",
                name, operations, cuts, torn, old_states, new_states);
        }
    }

    for (step = 0; step < STEPS; step++) {
        nor_free(&before[step]);
        free(state[step]);
    }
    free(state[STEPS]);
    nor_free(&reference);
    tr_free(&life);
    return check_failures == 0 ? 0 : 1;
}
