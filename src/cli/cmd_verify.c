/* cmd_verify.c — `kokous verify PATH...`: an archive package (folder or
 * .tar) is checked by the archive stage, a PDF's signatures by the signing
 * stage.  The dispatcher lives here so neither stage knows the other. */
#define _POSIX_C_SOURCE 200809L
#include "archive/archive.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#if defined(__has_include)
#if __has_include("sign/sign.h")
#include "sign/sign.h"
#define KK_HAVE_SIGN 1
#endif
#endif

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcasecmp(s + n - m, tail);
}

int kk_cmd_verify(int argc, char **argv)
{
    int npaths = 0;
    bool quiet = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            kk_usage(stdout, "verify");
            return 0;
        } else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
            quiet = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "kokous verify: unknown option '%s'; see 'kokous verify --help'\n", argv[i]);
            return 2;
        } else {
            npaths++;
        }
    }
    if (!npaths) {
        fprintf(stderr, "kokous verify: give a package (folder or .tar) or a PDF; see 'kokous verify --help'\n");
        return 2;
    }
    kk_diag *d = kk_diag_new(KK_DIAG_TEXT, stderr);
    if (!d)
        return 3;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        const char *p = argv[i];
        if (p[0] == '-' && p[1])
            continue;
        struct stat st;
        bool dir = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
        bool ok;
        if (!dir && ends_with(p, ".pdf")) {
#ifdef KK_HAVE_SIGN
            ok = kk_sign_verify_pdf(p, d);
#else
            fprintf(stderr, "kokous verify: PDF signature verification is not built yet\n");
            kk_diag_free(d);
            return 3;
#endif
        } else {
            ok = kk_archive_verify(p, d);
        }
        if (ok && !quiet)
            printf("%s: ok\n", p);
        else if (!ok)
            fprintf(stderr, "%s: FAILED\n", p);
    }
    rc = kk_exit_code(d);
    kk_diag_free(d);
    return rc;
}
