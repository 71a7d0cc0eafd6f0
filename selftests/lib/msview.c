// SPDX-License-Identifier: GPL-2.0
/*
 * memscope's debugfs views, read with the memscope tool's parsers
 * (tools/memscope/msparse_*.c) into the tests' structs, and parsers of
 * the kernel's own files that serve as oracles, independent of memscope.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "msview.h"
/* memscope's views are read with the memscope tool's parsers. */
#include "msparse_alloc.h"
#include "msparse_buddy.h"
#include "msparse_events.h"
#include "msparse_pressure.h"
#include "msparse_reclaim.h"
#include "msparse_reserved.h"
#include "msparse_text.h"

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

int ms_mark(const char *view)
{
	return ms_write_str(MS_DEBUGFS "/mark", view);
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

/* A "%d.%03d" index as the view printed it, in thousandths. */
static int ms_milli(double x)
{
	return (int)(x * 1000 + (x < 0 ? -0.5 : 0.5));
}

/* memscope buddy, through the memscope tool's parser. */
int ms_read_buddy(const char *path, struct ms_view *v)
{
	char *buf = ms_slurp(path);
	struct ms_buddy *b;
	int ret = 0;

	if (!buf)
		return -errno;
	memset(v, 0, sizeof(*v));
	b = malloc(sizeof(*b));
	if (!b || ms_parse_buddy(buf, b)) {
		ret = b ? -EINVAL : -ENOMEM;
		goto out;
	}
	v->norders = b->nr_orders;
	v->nzones = b->nr_zones;
	for (int i = 0; i < b->nr_zones; i++) {
		const struct ms_buddy_zone *bz = &b->zone[i];
		struct ms_zone *z = &v->z[i];

		z->node = bz->node;
		snprintf(z->name, sizeof(z->name), "%s", bz->zone);
		for (int o = 0; o < b->nr_orders; o++) {
			z->blocks[o] = bz->free_blocks[o];
			z->pages[o] = bz->free_pages[o];
			z->pages_ge[o] = bz->free_pages_ge[o];
			z->unusable[o] = ms_milli(bz->unusable[o]);
			z->fragindex[o] = ms_milli(bz->fragindex[o]);
		}
	}
out:
	free(b);
	free(buf);
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

/*
 * The kernel's "Node N, zone Z v0 v1 ..." tables (/proc/buddyinfo, debugfs
 * extfrag/): one call of put() per value, in order; put() returns non-zero
 * to stop the line.
 */
typedef int (*ms_put_fn)(struct ms_zone *z, int order, const char *tok, int which);

static int ms_read_node_zone_table(const char *path, struct ms_view *v,
				   ms_put_fn put, int which)
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
		for (tok = strtok_r(rest, " ", &s2); tok && order < MST_MAX_ORDERS;
		     tok = strtok_r(NULL, " ", &s2), order++)
			if (put(z, order, tok, which))
				break;
		v->norders = order;
	}
	free(buf);
	return v->nzones ? 0 : -EINVAL;
}

static int ms_put_blocks(struct ms_zone *z, int order, const char *tok, int which)
{
	(void)which;
	z->blocks[order] = strtoul(tok, NULL, 10);
	return 0;
}

static int ms_put_index(struct ms_zone *z, int order, const char *tok, int fragindex)
{
	return ms_parse_index(tok, fragindex ? &z->fragindex[order] : &z->unusable[order]);
}

int ms_read_buddyinfo(const char *path, struct ms_view *v)
{
	return ms_read_node_zone_table(path, v, ms_put_blocks, 0);
}

int ms_read_extfrag(const char *path, struct ms_view *v, bool fragindex)
{
	return ms_read_node_zone_table(path, v, ms_put_index, fragindex);
}

int ms_put_type_row(struct ms_view *v, int node, const char *zone, const char *type,
		    char *counts)
{
	struct ms_zone *z = ms_get_zone(v, node, zone);
	char *tok, *save = NULL;
	int order = 0, t;

	if (!z || z->ntypes == MS_MAX_TYPES)
		return -EINVAL;
	t = z->ntypes++;
	snprintf(z->type_names[t], sizeof(z->type_names[t]), "%s", type);
	for (tok = strtok_r(counts, " ", &save); tok && order < MST_MAX_ORDERS;
	     tok = strtok_r(NULL, " ", &save))
		z->types[t][order++] = tok[0] == '>' ? -1 : strtol(tok, NULL, 10);
	v->norders = order;
	return 0;
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
		char zone[16], type[16];
		int node, n = 0;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "%d %15s %15s%n", &node, zone, type, &n) != 3) {
			ret = -EINVAL;
			break;
		}
		ret = ms_put_type_row(v, node, zone, type, line + n);
		if (ret)
			break;
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
	return ms_load_module_params(path, "");
}

int ms_unload_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

int ms_kv_get(const char *text, const char *scope, const char *key,
	      const char *name, long long *out)
{
	int64_t v;

	if (ms_pressure_get(text, scope, key, name, &v))
		return -ENOENT;
	*out = v;
	return 0;
}

int ms_kv_str(const char *text, const char *scope, const char *key,
	      char *out, size_t len)
{
	return ms_pressure_word(text, scope, key, out, len) ? -ENOENT : 0;
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
		else if (sscanf(line, " cpu: %d", &node) == 1)
			cur->pcp_cpus++;
		else if (sscanf(line, " batch: %lu", &v) == 1)
			cur->pcp_batch = v > cur->pcp_batch ? v : cur->pcp_batch;
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

/* ---- memscope's hook views: alloc, reclaim, slab ---- */

/* "# hooks_page on; tracepoints missing: none" */
static void ms_status_of(const struct ms_hooks *h, struct ms_hooks_status *st)
{
	st->on = h->on;
	snprintf(st->missing, sizeof(st->missing), "%s", h->missing);
}

/* memscope alloc, through the memscope tool's parser. */
int ms_read_alloc(const char *path, struct mst_alloc *a)
{
	char *buf = ms_slurp(path);
	struct ms_alloc *t;
	int ret = 0;

	if (!buf)
		return -errno;
	memset(a, 0, sizeof(*a));
	t = malloc(sizeof(*t));
	if (!t || ms_parse_alloc(buf, t)) {
		ret = t ? -EINVAL : -ENOMEM;
		goto out;
	}
	ms_status_of(&t->hooks, &a->st);
	a->norders = t->nr_orders;
	a->nzones = t->nr_zones;
	a->ntypes = t->nr_types;
	for (int sc = 0; sc < MS_SCOPES; sc++) {
		for (int o = 0; o < MS_MAX_ORDERS; o++) {
			a->allocs[sc][o] = t->allocs[sc][o];
			a->frees[sc][o] = t->frees[sc][o];
			a->fails[sc][o] = t->fails[sc][o];
			a->fails_nowarn[sc][o] = t->fails_nowarn[sc][o];
			a->drained[sc][o] = t->pcp_drained[sc][o];
			for (int k = 0; k < MS_MAX_ORDERS; k++)
				a->extfrag[sc][o][k] = t->extfrag[sc][o][k];
			for (int i = 0; i < t->nr_zones; i++) {
				a->zone[i].alloc[sc][o] = t->zone[i].alloc[sc][o];
				a->zone[i].free[sc][o] = t->zone[i].free[sc][o];
			}
			for (int i = 0; i < t->nr_types; i++)
				a->mt[sc][i][o] = t->mt[sc][i][o];
		}
	}
	for (int i = 0; i < t->nr_zones; i++) {
		a->zone[i].node = t->zone[i].node;
		snprintf(a->zone[i].name, sizeof(a->zone[i].name), "%s", t->zone[i].zone);
	}
	for (int i = 0; i < t->nr_types; i++)
		snprintf(a->type_names[i], sizeof(a->type_names[i]), "%s", t->type_name[i]);
out:
	free(t);
	free(buf);
	return ret;
}

int ms_read_extfrag_mt(const char *path, struct ms_xmt *x)
{
	char *buf = ms_slurp(path);
	const int l = MS_SINCE_LOAD;
	struct ms_alloc *a;
	int t = 0, ret = -1;

	if (!buf)
		return -1;
	memset(x, 0, sizeof(*x));
	a = malloc(sizeof(*a));
	if (a) {
		/* The rows are read whether or not the view has order rows. */
		ms_parse_alloc(buf, a);
		for (t = 0; t < a->nr_extfrag_mt[l] && t < MS_MAX_TYPES; t++) {
			const uint64_t *v = a->extfrag_mt[l][t];
			int n = a->extfrag_mt_len[l][t];

			if (n < 2)
				break;
			x->ntypes = n - 1;
			for (int i = 0; i < n - 1; i++)
				x->n[t][i] = v[i];
			x->small[t] = v[n - 1];
		}
		ret = t && t == x->ntypes ? 0 : -1;
	}
	free(a);
	free(buf);
	return ret;
}

double ms_since_mark(const char *path)
{
	char *t = ms_slurp(path), *c = t, *line;
	double load, mark = -1;

	while (c && (line = ms_next_line(&c)))
		if (ms_parse_since_line(line, &load, &mark))
			break;
	free(t);
	return mark;
}

/* memscope reclaim, through the memscope tool's parser. */
int ms_read_reclaim(const char *path, struct mst_reclaim *r)
{
	char *buf = ms_slurp(path);
	struct ms_reclaim *t;
	int ret = 0;

	if (!buf)
		return -errno;
	memset(r, 0, sizeof(*r));
	t = malloc(sizeof(*t));
	if (!t || ms_parse_reclaim(buf, t)) {
		ret = t ? -EINVAL : -ENOMEM;
		goto out;
	}
	ms_status_of(&t->hooks, &r->st);
	r->nevents = t->nr;
	for (int i = 0; i < t->nr; i++) {
		snprintf(r->ev[i].name, sizeof(r->ev[i].name), "%s", t->c[i].name);
		r->ev[i].v[0] = t->c[i].since_load;
		r->ev[i].v[1] = t->c[i].since_mark;
	}
	for (int sc = 0; sc < MS_SCOPES; sc++)
		for (int o = 0; o < MS_MAX_ORDERS; o++)
			r->kswapd[sc][o] = t->kswapd[sc][o];
	r->nbuckets = t->nr_buckets;
	for (int k = 0; k < MS_NR_STALLS; k++)
		for (int i = 0; i < t->nr_buckets; i++)
			for (int sc = 0; sc < MS_SCOPES; sc++)
				r->stall[k][i][sc] = t->stall[k][i][sc];
out:
	free(t);
	free(buf);
	return ret;
}

long long ms_reclaim_ev(const struct mst_reclaim *r, const char *name, int scope)
{
	for (int i = 0; i < r->nevents; i++)
		if (!strcmp(r->ev[i].name, name))
			return (long long)r->ev[i].v[scope];
	return -1;
}

int ms_read_slab(const char *path, struct ms_slab *s)
{
	char *buf = ms_slurp(path), *line, *save = NULL;
	int ret = 0;

	if (!buf)
		return -errno;
	memset(s, 0, sizeof(*s));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char kind[16];
		int used = 0;

		if (line[0] == '#') {
			struct ms_hooks h = { 0 };

			if (ms_parse_hooks(line, &h))
				ms_status_of(&h, &s->st);
			if (!strncmp(line, "# cache names: from mm/slab.h", 29))
				s->have_names = true;
			continue;
		}
		if (sscanf(line, "%15s%n", kind, &used) != 1) {
			ret = -EINVAL;
			break;
		}
		if (!strcmp(kind, "cache")) {
			struct ms_slab_cache *c;
			unsigned long long rate;

			if (s->ncaches == MS_MAX_CACHES)
				continue;
			c = &s->cache[s->ncaches];
			if (sscanf(line + used, "%39s %u %llu %llu %lld %lld %llu %llu %lld %llu",
				   c->name, &c->objsize, &c->allocs[0], &c->frees[0],
				   &c->live[0], &c->live_bytes, &c->allocs[1], &c->frees[1],
				   &c->live[1], &rate) != 10) {
				ret = -EINVAL;
				break;
			}
			s->ncaches++;
		} else if (!strcmp(kind, "kmalloc")) {
			struct ms_slab_kclass *k;
			long long live, live_bytes, live_mark;

			if (s->nkclasses == MS_MAX_KCLASSES) {
				ret = -EINVAL;
				break;
			}
			k = &s->kc[s->nkclasses];
			if (sscanf(line + used, "%llu %llu %llu %lld %lld %llu %llu %llu %lld",
				   &k->bytes, &k->allocs[0], &k->frees[0], &live, &live_bytes,
				   &k->fails, &k->allocs[1], &k->frees[1], &live_mark) != 9) {
				ret = -EINVAL;
				break;
			}
			s->nkclasses++;
		} else if (!strcmp(kind, "site")) {
			struct ms_slab_site *t;
			int rank, n = 0;

			if (s->nsites == MS_MAX_SITES)
				continue;
			t = &s->site[s->nsites];
			if (sscanf(line + used, "%d %39s %llu %llu %n", &rank, t->cache,
				   &t->allocs, &t->bytes, &n) != 4 || !n) {
				ret = -EINVAL;
				break;
			}
			snprintf(t->call_site, sizeof(t->call_site), "%s", line + used + n);
			s->nsites++;
		} else {
			ret = -EINVAL;
			break;
		}
	}
	free(buf);
	return ret;
}

struct ms_slab_cache *ms_slab_find(struct ms_slab *s, const char *name)
{
	for (int i = 0; i < s->ncaches; i++)
		if (!strcmp(s->cache[i].name, name))
			return &s->cache[i];
	return NULL;
}

struct ms_slab_kclass *ms_slab_kclass_find(struct ms_slab *s, unsigned long long bytes)
{
	for (int i = 0; i < s->nkclasses; i++)
		if (s->kc[i].bytes == bytes)
			return &s->kc[i];
	return NULL;
}

static long long ms_vmstat_match(const char *key, bool prefix)
{
	char *buf = ms_slurp("/proc/vmstat"), *line, *save = NULL;
	long long sum = 0, v;
	bool found = false;
	char name[64];

	if (!buf)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%63s %lld", name, &v) != 2)
			continue;
		if (prefix ? strncmp(name, key, strlen(key)) : strcmp(name, key))
			continue;
		sum += v;
		found = true;
	}
	free(buf);
	return found ? sum : -1;
}

long long ms_vmstat(const char *name)
{
	return ms_vmstat_match(name, false);
}

long long ms_vmstat_prefix(const char *prefix)
{
	return ms_vmstat_match(prefix, true);
}

int ms_load_module_params(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int ms_reload_memscope(const char *params)
{
	/* The helper module hogs pages and probes memscope's state: out first. */
	if (ms_module_loaded("memscope_test"))
		ms_unload_module("memscope_test");
	if (ms_module_loaded("memscope")) {
		int ret = ms_unload_module("memscope");

		if (ret)
			return ret;
	}
	return ms_load_module_params(MS_MEMSCOPE_KO, params);
}

long long ms_param_get(const char *name)
{
	char path[128], *t;
	long long v;

	snprintf(path, sizeof(path), MS_PARAMS "%s", name);
	t = ms_slurp(path);
	if (!t)
		return -1;
	v = strtoll(t, NULL, 10);
	free(t);
	return v;
}

int ms_param_set(const char *name, const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), MS_PARAMS "%s", name);
	return ms_write_str(path, value);
}

long long ms_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * memscope reserved. The Memory: parser is written from the format of
 * mem_init_print_info(), not from the module's code; '?' reads as -1.
 */
static int ms_k_field(const char *p, long long *v, const char **end)
{
	char *e;

	if (*p == '?') {
		*v = -1;
		e = (char *)p + 1;
	} else {
		*v = strtoll(p, &e, 10);
		if (e == p)
			return -EINVAL;
	}
	if (*e != 'K')
		return -EINVAL;
	*end = e + 1;
	return 0;
}

int ms_parse_mem_line(const char *s, struct ms_mem_line *ml)
{
	static const char * const names[] = {
		" kernel code, ", " rwdata, ", " rodata, ", " init, ", " bss, ",
		" reserved, ", " cma-reserved",
	};
	const char *p = strstr(s, "Memory: ");
	int i;

	memset(ml, 0, sizeof(*ml));
	if (!p)
		return -EINVAL;
	p += strlen("Memory: ");
	if (ms_k_field(p, &ml->k[MS_ML_AVAIL], &p) || *p++ != '/' ||
	    ms_k_field(p, &ml->k[MS_ML_TOTAL], &p) ||
	    strncmp(p, " available (", 12))
		return -EINVAL;
	p += 12;
	for (i = 0; i < 7; i++) {
		if (ms_k_field(p, &ml->k[MS_ML_CODE + i], &p) ||
		    strncmp(p, names[i], strlen(names[i])))
			return -EINVAL;
		p += strlen(names[i]);
	}
	if (!strncmp(p, ", ", 2)) {
		if (ms_k_field(p + 2, &ml->k[MS_ML_HIGH], &p) ||
		    strncmp(p, " highmem", 8))
			return -EINVAL;
		p += 8;
		ml->has_high = true;
	}
	if (*p != ')')
		return -EINVAL;
	ml->ok = true;
	return 0;
}

/* memscope reserved, through the memscope tool's reader of its rows. */
struct ms_res_ctx {
	struct mst_reserved *r;
	int ret;
	bool full;
};

static void ms_res_zone_of(struct ms_res_ctx *c, const struct ms_res_item *it)
{
	struct ms_res_zone *z = &c->r->zone[c->r->nzones];

	if (c->r->nzones > MS_MAX_ZONES || it->kind == MS_RES_BAD) {
		c->ret = -EINVAL;
		return;
	}
	memset(z, 0, sizeof(*z));
	z->node = it->node;
	snprintf(z->name, sizeof(z->name), "%.15s", it->key);
	z->spanned = it->v[0];
	z->present = it->v[1];
	z->managed = it->v[2];
	z->reserved = it->v[3];
	z->cma = it->v[4];
	c->r->nzones++;
}

static void ms_res_boot_of(struct ms_res_ctx *c, const char *p)
{
	struct mst_reserved *r = c->r;

	if (!strncmp(p, "computed ", 9))
		c->ret = ms_parse_mem_line(p, &r->computed);
	else if (!strncmp(p, "logged ", 7) && strstr(p, "Memory: "))
		r->logged_found = !(c->ret = ms_parse_mem_line(p, &r->logged));
	else if (!strncmp(p, "differs ", 8))
		snprintf(r->differs, sizeof(r->differs), "%s", p + 8 + strspn(p + 8, " "));
}

static void ms_res_put(void *ctx, const struct ms_res_item *it)
{
	struct ms_res_ctx *c = ctx;
	struct mst_reserved *r = c->r;
	struct ms_res_row *row = &r->row[r->nrows];

	if (c->ret || c->full)
		return;
	if (it->kind == MS_RES_COMMENT) {
		if (!strncmp(it->text, "# symbols: ", 11)) {
			strncat(r->symbols, it->text + 11,
				sizeof(r->symbols) - strlen(r->symbols) - 2);
			strcat(r->symbols, "\n");
		}
		if (!strcmp(it->section, "memblock reserved") &&
		    strstr(it->text, "# kept after boot"))
			r->has_memblock = true;
		return;
	}
	if (it->kind == MS_RES_BOOT)
		return ms_res_boot_of(c, it->text);
	if (!strcmp(it->section, "zones"))
		return ms_res_zone_of(c, it);
	if (r->nrows == MS_RES_MAX_ROWS) {
		c->full = true;
		return;
	}
	r->nrows++;
	if (it->kind == MS_RES_BAD) {
		c->ret = -EINVAL;
		return;
	}
	memset(row, 0, sizeof(*row));
	snprintf(row->section, sizeof(row->section), "%s", it->section);
	snprintf(row->key, sizeof(row->key), "%s", it->key);
	row->nv = it->nv;
	row->v[0] = it->v[0];
	row->v[1] = it->v[1];
	row->has_range = it->has_range;
	row->outside = it->outside;
	row->start = it->start;
	row->end = it->end;
	row->idx = it->idx;
}

int ms_read_reserved(const char *path, struct mst_reserved *r)
{
	char *buf = ms_slurp(path);
	struct ms_res_ctx c = { .r = r };

	if (!buf)
		return -errno;
	memset(r, 0, sizeof(*r));
	ms_reserved_walk(buf, ms_res_put, &c);
	free(buf);
	if (!c.ret && !r->computed.ok)
		c.ret = -EINVAL;
	return c.ret;
}

long long ms_res_val(const struct mst_reserved *r, const char *section,
		     const char *key, int col)
{
	for (int i = 0; i < r->nrows; i++)
		if (!strcmp(r->row[i].section, section) &&
		    !strcmp(r->row[i].key, key) && col < r->row[i].nv)
			return r->row[i].v[col];
	return LLONG_MIN;
}

char *ms_kernel_log(void)
{
	int size = klogctl(10, NULL, 0), n;	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf;

	if (size <= 0)
		return NULL;
	buf = malloc(size + 1);
	if (!buf)
		return NULL;
	n = klogctl(3, buf, size);		/* SYSLOG_ACTION_READ_ALL */
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int ms_log_freed(const char *log, struct ms_freed_line *out, int max)
{
	const char *p = log;
	int n = 0;

	while (n < max && (p = strstr(p, "Freeing ")) != NULL) {
		const char *eol = p + strcspn(p, "\n"), *m = strstr(p, " memory: ");

		p += strlen("Freeing ");
		if (!m || m > eol || m - p >= (long)sizeof(out[n].what))
			continue;
		snprintf(out[n].what, sizeof(out[n].what), "%.*s", (int)(m - p), p);
		if (sscanf(m, " memory: %lldK", &out[n].kib) == 1)
			n++;
	}
	return n;
}

long long ms_meminfo(const char *key)
{
	char *buf = ms_slurp("/proc/meminfo"), *p;
	size_t len = strlen(key);
	long long v = -1;

	if (!buf)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, len) && p[len] == ':') {
			v = strtoll(p + len + 1, NULL, 10);
			break;
		}
	free(buf);
	return v;
}

int ms_read_memblock(const char *path, unsigned long long (*range)[2], int max)
{
	char *buf = ms_slurp(path), *line, *save = NULL;
	int n = 0, idx;

	if (!buf)
		return -errno;
	for (line = strtok_r(buf, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, " %d: 0x%llx..0x%llx", &idx, &range[n][0],
			   &range[n][1]) == 3)
			n++;
	free(buf);
	return n;
}

static int ms_iomem_walk(const char *name, unsigned long long *start,
			 unsigned long long *end, unsigned long long *max_end)
{
	char *buf = ms_slurp("/proc/iomem"), *line, *save = NULL;
	unsigned long long s, e;
	int ret = -ENOENT, n;

	if (!buf)
		return -errno;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, " %llx-%llx : %n", &s, &e, &n) != 2)
			continue;
		if (max_end && e > *max_end)
			*max_end = e;
		if (name && ret && !strcmp(line + n, name)) {
			*start = s;
			*end = e;
			ret = 0;
		}
	}
	free(buf);
	return ret;
}

int ms_iomem_find(const char *name, unsigned long long *start,
		  unsigned long long *end)
{
	return ms_iomem_walk(name, start, end, NULL);
}

unsigned long long ms_iomem_max_end(void)
{
	unsigned long long max = 0;

	ms_iomem_walk(NULL, NULL, NULL, &max);
	return max;
}

pid_t ms_fork_oom_hog(volatile long *progress)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	/*
	 * The OOM killer's first choice, whatever else runs; never the
	 * -1000 a protected parent passes on.
	 */
	if (ms_write_str("/proc/self/oom_score_adj", "1000"))
		_exit(2);
	for (;;) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(3);
		/* Touch every page: only faulted-in pages use memory. */
		for (int off = 0; off < 1 << 20; off += 4096)
			p[off] = 1;
		if (progress)
			(*progress)++;
	}
}

int ms_drain_lower_zones(int node, const char *target)
{
	static struct ms_zoneinfo zi[32];
	int n = ms_read_zoneinfo(zi, 32);

	if (n <= 0)
		return -EIO;
	for (int i = 0; i < n && strcmp(zi[i].name, target); i++) {
		const char *mode = !strcmp(zi[i].name, "DMA") ? "dma" :
				   !strcmp(zi[i].name, "DMA32") ? "dma32" : NULL;
		char cmd[64];
		int ret;

		if (zi[i].node != node || !zi[i].populated || !mode)
			continue;
		snprintf(cmd, sizeof(cmd), "hog_take %lu %s", zi[i].free, mode);
		/* Stops with ENOMEM at the zone's min watermark: expected. */
		ret = ms_write_str(MS_HELPER_CTL, cmd);
		if (ret != -ENOMEM)
			return ret ? ret : -EAGAIN;
	}
	return 0;
}

/* Sum of the zones' watermark boosts in memscope pressure. */
static long long ms_boost_pages(void)
{
	char *t = ms_slurp(MS_DEBUGFS "/pressure");
	struct ms_pressure p;
	long long sum = 0;

	if (!t)
		return -1;
	ms_parse_pressure(t, &p);
	for (int i = 0; i < p.nr_zones; i++)
		sum += (long long)p.zone[i].boost_pages;
	free(t);
	return sum;
}

long long ms_reset_boost(void)
{
	const char *sysctl = "/proc/sys/vm/watermark_scale_factor";
	char *factor;

	/* Without memscope the boost is unknown: reset it anyway. */
	if (ms_boost_pages() == 0)
		return 0;
	/*
	 * kswapd resets a boost once it has run, but it is not woken for a
	 * node it has given up on (an OOM kill with nothing reclaimable, as
	 * in a guest whose files all live in RAM). Writing the sysctl has
	 * the kernel recompute every zone's watermarks, which zeroes the
	 * boost; the same value changes nothing else.
	 */
	factor = ms_slurp(sysctl);
	if (factor) {
		factor[strcspn(factor, "\n")] = '\0';
		ms_write_str(sysctl, factor);
		free(factor);
	}
	return ms_boost_pages();
}

__attribute__((noinline)) void ms_prefault_stack(void)
{
	volatile char buf[256 << 10];

	for (size_t i = 0; i < sizeof(buf); i += 4096)
		buf[i] = 0;
}

void ms_oracle(const char *source)
{
	printf("# oracle: %s\n", source);
	fflush(stdout);
}

#define MS_BOOST_SYSCTL "/proc/sys/vm/watermark_boost_factor"

int ms_hog_prepare(int *node, char zone[16], char boost_save[32])
{
	char *t;
	int ret, n;

	boost_save[0] = '\0';
	ret = ms_load_helper(NULL);
	if (ret || (ret = ms_write_str(MS_HELPER_CTL, "hog_release all")))
		return ret;
	/*
	 * Fallbacks while the hog drains a zone make the kernel boost its
	 * watermarks (memscope shows boosted ones, as the allocator uses):
	 * switch boosting off so the watermarks stay where a test aims.
	 */
	t = ms_slurp(MS_BOOST_SYSCTL);
	if (!t)
		return -EIO;
	snprintf(boost_save, 32, "%s", t);
	free(t);
	ret = ms_write_str(MS_BOOST_SYSCTL, "0");
	/* Where do ordinary unmovable allocations come from? */
	if (ret || (ret = ms_write_str(MS_HELPER_CTL, "hog_take 1 nowait")))
		return ret;
	t = ms_slurp(MS_HELPER_CTL);
	n = t ? sscanf(strstr(t, "hog ") ?: "", "hog %d %15s", node, zone) : 0;
	free(t);
	ret = ms_write_str(MS_HELPER_CTL, "hog_release all");
	if (n != 2)
		return -EIO;
	if (ret || (ret = ms_drain_lower_zones(*node, zone)))
		return ret;
	/*
	 * Slab and page cache that earlier programs left behind would let
	 * kswapd give back, within one sample, the pages the hog takes below
	 * a watermark: drop them now, while nothing is low.
	 */
	ret = ms_write_str("/proc/sys/vm/drop_caches", "3");
	if (ret)
		return ret;
	return ms_reset_boost() ? -EAGAIN : 0;
}

void ms_hog_finish(const char boost_save[32])
{
	ms_write_str(MS_HELPER_CTL, "hog_release all");
	if (boost_save[0])
		ms_write_str(MS_BOOST_SYSCTL, boost_save);
}

int ms_load_helper(bool *loaded_here)
{
	int ret = 0;

	if (!ms_module_loaded("memscope_test")) {
		ret = ms_load_module(MS_HELPER_KO);
		if (!ret && loaded_here)
			*loaded_here = true;
	}
	return ret;
}

int ms_count_subscribers(void)
{
	char *t = ms_slurp(MS_DEBUGFS "/events");
	struct ms_events e;

	if (!t)
		return -1;
	ms_parse_events(t, &e);
	free(t);
	return e.nr_subscribers;
}

/*
 * h2 (buddy, alloc, slab, reclaim and reserved tests): pinning to one CPU
 * and counting trace events in a tracefs instance of the test's own.
 */
#include <sched.h>
#include <sys/stat.h>

int ms_pin_one_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0)
		return -errno;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

int ms_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

bool ms_trace_has_event(const char *event)
{
	char path[256];

	snprintf(path, sizeof(path), MS_TRACEFS "/events/%s/enable", event);
	return !access(path, F_OK);
}

static int ms_trace_file(const char *name, const char *value)
{
	char path[384];

	snprintf(path, sizeof(path), MS_TRACE_INSTANCE "/%s", name);
	return ms_write_str(path, value);
}

int ms_trace_open(const char *const *events, int n, int kb_per_cpu)
{
	char path[256], kb[16];
	int ret;

	/* A leftover of an earlier run goes first: its buffer is stale. */
	rmdir(MS_TRACE_INSTANCE);
	if (mkdir(MS_TRACE_INSTANCE, 0700))
		return -errno;
	snprintf(kb, sizeof(kb), "%d", kb_per_cpu);
	ret = ms_trace_file("tracing_on", "0");
	if (!ret)
		ret = ms_trace_file("buffer_size_kb", kb);
	for (int i = 0; i < n && !ret; i++) {
		snprintf(path, sizeof(path), "events/%s/enable", events[i]);
		ret = ms_trace_file(path, "1");
	}
	if (ret)
		ms_trace_close();
	return ret;
}

int ms_trace_on(bool on)
{
	int ret = 0;

	/* Opening "trace" for writing with O_TRUNC empties the buffer. */
	if (on) {
		int fd = open(MS_TRACE_INSTANCE "/trace", O_WRONLY | O_TRUNC);

		if (fd < 0)
			return -errno;
		close(fd);
	}
	ret = ms_trace_file("tracing_on", on ? "1" : "0");
	return ret;
}

long long ms_trace_lost(void)
{
	char path[256], *t, *p;
	long long lost = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	for (long cpu = 0; cpu < ncpu; cpu++) {
		snprintf(path, sizeof(path), MS_TRACE_INSTANCE "/per_cpu/cpu%ld/stats", cpu);
		t = ms_slurp(path);
		if (!t)
			continue;
		if ((p = strstr(t, "overrun: ")))
			lost += strtoll(p + 9, NULL, 10);
		if ((p = strstr(t, "dropped events: ")))
			lost += strtoll(p + 16, NULL, 10);
		free(t);
	}
	return lost;
}

char *ms_trace_text(void)
{
	return ms_slurp(MS_TRACE_INSTANCE "/trace");
}

void ms_trace_close(void)
{
	ms_trace_file("tracing_on", "0");
	rmdir(MS_TRACE_INSTANCE);
}

int ms_fd_write(int fd, const char *s)
{
	ssize_t n = write(fd, s, strlen(s));

	if (n < 0)
		return -errno;
	return (size_t)n == strlen(s) ? 0 : -EIO;
}

const char *ms_fd_view(int fd)
{
	static char path[32];
	static int copy = -1;
	char buf[16384];
	off_t off = 0;
	ssize_t n;

	if (copy < 0) {
		char tmpl[] = "/tmp/ms_viewXXXXXX";

		/* memfd needs CONFIG_MEMFD_CREATE; else a file unlinked at once. */
		copy = memfd_create("ms_view", 0);
		if (copy < 0) {
			copy = mkstemp(tmpl);
			if (copy < 0)
				return NULL;
			unlink(tmpl);
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", copy);
	}
	if (ftruncate(copy, 0))
		return NULL;
	/* pread() from 0: the seq_file starts over and shows the view afresh. */
	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		if (pwrite(copy, buf, n, off) != n)
			return NULL;
		off += n;
	}
	return n < 0 ? NULL : path;
}

int ms_read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	/* A small read: a sysctl handler kvmalloc()s the size asked for. */
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int ms_boost_off(char save[32])
{
	char scale[32];
	int ret;

	save[0] = '\0';
	ret = ms_read_small(MS_BOOST_SYSCTL, save, 32);
	if (!ret)
		ret = ms_write_str(MS_BOOST_SYSCTL, "0");
	/* The same scale factor again: every zone's watermarks recomputed. */
	if (!ret)
		ret = ms_read_small("/proc/sys/vm/watermark_scale_factor", scale, sizeof(scale));
	if (!ret)
		ret = ms_write_str("/proc/sys/vm/watermark_scale_factor", scale);
	return ret;
}

void ms_boost_restore(char save[32])
{
	if (save[0])
		ms_write_str(MS_BOOST_SYSCTL, save);
	save[0] = '\0';
}

/* ---- h1 (runner, expected skips, degraded kernels): kernel config ---- */

int ms_kconfig(const char *sym)
{
	size_t n = strlen(sym);
	char line[512];
	int v = 'n', lines = 0;
	FILE *f;

	if (access("/proc/config.gz", R_OK))
		return -1;
	/* busybox's gzip in the guests; the file is a few dozen KiB. */
	f = popen("gzip -dc /proc/config.gz", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		lines++;
		if (!strncmp(line, sym, n) && line[n] == '=' &&
		    (line[n + 1] == 'y' || line[n + 1] == 'm'))
			v = line[n + 1];
	}
	if (pclose(f) || !lines)
		return -1;
	return v;
}

/* ---- degraded kernels: tracepoints and compaction ---- */

/*
 * Decided once per program (@known caches it): ms_kconfig() runs gzip.
 * Without /proc/config.gz, the kernel's own files tell: the kmem trace
 * events exist only with tracepoints, vm.compact_memory only with
 * compaction.
 */
static bool kernel_has(int *known, const char *sym, const char *witness)
{
	int c;

	if (*known < 0) {
		c = ms_kconfig(sym);
		if (c < 0)
			*known = !access(witness, F_OK);
		else
			*known = c != 'n';
	}
	return *known;
}

bool ms_kernel_has_tracepoints(void)
{
	static int known = -1;

	return kernel_has(&known, "CONFIG_TRACEPOINTS", MS_TRACEFS "/events/kmem");
}

bool ms_kernel_has_compaction(void)
{
	static int known = -1;

	return kernel_has(&known, "CONFIG_COMPACTION", "/proc/sys/vm/compact_memory");
}

int ms_view_cannot_hook(const char *path)
{
	char *buf = ms_slurp(path);
	int ret;

	if (!buf)
		return -1;
	ret = !!strstr(buf, MS_NO_HOOKS_LINE);
	free(buf);
	return ret;
}
