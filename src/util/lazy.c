/*
 * lazy.c — opening a library on first use (lazy.h).
 */
#include "util/lazy.h"

#include <dlfcn.h>

bool kk_lazy_open(const char *soname, const char *const *names, void **functions, size_t n,
                  const char **error)
{
    /* RTLD_LOCAL: its symbols stay out of the global scope, so nothing
     * else resolves to them by accident. */
    void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    for (size_t i = 0; lib && i < n; i++)
        if (!(functions[i] = dlsym(lib, names[i])))
            lib = NULL;
    if (!lib)
        *error = dlerror();
    return lib != NULL;
}
