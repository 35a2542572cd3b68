/*
 * tsthinlic.h - the C ABI of libtsthinlic: the client side of RDP licensing ([MS-RDPELE], [MS-RDPBCGR] 2.2.1.12)
 * for thin-client firmware with a C RDP stack.
 *
 * What it does: keeps the device's hardware ID (HWID) and the client access licenses (CALs) the license server issues
 * in a power-cut-safe store, answers the server's licensing PDUs during the connection sequence, and presents the
 * stored CAL on the next connection. The library does no network I/O: the caller's RDP stack hands it each server
 * licensing PDU and sends the reply it gets back ("sans-I/O").
 *
 *     tsthinlic_store *store;
 *     tsthinlic_store_open("file:/var/lib/tsthinlic/licenses.store", NULL, NULL, &store, NULL, 0);
 *     tsthinlic_exchange *exchange;
 *     tsthinlic_exchange_begin(store, &options, &exchange);
 *     for each server licensing PDU:
 *         tsthinlic_exchange_step(exchange, pdu, pdu_length, reply, sizeof reply, &reply_length, &step);
 *         send reply_length bytes of reply (if any); stop unless step is TSTHINLIC_STEP_SEND_AND_WAIT
 *     tsthinlic_exchange_outcome(exchange, &outcome);
 *     tsthinlic_exchange_close(exchange);
 *     tsthinlic_store_close(store);
 *
 * Conventions
 * - Every function returns an int status: TSTHINLIC_OK (0) or a negative TSTHINLIC_E_* code. No function aborts the
 *   process on bad input, a hostile PDU or a failing callback: each is a status, and the handle's last-error text
 *   (tsthinlic_store_last_error, tsthinlic_exchange_last_error) says what and where.
 * - Handles (tsthinlic_store, tsthinlic_exchange) are opaque. A closed or unknown handle is refused with
 *   TSTHINLIC_E_INVALID_ARGUMENT, never dereferenced.
 * - Output goes into buffers the caller owns: (buffer, capacity, length). *length receives the size the whole output
 *   needs (for text: including its terminating NUL). A size query passes buffer NULL and capacity 0 and gets
 *   TSTHINLIC_OK; a buffer that is too small gets TSTHINLIC_E_BUFFER_TOO_SMALL and an empty string (text) or nothing
 *   (bytes). Text is UTF-8, NUL-terminated, with control characters escaped (\xNN), safe to print.
 * - The library never hands the caller memory to free: everything it allocates is released by the matching
 *   tsthinlic_*_close.
 * - Strings passed in are UTF-8 and NUL-terminated (at most 4096 bytes); bytes passed in are (pointer, length).
 *   Structs passed in start with struct_size = sizeof(the struct), so a newer library reads an older caller's struct.
 *
 * Threads
 * - A handle is single-threaded: use a store, and the exchanges begun on it, from one thread at a time. A call that
 *   finds its store in use (another thread, or a callback calling back into the library on the same store) returns
 *   TSTHINLIC_E_BUSY and changes nothing.
 * - Different stores are independent: separate stores may be used from separate threads at the same time. Two store
 *   handles on the same file exclude each other's writes with a lock file; two on the same flash callbacks do not
 *   (open one store per medium).
 * - Callbacks are called on the calling thread, during the call that needs them, never later.
 *
 * Lifetimes
 * - An exchange uses its store: the store handle may be closed first, the store itself lives until its last exchange
 *   is closed. Flash callbacks and their context must stay valid until then.
 * - Pointers passed in (PDUs, strings, structs) are read during the call only; nothing keeps them.
 * - The log callback's message is valid during the callback only.
 */
#ifndef TSTHINLIC_H
#define TSTHINLIC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version: a new major breaks callers; a new minor adds functions or struct fields at the end. */
#define TSTHINLIC_ABI_VERSION_MAJOR 1
#define TSTHINLIC_ABI_VERSION_MINOR 0
#define TSTHINLIC_ABI_VERSION ((TSTHINLIC_ABI_VERSION_MAJOR << 16) | TSTHINLIC_ABI_VERSION_MINOR)

/* The largest licensing PDU the client sends: wMsgSize is 16-bit, plus the 4-byte basic security header. A reply
   buffer of this size never gets TSTHINLIC_E_BUFFER_TOO_SMALL. */
#define TSTHINLIC_MAX_PDU_SIZE (65535 + 4)

/* A HWID: PlatformId (4 bytes, little-endian) + Data1..Data4 (16 bytes) ([MS-RDPELE] 2.2.2.3.1). */
#define TSTHINLIC_HWID_SIZE 20

/* Status codes: what every function returns. */
enum tsthinlic_status {
    TSTHINLIC_OK = 0,
    TSTHINLIC_E_INVALID_ARGUMENT = -1, /* a NULL or unknown handle, a NULL pointer, a bad struct_size or value */
    TSTHINLIC_E_BUFFER_TOO_SMALL = -2, /* *length says how much is needed */
    TSTHINLIC_E_STORE = -3,            /* the store cannot be read or refused a change; it is as it was */
    TSTHINLIC_E_CALLBACK = -4,         /* a callback (random, clock) reported failure; nothing was changed */
    TSTHINLIC_E_STATE = -5,            /* not valid now (e.g. an exchange that has ended) */
    TSTHINLIC_E_MALFORMED = -6,        /* input that does not parse (a profile, an import image, a certificate) */
    TSTHINLIC_E_UNSUPPORTED = -7,      /* a store kind this library does not open (registry, reg:FILE) */
    TSTHINLIC_E_BUSY = -8,             /* the store is in use by another call (see Threads) */
    TSTHINLIC_E_INTERNAL = -99         /* a bug in the library: the last-error text says what; please report it */
};

/* ---------------------------------------------------------------------------------------------------------------- */
/* Version */

/* The ABI version the library implements (TSTHINLIC_ABI_VERSION of its header). A caller built against a header with
   the same major and a minor no greater than the library's can use it. */
uint32_t tsthinlic_abi_version(void);

/* The library's version as text (e.g. "1.0.0 abi 1.0"). */
int tsthinlic_version(char *buffer, size_t capacity, size_t *length);

/* ---------------------------------------------------------------------------------------------------------------- */
/* Callbacks */

/* Log levels, as Microsoft.Extensions.Logging numbers them. */
enum tsthinlic_log_level {
    TSTHINLIC_LOG_TRACE = 0,
    TSTHINLIC_LOG_DEBUG = 1,
    TSTHINLIC_LOG_INFORMATION = 2,
    TSTHINLIC_LOG_WARNING = 3,
    TSTHINLIC_LOG_ERROR = 4,
    TSTHINLIC_LOG_CRITICAL = 5,
    TSTHINLIC_LOG_NONE = 6
};

/* One log event: its level, its event ID (100-199 licensing, 300-399 store, 700-799 doctor, 900-999 this C layer)
   and the message, UTF-8. Messages never carry key material; a HWID appears only as an 8-digit fingerprint. */
typedef void (*tsthinlic_log_fn)(void *context, int level, int event_id, const char *message);

/* Fills buffer with length random bytes; 0 on success, anything else is a failure (the call that needed the bytes
   returns TSTHINLIC_E_CALLBACK). The library asks for 16 bytes for a new HWID, 32 for a client random and 48 for a
   premaster secret ([MS-RDPELE] 5.1.1), in that order: a captured exchange replays byte for byte when these are fed
   back. Must be a CSPRNG in production; NULL in the options uses the operating system's (/dev/urandom). */
typedef int (*tsthinlic_random_fn)(void *context, uint8_t *buffer, size_t length);

/* The time now, in milliseconds since 1970-01-01T00:00:00Z, into *unix_ms; 0 on success. It dates stored CALs and
   the doctor's and show's "days left". NULL in the options uses the system clock. */
typedef int (*tsthinlic_clock_fn)(void *context, int64_t *unix_ms);

/* A raw flash partition the firmware drives (SPI NOR, parallel NOR, an MTD partition): the library keeps its A/B
   store on it (two slots of whole erase units, a commit marker programmed last, the older slot erased; a power cut at
   any point leaves the old or the new store). Offsets are relative to the partition. Each callback returns 0 on
   success; anything else is a failure, and the store operation that needed it stops with TSTHINLIC_E_STORE (a
   licensing exchange then ends with TSTHINLIC_FAILURE_STORE_FAILED), the store holding the old or the new state. */
typedef struct tsthinlic_flash {
    uint32_t struct_size;   /* sizeof(tsthinlic_flash) */
    uint32_t program_unit;  /* smallest programmable unit in bytes, a power of two (1 on NOR) */
    uint32_t erase_unit;    /* erase unit (sector) in bytes, a power of two, a multiple of program_unit */
    uint32_t erase_value;   /* what an erased byte reads as (0xFF on NOR and NAND); 0..255 */
    uint64_t size;          /* partition length: a whole number of erase units, at least two */
    void *context;          /* passed to every callback */
    int (*read)(void *context, uint64_t offset, uint8_t *buffer, size_t length);
    /* Programs length bytes at offset, both multiples of program_unit; programming only clears bits (1 -> 0). */
    int (*program)(void *context, uint64_t offset, const uint8_t *data, size_t length);
    /* Erases length bytes at offset, both multiples of erase_unit, to erase_value. */
    int (*erase)(void *context, uint64_t offset, uint64_t length);
    /* Makes every earlier program and erase durable (a write cache flush); called after each. May be NULL. */
    int (*sync)(void *context);
} tsthinlic_flash;

/* ---------------------------------------------------------------------------------------------------------------- */
/* Store: the HWID and the CALs */

typedef struct tsthinlic_store tsthinlic_store;

typedef struct tsthinlic_store_options {
    uint32_t struct_size;            /* sizeof(tsthinlic_store_options) */
    /* Bytes that differ between two units running the same image (SoC serial, eMMC CID, MAC address): the library
       keeps a hash of them beside the HWID, so a cloned image notices it is a clone and makes its own HWID. NULL:
       clone detection off. Never sent anywhere; never becomes the HWID. */
    const uint8_t *device_identity;
    size_t device_identity_length;
    tsthinlic_log_fn log;            /* NULL: no logging */
    void *log_context;
    int32_t log_level;               /* the lowest level passed to log (TSTHINLIC_LOG_*) */
    tsthinlic_random_fn random;      /* NULL: the operating system's CSPRNG */
    void *random_context;
    tsthinlic_clock_fn clock;        /* NULL: the system clock */
    void *clock_context;
} tsthinlic_store_options;

/* Opens a store named as the tsthinlic command names it: store_spec "memory", "file:PATH" or "flash:PATH" (a
   partition image file), and/or profile_path, a device profile (a hardware/NAME.json file) whose store is used, or whose
   geometry and partition a "flash:PATH" spec takes. At least one of the two. A missing store reads as empty: a file
   store is written at its first change; a flash image file is created erased (as the command does). options may be NULL. On failure *store is NULL and, when error is not NULL, the reason goes
   into error (at most error_capacity bytes, always NUL-terminated, truncated to fit). */
int tsthinlic_store_open(const char *store_spec, const char *profile_path, const tsthinlic_store_options *options,
                         tsthinlic_store **store, char *error, size_t error_capacity);

/* Opens the A/B store on a flash partition the firmware drives through callbacks (see tsthinlic_flash). The struct
   is copied; flash->context and the callbacks must stay valid until the store and its exchanges are closed. */
int tsthinlic_store_open_flash(const tsthinlic_flash *flash, const tsthinlic_store_options *options,
                               tsthinlic_store **store, char *error, size_t error_capacity);

/* Closes the handle. Exchanges begun on it keep the store until they are closed. NULL is accepted. */
int tsthinlic_store_close(tsthinlic_store *store);

/* The text of the last failed call on the store (empty after a call that succeeded). */
int tsthinlic_store_last_error(tsthinlic_store *store, char *buffer, size_t capacity, size_t *length);

/* The HWID this device uses (TSTHINLIC_HWID_SIZE bytes; *length 0 when there is none yet: the first exchange makes
   one). Reading never creates one. */
int tsthinlic_hwid_get(tsthinlic_store *store, uint8_t *buffer, size_t capacity, size_t *length);

/* Makes a new HWID now, from the random source, with the old HWID's PlatformId (else the profile's, else
   0x04010000), and removes every CAL: each was issued to the old HWID, and a server refuses it beside a new one. */
int tsthinlic_hwid_regenerate(tsthinlic_store *store);

#define TSTHINLIC_WIPE_CALS_ONLY 1u

/* Removes every CAL and, unless flags has TSTHINLIC_WIPE_CALS_ONLY, the HWID: the next exchange makes a new one, not
   before (a golden image wiped before cloning carries none). The supported form of "delete the MSLicensing key". */
int tsthinlic_wipe(tsthinlic_store *store, uint32_t flags);

/* The `tsthinlic show` view as JSON: the HWID and its fingerprint, and for every CAL its store key, license ID,
   temporary or permanent, issuer, issued-to, validity with days left, and whether it was issued to this HWID. */
int tsthinlic_show_json(tsthinlic_store *store, char *buffer, size_t capacity, size_t *length);

/* The `tsthinlic doctor` checks of what the store holds (hwid, cal-decode, cal-hwid, temporary-cal-age, cal-expiry,
   duplicate-cals, corrupt-records) as JSON: each with its verdict, evidence, fix (naming the function to call, e.g.
   "tsthinlic_wipe(store, TSTHINLIC_WIPE_CALS_ONLY)"), the server events it causes and whether a wipe fixes it.
   *healthy (may be NULL) is 1 when no check found a problem. Only reads the store. */
int tsthinlic_doctor_json(tsthinlic_store *store, char *buffer, size_t capacity, size_t *length, int *healthy);

/* Everything the store holds (HWID, the fingerprint of the device it was made on, every CAL with its key and time
   stored) as the portable JSON of `tsthinlic export`. */
int tsthinlic_store_export(tsthinlic_store *store, char *buffer, size_t capacity, size_t *length);

#define TSTHINLIC_IMPORT_ADOPT 1u

/* Replaces what the store holds with an image: an export (JSON or .reg of MSLicensing), a store file, or a flash
   partition of this store's geometry; the kind is read from the bytes. It goes in through the store's atomic commit
   (a cut leaves the old or the new contents). A HWID made on another device stays bound to it (this device will not
   use it) unless flags has TSTHINLIC_IMPORT_ADOPT. */
int tsthinlic_store_import(tsthinlic_store *store, const uint8_t *image, size_t image_length, uint32_t flags);

/* ---------------------------------------------------------------------------------------------------------------- */
/* Exchange: one licensing exchange, one server PDU at a time */

typedef struct tsthinlic_exchange tsthinlic_exchange;

enum tsthinlic_security_header {
    TSTHINLIC_SECURITY_HEADER_MIRROR = 0, /* replies carry the basic security header when the server's PDUs do */
    TSTHINLIC_SECURITY_HEADER_ALWAYS = 1,
    TSTHINLIC_SECURITY_HEADER_NEVER = 2
};

typedef struct tsthinlic_exchange_options {
    uint32_t struct_size;      /* sizeof(tsthinlic_exchange_options) */
    const char *user_name;     /* ClientUserName of NEW_LICENSE_REQUEST; NULL: "user" */
    const char *machine_name;  /* ClientMachineName; NULL: "thinclient" */
    /* PlatformId of a new HWID ([MS-RDPELE] 2.2.2.2); 0: the profile's, else 0x04010000. A stored HWID keeps its own. */
    uint32_t platform_id;
    int32_t security_header;   /* TSTHINLIC_SECURITY_HEADER_* */
    /* The server certificate of the connection's GCC Server Security Data ([MS-RDPBCGR] 2.2.1.4.3), used when the
       server's LICENSE_REQUEST carries none ([MS-RDPELE] 2.2.2.1). NULL: none. */
    const uint8_t *gcc_server_certificate;
    size_t gcc_server_certificate_length;
} tsthinlic_exchange_options;

/* Where the exchange stands after a step. */
enum tsthinlic_step {
    TSTHINLIC_STEP_SEND_AND_WAIT = 1, /* send the reply (when reply_length > 0), then feed the server's next PDU */
    TSTHINLIC_STEP_COMPLETED = 2,     /* licensed; what the server issued is stored; see tsthinlic_exchange_outcome */
    TSTHINLIC_STEP_FAILED = 3         /* send the reply if any (the client's error alert), then stop; nothing stored */
};

/* Starts an exchange: reads the store once and, when it holds no HWID, makes one from the random source (it is
   stored with the exchange's result, only if the exchange succeeds). options may be NULL. */
int tsthinlic_exchange_begin(tsthinlic_store *store, const tsthinlic_exchange_options *options,
                             tsthinlic_exchange **exchange);

/* Feeds one server licensing PDU (LICENSE_REQUEST, PLATFORM_CHALLENGE, NEW_LICENSE, UPGRADE_LICENSE or
   ERROR_ALERT), with or without its 4-byte basic security header, and writes the client's reply into reply
   (*reply_length bytes, 0 when it sends nothing) and where the exchange stands into *step. A malformed or unexpected
   PDU ends the exchange (TSTHINLIC_STEP_FAILED, the reason in the outcome); it is not a status error. When the
   client completes, the store is written before this returns, exactly as the managed driver does: only on success,
   in one atomic update. When reply is too small: TSTHINLIC_E_BUFFER_TOO_SMALL, *reply_length says how much is
   needed, the step has happened and tsthinlic_exchange_reply returns the reply. */
int tsthinlic_exchange_step(tsthinlic_exchange *exchange, const uint8_t *pdu, size_t pdu_length, uint8_t *reply,
                            size_t reply_capacity, size_t *reply_length, int *step);

/* The reply of the last step again (0 bytes when it sent nothing). */
int tsthinlic_exchange_reply(tsthinlic_exchange *exchange, uint8_t *reply, size_t reply_capacity,
                             size_t *reply_length);

enum tsthinlic_result {
    TSTHINLIC_RESULT_PENDING = 0,          /* still running */
    TSTHINLIC_RESULT_VALID_CLIENT = 1,     /* STATUS_VALID_CLIENT: nothing issued (per-user mode, or no licensing) */
    TSTHINLIC_RESULT_LICENSE_ISSUED = 2,   /* NEW_LICENSE: a CAL was issued and stored */
    TSTHINLIC_RESULT_LICENSE_UPGRADED = 3, /* UPGRADE_LICENSE: the presented CAL was renewed or upgraded */
    TSTHINLIC_RESULT_FAILED = 4
};

enum tsthinlic_failure {
    TSTHINLIC_FAILURE_NONE = 0,
    TSTHINLIC_FAILURE_MALFORMED_PDU = 1,              /* a server PDU did not decode (field and offset in the reason) */
    TSTHINLIC_FAILURE_UNEXPECTED_PDU = 2,             /* a PDU not valid in the client's state */
    TSTHINLIC_FAILURE_INVALID_SERVER_CERTIFICATE = 3, /* missing, malformed, or its signature does not verify */
    TSTHINLIC_FAILURE_INVALID_MAC = 4,                /* a MAC over server data did not verify */
    TSTHINLIC_FAILURE_MALFORMED_LICENSE = 5,          /* the decrypted NEW_LICENSE_INFO did not decode */
    TSTHINLIC_FAILURE_SERVER_ABORTED = 6,             /* the server sent an error alert ending the exchange */
    TSTHINLIC_FAILURE_TOO_MANY_RETRIES = 7,           /* more resends or restarts than the client allows */
    TSTHINLIC_FAILURE_EXCHANGE_OVER = 8,              /* a PDU after the exchange had ended */
    TSTHINLIC_FAILURE_TIMEOUT = 9,                    /* the caller said the server went quiet (tsthinlic_exchange_abandon) */
    TSTHINLIC_FAILURE_CONNECTION_CLOSED = 10,         /* the caller said the connection closed */
    TSTHINLIC_FAILURE_STORE_FAILED = 11,              /* licensed, but the store refused the result (it is unchanged) */
    TSTHINLIC_FAILURE_CALLBACK_FAILED = 12,           /* a callback failed during a step (it returned TSTHINLIC_E_CALLBACK) */
    TSTHINLIC_FAILURE_INTERNAL = 13                   /* the library faulted during a step (TSTHINLIC_E_INTERNAL) */
};

typedef struct tsthinlic_outcome {
    uint32_t struct_size;            /* sizeof(tsthinlic_outcome), set by the caller */
    int32_t result;                  /* TSTHINLIC_RESULT_* */
    int32_t failure;                 /* TSTHINLIC_FAILURE_*, when result is TSTHINLIC_RESULT_FAILED */
    uint32_t server_error_code;      /* dwErrorCode of the server's error alert ([MS-RDPBCGR] 2.2.1.12.1.3); 0: none */
    uint32_t server_state_transition;/* its dwStateTransition; 0: none */
    uint32_t alert_sent;             /* dwErrorCode of the alert the client sent (with ST_TOTAL_ABORT); 0: none */
    int32_t hwid_created;            /* 1: the HWID was made for this exchange (and stored if it succeeded) */
    int32_t license_stored;          /* 1: this exchange wrote a CAL */
    int32_t license_presented;       /* 1: the client presented a stored CAL (LICENSE_INFO) */
    int32_t decode_offset;           /* for TSTHINLIC_FAILURE_MALFORMED_PDU: the offset of the bad field; -1 otherwise */
} tsthinlic_outcome;

/* How the exchange stands or ended. */
int tsthinlic_exchange_outcome(tsthinlic_exchange *exchange, tsthinlic_outcome *outcome);

/* The outcome in words: what was issued and stored, or why it failed, in the protocol's terms. */
int tsthinlic_exchange_reason(tsthinlic_exchange *exchange, char *buffer, size_t capacity, size_t *length);

/* Ends a running exchange for a reason outside the client: failure TSTHINLIC_FAILURE_TIMEOUT (the server sent
   nothing in time) or TSTHINLIC_FAILURE_CONNECTION_CLOSED. Nothing is stored. Logged like any failed exchange. */
int tsthinlic_exchange_abandon(tsthinlic_exchange *exchange, int failure);

/* The text of the last failed call on the exchange (empty after a call that succeeded). */
int tsthinlic_exchange_last_error(tsthinlic_exchange *exchange, char *buffer, size_t capacity, size_t *length);

/* Closes the exchange (and its store, if the store's handle was closed before). NULL is accepted. */
int tsthinlic_exchange_close(tsthinlic_exchange *exchange);

#ifdef __cplusplus
}
#endif

#endif /* TSTHINLIC_H */
