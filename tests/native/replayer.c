/* Runs one transcript exchange through the C ABI (replayer.h). */
#include "replayer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The replayed client's randomness, in the order the library asks for it (tsthinlic_random_fn). */
int replay_random(void *context, uint8_t *buffer, size_t length)
{
    secrets *s = (secrets *)context;
    const tr_exchange *ex = s->exchange;
    size_t i;
    if (length == 16 && ex->has_hwid && !s->hwid_used) {
        memcpy(buffer, ex->hwid + 4, 16);
        s->hwid_used = 1;
        return 0;
    }
    if (length == 32 && s->randoms_used < ex->client_random_count) {
        memcpy(buffer, ex->client_randoms[s->randoms_used++], 32);
        return 0;
    }
    if (length == 48 && s->premasters_used < ex->premaster_count) {
        memcpy(buffer, ex->premasters[s->premasters_used++], 48);
        return 0;
    }
    /* What the managed replay hands out past the transcript's secrets: a byte-exact comparison then fails. */
    for (i = 0; i < length; i++) {
        buffer[i] = (uint8_t)(0x11 + i);
    }
    return 0;
}

static void base64(const uint8_t *data, size_t length, char *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;
    for (i = 0; i + 2 < length; i += 3) {
        *out++ = alphabet[data[i] >> 2];
        *out++ = alphabet[((data[i] & 3) << 4) | (data[i + 1] >> 4)];
        *out++ = alphabet[((data[i + 1] & 15) << 2) | (data[i + 2] >> 6)];
        *out++ = alphabet[data[i + 2] & 63];
    }
    if (i < length) {
        *out++ = alphabet[data[i] >> 2];
        if (i + 1 < length) {
            *out++ = alphabet[((data[i] & 3) << 4) | (data[i + 1] >> 4)];
            *out++ = alphabet[(data[i + 1] & 15) << 2];
        } else {
            *out++ = alphabet[(data[i] & 3) << 4];
            *out++ = '=';
        }
        *out++ = '=';
    }
    *out = '\0';
}

/* The store the transcript's client had: its HWID and CALs, as the portable JSON of `tsthinlic export`. */
int import_stored(tsthinlic_store *store, const tr_exchange *ex, char *why, size_t why_capacity)
{
    size_t capacity = 512, i, used;
    char *json;
    int status;
    for (i = 0; i < ex->cal_count; i++) {
        capacity += 4 * (ex->cals[i].length / 3 + 1) + 3 * TR_MAX_TEXT + 256;
    }
    json = (char *)malloc(capacity);
    if (json == NULL) {
        snprintf(why, why_capacity, "out of memory");
        return -1;
    }
    used = (size_t)sprintf(json, "{\"format\":\"tsthinlic-license-store\",\"formatVersion\":1,\"hwid\":\"");
    for (i = 0; i < 20; i++) {
        used += (size_t)sprintf(json + used, "%02x", ex->hwid[i]);
    }
    used += (size_t)sprintf(json + used, "\",\"deviceFingerprint\":null,\"licenses\":[");
    for (i = 0; i < ex->cal_count; i++) {
        const tr_cal *cal = &ex->cals[i];
        used += (size_t)sprintf(json + used, "%s{\"version\":%lu,\"scope\":\"%s\",\"companyName\":\"%s\",\"productId\":\"%s\",\"storedAt\":\"1970-01-01T00:00:00.000Z\",\"clientLicense\":\"",
            i == 0 ? "" : ",", (unsigned long)cal->version, cal->scope, cal->company_name, cal->product_id);
        base64(cal->bytes, cal->length, json + used);
        used += strlen(json + used);
        used += (size_t)sprintf(json + used, "\"}");
    }
    used += (size_t)sprintf(json + used, "]}");
    status = tsthinlic_store_import(store, (const uint8_t *)json, used, 0);
    free(json);
    if (status != TSTHINLIC_OK) {
        char text[512];
        size_t length;
        tsthinlic_store_last_error(store, text, sizeof text, &length);
        snprintf(why, why_capacity, "tsthinlic_store_import: %d: %s", status, text);
        return -1;
    }
    return 0;
}

const char *result_name(int result)
{
    switch (result) {
    case TSTHINLIC_RESULT_VALID_CLIENT: return "valid-client";
    case TSTHINLIC_RESULT_LICENSE_ISSUED: return "license-issued";
    case TSTHINLIC_RESULT_LICENSE_UPGRADED: return "license-upgraded";
    case TSTHINLIC_RESULT_FAILED: return "failed";
    default: return "pending";
    }
}

int replay_exchange(tsthinlic_store *store, secrets *random_state, const tr_exchange *ex, int import,
                    tsthinlic_outcome *outcome_out, char *why, size_t why_capacity)
{
    tsthinlic_exchange_options options;
    tsthinlic_exchange *exchange = NULL;
    tsthinlic_outcome outcome;
    uint8_t *reply = NULL;
    uint8_t *ours[TR_MAX_PDUS];
    size_t ours_length[TR_MAX_PDUS];
    size_t queued = 0, compared = 0, i;
    int over = 0, status, result = -1;

    random_state->exchange = ex;
    random_state->randoms_used = 0;
    random_state->premasters_used = 0;
    random_state->hwid_used = 0;
    for (i = 0; i < ex->pdu_count; i++) {
        if (ex->pdus[i].encrypted) {
            snprintf(why, why_capacity, "PDU %u is encrypted (SEC_ENCRYPT): not replayable in clear", (unsigned)(i + 1));
            return 1;
        }
    }
    if (import && ex->cal_count > 0 && import_stored(store, ex, why, why_capacity) != 0) {
        return -1;
    }

    /* Per call, not static: threads replay side by side (boundary.c). */
    reply = (uint8_t *)malloc(TSTHINLIC_MAX_PDU_SIZE);
    if (reply == NULL) {
        snprintf(why, why_capacity, "out of memory");
        return -1;
    }
    memset(&options, 0, sizeof options);
    options.struct_size = sizeof options;
    options.user_name = ex->user;
    options.machine_name = ex->machine;
    options.platform_id = ex->has_platform_id ? ex->platform_id : 0x04010000u;
    options.gcc_server_certificate = ex->gcc_certificate;
    options.gcc_server_certificate_length = ex->gcc_certificate_length;
    status = tsthinlic_exchange_begin(store, &options, &exchange);
    if (status != TSTHINLIC_OK) {
        char text[512];
        size_t length;
        tsthinlic_store_last_error(store, text, sizeof text, &length);
        snprintf(why, why_capacity, "tsthinlic_exchange_begin: %d: %s", status, text);
        free(reply);
        return -1;
    }

    for (i = 0; i < ex->pdu_count; i++) {
        const tr_pdu *pdu = &ex->pdus[i];
        if (pdu->from_server) {
            size_t reply_length = 0;
            int step = 0;
            if (over) {
                snprintf(why, why_capacity, "PDU %u: our client had already ended where the captured client went on", (unsigned)(i + 1));
                goto done;
            }
            status = tsthinlic_exchange_step(exchange, pdu->bytes, pdu->length, reply, TSTHINLIC_MAX_PDU_SIZE, &reply_length, &step);
            if (status != TSTHINLIC_OK) {
                char text[512];
                size_t length;
                tsthinlic_exchange_last_error(exchange, text, sizeof text, &length);
                snprintf(why, why_capacity, "PDU %u: tsthinlic_exchange_step: %d: %s", (unsigned)(i + 1), status, text);
                goto done;
            }
            if (reply_length > 0) {
                ours[queued] = (uint8_t *)malloc(reply_length);
                if (ours[queued] == NULL) {
                    snprintf(why, why_capacity, "out of memory");
                    goto done;
                }
                memcpy(ours[queued], reply, reply_length);
                ours_length[queued++] = reply_length;
            }
            over = step != TSTHINLIC_STEP_SEND_AND_WAIT;
        } else {
            size_t at;
            if (compared == queued) {
                snprintf(why, why_capacity, "PDU %u: the captured client sent %u bytes; our client sent nothing here", (unsigned)(i + 1), (unsigned)pdu->length);
                goto done;
            }
            if (ours_length[compared] != pdu->length || memcmp(ours[compared], pdu->bytes, pdu->length) != 0) {
                for (at = 0; at < pdu->length && at < ours_length[compared] && ours[compared][at] == pdu->bytes[at]; at++) {
                }
                snprintf(why, why_capacity, "PDU %u: ours (%u bytes) differs from the transcript's (%u bytes) at byte %u",
                    (unsigned)(i + 1), (unsigned)ours_length[compared], (unsigned)pdu->length, (unsigned)at);
                goto done;
            }
            compared++;
        }
    }
    if (compared != queued) {
        snprintf(why, why_capacity, "our client sent %u more PDU(s) than the transcript's", (unsigned)(queued - compared));
        goto done;
    }
    memset(&outcome, 0, sizeof outcome);
    outcome.struct_size = sizeof outcome;
    status = tsthinlic_exchange_outcome(exchange, &outcome);
    if (status != TSTHINLIC_OK) {
        snprintf(why, why_capacity, "tsthinlic_exchange_outcome: %d", status);
        goto done;
    }
    if (ex->expect[0] != '\0' && strcmp(ex->expect, result_name(outcome.result)) != 0) {
        char reason[1024];
        size_t length;
        tsthinlic_exchange_reason(exchange, reason, sizeof reason, &length);
        snprintf(why, why_capacity, "the exchange should end %s; ours: %s (%s)", ex->expect, result_name(outcome.result), reason);
        goto done;
    }
    snprintf(why, why_capacity, "%u client PDU(s) byte for byte, %s", (unsigned)compared, result_name(outcome.result));
    result = 0;

done:
    if (outcome_out != NULL) {
        memset(outcome_out, 0, sizeof *outcome_out);
        outcome_out->struct_size = sizeof *outcome_out;
        tsthinlic_exchange_outcome(exchange, outcome_out);
    }
    for (i = 0; i < queued; i++) {
        free(ours[i]);
    }
    tsthinlic_exchange_close(exchange);
    free(reply);
    return result;
}


void replay_store_options(tsthinlic_store_options *options, secrets *random_state, const tr_exchange *ex)
{
    memset(random_state, 0, sizeof *random_state);
    random_state->exchange = ex;
    memset(options, 0, sizeof *options);
    options->struct_size = sizeof *options;
    options->random = replay_random;
    options->random_context = random_state;
}

char *store_export(tsthinlic_store *store)
{
    size_t length = 0;
    char *json;
    if (tsthinlic_store_export(store, NULL, 0, &length) != TSTHINLIC_OK) {
        return NULL;
    }
    json = (char *)malloc(length);
    if (json != NULL && tsthinlic_store_export(store, json, length, &length) != TSTHINLIC_OK) {
        free(json);
        json = NULL;
    }
    return json;
}
