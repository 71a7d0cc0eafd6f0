// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: supervisor daemon for /dev/memscope low-memory notifications.
 *
 *   memscoped [-c CONFIG] [-t] [-n|--dry-run]
 *
 * Logs every record, runs the configured commands, kills registered
 * background processes, and keeps a Prometheus textfile up to date. See
 * Documentation/memscoped.rst.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "sdnotify.h"

#define DEFAULT_CONFIG "/etc/memscoped.conf"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: memscoped [-c CONFIG] [-t] [-n|--dry-run]\n"
		"  -c CONFIG      configuration file (default " DEFAULT_CONFIG ")\n"
		"  -t             check the configuration and exit\n"
		"  -n, --dry-run  log the kills instead of doing them (as \"dry_run yes\")\n"
		"Runs in the foreground; SIGHUP reloads, SIGTERM or SIGINT stops.\n"
		"Under systemd (Type=notify) it reports readiness on $NOTIFY_SOCKET.\n");
}

int main(int argc, char **argv)
{
	const char *path = DEFAULT_CONFIG;
	struct msd_config *cfg;
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, check_only = 0, status;
	bool dry_run = false;
	char err[512];

	while ((opt = getopt_long(argc, argv, "c:tnh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 't':
			check_only = 1;
			break;
		case 'n':
			dry_run = true;
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
		printf("%s: %u triggers, %u rules%s: OK\n", path, cfg->ntriggers, cfg->nrules,
		       cfg->dry_run || dry_run ? ", dry run" : "");
		free(cfg);
		return 0;
	}
	if (msd_notify_init())
		fprintf(stderr, "memscoped: NOTIFY_SOCKET is not an AF_UNIX address: "
			"no readiness notifications\n");
	status = msd_daemon_run(path, cfg, dry_run);
	free(cfg);
	return status;
}
