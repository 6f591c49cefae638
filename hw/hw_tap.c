/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file The kernel side of an exception-path TAP: the port's address on
 * it and the interface up, so the kernel (and voxgate-cp's sockets) own
 * the same IP for everything that is not media.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "vg_hw.h"

static int
set_in_addr(int fd, unsigned long req, const char *ifname, uint32_t ip)
{
	struct ifreq ifr;
	struct sockaddr_in sin;

	memset(&ifr, 0, sizeof(ifr));
	memset(&sin, 0, sizeof(sin));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = ip;
	memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
	return ioctl(fd, req, &ifr) == 0 ? 0 : -errno;
}

int
vg_hw_tap_configure(const char *ifname, const struct vg_cfg_cidr *addr,
		char *msg, size_t msg_size)
{
	struct ifreq ifr;
	uint32_t mask;
	int fd, rc;

	if (addr->addr.family != AF_INET) {
		snprintf(msg, msg_size, "%s: only IPv4 port addresses are "
			"supported on the exception path", ifname);
		return -EAFNOSUPPORT;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		snprintf(msg, msg_size, "%s: socket: %s", ifname, strerror(-rc));
		return rc;
	}
	mask = addr->prefix == 0 ? 0 :
		htonl(~(uint32_t)0 << (32 - addr->prefix));
	rc = set_in_addr(fd, SIOCSIFADDR, ifname, addr->addr.u.v4.s_addr);
	if (rc == 0)
		rc = set_in_addr(fd, SIOCSIFNETMASK, ifname, mask);
	if (rc != 0) {
		snprintf(msg, msg_size, "%s: cannot set the address: %s",
			ifname, strerror(-rc));
		goto out;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
		rc = -errno;
		snprintf(msg, msg_size, "%s: cannot read flags: %s", ifname,
			strerror(-rc));
		goto out;
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0) {
		rc = -errno;
		snprintf(msg, msg_size, "%s: cannot bring it up: %s", ifname,
			strerror(-rc));
	}
out:
	close(fd);
	return rc;
}
