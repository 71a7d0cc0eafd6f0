// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped unit tests: real child processes to signal (children.h).
 */
#include <signal.h>
#include <unistd.h>

#include "children.h"

pid_t msd_test_spawn_idle(bool own_group, bool ignore_term)
{
	int sync[2];
	pid_t pid;
	char c;

	if (pipe(sync))
		return -1;
	pid = fork();
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGTERM, ignore_term ? SIG_IGN : SIG_DFL);
		close(sync[0]);
		if (own_group) {
			setpgid(0, 0);
			if (fork() == 0) {
				for (;;)
					pause();
			}
		}
		/* Ready: only now may the test signal it. */
		if (write(sync[1], "r", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	close(sync[1]);
	if (pid > 0 && read(sync[0], &c, 1) != 1)
		pid = -1;
	close(sync[0]);
	return pid;
}
