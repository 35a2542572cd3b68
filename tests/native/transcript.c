#include "transcript.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TR_MAX_FILE (8u * 1024u * 1024u)
#define TR_MAX_EXCHANGES 1024
#define TR_MAX_HEX (65535u + 4u + 64u)

enum { OPEN_NONE, OPEN_PDU, OPEN_RANDOM, OPEN_PREMASTER, OPEN_HWID, OPEN_GCC, OPEN_CAL };

typedef struct hexbuf {
    uint8_t *bytes;
    size_t length;
    size_t capacity;
    int odd;         /* a high nibble waits for its low one */
    uint8_t pending;
    int bad;
} hexbuf;

static int hex_value(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void hex_append(hexbuf *hex, const char *text)
{
    for (; *text != '\0' && !hex->bad; text++) {
        int v;
        if (isspace((unsigned char)*text)) {
            continue;
        }
        v = hex_value((unsigned char)*text);
        if (v < 0) {
            hex->bad = 1;
            return;
        }
        if (!hex->odd) {
            hex->pending = (uint8_t)(v << 4);
            hex->odd = 1;
            continue;
        }
        hex->odd = 0;
        if (hex->length == hex->capacity) {
            size_t grown = hex->capacity == 0 ? 256 : hex->capacity * 2;
            uint8_t *bytes;
            if (grown > TR_MAX_HEX) {
                grown = TR_MAX_HEX;
            }
            if (hex->length >= grown) {
                hex->bad = 1;
                return;
            }
            bytes = (uint8_t *)realloc(hex->bytes, grown);
            if (bytes == NULL) {
                hex->bad = 1;
                return;
            }
            hex->bytes = bytes;
            hex->capacity = grown;
        }
        hex->bytes[hex->length++] = (uint8_t)(hex->pending | v);
    }
}

static void set_error(char *error, size_t capacity, int line, const char *what)
{
    if (error != NULL && capacity > 0) {
        snprintf(error, capacity, "line %d: %s", line, what);
    }
}

static void copy_text(char *to, const char *from)
{
    size_t n = strlen(from);
    if (n >= TR_MAX_TEXT) {
        n = TR_MAX_TEXT - 1;
    }
    memcpy(to, from, n);
    to[n] = '\0';
}

/* Closes the open hex record into the current exchange; 0 on success. */
static int close_record(tr_exchange *ex, int open, hexbuf *hex, const char *args, int line, char *error, size_t cap)
{
    int ok = 1;
    if (open == OPEN_NONE) {
        return 0;
    }
    if (hex->bad || hex->odd) {
        set_error(error, cap, line, "a record is not followed by whole hex bytes");
        free(hex->bytes);
        memset(hex, 0, sizeof *hex);
        return -1;
    }
    switch (open) {
    case OPEN_PDU:
        if (hex->length == 0) {
            ok = 0;
            break;
        }
        ex->pdus[ex->pdu_count - 1].bytes = hex->bytes;
        ex->pdus[ex->pdu_count - 1].length = hex->length;
        hex->bytes = NULL;
        break;
    case OPEN_RANDOM:
        if (hex->length != 32 || ex->client_random_count >= TR_MAX_SECRETS) {
            ok = 0;
            break;
        }
        memcpy(ex->client_randoms[ex->client_random_count++], hex->bytes, 32);
        break;
    case OPEN_PREMASTER:
        if (hex->length != 48 || ex->premaster_count >= TR_MAX_SECRETS) {
            ok = 0;
            break;
        }
        memcpy(ex->premasters[ex->premaster_count++], hex->bytes, 48);
        break;
    case OPEN_HWID:
        if (hex->length != 20) {
            ok = 0;
            break;
        }
        memcpy(ex->hwid, hex->bytes, 20);
        ex->has_hwid = 1;
        break;
    case OPEN_GCC:
        if (hex->length == 0) {
            ok = 0;
            break;
        }
        ex->gcc_certificate = hex->bytes;
        ex->gcc_certificate_length = hex->length;
        hex->bytes = NULL;
        break;
    case OPEN_CAL: {
        /* stored-cal VERSION SCOPE PRODUCT COMPANY... */
        tr_cal *cal;
        char scope[TR_MAX_TEXT], product[TR_MAX_TEXT];
        unsigned long version;
        int consumed = 0;
        if (ex->cal_count >= TR_MAX_CALS || hex->length == 0
            || sscanf(args, "%lx %255s %255s %n", &version, scope, product, &consumed) < 3 || consumed == 0
            || args[consumed] == '\0') {
            ok = 0;
            break;
        }
        cal = &ex->cals[ex->cal_count++];
        cal->version = (uint32_t)version;
        copy_text(cal->scope, scope);
        copy_text(cal->product_id, product);
        copy_text(cal->company_name, args + consumed);
        cal->bytes = hex->bytes;
        cal->length = hex->length;
        hex->bytes = NULL;
        break;
    }
    default:
        ok = 0;
        break;
    }
    free(hex->bytes);
    memset(hex, 0, sizeof *hex);
    if (!ok) {
        set_error(error, cap, line, "a record of the wrong length, or too many of them");
        return -1;
    }
    return 0;
}

int tr_load(const char *path, tr_file *file, char *error, size_t error_capacity)
{
    FILE *in;
    char *text;
    size_t length;
    char *cursor;
    int number = 0;
    int saw_magic = 0;
    int open = OPEN_NONE;
    int open_line = 0;
    char open_args[3 * TR_MAX_TEXT + 64];
    hexbuf hex;
    tr_exchange *current = NULL;

    memset(file, 0, sizeof *file);
    memset(&hex, 0, sizeof hex);
    open_args[0] = '\0';
    in = fopen(path, "rb");
    if (in == NULL) {
        set_error(error, error_capacity, 0, "cannot open the file");
        return -1;
    }
    text = (char *)malloc(TR_MAX_FILE + 1);
    if (text == NULL) {
        fclose(in);
        set_error(error, error_capacity, 0, "out of memory");
        return -1;
    }
    length = fread(text, 1, TR_MAX_FILE + 1, in);
    fclose(in);
    if (length > TR_MAX_FILE) {
        free(text);
        set_error(error, error_capacity, 0, "the transcript is over 8 MiB");
        return -1;
    }
    text[length] = '\0';

    cursor = text;
    while (cursor != NULL) {
        char *line = cursor;
        char *end = strchr(cursor, '\n');
        char *keyword;
        char *value;
        char *trimmed;
        size_t n;
        if (end != NULL) {
            *end = '\0';
            cursor = end + 1;
        } else {
            cursor = NULL;
        }
        number++;
        n = strlen(line);
        while (n > 0 && (line[n - 1] == '\r' || isspace((unsigned char)line[n - 1]))) {
            line[--n] = '\0';
        }
        trimmed = line;
        while (isspace((unsigned char)*trimmed)) {
            trimmed++;
        }
        if (*trimmed == '\0' || *trimmed == '#') {
            continue;
        }
        if (isspace((unsigned char)line[0]) && open != OPEN_NONE) {
            hex_append(&hex, trimmed);
            continue;
        }
        if (close_record(current, open, &hex, open_args, open_line, error, error_capacity) != 0) {
            goto fail;
        }
        open = OPEN_NONE;
        if (!saw_magic) {
            if (strcmp(trimmed, "tsthinlic-transcript 1") != 0) {
                set_error(error, error_capacity, number, "a transcript starts with 'tsthinlic-transcript 1'");
                goto fail;
            }
            saw_magic = 1;
            continue;
        }
        keyword = trimmed;
        value = strchr(trimmed, ' ');
        if (value != NULL) {
            *value++ = '\0';
            while (isspace((unsigned char)*value)) {
                value++;
            }
        } else {
            value = trimmed + strlen(trimmed);
        }
        if (strcmp(keyword, "exchange") == 0 || current == NULL) {
            tr_exchange *grown;
            if (file->count >= TR_MAX_EXCHANGES) {
                set_error(error, error_capacity, number, "too many exchanges");
                goto fail;
            }
            grown = (tr_exchange *)realloc(file->exchanges, (file->count + 1) * sizeof *grown);
            if (grown == NULL) {
                set_error(error, error_capacity, number, "out of memory");
                goto fail;
            }
            file->exchanges = grown;
            current = &file->exchanges[file->count++];
            memset(current, 0, sizeof *current);
            if (strcmp(keyword, "exchange") == 0) {
                copy_text(current->name, value);
                continue;
            }
            snprintf(current->name, sizeof current->name, "exchange %u", (unsigned)file->count);
        }
        if (strcmp(keyword, "server") == 0 || strcmp(keyword, "client") == 0
            || strcmp(keyword, "server-encrypted") == 0 || strcmp(keyword, "client-encrypted") == 0) {
            tr_pdu *pdu;
            if (current->pdu_count >= TR_MAX_PDUS) {
                set_error(error, error_capacity, number, "too many PDUs in one exchange");
                goto fail;
            }
            pdu = &current->pdus[current->pdu_count++];
            pdu->from_server = keyword[0] == 's';
            pdu->encrypted = strstr(keyword, "-encrypted") != NULL;
            open = OPEN_PDU;
        } else if (strcmp(keyword, "client-random") == 0) {
            open = OPEN_RANDOM;
        } else if (strcmp(keyword, "premaster-secret") == 0) {
            open = OPEN_PREMASTER;
        } else if (strcmp(keyword, "hwid") == 0) {
            open = OPEN_HWID;
        } else if (strcmp(keyword, "gcc-server-certificate") == 0) {
            open = OPEN_GCC;
        } else if (strcmp(keyword, "stored-cal") == 0) {
            open = OPEN_CAL;
        } else if (strcmp(keyword, "user") == 0) {
            copy_text(current->user, value);
        } else if (strcmp(keyword, "machine") == 0) {
            copy_text(current->machine, value);
        } else if (strcmp(keyword, "platform-id") == 0) {
            char *rest;
            unsigned long id = strtoul(value, &rest, 16);
            if (*value == '\0' || *rest != '\0' || id > 0xFFFFFFFFul) {
                set_error(error, error_capacity, number, "platform-id is not a 32-bit hex number");
                goto fail;
            }
            current->platform_id = (uint32_t)id;
            current->has_platform_id = 1;
        } else if (strcmp(keyword, "expect") == 0) {
            if (strcmp(value, "valid-client") != 0 && strcmp(value, "license-issued") != 0
                && strcmp(value, "license-upgraded") != 0 && strcmp(value, "failed") != 0) {
                set_error(error, error_capacity, number, "expect is none of valid-client, license-issued, license-upgraded, failed");
                goto fail;
            }
            copy_text(current->expect, value);
        } else if (strcmp(keyword, "origin") == 0) {
            /* capture, emulator or hand: what the comparison tolerates is the managed replay's business */
        } else {
            set_error(error, error_capacity, number, "unknown keyword");
            goto fail;
        }
        if (open != OPEN_NONE) {
            open_line = number;
            if (open == OPEN_CAL) {
                snprintf(open_args, sizeof open_args, "%s", value);
            } else {
                open_args[0] = '\0';
                hex_append(&hex, value);
            }
        }
    }
    if (close_record(current, open, &hex, open_args, open_line, error, error_capacity) != 0) {
        goto fail;
    }
    if (!saw_magic || file->count == 0) {
        set_error(error, error_capacity, number, "no 'tsthinlic-transcript 1' line, or no exchange");
        goto fail;
    }
    free(text);
    return 0;

fail:
    free(hex.bytes);
    free(text);
    tr_free(file);
    return -1;
}

void tr_free(tr_file *file)
{
    size_t i, j;
    for (i = 0; i < file->count; i++) {
        tr_exchange *ex = &file->exchanges[i];
        for (j = 0; j < ex->pdu_count; j++) {
            free(ex->pdus[j].bytes);
        }
        for (j = 0; j < ex->cal_count; j++) {
            free(ex->cals[j].bytes);
        }
        free(ex->gcc_certificate);
    }
    free(file->exchanges);
    memset(file, 0, sizeof *file);
}
