/*
 * cli.h — the commands of the kokous program, one function each.
 * Each returns the process exit code: 0 ok, 1 invalid input, 2 usage,
 * 3 I/O or internal error.
 */
#ifndef KK_CLI_H
#define KK_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include "load/inputs.h"
#include "load/load.h"
#include "util/diag.h"

int kk_cmd_check(int argc, char **argv);
int kk_cmd_xml(int argc, char **argv);
int kk_cmd_schema(int argc, char **argv);
int kk_cmd_build(int argc, char **argv);
int kk_cmd_digest(int argc, char **argv);
int kk_cmd_archive(int argc, char **argv);
int kk_cmd_sign(int argc, char **argv);
int kk_cmd_verify(int argc, char **argv);


/* The common first half of check and build: load and validate a file,
 * check that its style and language exist, and that no earlier document
 * of the batch has its id.  NULL after reporting.  Caller frees. */
struct kk_resources;
struct kk_idset;
kk_source *kk_cli_load(const kk_input *in, struct kk_resources *res, struct kk_idset *ids, kk_diag *diag);

/* The exit code for a diagnostics sink's worst failure. */
int kk_exit_code(const kk_diag *d);

/* Print a command's help (from docs: the same text as `kokous CMD --help`). */
void kk_usage(FILE *out, const char *command);

#endif
