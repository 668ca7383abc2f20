/* cmd_digest.c — `kokous digest NEWSLETTER.yaml -o DIR`. */
#define _POSIX_C_SOURCE 200809L
#include "cli/cli.h"
#include "model/document.h"
#include "model/ids.h"
#include "model/resources.h"
#include "render/render.h"
#include "util/fs.h"

#include <stdlib.h>
#include <string.h>

int kk_cmd_digest(int argc, char **argv)
{
    kk_render_opts opts = { 0 };
    bool quiet = false;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            kk_usage(stdout, "digest");
            return 0;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            opts.out_dir = argv[++i];
        } else if (!strcmp(a, "--styles") && i + 1 < argc) {
            opts.styles_dir = argv[++i];
        } else if (!strcmp(a, "--pdfa") && i + 1 < argc && (!strcmp(argv[i + 1], "1b") || !strcmp(argv[i + 1], "2b"))) {
            opts.pdfa_part = argv[++i][0] - '0';
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = true;
        } else if ((a[0] == '-' && a[1]) || path) {
            fprintf(stderr, "kokous digest: unexpected '%s'; see 'kokous digest --help'\n", a);
            return 2;
        } else {
            path = a;
        }
    }
    if (!path || !opts.out_dir) {
        fprintf(stderr, "kokous digest: give NEWSLETTER.yaml and -o DIR; see 'kokous digest --help'\n");
        return 2;
    }
    kk_diag *d = kk_diag_new(KK_DIAG_TEXT, stderr);
    if (!d)
        return 3;
    kk_diag_set_quiet(d, false);
    char *paths[1] = { (char *)path };
    kk_input *inputs = NULL;
    size_t n = 0;
    kk_resources *res = kk_resources_new(opts.styles_dir);
    kk_idset *ids = kk_idset_new();
    kk_renderer *r = kk_renderer_new(&opts);
    int rc = 0;
    if (!res || !ids || !r) {
        rc = 3;
    } else if (!kk_collect_inputs(paths, 1, &inputs, &n, d) || n != 1) {
        if (n > 1)
            fprintf(stderr, "kokous digest: %s is a folder; give one newsletter file\n", path);
        rc = kk_exit_code(d) ? kk_exit_code(d) : 2;
    } else {
        kk_source *src = kk_cli_load(&inputs[0], res, ids, d);
        kk_doc *doc = src ? kk_doc_new(src, d) : NULL;
        if (doc && doc->kind != KK_NEWSLETTER) {
            kk_error(d, path, 0, 0, "this is a %s, not a newsletter; 'kokous digest' takes a file "
                     "with 'kind: newsletter' (use 'kokous build' for other documents)", doc->kind_name);
        } else if (doc && kk_mkdirs(opts.out_dir, d) && kk_render_document(r, src, d) && !quiet) {
            printf("wrote %s/%s.pdf, .html and .txt\n", opts.out_dir, doc->id);
        }
        kk_doc_free(doc);
        kk_source_free(src);
        rc = kk_exit_code(d);
    }
    kk_inputs_free(inputs, n);
    kk_renderer_free(r);
    kk_idset_free(ids);
    kk_resources_free(res);
    kk_diag_free(d);
    return rc;
}
