// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers for memscope's debugfs views and the kernel's own files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "msview.h"

char *ms_slurp(const char *path)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

int ms_write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : 0;
}

struct ms_zone *ms_find_zone(struct ms_view *v, int node, const char *name)
{
	for (int i = 0; i < v->nzones; i++)
		if (v->z[i].node == node && !strcmp(v->z[i].name, name))
			return &v->z[i];
	return NULL;
}

static struct ms_zone *ms_get_zone(struct ms_view *v, int node, const char *name)
{
	struct ms_zone *z = ms_find_zone(v, node, name);

	if (z || v->nzones == MS_MAX_ZONES)
		return z;
	z = &v->z[v->nzones++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	snprintf(z->name, sizeof(z->name), "%s", name);
	return z;
}

int ms_parse_index(const char *s, int *out)
{
	int neg = 0, ip, fp;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (sscanf(s, "%d.%3d", &ip, &fp) != 2)
		return -EINVAL;
	*out = (ip * 1000 + fp) * (neg ? -1 : 1);
	return 0;
}

/* memscope buddy: "node zone order blocks pages pages_ge unusable fragindex". */
int ms_read_buddy(const char *path, struct ms_view *v)
{
	char *buf = ms_slurp(path), *line, *save = NULL;
	int ret = 0;

	if (!buf)
		return -errno;
	memset(v, 0, sizeof(*v));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char zone[16], u[16], f[16];
		unsigned long long pages, ge;
		unsigned long blocks;
		int node, order;
		struct ms_zone *z;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "%d %15s %d %lu %llu %llu %15s %15s", &node, zone,
			   &order, &blocks, &pages, &ge, u, f) != 8 ||
		    order < 0 || order >= MS_MAX_ORDERS) {
			ret = -EINVAL;
			break;
		}
		z = ms_get_zone(v, node, zone);
		if (!z || ms_parse_index(u, &z->unusable[order]) ||
		    ms_parse_index(f, &z->fragindex[order])) {
			ret = -EINVAL;
			break;
		}
		z->blocks[order] = blocks;
		z->pages[order] = pages;
		z->pages_ge[order] = ge;
		if (order + 1 > v->norders)
			v->norders = order + 1;
	}
	free(buf);
	if (!ret && !v->nzones)
		ret = -EINVAL;
	return ret;
}

/* Splits "Node 0, zone   Normal <rest>" into node, zone and rest. */
static char *ms_node_zone(char *line, int *node, char *zone)
{
	int n = 0;

	if (sscanf(line, "Node %d, zone %15s%n", node, zone, &n) != 2)
		return NULL;
	return line + n;
}

int ms_read_buddyinfo(const char *path, struct ms_view *v)
{
	char *buf = ms_slurp(path), *line, *save = NULL;

	if (!buf)
		return -errno;
	memset(v, 0, sizeof(*v));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char zone[16], *rest, *tok, *s2 = NULL;
		struct ms_zone *z;
		int node, order = 0;

		rest = ms_node_zone(line, &node, zone);
		if (!rest)
			continue;
		z = ms_get_zone(v, node, zone);
		if (!z)
			break;
		for (tok = strtok_r(rest, " ", &s2); tok && order < MS_MAX_ORDERS;
		     tok = strtok_r(NULL, " ", &s2))
			z->blocks[order++] = strtoul(tok, NULL, 10);
		v->norders = order;
	}
	free(buf);
	return v->nzones ? 0 : -EINVAL;
}

int ms_read_extfrag(const char *path, struct ms_view *v, bool fragindex)
{
	char *buf = ms_slurp(path), *line, *save = NULL;

	if (!buf)
		return -errno;
	memset(v, 0, sizeof(*v));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char zone[16], *rest, *tok, *s2 = NULL;
		struct ms_zone *z;
		int node, order = 0;

		rest = ms_node_zone(line, &node, zone);
		if (!rest)
			continue;
		z = ms_get_zone(v, node, zone);
		if (!z)
			break;
		for (tok = strtok_r(rest, " ", &s2); tok && order < MS_MAX_ORDERS;
		     tok = strtok_r(NULL, " ", &s2), order++)
			if (ms_parse_index(tok, fragindex ? &z->fragindex[order] :
					   &z->unusable[order]))
				break;
		v->norders = order;
	}
	free(buf);
	return v->nzones ? 0 : -EINVAL;
}

/* memscope pagetypes: "node zone type count..." with ">N" for capped lists. */
int ms_read_pagetypes(const char *path, struct ms_view *v)
{
	char *buf = ms_slurp(path), *line, *save = NULL;
	int ret = 0;

	if (!buf)
		return -errno;
	memset(v, 0, sizeof(*v));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char zone[16], type[16], *tok, *s2 = NULL;
		struct ms_zone *z;
		int node, n = 0, order = 0, t;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "%d %15s %15s%n", &node, zone, type, &n) != 3) {
			ret = -EINVAL;
			break;
		}
		z = ms_get_zone(v, node, zone);
		if (!z || z->ntypes == MS_MAX_TYPES) {
			ret = -EINVAL;
			break;
		}
		t = z->ntypes++;
		snprintf(z->type_names[t], sizeof(z->type_names[t]), "%s", type);
		for (tok = strtok_r(line + n, " ", &s2); tok && order < MS_MAX_ORDERS;
		     tok = strtok_r(NULL, " ", &s2))
			z->types[t][order++] = tok[0] == '>' ? -1 : strtol(tok, NULL, 10);
		v->norders = order;
	}
	free(buf);
	if (!ret && !v->nzones)
		ret = -EINVAL;
	return ret;
}

bool ms_same_blocks(const struct ms_view *a, const struct ms_view *b)
{
	if (a->nzones != b->nzones || a->norders != b->norders)
		return false;
	for (int i = 0; i < a->nzones; i++) {
		const struct ms_zone *za = &a->z[i], *zb = &b->z[i];

		if (za->node != zb->node || strcmp(za->name, zb->name) ||
		    memcmp(za->blocks, zb->blocks, sizeof(za->blocks)))
			return false;
	}
	return true;
}

/*
 * Reference formulas, written from their definitions rather than from the
 * module's code: "unusable" is the share of free pages that sit in blocks
 * smaller than 2^order; the fragmentation index is -1 when a block of that
 * order is free, else 1 - (1 + free/2^order) / blocks.
 */
int ms_ref_unusable(const unsigned long *blocks, int norders, int order)
{
	unsigned long long free = 0, usable = 0;

	for (int o = 0; o < norders; o++) {
		free += (unsigned long long)blocks[o] << o;
		if (o >= order)
			usable += (unsigned long long)blocks[o] << o;
	}
	if (!free)
		return 1000;
	return (int)((free - usable) * 1000 / free);
}

int ms_ref_fragindex(const unsigned long *blocks, int norders, int order)
{
	unsigned long long free = 0, total = 0;

	for (int o = 0; o < norders; o++) {
		if (o >= order && blocks[o])
			return -1000;
		free += (unsigned long long)blocks[o] << o;
		total += blocks[o];
	}
	if (!total)
		return 0;
	return 1000 - (int)((1000 + (free * 1000 >> order)) / total);
}

bool ms_module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

int ms_load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int ms_unload_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static const char *ms_kv_line(const char *text, const char *scope, const char *key)
{
	size_t sl = strlen(scope), kl = strlen(key);
	const char *line = text;

	while (line && *line) {
		const char *p = line;

		if (!strncmp(p, scope, sl) && (p[sl] == ' ' || p[sl] == '\t')) {
			p += sl;
			while (*p == ' ' || *p == '\t')
				p++;
			if (!strncmp(p, key, kl) && (p[kl] == ' ' || p[kl] == '\t'))
				return p + kl;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return NULL;
}

int ms_kv_get(const char *text, const char *scope, const char *key,
	      const char *name, long long *out)
{
	const char *p = ms_kv_line(text, scope, key), *end;
	size_t nl;

	if (!p)
		return -ENOENT;
	end = strchr(p, '\n');
	if (!end)
		end = p + strlen(p);
	if (!name) {
		char *e;

		*out = strtoll(p, &e, 10);
		return e == p ? -ENOENT : 0;
	}
	nl = strlen(name);
	for (; p < end; p++) {
		if ((p[-1] == ' ' || p[-1] == '\t') && !strncmp(p, name, nl) && p[nl] == '=') {
			*out = strtoll(p + nl + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

int ms_kv_str(const char *text, const char *scope, const char *key,
	      char *out, size_t len)
{
	const char *p = ms_kv_line(text, scope, key);
	size_t n = 0;

	if (!p)
		return -ENOENT;
	while (*p == ' ' || *p == '\t')
		p++;
	while (p[n] && p[n] != ' ' && p[n] != '\n' && n + 1 < len)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

int ms_read_zoneinfo(struct ms_zoneinfo *z, int max)
{
	char *buf = ms_slurp("/proc/zoneinfo"), *line, *save = NULL;
	struct ms_zoneinfo *cur = NULL;
	int n = 0;

	if (!buf)
		return -errno;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[16], *p;
		unsigned long v;
		int node;

		if (sscanf(line, "Node %d, zone %15s", &node, name) == 2) {
			if (n == max)
				break;
			cur = &z[n++];
			memset(cur, 0, sizeof(*cur));
			cur->node = node;
			snprintf(cur->name, sizeof(cur->name), "%s", name);
			continue;
		}
		if (!cur)
			continue;
		if (sscanf(line, " pages free %lu", &v) == 1)
			cur->free = v;
		else if (sscanf(line, " boost %lu", &v) == 1)
			cur->boost = v;
		else if (sscanf(line, " min %lu", &v) == 1)
			cur->min = v;
		else if (sscanf(line, " low %lu", &v) == 1)
			cur->low = v;
		else if (sscanf(line, " high %lu", &v) == 1)
			cur->high = v;
		else if (sscanf(line, " spanned %lu", &v) == 1)
			cur->spanned = v;
		else if (sscanf(line, " present %lu", &v) == 1)
			cur->present = v;
		else if (sscanf(line, " managed %lu", &v) == 1)
			cur->managed = v;
		else if (sscanf(line, " cma %lu", &v) == 1)
			cur->cma = v;
		else if ((p = strstr(line, "protection: ("))) {
			p += strlen("protection: (");
			while (*p && cur->nprotection < 8) {
				cur->protection[cur->nprotection++] = strtol(p, &p, 10);
				while (*p == ',' || *p == ' ')
					p++;
				if (*p == ')')
					break;
			}
			cur->populated = cur->present > 0;
		}
	}
	free(buf);
	return n;
}
