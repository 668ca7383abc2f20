/*
 * main.c — `kokous COMMAND ...`: dispatch, global options, help.
 * The help texts live in docs/help/ (embedded), the same words as
 * docs/kokous.1.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli/cli.h"
#include "layout/layout.h"
#include "util/embedded.h"
#include "validate/schema.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#ifndef KK_VERSION
#define KK_VERSION "0.0.0"
#endif

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    { "check", kk_cmd_check },
    { "xml", kk_cmd_xml },
    { "schema", kk_cmd_schema },
    { "build", kk_cmd_build },
    { "digest", kk_cmd_digest },
    { "archive", kk_cmd_archive }, { "verify", kk_cmd_verify },
    { "sign", kk_cmd_sign },
};

void kk_usage(FILE *out, const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "docs/help/%s.txt", name ? name : "kokous");
    const kk_embedded_file *f = kk_embedded_find(path);
    fputs(f ? f->data : "usage: kokous COMMAND [OPTIONS] PATH...\n", out);
}

int kk_exit_code(const kk_diag *d)
{
    return (int)kk_diag_worst(d);
}

/* A document's work frees most of what it allocated, and glibc gives the
 * top of the heap back to the kernel each time, only to fault it in again
 * for the next document (50 brk calls a document).  Keeping up to 64 MB of
 * it costs no peak memory and a batch 3% of its time. */
static void keep_heap(void)
{
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
#endif
}

int main(int argc, char **argv)
{
    keep_heap();
    kk_layout_process_init();
    xmlInitParser();
    int rc = 2;
    if (argc < 2) {
        kk_usage(stderr, NULL);
    } else if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        kk_usage(stdout, argc > 2 && strcmp(argv[1], "help") == 0 ? argv[2] : NULL);
        rc = 0;
    } else if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("kokous %s\n", KK_VERSION);
        rc = 0;
    } else {
        const command *cmd = NULL;
        for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
            if (!strcmp(argv[1], commands[i].name))
                cmd = &commands[i];
        if (!cmd) {
            fprintf(stderr, "kokous: unknown command '%s'; see 'kokous --help'\n", argv[1]);
        } else {
            rc = cmd->run(argc - 1, argv + 1);
        }
    }
    kk_schema_cleanup();
    xmlCleanupParser();
    return rc;
}
