// SPDX-License-Identifier: GPL-2.0
/*
 * Replay driver: runs the fuzz target once on every file given, or on every
 * regular file in every directory given, without libFuzzer. "make check"
 * uses it, built with ASan and UBSan, to run the committed corpus and the
 * kept crash reproducers as regression inputs in a second or two.
 *
 *   parse_replay DIR|FILE...
 *
 * A contract violation or sanitizer report aborts with the input's name
 * printed first. On success it prints "replay: N inputs, 0 failed".
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Larger than any command, so oversized inputs are replayed whole. */
#define REPLAY_MAX (1 << 16)

static unsigned int replayed;

static int replay_file(const char *path)
{
	static uint8_t buf[REPLAY_MAX];
	uint8_t *data;
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	/* An exact-size heap copy, as libFuzzer passes its inputs. */
	data = malloc(n ? n : 1);
	if (!data)
		return -1;
	memcpy(data, buf, n);
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	replayed++;
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int replay_path(const char *path)
{
	struct dirent **ents;
	struct stat st;
	char sub[4096];
	int i, n, ret = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	n = scandir(path, &ents, NULL, by_name);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && !stat(sub, &st) && S_ISREG(st.st_mode) &&
		    replay_file(sub))
			ret = -1;
		free(ents[i]);
	}
	free(ents);
	return ret;
}

int main(int argc, char **argv)
{
	int i, ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++)
		if (replay_path(argv[i]))
			ret = 1;
	printf("replay: %u inputs, %d failed\n", replayed, ret);
	return ret || !replayed;
}
