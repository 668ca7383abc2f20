/*
 * cmd_verify.c — `kokous verify PATH...`: a .pdf's signatures go to the
 * signing stage (src/sign), an archive package (folder or .tar) to the
 * archive stage (src/archive), and a package folder's signed manifest
 * (signature.sig) back to the signing stage.  The dispatch lives here so
 * that neither stage knows the other.
 */
#define _POSIX_C_SOURCE 200809L
#include "archive/archive.h"
#include "cli/cli.h"
#include "sign/sign.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcasecmp(s + n - m, tail);
}

static bool verify_one(const char *p, const char *ca, kk_diag *d)
{
    struct stat st;
    if (stat(p, &st) != 0) {
        kk_sys_error(d, p, "no such file or folder");
        return false;
    }
    if (S_ISREG(st.st_mode) && ends_with(p, ".pdf"))
        return kk_sign_verify_pdf_ca(p, ca, d);
    if (!S_ISDIR(st.st_mode) && !ends_with(p, ".tar")) {
        kk_diag_report(d, KK_ERROR, KK_FAIL_USAGE, p, 0, 0, "give a .pdf file, a package folder or a .tar package");
        return false;
    }
    bool ok = kk_archive_verify(p, d);
    if (S_ISDIR(st.st_mode)) {
        char sig[4096];
        snprintf(sig, sizeof sig, "%s/%s", p, KK_SIGN_MANIFEST_FILE);
        if (stat(sig, &st) == 0)
            ok = kk_verify_manifest_ca(p, ca, d) && ok;
    }
    return ok;
}

int kk_cmd_verify(int argc, char **argv)
{
    const char *ca = NULL;
    bool quiet = false;
    int npaths = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            kk_usage(stdout, "verify");
            return 0;
        } else if (!strcmp(argv[i], "--ca") && i + 1 < argc) {
            ca = argv[++i];
        } else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
            quiet = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "kokous verify: unknown option '%s' (options: --ca FILE, --quiet)\n", argv[i]);
            return 2;
        } else {
            npaths++;
        }
    }
    if (!npaths) {
        fprintf(stderr, "kokous verify: give a signed PDF or an archive package (folder or .tar); see 'kokous verify --help'\n");
        return 2;
    }
    kk_diag *d = kk_diag_new(KK_DIAG_TEXT, stderr);
    if (!d)
        return 3;
    bool all_ok = true;
    for (int i = 1; i < argc; i++) {
        const char *p = argv[i];
        if (!strcmp(p, "--ca")) {
            i++;
            continue;
        }
        if (p[0] == '-' && p[1])
            continue;
        bool ok = verify_one(p, ca, d);
        if (ok && !quiet)
            printf("%s: ok\n", p);
        else if (!ok)
            fprintf(stderr, "%s: FAILED\n", p);
        all_ok &= ok;
    }
    int rc = kk_exit_code(d);
    if (!all_ok && rc == 0)
        rc = 1;
    kk_diag_free(d);
    return rc;
}
