/* A TCP client for the socket scenario tests: tcp-client PORT connects to 127.0.0.1:PORT, sends
 * its standard input, half-closes, and copies what comes back to standard output. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int write_all(int fd, const char *bytes, ssize_t count) {
  for (ssize_t done = 0; done < count;) {
    ssize_t wrote = write(fd, bytes + done, (size_t)(count - done));
    if (wrote <= 0) return -1;
    done += wrote;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: tcp-client PORT\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in address = {0};
  address.sin_family = AF_INET;
  address.sin_port = htons((unsigned short)atoi(argv[1]));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
    perror("tcp-client: connect");
    return 1;
  }
  /* Small inputs only (the tests send a few KiB): the echo fits the socket buffers, so sending
   * everything before reading cannot deadlock. */
  char buffer[4096];
  ssize_t count;
  while ((count = read(STDIN_FILENO, buffer, sizeof buffer)) > 0) {
    if (write_all(fd, buffer, count) != 0) {
      perror("tcp-client: write");
      return 1;
    }
  }
  shutdown(fd, SHUT_WR);
  while ((count = read(fd, buffer, sizeof buffer)) > 0) {
    if (write_all(STDOUT_FILENO, buffer, count) != 0) return 1;
  }
  close(fd);
  return count < 0 ? 1 : 0;
}
