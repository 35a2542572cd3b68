#include "nor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nor_init(nor *flash, uint64_t size, uint32_t program_unit, uint32_t erase_unit, uint8_t erase_value)
{
    memset(flash, 0, sizeof *flash);
    if (size == 0 || erase_unit == 0 || program_unit == 0 || size % erase_unit != 0 || (size_t)size != size) {
        return -1;
    }
    flash->cells = (uint8_t *)malloc((size_t)size);
    if (flash->cells == NULL) {
        return -1;
    }
    memset(flash->cells, erase_value, (size_t)size);
    flash->size = size;
    flash->program_unit = program_unit;
    flash->erase_unit = erase_unit;
    flash->erase_value = erase_value;
    flash->cut_after = -1;
    flash->torn_bytes = -1;
    flash->lossy_after = -1;
    flash->powered = 1;
    return 0;
}

int nor_copy(nor *to, const nor *from)
{
    if (nor_init(to, from->size, from->program_unit, from->erase_unit, from->erase_value) != 0) {
        return -1;
    }
    memcpy(to->cells, from->cells, (size_t)from->size);
    return 0;
}

void nor_free(nor *flash)
{
    free(flash->cells);
    memset(flash, 0, sizeof *flash);
}

void nor_cut_after(nor *flash, long operations, long torn_bytes)
{
    flash->cut_after = flash->operations + operations;
    flash->torn_bytes = torn_bytes;
}

void nor_power_on(nor *flash)
{
    flash->powered = 1;
    flash->cut_after = -1;
    flash->torn_bytes = -1;
}

static int violate(nor *flash, const char *what, uint64_t offset, uint64_t length)
{
    if (flash->violations++ == 0) {
        snprintf(flash->violation, sizeof flash->violation, "%s (%llu bytes at 0x%llx)", what,
            (unsigned long long)length, (unsigned long long)offset);
    }
    return -2;
}

static int in_range(const nor *flash, uint64_t offset, uint64_t length)
{
    return offset <= flash->size && length <= flash->size - offset;
}

/* Counts an operation; 1 when the power goes with it. */
static int count(nor *flash, char kind, uint64_t length)
{
    if (flash->operations < NOR_MAX_RECORDED) {
        flash->kinds[flash->operations] = kind;
        flash->lengths[flash->operations] = length;
    }
    flash->operations++;
    if (flash->cut_after >= 0 && flash->operations >= flash->cut_after) {
        flash->powered = 0;
        return 1;
    }
    return 0;
}

static int nor_read(void *context, uint64_t offset, uint8_t *buffer, size_t length)
{
    nor *flash = (nor *)context;
    if (!flash->powered) {
        return -1;
    }
    if (!in_range(flash, offset, length)) {
        return violate(flash, "read outside the partition", offset, length);
    }
    memcpy(buffer, flash->cells + offset, length);
    return 0;
}

static int nor_program(void *context, uint64_t offset, const uint8_t *data, size_t length)
{
    nor *flash = (nor *)context;
    size_t i, done;
    int cut;
    if (!flash->powered) {
        return -1;
    }
    if (!in_range(flash, offset, length)) {
        return violate(flash, "program outside the partition", offset, length);
    }
    if (offset % flash->program_unit != 0 || length % flash->program_unit != 0) {
        return violate(flash, "program not aligned to the program unit", offset, length);
    }
    for (i = 0; i < length; i++) {
        if ((data[i] & (uint8_t)~flash->cells[offset + i]) != 0) {
            return violate(flash, "program would set a bit from 0 to 1", offset + i, 1);
        }
    }
    cut = count(flash, 'p', length);
    if (flash->lossy_after >= 0 && flash->programs++ >= flash->lossy_after) {
        return 0;
    }
    done = length;
    if (cut && flash->torn_bytes >= 0 && (size_t)flash->torn_bytes < length) {
        done = (size_t)flash->torn_bytes;
    }
    for (i = 0; i < done; i++) {
        flash->cells[offset + i] &= data[i];
    }
    /* A torn program never returns: the power went during it. */
    return cut && done < length ? -1 : 0;
}

static int nor_erase(void *context, uint64_t offset, uint64_t length)
{
    nor *flash = (nor *)context;
    if (!flash->powered) {
        return -1;
    }
    if (!in_range(flash, offset, length)) {
        return violate(flash, "erase outside the partition", offset, length);
    }
    if (offset % flash->erase_unit != 0 || length % flash->erase_unit != 0) {
        return violate(flash, "erase not whole erase units", offset, length);
    }
    if (count(flash, 'e', length) && flash->torn_bytes >= 0 && (uint64_t)flash->torn_bytes < length) {
        /* Cut part-way: only the first bytes are erased. */
        memset(flash->cells + offset, flash->erase_value, (size_t)flash->torn_bytes);
        return -1;
    }
    memset(flash->cells + offset, flash->erase_value, (size_t)length);
    return 0;
}

static int nor_sync(void *context)
{
    nor *flash = (nor *)context;
    return flash->powered ? 0 : -1;
}

tsthinlic_flash nor_callbacks(nor *flash)
{
    tsthinlic_flash callbacks;
    memset(&callbacks, 0, sizeof callbacks);
    callbacks.struct_size = sizeof callbacks;
    callbacks.program_unit = flash->program_unit;
    callbacks.erase_unit = flash->erase_unit;
    callbacks.erase_value = flash->erase_value;
    callbacks.size = flash->size;
    callbacks.context = flash;
    callbacks.read = nor_read;
    callbacks.program = nor_program;
    callbacks.erase = nor_erase;
    callbacks.sync = nor_sync;
    return callbacks;
}
