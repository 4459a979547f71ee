/* SPDX-License-Identifier: BSD-2-Clause */
#define _DEFAULT_SOURCE
#include "support/corpus.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int corpus_dir(char *buf, size_t len)
{
    const char *shared = getenv("TCPSTATE_SHARED_DIR");
    snprintf(buf, len, "%s/corpus", shared != NULL ? shared : "../shared");
    struct stat sb;
    return stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int is_capture(const char *name)
{
    static const char *const ext[] = {".pcap", ".pcapng", ".trace"};
    size_t l = strlen(name);
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t e = strlen(ext[i]);
        if (l > e && strcmp(name + l - e, ext[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

unsigned corpus_walk(const char *dir, void (*fn)(const char *path, void *user), void *user)
{
    unsigned files = 0;
    DIR *dp = opendir(dir);
    if (dp == NULL) {
        return 0;
    }
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        char path[4096];
        struct stat sb;
        if (de->d_name[0] == '.') {
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (stat(path, &sb) != 0) {
            continue;
        }
        if (S_ISDIR(sb.st_mode)) {
            files += corpus_walk(path, fn, user);
        } else if (is_capture(de->d_name)) {
            fn(path, user);
            files++;
        }
    }
    closedir(dp);
    return files;
}
