/*
 * cmd_verify.c — `kokous verify PATH...`: signed PDFs and archive packages.
 * A .pdf goes to the signature verifier (src/sign); a folder or .tar to the
 * archive verifier when it is built in, and a folder's signed manifest
 * (signature.sig) to kk_verify_manifest.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli/cli.h"
#include "sign/sign.h"

#if defined(__has_include)
#if __has_include("archive/archive.h")
#include "archive/archive.h"
#define KK_HAVE_ARCHIVE 1
#endif
#endif

#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcasecmp(s + a - b, suffix);
}

int kk_cmd_verify(int argc, char **argv)
{
    const char *ca = NULL;
    int npaths = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            kk_usage(stdout, "verify");
            return 0;
        } else if (!strcmp(argv[i], "--ca") && i + 1 < argc) {
            ca = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "kokous verify: unknown option '%s' (options: --ca FILE)\n", argv[i]);
            return 2;
        } else {
            npaths++;
        }
    }
    if (!npaths) {
        fprintf(stderr, "kokous verify: give a signed PDF or an archive package; see 'kokous verify --help'\n");
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
        struct stat st;
        bool ok;
        if (stat(p, &st) != 0) {
            kk_sys_error(d, p, "no such file or folder");
            ok = false;
        } else if (S_ISREG(st.st_mode) && ends_with(p, ".pdf")) {
            ok = kk_sign_verify_pdf_ca(p, ca, d);
        } else if (S_ISDIR(st.st_mode) || ends_with(p, ".tar")) {
            bool did = false;
            ok = true;
#ifdef KK_HAVE_ARCHIVE
            ok = kk_archive_verify(p, d);
            did = true;
#endif
            if (S_ISDIR(st.st_mode)) {
                char sigpath[4096];
                snprintf(sigpath, sizeof sigpath, "%s/%s", p, KK_SIGN_MANIFEST_FILE);
                if (stat(sigpath, &st) == 0) {
                    ok = kk_verify_manifest_ca(p, ca, d) && ok;
                    did = true;
                }
            }
            if (!did) {
                kk_sys_error(d, p, "package verification is not built yet");
                ok = false;
            }
        } else {
            kk_diag_report(d, KK_ERROR, KK_FAIL_USAGE, p, 0, 0, "give a .pdf file, a package folder or a .tar package");
            ok = false;
        }
        all_ok &= ok;
    }
    int rc = all_ok ? 0 : kk_exit_code(d);
    if (!all_ok && rc == 0)
        rc = 1;
    kk_diag_free(d);
    return rc;
}
