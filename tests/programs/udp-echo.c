/* A UDP echo server for the socket scenario tests: udp-echo PORT [wrong-port] binds
 * 127.0.0.1:PORT (or PORT + 1) and sends every datagram back to where it came from. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: udp-echo PORT [wrong-port]\n");
    return 2;
  }
  int port = atoi(argv[1]);
  if (argc > 2 && strcmp(argv[2], "wrong-port") == 0) port++;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in address = {0};
  address.sin_family = AF_INET;
  address.sin_port = htons((unsigned short)port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) != 0) {
    perror("udp-echo");
    return 1;
  }
  for (;;) {
    char buffer[65536];
    struct sockaddr_in from;
    socklen_t length = sizeof from;
    ssize_t count = recvfrom(fd, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &length);
    if (count >= 0) sendto(fd, buffer, (size_t)count, 0, (struct sockaddr *)&from, length);
  }
}
