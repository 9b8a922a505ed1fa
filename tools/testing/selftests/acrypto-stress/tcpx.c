// SPDX-License-Identifier: GPL-2.0
/*
 * tcpx - move one file over one TCP connection, for the IPsec part of the
 * stress campaign (busybox nc needs its stdin held open and then lingers).
 *
 *   tcpx recv PORT FILE          accept one connection, write what arrives
 *   tcpx send ADDR PORT FILE     connect (retrying for up to 10 s), send
 *
 * Both give up after 120 s without progress.  Exit status 0 on success.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static void timeouts(int fd)
{
	struct timeval tv = { .tv_sec = 120 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int copy(int in, int out)
{
	char buf[65536];
	ssize_t n, w, off;

	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += w) {
			w = write(out, buf + off, n - off);
			if (w <= 0)
				return -1;
		}
	}
	return n < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd, c, file, one = 1, i;

	if (argc == 4 && !strcmp(argv[1], "recv")) {
		sa.sin_port = htons(atoi(argv[2]));
		fd = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
			perror("tcpx: bind/listen");
			return 1;
		}
		timeouts(fd);
		c = accept(fd, NULL, NULL);
		if (c < 0) {
			perror("tcpx: accept");
			return 1;
		}
		timeouts(c);
		file = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (file < 0 || copy(c, file)) {
			perror("tcpx: receive");
			return 1;
		}
		return close(file) ? 1 : 0;
	}
	if (argc == 5 && !strcmp(argv[1], "send")) {
		sa.sin_port = htons(atoi(argv[3]));
		if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1)
			return 2;
		file = open(argv[4], O_RDONLY);
		if (file < 0) {
			perror("tcpx: open");
			return 1;
		}
		for (i = 0; i < 100; i++) {
			fd = socket(AF_INET, SOCK_STREAM, 0);
			timeouts(fd);
			if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
				break;
			close(fd);
			fd = -1;
			usleep(100000);
		}
		if (fd < 0) {
			perror("tcpx: connect");
			return 1;
		}
		if (copy(file, fd) || shutdown(fd, SHUT_WR)) {
			perror("tcpx: send");
			return 1;
		}
		/* Wait for the receiver to close: everything arrived. */
		while (read(fd, &c, 1) > 0)
			;
		return 0;
	}
	fprintf(stderr, "usage: tcpx recv PORT FILE | tcpx send ADDR PORT FILE\n");
	return 2;
}
