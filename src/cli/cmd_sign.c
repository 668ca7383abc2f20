/* cmd_sign.c — `kokous sign FILE.pdf --key KEY --role ROLE --name NAME`. */
#define _POSIX_C_SOURCE 200809L
#include "cli/cli.h"
#include "sign/sign.h"

#include <string.h>
#include <time.h>

static bool value_opt(const char *a, const char *name, int *i, int argc, char **argv, const char **out)
{
    size_t n = strlen(name);
    if (!strcmp(a, name) && *i + 1 < argc) {
        *out = argv[++*i];
        return true;
    }
    if (!strncmp(a, name, n) && a[n] == '=') {
        *out = a + n + 1;
        return true;
    }
    return false;
}

int kk_cmd_sign(int argc, char **argv)
{
    kk_sign_opts o = { 0 };
    const char *file = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            kk_usage(stdout, "sign");
            return 0;
        } else if (value_opt(a, "--key", &i, argc, argv, &o.keys.key) || value_opt(a, "--cert", &i, argc, argv, &o.keys.cert)
                   || value_opt(a, "--chain", &i, argc, argv, &o.keys.chain)
                   || value_opt(a, "--password-file", &i, argc, argv, &o.keys.password_file)
                   || value_opt(a, "--password-env", &i, argc, argv, &o.keys.password_env)
                   || value_opt(a, "--role", &i, argc, argv, &o.role) || value_opt(a, "--name", &i, argc, argv, &o.name)
                   || value_opt(a, "-o", &i, argc, argv, &out) || value_opt(a, "--output", &i, argc, argv, &out)) {
            continue;
        } else if (!strncmp(a, "--password", 10) || !strcmp(a, "--pass")) {
            fprintf(stderr, "kokous sign: a password is never given on the command line (it would show in the process list); "
                            "use --password-file FILE or --password-env VAR\n");
            return 2;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "kokous sign: unknown option '%s' or missing value; see 'kokous sign --help'\n", a);
            return 2;
        } else if (file) {
            fprintf(stderr, "kokous sign: give exactly one PDF file\n");
            return 2;
        } else {
            file = a;
        }
    }
    if (!file || !o.keys.key || !o.role || !o.name) {
        fprintf(stderr, "kokous sign: usage: kokous sign FILE.pdf --key KEY --role chair|secretary|checker --name NAME [-o OUT.pdf]\n");
        return 2;
    }
    if (o.keys.password_file && o.keys.password_env) {
        fprintf(stderr, "kokous sign: give --password-file or --password-env, not both\n");
        return 2;
    }
    /* The claimed signing time is the real one: a signature records when it
     * was made, so SOURCE_DATE_EPOCH does not apply here. */
    o.when = time(NULL);
    kk_diag *d = kk_diag_new(KK_DIAG_TEXT, stderr);
    if (!d)
        return 3;
    bool ok = kk_sign_pdf(file, out ? out : file, &o, d);
    int rc = ok ? 0 : kk_exit_code(d);
    if (!ok && rc == 0)
        rc = 3;
    kk_diag_free(d);
    return rc;
}
