// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: configuration file parser.
 *
 * One directive per line; blank lines and lines starting with '#' are
 * ignored. Trigger lines are parsed by the module's own parser
 * (module/notify_parse.c), so the daemon accepts exactly the text form the
 * device accepts and reports mistakes with a line number before it opens
 * anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "names.h"
#include "notify_parse.h"

struct parse_ctx {
	const char *name;
	int line;
	char *err;
	size_t errlen;
	/* Line of the first occurrence of each single-valued directive. */
	int seen_device, seen_interval, seen_grace, seen_textfile, seen_log;
	int seen_period, seen_debugfs;
	int seen_self_adj, seen_mlock, seen_realtime;
	int seen_dry_run, seen_order, seen_prefer, seen_avoid, seen_victims;
	int seen_cooldown, seen_hook_timeout;
};

static int fail(struct parse_ctx *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parse_ctx *p, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->name, p->line, why);
	return -EINVAL;
}

void msd_config_defaults(struct msd_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->device, sizeof(c->device), "/dev/memscope");
	snprintf(c->log, sizeof(c->log), "stderr");
	c->kill_grace_ms = 500;
	/* node_exporter's scrape interval is typically 15 s too. */
	c->textfile_period_s = 15;
	snprintf(c->debugfs, sizeof(c->debugfs), "/sys/kernel/debug/memscope");
	c->self_adj_set = true;
	c->self_oom_score_adj = -1000;
	c->mlock = true;
	c->realtime = true;
	c->kill_order = MSD_ORDER_ADJ;
	c->victims_per_episode = 1;
	c->kill_cooldown_ms = 1000;
	c->pre_kill_timeout_ms = 500;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The first word of S into WORD; returns what follows it, blanks skipped. */
static const char *take_word(const char *s, char *word, size_t len)
{
	size_t n = strcspn(s, " \t");

	if (n >= len)
		n = len - 1;
	memcpy(word, s, n);
	word[n] = '\0';
	s += strcspn(s, " \t");
	return skip_blanks(s);
}

/* A whole decimal integer in [min, max]. */
static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int once(struct parse_ctx *p, int *seen, const char *what)
{
	if (*seen)
		return fail(p, "%s given twice (first on line %d)", what, *seen);
	*seen = p->line;
	return 0;
}

static int set_path(struct parse_ctx *p, char *dst, size_t len,
		    const char *what, const char *value)
{
	if (*value != '/')
		return fail(p, "%s needs an absolute path, not '%s'", what, value);
	if (strlen(value) >= len)
		return fail(p, "%s path longer than %zu bytes", what, len - 1);
	memcpy(dst, value, strlen(value) + 1);
	return 0;
}

static const char *errno_meaning(int err)
{
	switch (err) {
	case EINVAL: return "syntax error";
	case ERANGE: return "number out of range";
	default: return strerror(err);
	}
}

/* A trigger name: [a-z0-9_-], not a level name, so "on NAME" is unambiguous. */
static int valid_name(const char *name, size_t len)
{
	char word[MSD_NAME_MAX];

	if (!len || len >= MSD_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_' || name[i] == '-'))
			return 0;
	memcpy(word, name, len);
	word[len] = '\0';
	return msd_level_parse(word) < 0 && strcmp(word, "none");
}

static int find_trigger(const struct msd_config *c, const char *name)
{
	for (unsigned int i = 0; i < c->ntriggers; i++)
		if (!strcmp(c->triggers[i].name, name))
			return (int)i;
	return -1;
}

static int parse_trigger(struct parse_ctx *p, struct msd_config *c,
			 const char *text)
{
	char name[MSD_NAME_MAX] = "";
	struct msd_trigger_cfg *t;
	size_t word = strcspn(text, " \t");
	struct ms_cmd cmd;
	int ret;

	/* "trigger NAME: CONDITION" names it for "on NAME" rules. */
	if (word && text[word - 1] == ':') {
		if (!valid_name(text, word - 1))
			return fail(p, "bad trigger name '%.*s' ([a-z0-9_-], at most %d, not a level)",
				    (int)(word - 1), text, MSD_NAME_MAX - 1);
		memcpy(name, text, word - 1);
		name[word - 1] = '\0';
		if (find_trigger(c, name) >= 0)
			return fail(p, "trigger name '%s' used twice", name);
		text = skip_blanks(text + word);
	}
	if (!*text)
		return fail(p, "trigger needs a condition, e.g. 'trigger level critical'");
	ret = ms_parse_command(text, strlen(text), &cmd);
	if (ret)
		return fail(p, "trigger '%s': %s", text, errno_meaning(-ret));
	if (cmd.op != MS_CMD_TRIGGER)
		return fail(p, "'%s' is a device command, not a trigger", text);
	if (c->ntriggers == MSD_MAX_TRIGGERS)
		return fail(p, "more than %d triggers", MSD_MAX_TRIGGERS);
	t = &c->triggers[c->ntriggers++];
	t->trig = cmd.trig;
	t->line = p->line;
	memcpy(t->name, name, sizeof(t->name));
	snprintf(t->text, sizeof(t->text), "%s", text);
	return 0;
}

static int parse_interval(struct parse_ctx *p, struct msd_config *c,
			  const char *value)
{
	char text[MSD_LINE_MAX + 16];
	struct ms_cmd cmd;
	uint64_t ms;
	int ret;

	if (once(p, &p->seen_interval, "interval"))
		return -EINVAL;
	snprintf(text, sizeof(text), "interval %s", value);
	ret = ms_parse_command(text, strlen(text), &cmd);
	if (ret || cmd.op != MS_CMD_INTERVAL)
		return fail(p, "interval '%s': %s", value, errno_meaning(ret ? -ret : EINVAL));
	/* The ioctl takes whole milliseconds: round up, never below the wish. */
	ms = cmd.arg / 1000000 + (cmd.arg % 1000000 != 0);
	if (ms > UINT32_MAX)
		return fail(p, "interval '%s' is too long", value);
	c->interval_set = true;
	c->interval_ms = (uint32_t)ms;
	return 0;
}

/*
 * on WHEN run COMMAND | on WHEN run-before-kill COMMAND
 * on WHEN kill [process-group] pidfile=PATH | oom_score_adj>=N
 * WHEN: a level, or the name of a trigger defined above.
 */
static int parse_rule(struct parse_ctx *p, struct msd_config *c, const char *rest)
{
	char level[MSD_NAME_MAX + 8], verb[16];
	struct msd_rule *r;
	int lv, trig = -1;
	long adj;

	rest = take_word(rest, level, sizeof(level));
	lv = msd_level_parse(level);
	if (lv < 0) {
		trig = find_trigger(c, level);
		if (trig < 0)
			return fail(p, "'%s' is neither a level (low, medium, critical, oom) "
				    "nor the name of a trigger above", level);
		lv = 0;
	}
	rest = take_word(rest, verb, sizeof(verb));
	if (c->nrules == MSD_MAX_RULES)
		return fail(p, "more than %d rules", MSD_MAX_RULES);
	r = &c->rules[c->nrules];
	memset(r, 0, sizeof(*r));
	r->level = (uint32_t)lv;
	r->trigger = trig;
	r->line = p->line;
	if (!strcmp(verb, "run")) {
		if (!*rest)
			return fail(p, "'on %s run' needs a command", level);
		r->action = MSD_ACT_RUN;
		snprintf(r->arg, sizeof(r->arg), "%s", rest);
	} else if (!strcmp(verb, "run-before-kill")) {
		if (!*rest)
			return fail(p, "'on %s run-before-kill' needs a command", level);
		r->action = MSD_ACT_PRE_KILL;
		snprintf(r->arg, sizeof(r->arg), "%s", rest);
	} else if (!strcmp(verb, "kill")) {
		if (!strncmp(rest, "process-group", 13) &&
		    (rest[13] == ' ' || rest[13] == '\t')) {
			r->group = true;
			rest = skip_blanks(rest + 13);
		}
		if (!strncmp(rest, "pidfile=", 8)) {
			r->action = MSD_ACT_KILL_PIDFILE;
			if (set_path(p, r->arg, sizeof(r->arg), "pidfile", rest + 8))
				return -EINVAL;
		} else if (!strncmp(rest, "oom_score_adj>=", 15)) {
			r->action = MSD_ACT_KILL_ADJ;
			/* -1000 means "never kill"; it cannot be a threshold. */
			if (parse_int(rest + 15, -999, 1000, &adj))
				return fail(p, "oom_score_adj threshold '%s' is not in -999..1000",
					    rest + 15);
			r->min_adj = (int)adj;
		} else {
			return fail(p, "kill takes [process-group] pidfile=PATH or "
				    "oom_score_adj>=N, not '%s'", rest);
		}
	} else {
		return fail(p, "unknown action '%s' (run, run-before-kill or kill)", verb);
	}
	c->nrules++;
	return 0;
}

static int parse_bool(struct parse_ctx *p, int *seen, const char *key,
		      const char *value, bool *out)
{
	if (once(p, seen, key))
		return -EINVAL;
	if (strcmp(value, "yes") && strcmp(value, "no"))
		return fail(p, "%s takes yes or no, not '%s'", key, value);
	*out = !strcmp(value, "yes");
	return 0;
}

/* A whole number in [MIN, MAX] for a directive given once. */
static int parse_uint(struct parse_ctx *p, int *seen, const char *key,
		      const char *value, long min, long max, unsigned int *out)
{
	long v;

	if (once(p, seen, key))
		return -EINVAL;
	if (parse_int(value, min, max, &v))
		return fail(p, "%s '%s' is not in %ld..%ld", key, value, min, max);
	*out = (unsigned int)v;
	return 0;
}

/* A POSIX extended regex, checked here so that matching later cannot fail. */
static int parse_regex(struct parse_ctx *p, int *seen, const char *key,
		       const char *value, char *dst)
{
	char why[128];
	regex_t re;
	int ret;

	if (once(p, seen, key))
		return -EINVAL;
	if (!*value)
		return fail(p, "%s needs a regular expression", key);
	if (strlen(value) >= MSD_REGEX_MAX)
		return fail(p, "%s longer than %d bytes", key, MSD_REGEX_MAX - 1);
	ret = regcomp(&re, value, REG_EXTENDED | REG_NOSUB);
	if (ret) {
		regerror(ret, &re, why, sizeof(why));
		return fail(p, "%s '%s': %s", key, value, why);
	}
	regfree(&re);
	memcpy(dst, value, strlen(value) + 1);
	return 0;
}

static int parse_order(struct parse_ctx *p, struct msd_config *c, const char *value)
{
	if (once(p, &p->seen_order, "kill_order"))
		return -EINVAL;
	if (!strcmp(value, "oom_score_adj"))
		c->kill_order = MSD_ORDER_ADJ;
	else if (!strcmp(value, "rss"))
		c->kill_order = MSD_ORDER_RSS;
	else
		return fail(p, "kill_order takes oom_score_adj or rss, not '%s'", value);
	return 0;
}

/* The directives that say how victims are chosen and killed; 1 if not one. */
static int parse_kill_policy(struct parse_ctx *p, struct msd_config *c,
			     const char *key, const char *rest)
{
	if (!strcmp(key, "dry_run"))
		return parse_bool(p, &p->seen_dry_run, key, rest, &c->dry_run);
	if (!strcmp(key, "kill_order"))
		return parse_order(p, c, rest);
	if (!strcmp(key, "prefer"))
		return parse_regex(p, &p->seen_prefer, key, rest, c->prefer);
	if (!strcmp(key, "avoid"))
		return parse_regex(p, &p->seen_avoid, key, rest, c->avoid);
	if (!strcmp(key, "victims_per_episode"))
		return parse_uint(p, &p->seen_victims, key, rest, 1, MSD_VICTIMS_MAX,
				  &c->victims_per_episode);
	if (!strcmp(key, "kill_cooldown_ms"))
		return parse_uint(p, &p->seen_cooldown, key, rest, 0, MSD_COOLDOWN_MAX_MS,
				  &c->kill_cooldown_ms);
	if (!strcmp(key, "pre_kill_timeout_ms"))
		return parse_uint(p, &p->seen_hook_timeout, key, rest, MSD_HOOK_MIN_MS,
				  MSD_HOOK_MAX_MS, &c->pre_kill_timeout_ms);
	return 1;
}

static int parse_line(struct parse_ctx *p, struct msd_config *c, const char *line)
{
	char key[32];
	const char *rest;
	long v;
	int ret;

	rest = take_word(line, key, sizeof(key));
	if (!strcmp(key, "trigger"))
		return parse_trigger(p, c, rest);
	if (!strcmp(key, "on"))
		return parse_rule(p, c, rest);
	if (!strcmp(key, "interval"))
		return parse_interval(p, c, rest);
	if (!strcmp(key, "device")) {
		if (once(p, &p->seen_device, key))
			return -EINVAL;
		return set_path(p, c->device, sizeof(c->device), key, rest);
	}
	if (!strcmp(key, "textfile")) {
		if (once(p, &p->seen_textfile, key))
			return -EINVAL;
		return set_path(p, c->textfile, sizeof(c->textfile), key, rest);
	}
	if (!strcmp(key, "textfile_period_s")) {
		if (once(p, &p->seen_period, key))
			return -EINVAL;
		if (parse_int(rest, 0, 86400, &v))
			return fail(p, "textfile_period_s '%s' is not in 0..86400", rest);
		c->textfile_period_s = (unsigned int)v;
		return 0;
	}
	if (!strcmp(key, "debugfs")) {
		if (once(p, &p->seen_debugfs, key))
			return -EINVAL;
		if (!strcmp(rest, "none")) {
			c->debugfs[0] = '\0';
			return 0;
		}
		return set_path(p, c->debugfs, sizeof(c->debugfs), key, rest);
	}
	if (!strcmp(key, "log")) {
		if (once(p, &p->seen_log, key))
			return -EINVAL;
		if (!strcmp(rest, "stderr") || !strcmp(rest, "stdout") ||
		    !strcmp(rest, "syslog")) {
			snprintf(c->log, sizeof(c->log), "%s", rest);
			return 0;
		}
		return set_path(p, c->log, sizeof(c->log), key, rest);
	}
	if (!strcmp(key, "kill_grace_ms")) {
		if (once(p, &p->seen_grace, key))
			return -EINVAL;
		if (parse_int(rest, 0, MSD_GRACE_MAX_MS, &v))
			return fail(p, "kill_grace_ms '%s' is not in 0..%d", rest,
				    MSD_GRACE_MAX_MS);
		c->kill_grace_ms = (unsigned int)v;
		return 0;
	}
	if (!strcmp(key, "self_oom_score_adj")) {
		if (once(p, &p->seen_self_adj, key))
			return -EINVAL;
		if (!strcmp(rest, "keep")) {
			c->self_adj_set = false;
			return 0;
		}
		if (parse_int(rest, -1000, 1000, &v))
			return fail(p, "self_oom_score_adj '%s' is not keep or -1000..1000", rest);
		c->self_adj_set = true;
		c->self_oom_score_adj = (int)v;
		return 0;
	}
	if (!strcmp(key, "mlock"))
		return parse_bool(p, &p->seen_mlock, key, rest, &c->mlock);
	if (!strcmp(key, "realtime"))
		return parse_bool(p, &p->seen_realtime, key, rest, &c->realtime);
	ret = parse_kill_policy(p, c, key, rest);
	if (ret <= 0)
		return ret;
	return fail(p, "unknown directive '%s'", key);
}

int msd_config_parse(const char *text, size_t len, const char *name,
		     struct msd_config *c, char *err, size_t errlen)
{
	struct parse_ctx p = { .name = name, .err = err, .errlen = errlen };
	char line[MSD_LINE_MAX];
	size_t pos = 0;

	msd_config_defaults(c);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *s;
		size_t i;

		p.line++;
		if (n >= sizeof(line))
			return fail(&p, "line longer than %d bytes", MSD_LINE_MAX - 1);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl != NULL);
		/* Trailing blanks and a CR (files edited on Windows) go. */
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
			line[--n] = '\0';
		for (i = 0; i < n; i++)
			if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
				return fail(&p, "control character 0x%02x", (unsigned char)line[i]);
		s = skip_blanks(line);
		if (!*s || *s == '#')
			continue;
		if (parse_line(&p, c, s))
			return -EINVAL;
	}
	if (!c->ntriggers) {
		snprintf(err, errlen, "%s: no trigger lines: memscoped would never hear anything",
			 name);
		return -EINVAL;
	}
	return 0;
}

int msd_config_load(const char *path, struct msd_config *c, char *err,
		    size_t errlen)
{
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	buf = malloc(MSD_CONFIG_MAX + 1);
	if (!buf) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	for (;;) {
		n = read(fd, buf + len, MSD_CONFIG_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len > MSD_CONFIG_MAX)
			break;
	}
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	} else if (len > MSD_CONFIG_MAX) {
		ret = -EFBIG;
		snprintf(err, errlen, "%s: larger than %d bytes", path, MSD_CONFIG_MAX);
	} else if (memchr(buf, '\0', len)) {
		ret = -EINVAL;
		snprintf(err, errlen, "%s: not a text file (NUL byte)", path);
	} else {
		ret = msd_config_parse(buf, len, path, c, err, errlen);
	}
	free(buf);
	return ret;
}
