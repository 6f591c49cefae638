/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file voxgate-cp's control socket (vg_ctl.h): a UNIX stream server on
 * the libre event loop, and the blocking client voxgatectl uses.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <re.h>

#include "vg_ctl.h"
#include "vg_sip.h"

/* After accept() ran out of descriptors, stop accepting this long: the
 * listening socket stays readable and the loop would spin on it. */
#define CTL_ACCEPT_PAUSE_MS 100

/** A registered command. Owner: the event loop. */
struct ctl_cmd {
	struct le le; /**< in srv->cmds */
	char name[VG_CTL_CMD_MAX];
	vg_ctl_handler *h;
	void *arg;
};

/**
 * One connection: reading its line (reply == NULL), then writing the
 * reply. Freed (mem_deref) when it is answered, times out or fails.
 */
struct ctl_client {
	struct le le; /**< in srv->clients */
	struct vg_ctl_server *srv;
	int fd;
	struct tmr tmr;			/**< read, then write deadline */
	char line[VG_CTL_LINE_MAX + 1]; /**< request bytes, NUL at the end */
	size_t len;
	struct mbuf *reply; /**< NULL while reading */
	bool overflow;	    /**< the handler hit VG_CTL_REPLY_MAX */
};

struct vg_ctl_server {
	int fd; /**< listening socket */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	bool bound; /**< path is the socket we made ... */
	dev_t dev;  /**< ... this one */
	ino_t ino;
	struct tmr accept_pause;
	struct list cmds;    /**< struct ctl_cmd */
	struct list clients; /**< struct ctl_client */
};

int
vg_ctl_socket_path(const char *file_prefix, char *buf, size_t size)
{
	int n;

	if (file_prefix == NULL || file_prefix[0] == '\0' ||
			strchr(file_prefix, '/') != NULL)
		return -EINVAL;
	n = snprintf(buf, size, "%s/%s-cp.sock", VG_CTL_RUN_DIR, file_prefix);
	if (n < 0 || (size_t)n >= size ||
			(size_t)n >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return -ENAMETOOLONG;
	return 0;
}

/* ---- JSON strings ------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at p (RFC 3629 §4), 0 when invalid.
 * A NUL is never a continuation byte, so this stops at the string's end. */
static size_t
utf8_seq_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* no overlong forms, no surrogates, nothing above U+10FFFF */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* Where a JSON string goes: libre's print handler has this shape. */
typedef int(json_out_h)(const char *p, size_t size, void *arg);

static int
json_str_write(const char *s, json_out_h *out, void *arg)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run;
	char esc[8];
	int err;

	if (s == NULL)
		return out("null", 4, arg);
	err = out("\"", 1, arg);
	while (err == 0 && *p != '\0') {
		size_t n;

		/* copy the longest run that needs no escape at once */
		for (run = p; *p >= 0x20 && *p != '"' && *p != '\\' &&
				(n = utf8_seq_len(p)) != 0;)
			p += n;
		if (p > run)
			err = out((const char *)run, (size_t)(p - run), arg);
		if (err != 0 || *p == '\0')
			break;
		switch (*p) {
		case '"':
		case '\\':
			snprintf(esc, sizeof(esc), "\\%c", *p);
			break;
		case '\n':
			snprintf(esc, sizeof(esc), "\\n");
			break;
		case '\r':
			snprintf(esc, sizeof(esc), "\\r");
			break;
		case '\t':
			snprintf(esc, sizeof(esc), "\\t");
			break;
		default:
			/* other control characters; U+FFFD for bad UTF-8 */
			snprintf(esc, sizeof(esc), "\\u%04x",
					*p < 0x20 ? *p : 0xfffdu);
			break;
		}
		err = out(esc, strlen(esc), arg);
		p++;
	}
	return err != 0 ? err : out("\"", 1, arg);
}

int
vg_ctl_json_str(struct re_printf *pf, const char *s)
{
	return json_str_write(s, pf->vph, pf->arg);
}

static int
file_out(const char *p, size_t size, void *arg)
{
	return fwrite(p, 1, size, arg) == size ? 0 : EIO;
}

int
vg_ctl_json_fputs(FILE *f, const char *s)
{
	return json_str_write(s, file_out, f) != 0 ? -EIO : 0;
}

/* ---- server ------------------------------------------------------------ */

static void on_client(int flags, void *arg);

static void
client_destructor(void *data)
{
	struct ctl_client *c = data;

	tmr_cancel(&c->tmr);
	if (c->fd >= 0) {
		fd_close(c->fd);
		close(c->fd);
	}
	list_unlink(&c->le);
	mem_deref(c->reply);
}

static void
on_client_timeout(void *arg)
{
	struct ctl_client *c = arg;

	vg_cp_log(VG_LOG_DEBUG, "control socket: client %s timed out",
			c->reply == NULL ? "sent no request line"
					 : "did not take its reply");
	mem_deref(c);
}

/* Closing a UNIX socket with unread bytes makes the peer's read fail
 * with ECONNRESET once it has read what we sent: read what the client
 * sent beyond its line (a line that was too long) first. */
static void
drain_input(int fd)
{
	char buf[1024];
	unsigned int i;

	for (i = 0; i < 64; i++)
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			break;
}

/* Write what the socket takes; close the client once all is sent. */
static void
client_write(struct ctl_client *c)
{
	struct mbuf *mb = c->reply;

	while (mbuf_get_left(mb) > 0) {
		ssize_t n = send(c->fd, mbuf_buf(mb), mbuf_get_left(mb),
				MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return; /* on_client() calls again when writable */
		if (n < 0) {
			vg_cp_log(VG_LOG_DEBUG, "control socket: send: %s",
					strerror(errno));
			break;
		}
		mbuf_advance(mb, n);
	}
	if (mbuf_get_left(mb) == 0)
		drain_input(c->fd);
	mem_deref(c);
}

/* Collects a handler's output, up to VG_CTL_REPLY_MAX with the "\n". */
static int
reply_print(const char *p, size_t size, void *arg)
{
	struct ctl_client *c = arg;

	if (c->overflow || c->reply->end + size >= VG_CTL_REPLY_MAX) {
		c->overflow = true;
		return EOVERFLOW;
	}
	return mbuf_write_mem(c->reply, (const uint8_t *)p, size);
}

static int
reply_error(struct ctl_client *c, const char *msg)
{
	int err;

	mbuf_rewind(c->reply);
	err = mbuf_printf(c->reply, "{\"error\":%H}", vg_ctl_json_str, msg);
	return err != 0 ? -ENOMEM : 0;
}

static struct ctl_cmd *
find_cmd(const struct vg_ctl_server *srv, const char *name)
{
	struct le *le;

	for (le = list_head(&srv->cmds); le != NULL; le = le->next) {
		struct ctl_cmd *cmd = le->data;

		if (strcmp(cmd->name, name) == 0)
			return cmd;
	}
	return NULL;
}

static bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Run the command on c->line (NUL-terminated, without its "\n") into
 * c->reply: every failure becomes an error reply.
 * @return 0, or -ENOMEM when not even that could be written */
static int
run_line(struct ctl_client *c, bool too_long)
{
	struct re_printf pf = {reply_print, c};
	char msg[VG_CTL_CMD_MAX + 160];
	char *name, *args, *end;
	struct ctl_cmd *cmd;
	int rc;

	if (too_long) {
		snprintf(msg, sizeof(msg), "request line longer than %u bytes",
				VG_CTL_LINE_MAX);
		return reply_error(c, msg);
	}
	if (memchr(c->line, '\0', c->len) != NULL) {
		return reply_error(c, "NUL byte in the request line");
	}
	end = c->line + c->len;
	while (end > c->line && (is_blank(end[-1]) || end[-1] == '\r'))
		*--end = '\0';
	for (name = c->line; is_blank(*name); name++)
		;
	for (args = name; *args != '\0' && !is_blank(*args); args++)
		;
	if (*args != '\0')
		*args++ = '\0';
	while (is_blank(*args))
		args++;
	if (*name == '\0') {
		return reply_error(c, "empty request line");
	}
	cmd = find_cmd(c->srv, name);
	if (cmd == NULL) {
		/* the client's word may be long: the message shows the start */
		snprintf(msg, sizeof(msg), "unknown command '%.*s'",
				VG_CTL_CMD_MAX + 32, name);
		return reply_error(c, msg);
	}
	vg_cp_log(VG_LOG_DEBUG, "control socket: %s %s", name, args);
	rc = cmd->h(&pf, args, cmd->arg);
	if (c->overflow) {
		snprintf(msg, sizeof(msg), "%s: reply larger than %u bytes",
				cmd->name, VG_CTL_REPLY_MAX);
		return reply_error(c, msg);
	}
	if (rc != 0) {
		/* a libre error passed through is positive */
		snprintf(msg, sizeof(msg), "%s: %s", cmd->name,
				strerror(rc < 0 ? -rc : rc));
		return reply_error(c, msg);
	}
	if (c->reply->end == 0)
		return mbuf_write_str(c->reply, "{}") != 0 ? -ENOMEM : 0;
	return 0;
}

/* The request is complete (or too long): answer it. */
static void
client_serve(struct ctl_client *c, bool too_long)
{
	int err;

	c->line[c->len] = '\0';
	c->reply = mbuf_alloc(4096);
	if (c->reply == NULL)
		goto fail;
	if (run_line(c, too_long) != 0 || mbuf_write_u8(c->reply, '\n') != 0)
		goto fail;
	mbuf_set_pos(c->reply, 0);
	err = fd_listen(c->fd, FD_WRITE, on_client, c);
	if (err != 0)
		goto fail;
	tmr_start(&c->tmr, VG_CTL_WRITE_TIMEOUT_MS, on_client_timeout, c);
	client_write(c);
	return;
fail:
	vg_cp_log(VG_LOG_WARNING,
			"control socket: cannot answer a client: out of "
			"memory");
	mem_deref(c);
}

/* Read until the line's "\n", the buffer is full, or the client's EOF. */
static void
client_read(struct ctl_client *c)
{
	for (;;) {
		size_t room = VG_CTL_LINE_MAX - c->len;
		ssize_t n;
		char *nl;

		if (room == 0) {
			client_serve(c, true);
			return;
		}
		n = recv(c->fd, c->line + c->len, room, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 || (n == 0 && c->len == 0)) {
			/* gone, or connected and closed without a word (what
			 * a liveness probe does) */
			mem_deref(c);
			return;
		}
		if (n == 0) {
			client_serve(c, false); /* EOF ends the line */
			return;
		}
		nl = memchr(c->line + c->len, '\n', (size_t)n);
		if (nl != NULL) {
			c->len = (size_t)(nl - c->line);
			client_serve(c, false);
			return;
		}
		c->len += (size_t)n;
	}
}

static void
on_client(int flags, void *arg)
{
	struct ctl_client *c = arg;

	(void)flags; /* read or write tells what to do; errors show there */
	if (c->reply == NULL)
		client_read(c);
	else
		client_write(c);
}

static void
client_start(struct vg_ctl_server *srv, int fd)
{
	struct ctl_client *c;
	int err;

	c = mem_zalloc(sizeof(*c), client_destructor);
	if (c == NULL) {
		close(fd);
		return;
	}
	c->srv = srv;
	c->fd = fd;
	tmr_init(&c->tmr);
	list_append(&srv->clients, &c->le, c);
	err = fd_listen(fd, FD_READ, on_client, c);
	if (err != 0) {
		vg_cp_log(VG_LOG_WARNING,
				"control socket: cannot poll a client: %s",
				strerror(err));
		mem_deref(c);
		return;
	}
	tmr_start(&c->tmr, VG_CTL_READ_TIMEOUT_MS, on_client_timeout, c);
}

static void on_accept(int flags, void *arg);

static void
accept_resume(void *arg)
{
	struct vg_ctl_server *srv = arg;
	int err;

	err = fd_listen(srv->fd, FD_READ, on_accept, srv);
	if (err != 0)
		vg_cp_log(VG_LOG_ERROR, "control socket %s: cannot poll: %s",
				srv->path, strerror(err));
}

static void
on_accept(int flags, void *arg)
{
	struct vg_ctl_server *srv = arg;

	(void)flags;
	for (;;) {
		int fd = accept4(srv->fd, NULL, NULL,
				SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			vg_cp_log(VG_LOG_WARNING,
					"control socket %s: accept: %s; "
					"pausing %u ms",
					srv->path, strerror(errno),
					CTL_ACCEPT_PAUSE_MS);
			fd_close(srv->fd);
			tmr_start(&srv->accept_pause, CTL_ACCEPT_PAUSE_MS,
					accept_resume, srv);
			return;
		}
		if (list_count(&srv->clients) >= VG_CTL_MAX_CLIENTS) {
			vg_cp_log(VG_LOG_DEBUG,
					"control socket: %u clients already: "
					"closing a new one",
					VG_CTL_MAX_CLIENTS);
			close(fd);
			continue;
		}
		client_start(srv, fd);
	}
}

static int
ping_handler(struct re_printf *pf, const char *args, void *arg)
{
	(void)args;
	(void)arg;
	return -re_hprintf(pf, "{\"pong\":true,\"pid\":%d}", (int)getpid());
}

static void
server_destructor(void *data)
{
	struct vg_ctl_server *srv = data;
	struct stat st;

	list_flush(&srv->clients);
	tmr_cancel(&srv->accept_pause);
	if (srv->fd >= 0) {
		fd_close(srv->fd);
		close(srv->fd);
	}
	/* Another voxgate-cp may have replaced a socket removed under us:
	 * remove only ours. */
	if (srv->bound && lstat(srv->path, &st) == 0 && st.st_dev == srv->dev &&
			st.st_ino == srv->ino)
		unlink(srv->path);
	list_flush(&srv->cmds);
}

/* mkdir -p of the directories above path, mode 0755. */
static int
make_parent_dirs(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *p;

	snprintf(dir, sizeof(dir), "%s", path);
	for (p = strchr(dir + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			int rc = -errno;

			vg_cp_log(VG_LOG_ERROR,
					"control socket: cannot create %s: %s",
					dir, strerror(errno));
			return rc;
		}
		*p = '/';
	}
	return 0;
}

/* 0 when path is free (or was a stale socket, now removed). */
static int
clear_stale(const char *path, const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		vg_cp_log(VG_LOG_ERROR,
				"control socket %s: exists and is not a "
				"socket; not removing it",
				path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A UNIX connect() does not wait: it succeeds on a listener, says
	 * EAGAIN when the listener's backlog is full, ECONNREFUSED when
	 * nobody listens. */
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	if (rc == 0 || errno == EAGAIN) {
		rc = -EADDRINUSE;
		vg_cp_log(VG_LOG_ERROR,
				"control socket %s: in use: another voxgate-cp "
				"is running on this file prefix",
				path);
	} else if (errno == ECONNREFUSED) {
		vg_cp_log(VG_LOG_NOTICE,
				"control socket %s: removing a stale socket",
				path);
		rc = unlink(path) == 0 || errno == ENOENT ? 0 : -errno;
	} else {
		rc = -errno;
	}
	close(fd);
	return rc;
}

int
vg_ctl_server_create(struct vg_ctl_server **srvp, const char *path)
{
	struct vg_ctl_server *srv;
	struct sockaddr_un sa;
	struct stat st;
	int rc, err;

	if (srvp == NULL || path == NULL || path[0] == '\0')
		return -EINVAL;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	srv = mem_zalloc(sizeof(*srv), server_destructor);
	if (srv == NULL)
		return -ENOMEM;
	srv->fd = -1;
	strcpy(srv->path, path);
	tmr_init(&srv->accept_pause);
	list_init(&srv->cmds);
	list_init(&srv->clients);

	rc = make_parent_dirs(path);
	if (rc != 0)
		goto out;
	rc = clear_stale(path, &sa);
	if (rc != 0)
		goto out;
	srv->fd = socket(
			AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->fd < 0 ||
			bind(srv->fd, (struct sockaddr *)&sa, sizeof(sa)) !=
					0) {
		rc = -errno;
		goto out;
	}
	if (lstat(path, &st) == 0) {
		srv->bound = true;
		srv->dev = st.st_dev;
		srv->ino = st.st_ino;
	}
	/* connect() needs write permission on the socket: root and the
	 * group of the file only */
	if (chmod(path, 0660) != 0 ||
			listen(srv->fd, VG_CTL_MAX_CLIENTS) != 0) {
		rc = -errno;
		goto out;
	}
	err = fd_listen(srv->fd, FD_READ, on_accept, srv);
	if (err != 0) {
		rc = -err;
		goto out;
	}
	rc = vg_ctl_server_add(srv, "ping", ping_handler, NULL);
out:
	if (rc != 0) {
		if (rc != -EADDRINUSE && rc != -EEXIST)
			vg_cp_log(VG_LOG_ERROR, "control socket %s: %s", path,
					strerror(-rc));
		mem_deref(srv);
		return rc;
	}
	vg_cp_log(VG_LOG_INFO, "control socket %s", path);
	*srvp = srv;
	return 0;
}

static void
cmd_destructor(void *data)
{
	struct ctl_cmd *cmd = data;

	list_unlink(&cmd->le);
}

int
vg_ctl_server_add(struct vg_ctl_server *srv, const char *name,
		vg_ctl_handler *h, void *arg)
{
	struct ctl_cmd *cmd;
	size_t i, n;

	if (srv == NULL || name == NULL || h == NULL)
		return -EINVAL;
	n = strlen(name);
	if (n == 0 || n >= VG_CTL_CMD_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] <= ' ' ||
				(unsigned char)name[i] >= 0x7f)
			return -EINVAL;
	if (find_cmd(srv, name) != NULL)
		return -EEXIST;
	cmd = mem_zalloc(sizeof(*cmd), cmd_destructor);
	if (cmd == NULL)
		return -ENOMEM;
	memcpy(cmd->name, name, n + 1);
	cmd->h = h;
	cmd->arg = arg;
	list_append(&srv->cmds, &cmd->le, cmd);
	return 0;
}

void
vg_ctl_server_destroy(struct vg_ctl_server *srv)
{
	mem_deref(srv);
}

/* ---- client ------------------------------------------------------------ */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for events on fd until the deadline. @return 0 or -ETIMEDOUT */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = {.fd = fd, .events = events};

	for (;;) {
		int64_t left = deadline - now_ms();
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

static int
client_connect(int fd, const struct sockaddr_un *sa, int64_t deadline)
{
	for (;;) {
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		/* the listener's backlog is full: try again shortly */
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		usleep(10000);
	}
}

/* Send the line and its "\n". A server that answers early (line too
 * long) and closes makes the rest fail: that is fine, read its reply. */
static int
client_send(int fd, const char *line, int64_t deadline)
{
	size_t len = strlen(line), off = 0;
	int rc;

	while (off <= len) {
		const char *p = off < len ? line + off : "\n";
		size_t n = off < len ? len - off : 1;
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w >= 0) {
			off += (size_t)w;
			continue;
		}
		if (errno == EPIPE || errno == ECONNRESET)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		rc = wait_fd(fd, POLLOUT, deadline);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
client_recv(int fd, int64_t deadline, char **bufp, size_t *lenp)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap), *nb;
	int rc = 0;

	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			if (cap > VG_CTL_REPLY_MAX) {
				rc = -EMSGSIZE;
				break;
			}
			nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n > 0) {
			len += (size_t)n;
			if (len > VG_CTL_REPLY_MAX) {
				rc = -EMSGSIZE;
				break;
			}
			continue;
		}
		/* a server that closes with our bytes unread resets: what
		 * it sent before stays readable, then ECONNRESET ends it */
		if (n == 0 || (errno == ECONNRESET && len > 0))
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			rc = -errno;
			break;
		}
		rc = wait_fd(fd, POLLIN, deadline);
		if (rc != 0)
			break;
	}
	if (rc == 0 && (len == 0 || buf[len - 1] != '\n'))
		rc = -EPROTO;
	if (rc != 0) {
		free(buf);
		return rc;
	}
	buf[--len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

int
vg_ctl_request(const char *path, const char *line, unsigned int timeout_ms,
		char **replyp, size_t *lenp)
{
	int64_t deadline = now_ms() + timeout_ms;
	struct sockaddr_un sa;
	char *reply = NULL;
	size_t len = 0;
	int fd, rc;

	if (path == NULL || line == NULL || line[0] == '\0' ||
			strchr(line, '\n') != NULL || replyp == NULL)
		return -EINVAL;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	rc = client_connect(fd, &sa, deadline);
	if (rc == 0)
		rc = client_send(fd, line, deadline);
	if (rc == 0)
		rc = client_recv(fd, deadline, &reply, &len);
	close(fd);
	if (rc != 0)
		return rc;
	*replyp = reply;
	if (lenp != NULL)
		*lenp = len;
	return 0;
}
