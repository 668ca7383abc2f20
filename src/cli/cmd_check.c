/* cmd_check.c — `kokous check`, `kokous xml`, `kokous schema`. */
#define _POSIX_C_SOURCE 200809L
#include "cli/cli.h"
#include "model/ids.h"
#include "model/resources.h"
#include "validate/validate.h"

#include <stdlib.h>
#include <string.h>

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(out, "\\u%04x", *c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

static void print_json(FILE *out, const kk_diag *d, size_t files, size_t invalid)
{
    fprintf(out, "{\"documents\": %zu, \"valid\": %zu, \"invalid\": %zu, \"diagnostics\": [", files, files - invalid, invalid);
    for (size_t i = 0; i < kk_diag_count(d); i++) {
        const kk_diagnostic *g = kk_diag_get(d, i);
        fprintf(out, "%s\n  {\"file\": ", i ? "," : "");
        json_string(out, g->file);
        fprintf(out, ", \"line\": %u, \"column\": %u, \"severity\": \"%s\", \"message\": ", g->line, g->col,
                g->severity == KK_ERROR ? "error" : g->severity == KK_WARNING ? "warning" : "note");
        json_string(out, g->message);
        fputc('}', out);
    }
    fprintf(out, "%s]}\n", kk_diag_count(d) ? "\n" : "");
}

int kk_cmd_check(int argc, char **argv)
{
    bool quiet = false, json = false;
    const char *styles_dir = NULL;
    char **paths = calloc((size_t)argc, sizeof *paths);
    int npaths = 0;
    if (!paths)
        return 3;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            kk_usage(stdout, "check");
            free(paths);
            return 0;
        } else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
            quiet = true;
        } else if (!strcmp(argv[i], "--format") && i + 1 < argc && (!strcmp(argv[i + 1], "json") || !strcmp(argv[i + 1], "text"))) {
            json = !strcmp(argv[++i], "json");
        } else if (!strncmp(argv[i], "--format=", 9) && (!strcmp(argv[i] + 9, "json") || !strcmp(argv[i] + 9, "text"))) {
            json = !strcmp(argv[i] + 9, "json");
        } else if (!strcmp(argv[i], "--styles") && i + 1 < argc) {
            styles_dir = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "kokous check: unknown option '%s' (options: --quiet, --format text|json, --styles DIR)\n", argv[i]);
            free(paths);
            return 2;
        } else {
            paths[npaths++] = argv[i];
        }
    }
    if (!npaths) {
        fprintf(stderr, "kokous check: give at least one file or folder; see 'kokous check --help'\n");
        free(paths);
        return 2;
    }
    kk_diag *d = kk_diag_new(json ? KK_DIAG_JSON : KK_DIAG_TEXT, stderr);
    if (!d) {
        free(paths);
        return 3;
    }
    kk_input *inputs;
    size_t n, invalid = 0;
    kk_collect_inputs(paths, npaths, &inputs, &n, d);
    kk_resources *res = kk_resources_new(styles_dir);
    kk_idset *ids = kk_idset_new();
    for (size_t i = 0; res && ids && i < n; i++) {
        size_t before = kk_diag_error_count(d);
        kk_source *src = kk_cli_load(&inputs[i], res, ids, d);
        if (!src || kk_diag_error_count(d) > before)
            invalid++;
        kk_source_free(src);
    }
    if (json)
        print_json(stdout, d, n, invalid);
    else if (!quiet) {
        if (invalid)
            printf("checked %zu document%s: %zu valid, %zu invalid (%zu error%s)\n", n, n == 1 ? "" : "s",
                   n - invalid, invalid, kk_diag_error_count(d), kk_diag_error_count(d) == 1 ? "" : "s");
        else
            printf("checked %zu document%s: all valid\n", n, n == 1 ? "" : "s");
    }
    int rc = kk_exit_code(d);
    if (rc == 0 && n == 0) {
        fprintf(stderr, "kokous check: no *.yaml or *.yml files found\n");
        rc = 1;
    }
    kk_resources_free(res);
    kk_idset_free(ids);
    kk_inputs_free(inputs, n);
    kk_diag_free(d);
    free(paths);
    return rc;
}

static void print_xml(const kk_source *src)
{
    int len = 0;
    xmlChar *mem = kk_source_xml(src, &len);
    if (mem)
        fwrite(mem, 1, (size_t)len, stdout);
    xmlFree(mem);
}

/* `kokous xml --style FILE` / `--locale FILE`: the canonical XML of a
 * style or label file, validated like a document. */
static int data_xml(const char *path, kk_schema_id id, const char *root, kk_diag *d)
{
    const kk_schema *s = kk_schema_builtin(id, d);
    kk_source *src = s ? kk_source_load(path, root, s, d) : NULL;
    if (src && kk_schema_validate(s, src, d))
        print_xml(src);
    kk_source_free(src);
    return kk_exit_code(d);
}

int kk_cmd_xml(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        kk_usage(stdout, "xml");
        return 0;
    }
    bool style = argc == 3 && !strcmp(argv[1], "--style"), locale = argc == 3 && !strcmp(argv[1], "--locale");
    if (!style && !locale && (argc != 2 || argv[1][0] == '-')) {
        fprintf(stderr, "usage: kokous xml FILE.yaml | --style FILE | --locale FILE\n");
        return 2;
    }
    kk_diag *d = kk_diag_new(KK_DIAG_TEXT, stderr);
    if (!d)
        return 3;
    if (style || locale) {
        int rc = data_xml(argv[2], style ? KK_SCHEMA_STYLE : KK_SCHEMA_LOCALE, style ? "style" : "locale", d);
        kk_diag_free(d);
        return rc;
    }
    kk_input *inputs;
    size_t n;
    int rc;
    if (kk_collect_inputs(argv + 1, 1, &inputs, &n, d) && n == 1) {
        kk_source *src = kk_load_document(inputs[0].path, inputs[0].root, d);
        if (src)
            print_xml(src);
        kk_source_free(src);
    } else if (n != 1 && kk_diag_error_count(d) == 0) {
        fprintf(stderr, "kokous xml: give exactly one document file\n");
        kk_inputs_free(inputs, n);
        kk_diag_free(d);
        return 2;
    }
    rc = kk_exit_code(d);
    kk_inputs_free(inputs, n);
    kk_diag_free(d);
    return rc;
}

int kk_cmd_schema(int argc, char **argv)
{
    kk_schema_id id = KK_SCHEMA_DOCUMENT;
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        kk_usage(stdout, "schema");
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "style"))
        id = KK_SCHEMA_STYLE;
    else if (argc == 2 && !strcmp(argv[1], "locale"))
        id = KK_SCHEMA_LOCALE;
    else if (argc != 1 && !(argc == 2 && !strcmp(argv[1], "document"))) {
        fprintf(stderr, "usage: kokous schema [document|style|locale]\n");
        return 2;
    }
    size_t len;
    const char *text = kk_schema_builtin_text(id, &len);
    if (!text)
        return 3;
    fwrite(text, 1, len, stdout);
    return ferror(stdout) ? 3 : 0;
}
