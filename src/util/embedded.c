#include "util/embedded.h"
#include <string.h>

const kk_embedded_file *kk_embedded_find(const char *path)
{
    for (const kk_embedded_file *f = kk_embedded_files; f->path; f++)
        if (!strcmp(f->path, path))
            return f;
    return NULL;
}
