// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: supervisor daemon for /dev/memscope low-memory notifications.
 *
 *   memscoped [-c CONFIG] [-t]
 *
 * Logs every record, runs the configured commands, kills registered
 * background processes, and keeps a Prometheus textfile up to date. See
 * Documentation/memscoped.rst.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"

#define DEFAULT_CONFIG "/etc/memscoped.conf"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: memscoped [-c CONFIG] [-t]\n"
		"  -c CONFIG  configuration file (default " DEFAULT_CONFIG ")\n"
		"  -t         check the configuration and exit\n"
		"Runs in the foreground; SIGHUP reloads, SIGTERM or SIGINT stops.\n");
}

int main(int argc, char **argv)
{
	const char *path = DEFAULT_CONFIG;
	struct msd_config *cfg;
	int opt, check_only = 0, status;
	char err[512];

	while ((opt = getopt(argc, argv, "c:th")) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 't':
			check_only = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	cfg = malloc(sizeof(*cfg));
	if (!cfg) {
		fprintf(stderr, "memscoped: out of memory\n");
		return 1;
	}
	if (msd_config_load(path, cfg, err, sizeof(err))) {
		fprintf(stderr, "memscoped: %s\n", err);
		free(cfg);
		return 2;
	}
	if (check_only) {
		printf("%s: %u triggers, %u rules: OK\n", path, cfg->ntriggers, cfg->nrules);
		free(cfg);
		return 0;
	}
	status = msd_daemon_run(path, cfg);
	free(cfg);
	return status;
}
