/*
 * The C tests' reporting: one line per test, "PASS name", "FAIL name: why" or "SKIP name: why", which run.sh counts
 * into the project's "N passed, N failed, N skipped" line. Each program exits 1 when anything failed.
 */
#ifndef TSTHINLIC_TESTS_CHECK_H
#define TSTHINLIC_TESTS_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int check_failures;

static inline void check_report(const char *verdict, const char *name, const char *format, va_list args)
{
    printf("%s %s", verdict, name);
    if (format != NULL && format[0] != '\0') {
        printf(": ");
        vprintf(format, args);
    }
    printf("\n");
    fflush(stdout);
}

static inline void pass(const char *name)
{
    printf("PASS %s\n", name);
    fflush(stdout);
}

static inline void fail(const char *name, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    check_report("FAIL", name, format, args);
    va_end(args);
    check_failures++;
}

static inline void skip(const char *name, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    check_report("SKIP", name, format, args);
    va_end(args);
}

#endif
