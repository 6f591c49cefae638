/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The management socket of voxgate-cp: a UNIX stream socket on which an
 * operator's tool (voxgatectl) asks one command per connection and gets
 * one JSON document back.
 *
 * Protocol: the client connects and sends one line "COMMAND [ARGS]\n" of
 * at most VG_CTL_LINE_MAX bytes, newline included (a client that shuts
 * down its side without the newline is served the same). The server
 * writes one JSON object followed by "\n" and closes the connection.
 * Every failure is answered {"error":"..."}: an unknown command, a line
 * that is too long, a handler's error, a reply over VG_CTL_REPLY_MAX.
 * Built in: "ping" -> {"pong":true,"pid":N}.
 *
 * Server threads: everything runs on the thread that called libre_init()
 * and runs re_main(); the server never blocks that loop (non-blocking
 * sockets through fd_listen(), replies written as the socket drains).
 * vg_ctl_request() is a blocking client made of plain POSIX calls: any
 * thread, no libre state.
 *
 * Errors are negative errno values (libre's positive ones are converted
 * here).
 */
#ifndef VG_CTL_H
#define VG_CTL_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct re_printf;
struct vg_ctl_server;

/** Directory of the control sockets. */
#define VG_CTL_RUN_DIR "/run/voxgate"
/** Longest request line, its "\n" included. */
#define VG_CTL_LINE_MAX 1024
/** Longest reply, its "\n" included. */
#define VG_CTL_REPLY_MAX (16u << 20)
/** Clients served at a time; more are accepted and closed at once. */
#define VG_CTL_MAX_CLIENTS 16
/** A client must send its whole line within this time. */
#define VG_CTL_READ_TIMEOUT_MS 2000
/** ... and take its whole reply within this time. */
#define VG_CTL_WRITE_TIMEOUT_MS 10000
/** Longest command name, NUL included. */
#define VG_CTL_CMD_MAX 32

/**
 * Path of the control socket of the voxgate-cp that uses an EAL file
 * prefix: VG_CTL_RUN_DIR "/<file_prefix>-cp.sock".
 * @return 0, -EINVAL (empty prefix or one with a '/'), -ENAMETOOLONG
 *   (does not fit in size or in a sockaddr_un's sun_path)
 */
int vg_ctl_socket_path(const char *file_prefix, char *buf, size_t size);

/**
 * A command's handler: print one JSON object (re_hprintf(pf, ...)); what
 * it prints is the reply. Runs on the event loop: it must not block, nor
 * destroy the server.
 *
 * @param pf    where the reply goes (buffered by the server)
 * @param args  what followed the command on the line, without leading
 *              or trailing blanks; "" when nothing did
 * @param arg   the handler argument given to vg_ctl_server_add()
 * @return 0, or a negative errno: the server then discards what was
 *   printed and answers {"error":"COMMAND: strerror"}
 */
typedef int(vg_ctl_handler)(struct re_printf *pf, const char *args, void *arg);

/**
 * Listen on path (after libre_init()). Creates the missing directories
 * of path (mode 0755). When path exists: if a process accepts on it the
 * call fails with -EADDRINUSE (another voxgate-cp on this file prefix);
 * a stale socket is removed; anything that is not a socket is left alone
 * (-EEXIST). The socket gets mode 0660. Registers "ping".
 * @return 0 with *srvp set; -EINVAL, -ENAMETOOLONG (path), -EADDRINUSE,
 *   -EEXIST, -ENOMEM, or the -errno of mkdir/socket/bind/listen
 */
int vg_ctl_server_create(struct vg_ctl_server **srvp, const char *path);

/**
 * Register a command (a word of 1..VG_CTL_CMD_MAX-1 printable characters
 * without blanks).
 * @return 0, -EINVAL (bad name or no handler), -EEXIST (registered
 *   already), -ENOMEM
 */
int vg_ctl_server_add(struct vg_ctl_server *srv, const char *cmd,
		vg_ctl_handler *h, void *arg);

/**
 * Close every client (unanswered ones get nothing), stop listening and
 * remove the socket file when it is still the one this server made.
 * NULL is ignored.
 */
void vg_ctl_server_destroy(struct vg_ctl_server *srv);

/**
 * Print s as a JSON string literal, quotes included: '"', '\\' and
 * control characters escaped, invalid UTF-8 replaced with U+FFFD, NULL
 * printed as null. For handlers: re_hprintf(pf, "{\"to\":%H}",
 * vg_ctl_json_str, to).
 * @return 0 or libre's (positive) print error
 */
int vg_ctl_json_str(struct re_printf *pf, const char *s);

/**
 * vg_ctl_json_str() onto a stdio stream, for programs that do not
 * include re.h (its list macros clash with DPDK's sys/queue.h).
 * @return 0 or -EIO
 */
int vg_ctl_json_fputs(FILE *f, const char *s);

/**
 * Blocking client: connect to path, send line (without its "\n") and read
 * the reply until the server closes. Thread: any (plain POSIX calls).
 *
 * @param timeout_ms  bound on the whole exchange
 * @param replyp      receives the reply without its final "\n",
 *                    NUL-terminated, from malloc(): free() it
 * @param lenp        receives its length (may be NULL)
 * @return 0; -EINVAL (line empty or with a newline), -ENOENT (no socket
 *   at path), -ECONNREFUSED (nobody listens: voxgate-cp not running),
 *   -EACCES, -ETIMEDOUT, -EMSGSIZE (reply over VG_CTL_REPLY_MAX),
 *   -EPROTO (closed before the reply's final "\n"), -ENOMEM, other -errno
 */
int vg_ctl_request(const char *path, const char *line, unsigned int timeout_ms,
		char **replyp, size_t *lenp);

#ifdef __cplusplus
}
#endif

#endif /* VG_CTL_H */
