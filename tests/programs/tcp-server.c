/* A TCP echo server with one defect on demand, for the socket scenario tests:
 *   tcp-server PORT echo        forks a child per connection, reaps it, closes every socket
 *   tcp-server PORT wrong-port  the same, but listens on PORT + 1
 *   tcp-server PORT no-close    serves connections one by one and never closes them (CLOSE_WAIT)
 *   tcp-server PORT no-reap     forks a child per connection and never waits for it (zombies)
 *   tcp-server PORT exit        exits with 3 before listening
 * It exits with 0 on SIGTERM. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_term(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  (void)sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

/* Echoes until the peer half-closes or fails. */
static void echo(int fd) {
  char buffer[4096];
  ssize_t count;
  while ((count = read(fd, buffer, sizeof buffer)) > 0) {
    for (ssize_t done = 0; done < count;) {
      ssize_t wrote = write(fd, buffer + done, (size_t)(count - done));
      if (wrote <= 0) return;
      done += wrote;
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: tcp-server PORT echo|wrong-port|no-close|no-reap|exit\n");
    return 2;
  }
  const char *mode = argv[2];
  int port = atoi(argv[1]);
  if (strcmp(mode, "exit") == 0) return 3;
  if (strcmp(mode, "wrong-port") == 0) port++;
  signal(SIGTERM, on_term);
  signal(SIGPIPE, SIG_IGN);
  if (strcmp(mode, "no-reap") != 0) {
    struct sigaction reap = {0};
    reap.sa_handler = on_child;
    reap.sa_flags = SA_RESTART;
    sigaction(SIGCHLD, &reap, NULL);
  }
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  struct sockaddr_in address = {0};
  address.sin_family = AF_INET;
  address.sin_port = htons((unsigned short)port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (listener < 0 || setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 64) != 0) {
    perror("tcp-server");
    return 1;
  }
  for (;;) {
    int connection = accept(listener, NULL, NULL);
    if (connection < 0 && errno == EINTR) continue;
    if (connection < 0) {
      perror("accept");
      return 1;
    }
    if (strcmp(mode, "no-close") == 0) {
      echo(connection); /* and the socket is never closed */
      continue;
    }
    pid_t child = fork();
    if (child == 0) {
      close(listener);
      echo(connection);
      _exit(0);
    }
    close(connection);
  }
}
