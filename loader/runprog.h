/* loader/runprog.h - run another program (efibootmgr) with a deadline and
 * keep what it said.  No shell: argv as given, found through PATH. */
#ifndef LOADER_RUNPROG_H
#define LOADER_RUNPROG_H

#include <stddef.h>

#define RUNPROG_NOT_FOUND 127 /* the program could not be started (not in PATH) */
#define RUNPROG_TIMEOUT   -2  /* killed at the deadline */

/* Run argv[0] (PATH) with stdin /dev/null, its stdout and stderr together
 * into out (out_len bytes, NUL-terminated, cut if longer), and wait at
 * most seconds.  Its exit status (0..255, RUNPROG_NOT_FOUND if it could
 * not be executed), RUNPROG_TIMEOUT when it was killed at the deadline, or
 * -1 with errno when it could not be run at all (pipe, fork). */
int runprog(char *const argv[], char *out, size_t out_len, unsigned seconds);

#endif
