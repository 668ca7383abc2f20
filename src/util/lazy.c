/*
 * lazy.c — opening a library on first use (lazy.h).
 */
#include "util/lazy.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static gpointer load(gpointer data)
{
    kk_lazy_lib *lib = data;
    /* RTLD_LOCAL: its symbols stay out of the global scope, so nothing
     * else resolves to them by accident. */
    void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    for (size_t i = 0; h && i < lib->n; i++)
        if (!(lib->functions[i] = dlsym(h, lib->names[i])))
            h = NULL;
    return h;   /* on failure dlerror() keeps the reason for kk_lazy_function */
}

bool kk_lazy_load(kk_lazy_lib *lib)
{
    return g_once(&lib->once, load, lib) != NULL;
}

void *kk_lazy_function(kk_lazy_lib *lib, int which)
{
    if (!kk_lazy_load(lib)) {
        const char *why = dlerror();
        fprintf(stderr, "kokous: internal error: cannot use %s (%s); it is part of kokous's installation\n",
                lib->soname, why ? why : "not found");
        exit(3);
    }
    return lib->functions[which];
}
