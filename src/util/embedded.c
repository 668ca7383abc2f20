#define _POSIX_C_SOURCE 200809L /* getcwd */
#include "util/embedded.h"
#include <string.h>
#include <unistd.h>

const kk_embedded_file *kk_embedded_find(const char *path)
{
    for (const kk_embedded_file *f = kk_embedded_files; f->path; f++)
        if (!strcmp(f->path, path))
            return f;
    return NULL;
}

const kk_embedded_file *kk_embedded_find_file(const char *path)
{
    const kk_embedded_file *f = kk_embedded_find(path);
    char cwd[4096];
    if (f || path[0] != '/' || !getcwd(cwd, sizeof cwd))
        return f;
    size_t l = strlen(cwd);
    if (strncmp(path, cwd, l) || path[l] != '/')
        return NULL;
    return kk_embedded_find(path + l + 1);
}
