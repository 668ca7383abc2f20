/* cmd_archive.c — `kokous archive PATH... -o OUT [--tar] [--pdfa 1b|2b]`. */
#define _POSIX_C_SOURCE 200809L
#include "archive/archive.h"
#include "cli/cli.h"
#include "model/ids.h"
#include "model/resources.h"

#include <stdlib.h>
#include <string.h>

/* Usage errors print one line and return 2; NULL paths on allocation failure. */
static int parse_args(int argc, char **argv, kk_archive_opts *o, kk_sign_key_opts *keys, bool *sign,
                      char **paths, int *npaths, bool *quiet)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            kk_usage(stdout, "archive");
            return 0;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            o->out_dir = argv[++i];
        } else if (!strcmp(a, "--tar")) {
            o->tar = true;
        } else if (!strcmp(a, "--id") && i + 1 < argc) {
            o->id = argv[++i];
        } else if (!strcmp(a, "--styles") && i + 1 < argc) {
            o->styles_dir = argv[++i];
        } else if (!strcmp(a, "--pdfa") && i + 1 < argc && (!strcmp(argv[i + 1], "1b") || !strcmp(argv[i + 1], "2b"))) {
            o->pdfa_part = argv[++i][0] - '0';
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            *quiet = true;
        } else if (!strcmp(a, "--sign")) {
            *sign = true;
        } else if (!strcmp(a, "--key") && i + 1 < argc) {
            keys->key = argv[++i];
        } else if (!strcmp(a, "--cert") && i + 1 < argc) {
            keys->cert = argv[++i];
        } else if (!strcmp(a, "--chain") && i + 1 < argc) {
            keys->chain = argv[++i];
        } else if (!strcmp(a, "--password-file") && i + 1 < argc) {
            keys->password_file = argv[++i];
        } else if (!strcmp(a, "--password-env") && i + 1 < argc) {
            keys->password_env = argv[++i];
        } else if (!strcmp(a, "--password")) {
            fprintf(stderr, "kokous archive: a password is never given on the command line (others can read it there): use --password-file or --password-env\n");
            return 2;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "kokous archive: unknown or incomplete option '%s'; see 'kokous archive --help'\n", a);
            return 2;
        } else {
            paths[(*npaths)++] = argv[i];
        }
    }
    if (!*npaths || !o->out_dir) {
        fprintf(stderr, "kokous archive: give PATH... and -o OUT; see 'kokous archive --help'\n");
        return 2;
    }
    if (*sign != (keys->key != NULL)) {
        fprintf(stderr, "kokous archive: --sign needs --key KEY (and --cert CERT unless the key is PKCS#12)\n");
        return 2;
    }
    if (*sign)
        o->sign = keys;
    return -1;
}

int kk_cmd_archive(int argc, char **argv)
{
    kk_archive_opts opts = { 0 };
    kk_sign_key_opts keys = { 0 };
    bool quiet = false, sign = false;
    int npaths = 0;
    char **paths = calloc((size_t)argc, sizeof *paths);
    if (!paths)
        return 3;
    int rc = parse_args(argc, argv, &opts, &keys, &sign, paths, &npaths, &quiet);
    if (rc >= 0) {
        free(paths);
        return rc;
    }
    kk_diag *d = kk_diag_new(KK_DIAG_TEXT, stderr);
    if (!d) {
        free(paths);
        return 3;
    }
    kk_diag_set_quiet(d, quiet);
    kk_input *inputs = NULL;
    size_t n = 0, loaded = 0;
    kk_collect_inputs(paths, npaths, &inputs, &n, d);
    kk_resources *res = kk_resources_new(opts.styles_dir);
    kk_idset *ids = kk_idset_new();
    kk_source **srcs = calloc(n ? n : 1, sizeof *srcs);
    /* a package is the whole set or nothing: one invalid document stops it */
    for (size_t i = 0; res && ids && srcs && i < n; i++)
        if ((srcs[loaded] = kk_cli_load(&inputs[i], res, ids, d)))
            loaded++;
    rc = kk_exit_code(d);
    if (!res || !ids || !srcs) {
        rc = 3;
    } else if (rc == 0 && n == 0) {
        fprintf(stderr, "kokous archive: no *.yaml or *.yml files found\n");
        rc = 1;
    } else if (rc == 0 && loaded == n) {
        char *out = kk_archive_build(srcs, n, &opts, d);
        rc = out ? kk_exit_code(d) : kk_exit_code(d) ? kk_exit_code(d) : 3;
        if (out && !quiet)
            printf("archived %zu document%s into %s\n", n, n == 1 ? "" : "s", out);
        free(out);
    } else {
        fprintf(stderr, "kokous archive: no package written (fix the errors above)\n");
        if (!rc)
            rc = 1;
    }
    for (size_t i = 0; srcs && i < loaded; i++)
        kk_source_free(srcs[i]);
    free(srcs);
    kk_resources_free(res);
    kk_idset_free(ids);
    kk_inputs_free(inputs, n);
    kk_diag_free(d);
    free(paths);
    return rc;
}
