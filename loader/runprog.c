/* loader/runprog.c - see runprog.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loader/runprog.h"

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int runprog(char *const argv[], char *out, size_t out_len, unsigned seconds)
{
	int p[2];
	size_t got = 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(RUNPROG_NOT_FOUND);
		execvp(argv[0], argv);
		_exit(RUNPROG_NOT_FOUND);
	}
	close(p[1]);
	long long deadline = now_ms() + (long long)seconds * 1000;
	int timed_out = 0;
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		int r = poll(&pf, 1, (int)(left > 1000 ? 1000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		char buf[1024];
		ssize_t n = read(p[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EOF: it closed its output (exited) */
		for (ssize_t i = 0; i < n && got + 1 < out_len; i++)
			out[got++] = buf[i];
	}
	close(p[0]);
	if (out_len)
		out[got] = 0;
	int st;
	if (timed_out) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return RUNPROG_TIMEOUT;
	}
	/* output closed: it exits now, or a child of its kept nothing open; bounded all the same */
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (now_ms() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return RUNPROG_TIMEOUT;
		}
		usleep(10000);
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}
