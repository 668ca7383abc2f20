/* batch.c — worker processes with results in job order (see batch.h). */
#define _GNU_SOURCE
#include "render/batch.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

bool kk_bytes_put(kk_bytes *b, const void *data, size_t len)
{
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + len)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d)
            return false;
        b->data = d;
        b->cap = cap;
    }
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    return true;
}

void kk_bytes_free(kk_bytes *b)
{
    free(b->data);
    *b = (kk_bytes){ 0 };
}

int kk_batch_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static bool write_all(int fd, const void *p, size_t len)
{
    const unsigned char *c = p;
    while (len) {
        ssize_t w = write(fd, c, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        c += w;
        len -= (size_t)w;
    }
    return true;
}

static bool read_all(int fd, void *p, size_t len)
{
    unsigned char *c = p;
    while (len) {
        ssize_t r = read(fd, c, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        c += r;
        len -= (size_t)r;
    }
    return true;
}

typedef struct worker {
    pid_t pid;          /* 0 = slot free */
    int task_fd;        /* parent writes job numbers */
    int res_fd;         /* parent reads results */
    size_t job;         /* the job it runs */
    bool child;         /* forked by the parent itself (not by the spawner): waited for */
} worker;

/* The result header's top bit: the worker exits after this result. */
#define RETIRING ((uint64_t)1 << 63)

/* Resident memory in bytes (Linux), 0 when unknown. */
static size_t resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? (size_t)resident * (size_t)page : 0;
}

/* Never returns.  `state`: one made by the spawner and inherited through
 * fork(), or NULL for a state of the worker's own. */
static void worker_main(int task_fd, int res_fd, const kk_batch_ops *ops, void *state)
{
    if (!state && ops->init)
        state = ops->init(ops->ctx);
    kk_bytes out = { 0 };
    uint64_t job;
    size_t base = 0;
    while (read_all(task_fd, &job, sizeof job)) {
        out.len = 0;
        ops->work(state, (size_t)job, &out);
        size_t rss = ops->recycle_growth ? resident_bytes() : 0;
        if (!base)
            base = rss;   /* after the first job: caches warm, fonts open */
        bool retiring = rss > base && rss - base > ops->recycle_growth;
        uint64_t len = out.len | (retiring ? RETIRING : 0);
        if (!write_all(res_fd, &len, sizeof len) || !write_all(res_fd, out.data, out.len) || retiring)
            break;
    }
    kk_bytes_free(&out);
    if (ops->fini)
        ops->fini(state);
    /* _exit: the parent's stdio buffers and atexit handlers are not ours */
    _exit(0);
}

/* ---- the spawner ----
 *
 * A process forked when the batch starts, before the parent keeps records
 * of any document, that forks every worker.  fork() copies the page
 * tables, so a worker forked by the parent late in a long batch would
 * start with the parent's bookkeeping of every document so far resident
 * in it (~0.5 KB a document), and a worker that replaces a grown one
 * would begin where the old one ended.  The parent passes the worker's
 * ends of its two pipes over a socket (SCM_RIGHTS); the spawner forks,
 * answers with the pid, and reaps its workers.  When it cannot be started
 * or dies, the parent forks workers itself. */
typedef struct spawner { pid_t pid; int sock; } spawner;

static bool send_fds(int sock, int a, int b)
{
    int fds[2] = { a, b };
    char byte = 'w', ctl[CMSG_SPACE(sizeof fds)];
    memset(ctl, 0, sizeof ctl);
    struct iovec iov = { &byte, 1 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    ssize_t r;
    while ((r = sendmsg(sock, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    return r == 1;
}

/* False at end of file (the parent is done) or on error. */
static bool recv_fds(int sock, int *a, int *b)
{
    int fds[2];
    char byte, ctl[CMSG_SPACE(sizeof fds)];
    struct iovec iov = { &byte, 1 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
    ssize_t r;
    while ((r = recvmsg(sock, &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
        ;
    struct cmsghdr *c = r == 1 ? CMSG_FIRSTHDR(&m) : NULL;
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof fds))
        return false;
    memcpy(fds, CMSG_DATA(c), sizeof fds);
    *a = fds[0];
    *b = fds[1];
    return true;
}

/* Never returns.  The first `jobs` workers start cold, at once, each
 * making its own state.  The first time another one is asked for (a
 * worker that grew too big, or died, is replaced), the spawner makes a
 * state and warms it (ops->warm), and every worker it forks from then on
 * starts from that: a replacement costs a fork, not a cold start (fonts,
 * dictionaries, the first document's words), which is what makes a low
 * growth limit affordable.  A batch that replaces no worker pays nothing. */
static void spawner_main(int sock, const kk_batch_ops *ops, int jobs)
{
    int task_fd, res_fd, forked = 0;
    void *state = NULL;
    bool made = false;
    while (recv_fds(sock, &task_fd, &res_fd)) {
        if (forked++ >= jobs && !made && ops->warm) {
            made = true;
            state = ops->init ? ops->init(ops->ctx) : NULL;
            if (state)
                ops->warm(state);
        }
        pid_t pid = fork();
        if (pid == 0) {
            close(sock);
            /* MSG_CMSG_CLOEXEC kept them from any exec; a worker runs in
             * this program, so that changes nothing for it */
            worker_main(task_fd, res_fd, ops, state);
        }
        close(task_fd);
        close(res_fd);
        if (!write_all(sock, &pid, sizeof pid))   /* pid -1: fork failed */
            break;
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
    }
    close(sock);
    /* the batch is over: the workers end when their task pipes close */
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    if (ops->fini && state)
        ops->fini(state);
    _exit(0);
}

static spawner spawner_start(const kk_batch_ops *ops, int jobs)
{
    spawner sp = { 0, -1 };
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return sp;
    fflush(NULL);   /* or the child would print the parent's buffered output again */
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        spawner_main(sv[1], ops, jobs);
    }
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return sp;
    }
    return (spawner){ pid, sv[0] };
}

static void spawner_stop(spawner *sp)
{
    if (sp->sock >= 0)
        close(sp->sock);
    sp->sock = -1;
    int status;
    while (sp->pid > 0 && waitpid(sp->pid, &status, 0) < 0 && errno == EINTR)
        ;
    sp->pid = 0;
}

/* A worker from the spawner, or 0 when it cannot make one. */
static pid_t spawn_remote(spawner *sp, int task_fd, int res_fd)
{
    pid_t pid = 0;
    if (sp->sock < 0)
        return 0;
    if (!send_fds(sp->sock, task_fd, res_fd) || !read_all(sp->sock, &pid, sizeof pid) || pid <= 0) {
        spawner_stop(sp);   /* gone or failing: the parent forks from now on */
        return 0;
    }
    return pid;
}

static bool spawn(worker *w, worker *all, int nall, const kk_batch_ops *ops, spawner *sp)
{
    int task[2], res[2];
    if (pipe(task) != 0)
        return false;
    if (pipe(res) != 0) {
        close(task[0]);
        close(task[1]);
        return false;
    }
    pid_t remote = spawn_remote(sp, task[0], res[1]);
    if (remote > 0) {
        close(task[0]);
        close(res[1]);
        *w = (worker){ .pid = remote, .task_fd = task[1], .res_fd = res[0], .child = false };
        return true;
    }
    fflush(NULL);   /* or the child would print the parent's buffered output again */
    pid_t pid = fork();
    if (pid < 0) {
        close(task[0]); close(task[1]); close(res[0]); close(res[1]);
        return false;
    }
    if (pid == 0) {
        close(task[1]);
        close(res[0]);
        if (sp->sock >= 0)
            close(sp->sock);   /* or the spawner would not see the batch end while this one runs */
        /* a sibling's task pipe held open here would keep it from ever
         * seeing end-of-file when the parent lets it go */
        for (int i = 0; i < nall; i++)
            if (all[i].pid > 0 && &all[i] != w) {
                close(all[i].task_fd);
                close(all[i].res_fd);
            }
        worker_main(task[0], res[1], ops, NULL);
    }
    close(task[0]);
    close(res[1]);
    *w = (worker){ .pid = pid, .task_fd = task[1], .res_fd = res[0], .child = true };
    return true;
}

/* The spawner reaps its own workers; the parent waits for those it forked. */
static void retire(worker *w)
{
    if (w->task_fd >= 0)
        close(w->task_fd);
    close(w->res_fd);
    int status;
    while (w->child && waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    w->pid = 0;
}

static bool give(worker *w, size_t job)
{
    uint64_t j = job;
    w->job = job;
    return write_all(w->task_fd, &j, sizeof j);
}

enum { WAITING, RUNNING, READY, DIED };

static bool run_inline(size_t n, const kk_batch_ops *ops)
{
    void *state = ops->init ? ops->init(ops->ctx) : NULL;
    kk_bytes out = { 0 };
    for (size_t i = 0; i < n; i++) {
        out.len = 0;
        ops->work(state, i, &out);
        ops->done(ops->ctx, i, out.data ? out.data : (const unsigned char *)"", out.len);
    }
    kk_bytes_free(&out);
    if (ops->fini)
        ops->fini(state);
    return true;
}

bool kk_batch_run(size_t n, int jobs, const kk_batch_ops *ops)
{
    if (jobs <= 1 || n <= 1)
        return run_inline(n, ops);
    if ((size_t)jobs > n)
        jobs = (int)n;
    /* a worker that died leaves a pipe that would kill the parent on write */
    struct sigaction ign = { .sa_handler = SIG_IGN }, old;
    sigaction(SIGPIPE, &ign, &old);

    spawner sp = spawner_start(ops, jobs);
    worker *w = calloc((size_t)jobs, sizeof *w);
    unsigned char *state = calloc(n, 1);
    unsigned char **res = calloc(n, sizeof *res);
    size_t *len = calloc(n, sizeof *len);
    struct pollfd *pfd = calloc((size_t)jobs, sizeof *pfd);
    int *slot = calloc((size_t)jobs, sizeof *slot);
    bool ok = w && state && res && len && pfd && slot;
    size_t next = 0, delivered = 0;
    while (ok && delivered < n) {
        /* keep `jobs` workers busy while there is work */
        int alive = 0;
        for (int k = 0; k < jobs; k++) {
            if (!w[k].pid && next < n) {
                if (!spawn(&w[k], w, jobs, ops, &sp))
                    continue;
                if (!give(&w[k], next)) {
                    retire(&w[k]);
                    continue;
                }
                state[next++] = RUNNING;
            }
            alive += w[k].pid > 0;
        }
        if (!alive) {
            ok = false;   /* cannot fork at all */
            break;
        }
        int np = 0;
        for (int k = 0; k < jobs; k++)
            if (w[k].pid > 0) {
                pfd[np] = (struct pollfd){ .fd = w[k].res_fd, .events = POLLIN };
                slot[np++] = k;
            }
        if (poll(pfd, (nfds_t)np, -1) < 0) {
            if (errno == EINTR)
                continue;
            ok = false;
            break;
        }
        for (int p = 0; p < np; p++) {
            if (!(pfd[p].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            worker *wk = &w[slot[p]];
            size_t job = wk->job;
            uint64_t l;
            unsigned char *blob = NULL;
            bool got = read_all(wk->res_fd, &l, sizeof l);
            bool retiring = got && (l & RETIRING);
            l &= ~RETIRING;
            got = got && l < ((uint64_t)1 << 32)
                  && (blob = malloc(l ? (size_t)l : 1)) && read_all(wk->res_fd, blob, (size_t)l);
            if (!got) {
                free(blob);
                state[job] = DIED;
                retire(wk);
                continue;
            }
            res[job] = blob;
            len[job] = (size_t)l;
            state[job] = READY;
            if (next < n && !retiring && give(wk, next)) {
                state[next++] = RUNNING;
            } else {
                close(wk->task_fd);   /* end of file: the worker finishes and exits */
                wk->task_fd = -1;
                retire(wk);
            }
        }
        while (delivered < n && (state[delivered] == READY || state[delivered] == DIED)) {
            ops->done(ops->ctx, delivered, res[delivered], len[delivered]);
            free(res[delivered]);
            res[delivered] = NULL;
            delivered++;
        }
    }
    for (int k = 0; w && k < jobs; k++)
        if (w[k].pid > 0)
            retire(&w[k]);
    spawner_stop(&sp);   /* after the workers' pipes are closed: it waits for them */
    for (size_t i = 0; res && i < n; i++)
        free(res[i]);
    free(w);
    free(state);
    free(res);
    free(len);
    free(pfd);
    free(slot);
    sigaction(SIGPIPE, &old, NULL);
    return ok;
}
