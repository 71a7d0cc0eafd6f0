// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped unit tests: counters and the Prometheus textfile.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"
#include "unit.h"

static char *format(const struct msd_metrics *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (msd_metrics_format(m, f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

static bool valid_name(const char *s, size_t n)
{
	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ':'))
			return false;
	return true;
}

/*
 * The text exposition format as node_exporter's parser wants it: HELP and
 * TYPE once per name, before its samples; samples "name[{labels}] value";
 * names and label names from [a-zA-Z_:][a-zA-Z0-9_:]*; quoted label values.
 * Returns the number of problems, each reported.
 */
static int check_exposition(const char *text)
{
	char typed[64][64];
	int ntyped = 0, problems = 0, lineno = 0;
	const char *line = text;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[512];

		lineno++;
		if (!end) {
			tap_fail(__FILE__, __LINE__, "line %d has no newline", lineno);
			problems++;
		}
		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		if (!strncmp(buf, "# HELP ", 7)) {
			/* name, then a non-empty text */
			size_t n = strcspn(buf + 7, " ");

			if (!valid_name(buf + 7, n) || !buf[7 + n] || !buf[8 + n]) {
				tap_fail(__FILE__, __LINE__, "bad HELP: %s", buf);
				problems++;
			}
		} else if (!strncmp(buf, "# TYPE ", 7)) {
			size_t n = strcspn(buf + 7, " ");
			const char *type = buf + 7 + n + 1;

			if (!valid_name(buf + 7, n) || (strcmp(type, "counter") && strcmp(type, "gauge"))) {
				tap_fail(__FILE__, __LINE__, "bad TYPE: %s", buf);
				problems++;
			}
			for (int i = 0; i < ntyped; i++) {
				if (strlen(typed[i]) == n && !strncmp(typed[i], buf + 7, n)) {
					tap_fail(__FILE__, __LINE__, "TYPE twice: %s", buf);
					problems++;
				}
			}
			if (ntyped < 64)
				snprintf(typed[ntyped++], sizeof(typed[0]), "%.*s", (int)n, buf + 7);
		} else {
			size_t n = strcspn(buf, "{ ");
			const char *rest = buf + n;
			char *vend;
			bool known = false;

			for (int i = 0; i < ntyped; i++)
				known |= strlen(typed[i]) == n && !strncmp(typed[i], buf, n);
			if (!valid_name(buf, n) || !known) {
				tap_fail(__FILE__, __LINE__, "sample without TYPE: %s", buf);
				problems++;
			}
			if (*rest == '{') {
				/* name="value"{,name="value"} */
				rest++;
				while (*rest != '}') {
					size_t ln = strcspn(rest, "=");

					if (!valid_name(rest, ln) || rest[ln + 1] != '"' ||
					    !strchr(rest + ln + 2, '"')) {
						tap_fail(__FILE__, __LINE__, "bad labels: %s", buf);
						problems++;
						break;
					}
					rest = strchr(rest + ln + 2, '"') + 1;
					if (*rest == ',')
						rest++;
				}
				if (*rest == '}')
					rest++;
			}
			if (*rest != ' ' || (strtod(rest + 1, &vend), *vend)) {
				tap_fail(__FILE__, __LINE__, "bad value: %s", buf);
				problems++;
			}
		}
		line += len + (end != NULL);
	}
	return problems;
}

static struct memscope_event record(uint32_t kind, uint32_t reason, uint32_t level)
{
	struct memscope_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.size = sizeof(ev);
	ev.kind = kind;
	ev.reason = reason;
	ev.level = level;
	ev.zone_level = level;
	ev.available_bytes = 6 << 20;
	ev.free_bytes = 2 << 20;
	return ev;
}

static void fresh_file_has_counters_and_no_gauges(void)
{
	struct msd_metrics m;
	char *text;

	memset(&m, 0, sizeof(m));
	text = format(&m);
	CHECK(text != NULL);
	CHECK_INT(check_exposition(text ? text : ""), 0);
	CHECK_CONTAINS(text, "# HELP memscope_events_total ");
	CHECK_CONTAINS(text, "# TYPE memscope_events_total counter\n");
	CHECK_CONTAINS(text, "\nmemscope_kills_total 0\n");
	CHECK_CONTAINS(text, "\nmemscope_dropped_records_total 0\n");
	CHECK_CONTAINS(text, "# TYPE memscope_dropped_records_total counter\n");
	/* No record yet: no value to report rather than a made-up 0. */
	CHECK(text && !strstr(text, "memscope_level"));
	CHECK(text && !strstr(text, "memscope_events_total{"));
	free(text);
}

static void counts_records_by_reason_level_and_kind(void)
{
	struct memscope_event ev;
	struct msd_metrics m;
	char *text;

	memset(&m, 0, sizeof(m));
	ev = record(MEMSCOPE_TRIG_LEVEL, MEMSCOPE_REASON_FIRED, 3);
	msd_metrics_count_event(&m, &ev, 1700000000.25);
	msd_metrics_count_event(&m, &ev, 1700000000.5);
	ev = record(MEMSCOPE_TRIG_LEVEL, MEMSCOPE_REASON_CLEARED, 1);
	ev.dropped = 4;
	msd_metrics_count_event(&m, &ev, 1700000001.0);
	ev = record(99, 77, 0);	/* kind and reason from a newer kernel */
	ev.dropped = 2;
	ev.available_bytes = 5 << 20;
	msd_metrics_count_event(&m, &ev, 1700000002.0);
	m.kills = 3;
	m.sigkills = 1;
	m.commands = 5;
	m.command_failures = 2;

	text = format(&m);
	CHECK(text != NULL);
	CHECK_INT(check_exposition(text ? text : ""), 0);
	CHECK_CONTAINS(text, "memscope_events_total{reason=\"fired\",level=\"critical\",kind=\"level\"} 2\n");
	CHECK_CONTAINS(text, "memscope_events_total{reason=\"cleared\",level=\"low\",kind=\"level\"} 1\n");
	CHECK_CONTAINS(text, "memscope_events_total{reason=\"unknown\",level=\"none\",kind=\"unknown\"} 1\n");
	CHECK_CONTAINS(text, "\nmemscope_dropped_records_total 6\n");
	CHECK_CONTAINS(text, "\nmemscope_kills_total 3\n");
	CHECK_CONTAINS(text, "\nmemscope_sigkills_total 1\n");
	CHECK_CONTAINS(text, "\nmemscope_commands_total 5\n");
	CHECK_CONTAINS(text, "\nmemscope_command_failures_total 2\n");
	/* Gauges hold the latest record. */
	CHECK_CONTAINS(text, "# TYPE memscope_level gauge\nmemscope_level 0\n");
	CHECK_CONTAINS(text, "\nmemscope_available_bytes 5242880\n");
	CHECK_CONTAINS(text, "\nmemscope_free_bytes 2097152\n");
	CHECK_CONTAINS(text, "\nmemscope_last_event_timestamp_seconds 1700000002.000\n");
	free(text);
}

static void write_replaces_the_file_atomically(void)
{
	const char *dir = tap_tmpdir();
	char path[300], tmp[320], *text, *expect;
	struct memscope_event ev = record(MEMSCOPE_TRIG_OOM, MEMSCOPE_REASON_FIRED, 4);
	struct msd_metrics m;
	struct stat before, after;
	mode_t old_mask;
	FILE *reader;

	REQUIRE(dir != NULL);
	memset(&m, 0, sizeof(m));
	old_mask = umask(022);
	snprintf(path, sizeof(path), "%s/memscope.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CHECK_INT(msd_metrics_write(&m, path), 0);
	CHECK_INT(stat(path, &before), 0);
	/* A reader holding the old file keeps reading the old contents. */
	reader = fopen(path, "r");

	msd_metrics_count_event(&m, &ev, 1.0);
	CHECK_INT(msd_metrics_write(&m, path), 0);
	CHECK_INT(stat(path, &after), 0);
	CHECK(before.st_ino != after.st_ino);	/* renamed over, not rewritten */
	CHECK(access(tmp, F_OK) != 0);		/* nothing left behind */
	CHECK_INT(after.st_mode & 0777, 0644);	/* readable by node_exporter */
	umask(old_mask);
	text = tap_read_file(path);
	expect = format(&m);
	CHECK(text && expect && !strcmp(text, expect));
	CHECK_CONTAINS(text, "kind=\"oom\"} 1\n");
	if (reader) {
		char first[128] = "";

		CHECK(fgets(first, sizeof(first), reader) != NULL);
		CHECK_CONTAINS(first, "# HELP memscope_events_total");
		fclose(reader);
	}
	free(text);
	free(expect);
	unlink(path);
	rmdir(dir);
}

static void write_failure_leaves_nothing(void)
{
	struct msd_metrics m;
	const char *dir = tap_tmpdir();
	char path[300];

	REQUIRE(dir != NULL);
	memset(&m, 0, sizeof(m));
	snprintf(path, sizeof(path), "%s/no-such-dir/memscope.prom", dir);
	CHECK_INT(msd_metrics_write(&m, path), -ENOENT);
	/* The target is a directory: the rename fails, the temp file goes. */
	snprintf(path, sizeof(path), "%s/adir", dir);
	CHECK_INT(mkdir(path, 0755), 0);
	CHECK_INT(msd_metrics_write(&m, path), -EISDIR);
	CHECK_INT(rmdir(path), 0);
	/* Only if both temp files are gone is the directory empty now. */
	CHECK_INT(rmdir(dir), 0);
}

static int extra_family(FILE *out, void *ctx)
{
	fprintf(out, "# TYPE memscope_extra gauge\nmemscope_extra %d\n", *(int *)ctx);
	return 0;
}

static int failing_extra(FILE *out, void *ctx)
{
	(void)out;
	(void)ctx;
	return -EIO;
}

/* The daemon's module-state families come after memscoped's own, in one rename. */
static void write_with_appends_the_extra_families(void)
{
	const char *dir = tap_tmpdir();
	char path[300], tmp[320], *text, *own;
	struct msd_metrics m;
	int seven = 7;

	REQUIRE(dir != NULL);
	memset(&m, 0, sizeof(m));
	snprintf(path, sizeof(path), "%s/memscope.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CHECK_INT(msd_metrics_write_with(&m, path, extra_family, &seven), 0);
	text = tap_read_file(path);
	own = format(&m);
	REQUIRE(text && own);
	CHECK(!strncmp(text, own, strlen(own)));
	CHECK_STR(text + strlen(own), "# TYPE memscope_extra gauge\nmemscope_extra 7\n");
	free(text);
	free(own);
	/* A failing writer leaves the old file whole and no temp file. */
	CHECK_INT(msd_metrics_write_with(&m, path, failing_extra, NULL), -EIO);
	text = tap_read_file(path);
	CHECK(text && strstr(text, "memscope_extra 7\n"));
	CHECK(access(tmp, F_OK) != 0);
	free(text);
	unlink(path);
	rmdir(dir);
}

const struct tap_test metrics_tests[] = {
	{ "metrics_write_with_appends_the_extra_families", write_with_appends_the_extra_families },
	{ "metrics_fresh_file_has_counters_and_no_gauges", fresh_file_has_counters_and_no_gauges },
	{ "metrics_counts_records_by_reason_level_and_kind", counts_records_by_reason_level_and_kind },
	{ "metrics_write_replaces_the_file_atomically", write_replaces_the_file_atomically },
	{ "metrics_write_failure_leaves_nothing", write_failure_leaves_nothing },
	{ NULL, NULL },
};
