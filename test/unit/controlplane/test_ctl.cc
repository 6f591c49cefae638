// SPDX-License-Identifier: BSD-3-Clause
/** @file The control socket (vg_ctl.h): the server on a libre loop in the
 * test's thread, clients on a second thread that uses no libre state. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <re.h>

#include "vg_ctl.h"

namespace {

/* What a client saw: rc of vg_ctl_request() and the reply. */
struct Reply {
	int rc = 1;
	std::string text;
};

Reply
request(const std::string &path, const std::string &line)
{
	Reply r;
	char *buf = nullptr;
	size_t len = 0;

	r.rc = vg_ctl_request(path.c_str(), line.c_str(), 5000, &buf, &len);
	if (r.rc == 0) {
		r.text.assign(buf, len);
		free(buf);
	}
	return r;
}

/* A raw connection that sends nothing (or what the test says). */
int
raw_connect(const std::string &path)
{
	struct sockaddr_un sa = {};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path.c_str());
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* ms until the server closes fd (read returns 0 or fails); -1 when it
 * stays open longer than limit_ms. */
int
ms_until_closed(int fd, int limit_ms)
{
	auto t0 = std::chrono::steady_clock::now();
	struct pollfd p = {fd, POLLIN, 0};
	char buf[256];

	while (poll(&p, 1, limit_ms) > 0) {
		if (recv(fd, buf, sizeof(buf), 0) <= 0)
			return (int)std::chrono::duration_cast<
				std::chrono::milliseconds>(
				std::chrono::steady_clock::now() - t0).count();
	}
	return -1;
}

int
echo_handler(struct re_printf *pf, const char *args, void *arg)
{
	int *calls = static_cast<int *>(arg);

	++*calls;
	return -re_hprintf(pf, "{\"args\":%H}", vg_ctl_json_str, args);
}

int
failing_handler(struct re_printf *pf, const char *args, void *arg)
{
	(void)args;
	(void)arg;
	(void)re_hprintf(pf, "{\"half\":");
	return -ENODEV;
}

/* {"n":[0,1,...,count-1]} */
int
numbers_handler(struct re_printf *pf, const char *args, void *arg)
{
	unsigned long count = strtoul(args, nullptr, 10);
	int err;

	(void)arg;
	err = re_hprintf(pf, "{\"n\":[");
	for (unsigned long i = 0; err == 0 && i < count; i++)
		err = re_hprintf(pf, "%s%lu", i != 0 ? "," : "", i);
	if (err == 0)
		err = re_hprintf(pf, "]}");
	return -err;
}

std::string
numbers_json(unsigned long count)
{
	std::string s = "{\"n\":[";
	for (unsigned long i = 0; i < count; i++)
		s += (i != 0 ? "," : "") + std::to_string(i);
	return s + "]}";
}

std::string
json_str(const char *s)
{
	char buf[256];

	re_snprintf(buf, sizeof(buf), "%H", vg_ctl_json_str, s);
	return buf;
}

/* Stops the loop once the client thread is done (libre's loop is not
 * thread-safe: the client thread only sets a flag). */
struct Watch {
	std::atomic<bool> done{false};
	struct tmr tmr;
	int ticks = 0;
};

void
watch_tick(void *arg)
{
	Watch *w = static_cast<Watch *>(arg);

	/* 30 s at most, so a broken server fails instead of hanging */
	if (w->done || ++w->ticks > 6000)
		re_cancel();
	else
		tmr_start(&w->tmr, 5, watch_tick, w);
}

class Ctl : public ::testing::Test {
protected:
	std::string dir, path;

	void
	SetUp() override
	{
		char tmpl[] = "/tmp/vg-ctl-test.XXXXXX";

		ASSERT_NE(mkdtemp(tmpl), nullptr);
		dir = tmpl;
		/* a directory the server has to create */
		path = dir + "/run/voxgate/t-cp.sock";
		ASSERT_EQ(libre_init(), 0);
	}

	void
	TearDown() override
	{
		libre_close();
		unlink(path.c_str());
		rmdir((dir + "/run/voxgate").c_str());
		rmdir((dir + "/run").c_str());
		rmdir(dir.c_str());
	}

	/* Run the event loop until client(), on its own thread, returns. */
	static void
	with_loop(const std::function<void()> &client)
	{
		Watch w;

		tmr_init(&w.tmr);
		std::thread t([&] {
			client();
			w.done = true;
		});
		tmr_start(&w.tmr, 5, watch_tick, &w);
		re_main(nullptr);
		tmr_cancel(&w.tmr);
		t.join();
		EXPECT_TRUE(w.done) << "the client did not finish in 30 s";
	}
};

TEST(CtlPath, FromFilePrefix)
{
	char buf[108];

	ASSERT_EQ(vg_ctl_socket_path("voxgate", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "/run/voxgate/voxgate-cp.sock");
	EXPECT_EQ(vg_ctl_socket_path("", buf, sizeof(buf)), -EINVAL);
	EXPECT_EQ(vg_ctl_socket_path("a/b", buf, sizeof(buf)), -EINVAL);
	EXPECT_EQ(vg_ctl_socket_path("voxgate", buf, 10), -ENAMETOOLONG);
	/* fits the caller's buffer, not sockaddr_un's 108 bytes */
	char big[256];
	std::string prefix(100, 'p');
	EXPECT_EQ(vg_ctl_socket_path(prefix.c_str(), big, sizeof(big)),
		-ENAMETOOLONG);
}

TEST(CtlJson, StringsAreEscaped)
{
	EXPECT_EQ(json_str("plain"), "\"plain\"");
	EXPECT_EQ(json_str("a\"b\\c"), "\"a\\\"b\\\\c\"");
	EXPECT_EQ(json_str("l1\nl2\t\x01"), "\"l1\\nl2\\t\\u0001\"");
	/* valid UTF-8 stays, invalid bytes become U+FFFD */
	EXPECT_EQ(json_str("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
	EXPECT_EQ(json_str("x\xff" "y\xc3"), "\"x\\ufffdy\\ufffd\"");
	EXPECT_EQ(json_str("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	EXPECT_EQ(json_str(nullptr), "null");
}

TEST_F(Ctl, Ping)
{
	struct vg_ctl_server *srv = nullptr;
	struct stat st;
	Reply r;

	ASSERT_EQ(vg_ctl_server_create(&srv, path.c_str()), 0);
	ASSERT_EQ(stat(path.c_str(), &st), 0);
	EXPECT_TRUE(S_ISSOCK(st.st_mode));
	EXPECT_EQ(st.st_mode & 0777, 0660u);
	with_loop([&] { r = request(path, "ping"); });
	ASSERT_EQ(r.rc, 0);
	EXPECT_EQ(r.text,
		"{\"pong\":true,\"pid\":" + std::to_string(getpid()) + "}");
	vg_ctl_server_destroy(srv);
	EXPECT_NE(stat(path.c_str(), &st), 0) << "socket file left behind";
	vg_ctl_server_destroy(nullptr);
}

TEST_F(Ctl, HandlerGetsItsArguments)
{
	struct vg_ctl_server *srv = nullptr;
	Reply a, b, c;
	int calls = 0;

	ASSERT_EQ(vg_ctl_server_create(&srv, path.c_str()), 0);
	ASSERT_EQ(vg_ctl_server_add(srv, "echo", echo_handler, &calls), 0);
	EXPECT_EQ(vg_ctl_server_add(srv, "echo", echo_handler, &calls),
		-EEXIST);
	EXPECT_EQ(vg_ctl_server_add(srv, "ping", echo_handler, &calls),
		-EEXIST);
	EXPECT_EQ(vg_ctl_server_add(srv, "two words", echo_handler, &calls),
		-EINVAL);
	EXPECT_EQ(vg_ctl_server_add(srv, "", echo_handler, &calls), -EINVAL);
	EXPECT_EQ(vg_ctl_server_add(srv, "x", nullptr, &calls), -EINVAL);
	with_loop([&] {
		a = request(path, "echo  session 42 \"q\"  ");
		b = request(path, "echo");
		c = request(path, "  echo\tx\r");
	});
	ASSERT_EQ(a.rc, 0);
	EXPECT_EQ(a.text, "{\"args\":\"session 42 \\\"q\\\"\"}");
	ASSERT_EQ(b.rc, 0);
	EXPECT_EQ(b.text, "{\"args\":\"\"}");
	ASSERT_EQ(c.rc, 0);
	EXPECT_EQ(c.text, "{\"args\":\"x\"}");
	EXPECT_EQ(calls, 3);
	vg_ctl_server_destroy(srv);
}

TEST_F(Ctl, UnknownCommand)
{
	struct vg_ctl_server *srv = nullptr;
	Reply r;

	ASSERT_EQ(vg_ctl_server_create(&srv, path.c_str()), 0);
	with_loop([&] { r = request(path, "calls now"); });
	ASSERT_EQ(r.rc, 0);
	EXPECT_EQ(r.text, "{\"error\":\"unknown command 'calls'\"}");
	vg_ctl_server_destroy(srv);
}

TEST_F(Ctl, LineLimit)
{
	struct vg_ctl_server *srv = nullptr;
	Reply longest, too_long, way_too_long;
	int calls = 0;

	ASSERT_EQ(vg_ctl_server_create(&srv, path.c_str()), 0);
	ASSERT_EQ(vg_ctl_server_add(srv, "echo", echo_handler, &calls), 0);
	/* "echo " + args + "\n" == VG_CTL_LINE_MAX: still served */
	std::string args(VG_CTL_LINE_MAX - 6, 'a');
	with_loop([&] {
		longest = request(path, "echo " + args);
		too_long = request(path, "echo " + args + "b");
		way_too_long = request(path, "echo " +
			std::string(300000, 'c'));
	});
	ASSERT_EQ(longest.rc, 0);
	EXPECT_EQ(longest.text, "{\"args\":\"" + args + "\"}");
	ASSERT_EQ(too_long.rc, 0);
	EXPECT_EQ(too_long.text,
		"{\"error\":\"request line longer than 1024 bytes\"}");
	/* the server stops reading and answers; the client's send fails
	 * and it still reads the answer */
	ASSERT_EQ(way_too_long.rc, 0);
	EXPECT_EQ(way_too_long.text, too_long.text);
	EXPECT_EQ(calls, 1);
	vg_ctl_server_destroy(srv);
}

TEST_F(Ctl, HandlerError)
{
	struct vg_ctl_server *srv = nullptr;
	Reply r;

	ASSERT_EQ(vg_ctl_server_create(&srv, path.c_str()), 0);
	ASSERT_EQ(vg_ctl_server_add(srv, "fail", failing_handler, nullptr),
		0);
	with_loop([&] { r = request(path, "fail"); });
	ASSERT_EQ(r.rc, 0);
	/* what the handler printed before failing is not sent */
	EXPECT_EQ(r.text, "{\"error\":\"fail: " + std::string(strerror(ENODEV))
		+ "\"}");
	vg_ctl_server_destroy(srv);
}

TEST_F(Ctl, StaleSocketIsReplaced)
{
	struct vg_ctl_server *srv = nullptr;
	struct sockaddr_un sa = {};
	Reply r;

	/* what a killed voxgate-cp leaves: a socket file nobody listens on */
	ASSERT_EQ(mkdir((dir + "/run").c_str(), 0755), 0);
	ASSERT_EQ(mkdir((dir + "/run/voxgate").c_str(), 0755), 0);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path.c_str());
	ASSERT_EQ(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ASSERT_EQ(listen(fd, 1), 0);
	close(fd);

	ASSERT_EQ(vg_ctl_server_create(&srv, path.c_str()), 0);
	with_loop([&] { r = request(path, "ping"); });
	ASSERT_EQ(r.rc, 0);
	EXPECT_NE(r.text.find("\"pong\":true"), std::string::npos);
	vg_ctl_server_destroy(srv);
}

TEST_F(Ctl, NotASocketIsLeftAlone)
{
	struct vg_ctl_server *srv = nullptr;
	struct stat st;

	ASSERT_EQ(mkdir((dir + "/run").c_str(), 0755), 0);
	ASSERT_EQ(mkdir((dir + "/run/voxgate").c_str(), 0755), 0);
	FILE *f = fopen(path.c_str(), "w");
	ASSERT_NE(f, nullptr);
	fclose(f);
	EXPECT_EQ(vg_ctl_server_create(&srv, path.c_str()), -EEXIST);
	EXPECT_EQ(srv, nullptr);
	ASSERT_EQ(stat(path.c_str(), &st), 0);
	EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST_F(Ctl, SecondServerOnALivePath)
{
	struct vg_ctl_server *srv = nullptr, *second = nullptr;
	struct stat st;
	Reply r;

	ASSERT_EQ(vg_ctl_server_create(&srv, path.c_str()), 0);
	EXPECT_EQ(vg_ctl_server_create(&second, path.c_str()), -EADDRINUSE);
	EXPECT_EQ(second, nullptr);
	/* the first one keeps its socket and answers */
	with_loop([&] { r = request(path, "ping"); });
	ASSERT_EQ(r.rc, 0);
	EXPECT_NE(r.text.find("\"pong\":true"), std::string::npos);
	vg_ctl_server_destroy(srv);
	EXPECT_NE(stat(path.c_str(), &st), 0);
}

TEST_F(Ctl, LargeReplyArrivesWhole)
{
	struct vg_ctl_server *srv = nullptr;
	Reply big, huge;
	const unsigned long count = 300000; /* ~2 MB */

	ASSERT_EQ(vg_ctl_server_create(&srv, path.c_str()), 0);
	ASSERT_EQ(vg_ctl_server_add(srv, "numbers", numbers_handler, nullptr),
		0);
	with_loop([&] {
		big = request(path, "numbers " + std::to_string(count));
		huge = request(path, "numbers 3000000"); /* ~20 MB */
	});
	ASSERT_EQ(big.rc, 0);
	EXPECT_GT(big.text.size(), 1u << 20);
	EXPECT_TRUE(big.text == numbers_json(count))
		<< "reply of " << big.text.size() << " bytes differs";
	ASSERT_EQ(huge.rc, 0);
	EXPECT_EQ(huge.text, "{\"error\":\"numbers: reply larger than "
		"16777216 bytes\"}");
	vg_ctl_server_destroy(srv);
}

TEST_F(Ctl, IdleClientsAndTheLimit)
{
	struct vg_ctl_server *srv = nullptr;
	std::vector<int> idle;
	int extra_ms = -2, first_ms = -2;
	Reply after;

	ASSERT_EQ(vg_ctl_server_create(&srv, path.c_str()), 0);
	with_loop([&] {
		for (int i = 0; i < VG_CTL_MAX_CLIENTS; i++)
			idle.push_back(raw_connect(path));
		/* let the server accept them all before the one too many */
		usleep(200000);
		int extra = raw_connect(path);
		extra_ms = ms_until_closed(extra, 1000);
		close(extra);
		first_ms = ms_until_closed(idle[0], 5000);
		for (int fd : idle)
			close(fd);
		after = request(path, "ping");
	});
	for (int fd : idle)
		EXPECT_GE(fd, 0);
	EXPECT_GE(extra_ms, 0) << "a 17th client was kept";
	EXPECT_LT(extra_ms, 500);
	/* closed by the 2 s read timeout (counted from its accept) */
	EXPECT_GE(first_ms, 1000);
	EXPECT_LE(first_ms, 3000);
	ASSERT_EQ(after.rc, 0);
	EXPECT_NE(after.text.find("\"pong\":true"), std::string::npos);
	vg_ctl_server_destroy(srv);
}

TEST_F(Ctl, ClientErrors)
{
	char *buf = nullptr;

	EXPECT_EQ(vg_ctl_request(path.c_str(), "ping", 1000, &buf, nullptr),
		-ENOENT);
	EXPECT_EQ(vg_ctl_request(path.c_str(), "a\nb", 1000, &buf, nullptr),
		-EINVAL);
	EXPECT_EQ(vg_ctl_request(path.c_str(), "", 1000, &buf, nullptr),
		-EINVAL);
	EXPECT_EQ(buf, nullptr);
}

} // namespace
