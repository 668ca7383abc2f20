#define _POSIX_C_SOURCE 200809L
#include "util/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A new file beside `path`, open for writing (mode 0600), its name in
 * *tmp_out (caller frees); -1 after reporting. */
static int open_temp_beside(const char *path, char **tmp_out, kk_diag *diag)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    size_t len = dirlen + strlen(base) + 10;
    char *tmp = malloc(len);
    if (!tmp) {
        kk_sys_error(diag, path, "out of memory");
        return -1;
    }
    snprintf(tmp, len, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        kk_sys_error(diag, path, "cannot create a temporary file: %s", strerror(errno));
        free(tmp);
        return -1;
    }
    *tmp_out = tmp;
    return fd;
}

char *kk_temp_beside(const char *path, kk_diag *diag)
{
    char *tmp;
    int fd = open_temp_beside(path, &tmp, diag);
    if (fd < 0)
        return NULL;
    close(fd);
    return tmp;
}

bool kk_write_atomic(const char *path, const void *data, size_t len, kk_diag *diag)
{
    char *tmp;
    int fd = open_temp_beside(path, &tmp, diag);
    if (fd < 0)
        return false;
    bool ok = true;
    for (const char *p = data; ok && len;) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        if (ok) {
            p += n;
            len -= (size_t)n;
        }
    }
    if (ok && fchmod(fd, 0644) != 0)   /* mkstemp's 0600 */
        ok = false;
    if (close(fd) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        kk_sys_error(diag, path, "cannot write: %s", strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return ok;
}

bool kk_mkdirs(const char *dir, kk_diag *diag)
{
    char *p = strdup(dir);
    if (!p) {
        kk_sys_error(diag, dir, "out of memory");
        return false;
    }
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                kk_sys_error(diag, dir, "cannot create the folder: %s", strerror(errno));
                free(p);
                return false;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    free(p);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        kk_sys_error(diag, dir, "is not a folder");
        return false;
    }
    return true;
}

unsigned char *kk_read_file(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            size_t want = cap ? cap * 2 : 16384;
            unsigned char *b = cap <= max ? realloc(buf, want + 1) : NULL;
            if (!b) {
                int e = cap > max ? EFBIG : ENOMEM;
                free(buf);
                fclose(f);
                errno = e;
                return NULL;
            }
            buf = b;
            cap = want;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    bool err = ferror(f);
    fclose(f);
    if (err || n > max) {
        free(buf);
        errno = err ? EIO : EFBIG;
        return NULL;
    }
    buf[n] = 0;   /* room was kept: text files may be used as strings */
    *len = n;
    return buf;
}

bool kk_source_date_epoch(long long *out)
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    if (!env || !*env)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(env, &end, 10);
    if (errno || *end || v < 0 || v > 253402300799LL)
        return false;
    *out = v;
    return true;
}
