/* cmd_build.c — `kokous build PATH... -o DIR`. */
#define _POSIX_C_SOURCE 200809L
#include "cli/cli.h"
#include "model/ids.h"
#include "model/resources.h"
#include "render/render.h"
#include "util/fs.h"
#include "validate/validate.h"

#include <stdlib.h>
#include <string.h>

int kk_cmd_build(int argc, char **argv)
{
    kk_render_opts opts = { 0 };
    bool quiet = false;
    char **paths = calloc((size_t)argc, sizeof *paths);
    int npaths = 0;
    if (!paths)
        return 3;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            kk_usage(stdout, "build");
            free(paths);
            return 0;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            opts.out_dir = argv[++i];
        } else if (!strcmp(a, "--excerpt") && i + 1 < argc && atoi(argv[i + 1]) > 0) {
            opts.excerpt_section = atoi(argv[++i]);
        } else if (!strcmp(a, "--styles") && i + 1 < argc) {
            opts.styles_dir = argv[++i];
        } else if (!strcmp(a, "--pdfa") && i + 1 < argc && (!strcmp(argv[i + 1], "1b") || !strcmp(argv[i + 1], "2b"))) {
            opts.pdfa_part = argv[++i][0] - '0';
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = true;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "kokous build: unknown or incomplete option '%s'; see 'kokous build --help'\n", a);
            free(paths);
            return 2;
        } else {
            paths[npaths++] = argv[i];
        }
    }
    if (!npaths || !opts.out_dir) {
        fprintf(stderr, "kokous build: give PATH... and -o DIR; see 'kokous build --help'\n");
        free(paths);
        return 2;
    }
    kk_diag *d = kk_diag_new(KK_DIAG_TEXT, stderr);
    kk_renderer *r = d ? kk_renderer_new(&opts) : NULL;
    if (!r || !kk_mkdirs(opts.out_dir, d)) {
        int rc = d ? kk_exit_code(d) : 3;
        kk_renderer_free(r);
        kk_diag_free(d);
        free(paths);
        return rc ? rc : 3;
    }
    kk_input *inputs;
    size_t n, built = 0, failed = 0;
    kk_collect_inputs(paths, npaths, &inputs, &n, d);
    kk_resources *res = kk_resources_new(opts.styles_dir);
    kk_idset *ids = kk_idset_new();
    for (size_t i = 0; res && ids && i < n; i++) {
        size_t before = kk_diag_error_count(d);
        kk_source *src = kk_cli_load(&inputs[i], res, ids, d);
        if (src && kk_render_document(r, src, d)
            && kk_diag_error_count(d) == before)
            built++;
        else
            failed++;
        kk_source_free(src);
    }
    if (opts.excerpt_section && !kk_renderer_excerpts(r))
        kk_diag_report(d, KK_WARNING, KK_FAIL_NONE, NULL, 0, 0, "no document has § %d: no excerpt written", opts.excerpt_section);
    if (!quiet)
        printf("built %zu of %zu document%s into %s%s\n", built, n, n == 1 ? "" : "s", opts.out_dir,
               failed ? " (some failed: see the errors above)" : "");
    int rc = kk_exit_code(d);
    if (rc == 0 && n == 0) {
        fprintf(stderr, "kokous build: no *.yaml or *.yml files found\n");
        rc = 1;
    }
    kk_resources_free(res);
    kk_idset_free(ids);
    kk_inputs_free(inputs, n);
    kk_renderer_free(r);
    kk_diag_free(d);
    free(paths);
    return rc;
}
