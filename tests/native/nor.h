/*
 * An emulated raw NOR partition for the flash-callback store (littlefs's emubd, in spirit): programming only clears
 * bits (1 -> 0), an erase sets a whole erase unit to the erase value, and the power can be cut after the k-th program
 * or erase, or in the middle of one (torn: its first bytes programmed or erased, the rest not). After the cut every callback
 * fails and nothing changes, until nor_power_on. A program that would set a bit, or an unaligned or out-of-range
 * access, is a violation: recorded, refused, and a test failure.
 */
#ifndef TSTHINLIC_TESTS_NOR_H
#define TSTHINLIC_TESTS_NOR_H

#include <stddef.h>
#include <stdint.h>

#include "tsthinlic.h"

#define NOR_MAX_RECORDED 4096

typedef struct nor {
    uint8_t *cells;
    uint64_t size;
    uint32_t program_unit;
    uint32_t erase_unit;
    uint8_t erase_value;
    long operations;    /* programs and erases done (torn ones included) */
    long cut_after;     /* cut the power once this many operations are done; -1: never */
    long torn_bytes;    /* >= 0: the cutting operation, a program, stops after this many bytes */
    int powered;
    long lossy_after;   /* >= 0: programs after this many report success and program nothing (a broken driver) */
    long programs;
    char kinds[NOR_MAX_RECORDED];        /* 'p' program or 'e' erase, per operation */
    uint64_t lengths[NOR_MAX_RECORDED];  /* its length */
    int violations;
    char violation[256];
} nor;

/* A partition of size bytes, all erased; 0 on success. */
int nor_init(nor *flash, uint64_t size, uint32_t program_unit, uint32_t erase_unit, uint8_t erase_value);

/* The same cells, a new power state (no cut). */
int nor_copy(nor *to, const nor *from);

void nor_free(nor *flash);

void nor_cut_after(nor *flash, long operations, long torn_bytes);

void nor_power_on(nor *flash);

/* The tsthinlic_flash of this partition, its callbacks and context set. */
tsthinlic_flash nor_callbacks(nor *flash);

#endif
