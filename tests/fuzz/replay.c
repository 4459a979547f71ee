/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Plain driver for any libFuzzer target (zstd's regression_driver.c idea):
 * feeds files to LLVMFuzzerTestOneInput() without libFuzzer, so every
 * compiler and CI run replays the seeds and the saved crashes.
 *
 *   replay CORPUS [MORE...]
 *
 * Each argument is a file or a directory (its regular files, not recursive).
 * The first argument is the corpus: it must exist and hold at least one
 * input. Later ones (committed regressions/<target>) may be missing or empty.
 * Each input gets its own exactly-sized heap copy so ASan sees any over-read.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read a whole file into an exactly-sized buffer; returns 0 on success. */
static int read_file(const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return -1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) {
            break;
        }
        uint8_t *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int failed = buf == NULL || ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return -1;
    }
    /* Shrink to the exact size (at least 1 byte so the pointer is valid). */
    uint8_t *exact = malloc(n ? n : 1);
    if (exact == NULL) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, n);
    free(buf);
    *out = exact;
    *len = n;
    return 0;
}

static int run_file(const char *path)
{
    uint8_t *data;
    size_t len;
    if (read_file(path, &data, &len) != 0) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    return 0;
}

/* Runs every regular file of dir; returns how many, or -1 on a read error. */
static long run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return -1;
    }
    long count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(n);
        struct stat sb;
        if (path == NULL) {
            count = -1;
            break;
        }
        snprintf(path, n, "%s/%s", dir, e->d_name);
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
            if (run_file(path) != 0) {
                free(path);
                count = -1;
                break;
            }
            count++;
        }
        free(path);
    }
    closedir(d);
    return count;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS [MORE...]\n", argv[0]);
        return 2;
    }
    long total = 0;
    for (int i = 1; i < argc; i++) {
        int required = i == 1;
        struct stat sb;
        long n;
        if (stat(argv[i], &sb) != 0) {
            if (required) {
                fprintf(stderr, "replay: corpus %s is missing\n", argv[i]);
                return 1;
            }
            printf("replay: %s absent, skipped\n", argv[i]);
            continue;
        }
        if (S_ISDIR(sb.st_mode)) {
            n = run_dir(argv[i]);
        } else {
            n = run_file(argv[i]) == 0 ? 1 : -1;
        }
        if (n < 0) {
            fprintf(stderr, "replay: cannot read %s\n", argv[i]);
            return 1;
        }
        if (n == 0 && required) {
            fprintf(stderr, "replay: corpus %s holds no input\n", argv[i]);
            return 1;
        }
        printf("replay: %ld inputs from %s\n", n, argv[i]);
        total += n;
    }
    printf("replay: %ld inputs ran\n", total);
    return 0;
}
