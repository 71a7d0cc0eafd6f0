// SPDX-License-Identifier: GPL-2.0
/*
 * memscope reserved against the kernel's own figures: its "Memory:" boot
 * line and "Freeing ... memory" lines (klogctl), /proc/meminfo,
 * /proc/zoneinfo, debugfs memblock/, /proc/iomem, the device tree and the
 * command line. None of them is computed by memscope.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "msview.h"

#define RESERVED MS_DEBUGFS "/reserved"
#define MEMBLOCK "/sys/kernel/debug/memblock/"
#define MAX_REGIONS 512

static struct mst_reserved r;
static struct ms_zoneinfo zi[MS_MAX_ZONES * 4];
static unsigned long long mem[MAX_REGIONS][2], res[MAX_REGIONS][2];

static const char * const field[MS_ML_N] = {
	"available", "total", "code", "rwdata", "rodata", "init", "bss",
	"reserved", "cma", "highmem",
};

/* The boot line as the kernel logged it: the oracle for most figures. */
static int boot_line(struct ms_mem_line *ml, struct ms_freed_line *freed,
		     int *nfreed)
{
	char *log = ms_kernel_log();
	int ret;

	if (!log)
		return -errno;
	ret = ms_parse_mem_line(log, ml);
	if (freed)
		*nfreed = ms_log_freed(log, freed, 32);
	free(log);
	return ret;
}

static long long pages(long long kib)
{
	return kib / (sysconf(_SC_PAGESIZE) / 1024);
}

TEST(computed_line_equals_logged_line)
{
	struct ms_mem_line k;

	ASSERT_EQ(0, boot_line(&k, NULL, NULL));
	ASSERT_EQ(0, ms_read_reserved(RESERVED, &r));
	ASSERT_TRUE(r.logged_found);
	ms_oracle("boot log Memory: line");
	for (char *p = r.symbols; (p = strchr(p, '\n')) != NULL; )
		*p = ';';
	TH_LOG("symbols: %s", r.symbols);
	EXPECT_EQ(k.has_high, r.computed.has_high);
	for (int i = 0; i < MS_ML_N; i++) {
		if (i == MS_ML_HIGH && !k.has_high)
			break;
		TH_LOG("%-10s kernel %lldK, memscope %lldK", field[i], k.k[i],
		       r.computed.k[i]);
		EXPECT_EQ(k.k[i], r.computed.k[i]);
		EXPECT_EQ(k.k[i], r.logged.k[i]);
	}
	EXPECT_STREQ("none", r.differs);
}

/* Which reconciliation row explains each "Freeing <what> memory" line. */
static const char *freed_row(const char *what)
{
	static const struct { const char *what, *row; } map[] = {
		{ "unused kernel image (initmem)", "freed_init" },
		{ "unused kernel", "freed_init" },
		{ "initrd", "freed_initrd" },
		{ "unused kernel image (text/rodata gap)", "freed_text_rodata_gap" },
		{ "unused kernel image (rodata/data gap)", "freed_rodata_data_gap" },
		{ "SMP alternatives", "freed_smp_alternatives" },
		{ "unused decrypted", "freed_unused_decrypted" },
	};

	for (int i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(what, map[i].what))
			return map[i].row;
	return NULL;
}

TEST(memtotal_identity_and_reconciliation)
{
	struct ms_freed_line f[32];
	long long memtotal = ms_meminfo("MemTotal"), freed = 0;
	struct ms_mem_line k;
	int n, i, explained = 0;

	ASSERT_EQ(0, boot_line(&k, f, &n));
	ASSERT_EQ(0, ms_read_reserved(RESERVED, &r));
	ms_oracle("/proc/meminfo MemTotal, boot log Freeing lines");
	for (i = 0; i < n; i++) {
		const char *row = freed_row(f[i].what);

		TH_LOG("Freeing %s memory: %lldK -> %s", f[i].what, f[i].kib,
		       row ? row : "(no row)");
		freed += f[i].kib;
		ASSERT_TRUE(row != NULL);
		EXPECT_EQ(f[i].kib, ms_res_val(&r, "reconciliation", row, 1));
		explained += f[i].kib;
	}
	/* The kernel's own identity, CMA activated back into MemTotal. */
	TH_LOG("MemTotal %lldK = %lldK total - %lldK reserved + %lldK freed",
	       memtotal, k.k[MS_ML_TOTAL], k.k[MS_ML_RES], freed);
	EXPECT_EQ(memtotal, k.k[MS_ML_TOTAL] - k.k[MS_ML_RES] + freed);
	/* Rows without a log line must be zero (nothing freed there). */
	for (i = 0; i < r.nrows; i++)
		if (!strcmp(r.row[i].section, "reconciliation") &&
		    !strncmp(r.row[i].key, "freed_", 6))
			explained -= r.row[i].v[1];
	EXPECT_EQ(0, explained);
	EXPECT_EQ(memtotal, ms_res_val(&r, "totals", "memtotal", 1));
	EXPECT_EQ(k.k[MS_ML_TOTAL], ms_res_val(&r, "totals", "physical", 1));
	EXPECT_EQ(k.k[MS_ML_RES], ms_res_val(&r, "reconciliation", "reserved_at_boot_logged", 1));
	EXPECT_EQ(k.k[MS_ML_RES], ms_res_val(&r, "reconciliation", "reserved_at_boot_computed", 1));
	EXPECT_EQ(0, ms_res_val(&r, "reconciliation", "unexplained", 0));
	EXPECT_EQ(k.k[MS_ML_TOTAL] - memtotal,
		  ms_res_val(&r, "reconciliation", "reserved_now", 1));
}

TEST(zones_match_zoneinfo)
{
	long long sp = 0, pr = 0, ma = 0, cma = 0, cmatotal = ms_meminfo("CmaTotal");
	long long memtotal = ms_meminfo("MemTotal");
	struct ms_mem_line k;
	int n, seen = 0;

	ASSERT_EQ(0, boot_line(&k, NULL, NULL));
	ASSERT_EQ(0, ms_read_reserved(RESERVED, &r));
	n = ms_read_zoneinfo(zi, sizeof(zi) / sizeof(zi[0]));
	ASSERT_GT(n, 0);
	ms_oracle("/proc/zoneinfo");
	for (int i = 0; i < n; i++) {
		if (!zi[i].present)
			continue;
		for (int j = 0; j < r.nzones; j++) {
			struct ms_res_zone *z = &r.zone[j];

			if (z->node != zi[i].node || strcmp(z->name, zi[i].name))
				continue;
			seen++;
			EXPECT_EQ(zi[i].spanned, z->spanned);
			EXPECT_EQ(zi[i].present, z->present);
			EXPECT_EQ(zi[i].managed, z->managed);
			EXPECT_EQ(zi[i].present - zi[i].managed, z->reserved);
			EXPECT_EQ(zi[i].cma, z->cma);
		}
		sp += zi[i].spanned;
		pr += zi[i].present;
		ma += zi[i].managed;
		cma += zi[i].cma;
	}
	ASSERT_EQ(seen, r.nzones - 1);
	ASSERT_STREQ("sum", r.zone[r.nzones - 1].name);
	EXPECT_EQ(sp, r.zone[r.nzones - 1].spanned);
	EXPECT_EQ(pr, r.zone[r.nzones - 1].present);
	EXPECT_EQ(ma, r.zone[r.nzones - 1].managed);
	EXPECT_EQ(cma, r.zone[r.nzones - 1].cma);
	/* The kernel's totals are sums over its zones. */
	EXPECT_EQ(memtotal, ma * sysconf(_SC_PAGESIZE) / 1024);
	EXPECT_EQ(k.k[MS_ML_TOTAL], pr * sysconf(_SC_PAGESIZE) / 1024);
	if (cmatotal >= 0)
		EXPECT_EQ(cmatotal, cma * sysconf(_SC_PAGESIZE) / 1024);
}

TEST(attribution_adds_up)
{
	long long attributed = 0, sum = 0, now, scanned = 0, memtotal = ms_meminfo("MemTotal");
	struct ms_mem_line k;
	unsigned long long last = 0;
	int owners = 0;

	ASSERT_EQ(0, boot_line(&k, NULL, NULL));
	ASSERT_EQ(0, ms_read_reserved(RESERVED, &r));
	now = ms_res_val(&r, "reserved now by owner", "total (reserved_now)", 0);
	ms_oracle("boot log Memory: line, /proc/meminfo MemTotal");
	/* Reserved now, from the kernel's own figures. */
	EXPECT_EQ(pages(k.k[MS_ML_TOTAL] - memtotal), now);
	for (int i = 0; i < r.nrows; i++) {
		struct ms_res_row *w = &r.row[i];

		if (!strcmp(w->section, "reserved now by owner") &&
		    strcmp(w->key, "attributed") && strcmp(w->key, "unattributed") &&
		    strcmp(w->key, "total (reserved_now)")) {
			sum += w->v[0];
			owners++;
		}
		if (!strcmp(w->section, "owner ranges")) {
			/* Sorted and disjoint: a page belongs to one owner. */
			EXPECT_TRUE(!last || w->start > last);
			last = w->end;
		}
		if (!strcmp(w->section, "unattributed ranges") && w->has_range) {
			EXPECT_EQ((long long)((w->end + 1 - w->start) / sysconf(_SC_PAGESIZE)),
				  w->v[0]);
			scanned += w->v[0];
		}
	}
	attributed = ms_res_val(&r, "reserved now by owner", "attributed", 0);
	TH_LOG("%d owners hold %lld of %lld reserved pages", owners, attributed, now);
	EXPECT_GT(owners, 2);
	EXPECT_EQ(sum, attributed);
	EXPECT_GE(ms_res_val(&r, "reserved now by owner", "unattributed", 0), 0);
	EXPECT_EQ(now, attributed + ms_res_val(&r, "reserved now by owner", "unattributed", 0));
	/* Counted by scanning every page frame: the same remainder. */
	EXPECT_EQ(ms_res_val(&r, "unattributed ranges", "unattributed_pages", 0),
		  ms_res_val(&r, "reserved now by owner", "unattributed", 0));
	if (ms_res_val(&r, "unattributed ranges", "unattributed_pages", 0) ==
	    scanned)
		return;
	/* Runs past the listing limit are only counted. */
	EXPECT_LT(scanned, ms_res_val(&r, "unattributed ranges", "unattributed_pages", 0));
}

static unsigned long long overlap(unsigned long long s, unsigned long long e,
				  unsigned long long (*set)[2], int n)
{
	unsigned long long sum = 0, a, b;

	for (int i = 0; i < n; i++) {
		a = s > set[i][0] ? s : set[i][0];
		b = e < set[i][1] ? e : set[i][1];
		if (a <= b)
			sum += b - a + 1;
	}
	return sum;
}

/* A big-endian device-tree cell (32 or 64 bits) from /sys/firmware. */
static int dt_cell(const char *path, unsigned long long *v)
{
	unsigned char be[8];
	int fd = open(path, O_RDONLY), len;

	if (fd < 0)
		return -errno;
	len = read(fd, be, sizeof(be));
	close(fd);
	if (len != 4 && len != 8)
		return -EINVAL;
	*v = 0;
	for (int i = 0; i < len; i++)
		*v = *v << 8 | be[i];
	return 0;
}

/* Initrd as the boot loader gave it: command line (last wins), else DT. */
static int oracle_initrd(unsigned long long *start, unsigned long long *end)
{
	char *cmd = ms_slurp("/proc/cmdline"), *p, *q;
	unsigned long long s, n;
	int ret = -ENOENT;

	for (p = cmd; p && (q = strstr(p, "initrd=")); p = q + 7)
		if ((q == cmd || q[-1] == ' ') &&
		    sscanf(q, "initrd=%llx,%llu", &s, &n) == 2) {
			*start = s;
			*end = s + n;
			ret = 0;
		}
	free(cmd);
	if (ret && !dt_cell("/sys/firmware/devicetree/base/chosen/linux,initrd-start", start) &&
	    !dt_cell("/sys/firmware/devicetree/base/chosen/linux,initrd-end", end))
		ret = 0;
	return ret;
}

TEST(memblock_regions_match_debugfs)
{
	unsigned long long in_ram = 0, all = 0, ps = sysconf(_SC_PAGESIZE), last = ~0ULL;
	unsigned long long is, ie, initrd_pages = 0;
	long long npages = 0, rows = 0;
	struct ms_mem_line k;
	int nm, nr, i;

	/*
	 * A kernel fact decides: debugfs memblock/ exists exactly when the
	 * kernel keeps memblock after boot (CONFIG_ARCH_KEEP_MEMBLOCK), and
	 * then memscope must list the regions, not leave its section out.
	 */
	if (access(MEMBLOCK "reserved", R_OK))
		SKIP(return, "kernel without CONFIG_ARCH_KEEP_MEMBLOCK: no debugfs memblock");
	ASSERT_EQ(0, ms_read_reserved(RESERVED, &r));
	ASSERT_TRUE(r.has_memblock) TH_LOG("memblock kept by the kernel, but not listed");
	ASSERT_EQ(0, boot_line(&k, NULL, NULL));
	ms_oracle("debugfs memblock/reserved, memblock/memory, boot log");
	nm = ms_read_memblock(MEMBLOCK "memory", mem, MAX_REGIONS);
	nr = ms_read_memblock(MEMBLOCK "reserved", res, MAX_REGIONS);
	ASSERT_GT(nm, 0);
	ASSERT_GT(nr, 0);
	for (i = 0; i < nr; i++) {
		unsigned long long cur = res[i][0], pfn;

		/* memscope's rows of region i tile it exactly. */
		for (int j = 0; j < r.nrows; j++) {
			struct ms_res_row *w = &r.row[j];

			if (strcmp(w->section, "memblock reserved") || w->idx != i)
				continue;
			EXPECT_EQ(cur, w->start);
			EXPECT_EQ(w->end - w->start + 1, (unsigned long long)w->v[0]);
			EXPECT_EQ(!overlap(w->start, w->end, mem, nm), w->outside);
			cur = w->end + 1;
			rows++;
		}
		EXPECT_EQ(res[i][1] + 1, cur);
		all += res[i][1] - res[i][0] + 1;
		in_ram += overlap(res[i][0], res[i][1], mem, nm);
		/* Whole pages touched by the in-RAM part, each once. */
		for (pfn = res[i][0] / ps; pfn <= res[i][1] / ps; pfn++) {
			unsigned long long a = pfn * ps > res[i][0] ? pfn * ps : res[i][0];
			unsigned long long b = pfn * ps + ps - 1 < res[i][1] ?
					       pfn * ps + ps - 1 : res[i][1];

			if (pfn == last || !overlap(a, b, mem, nm))
				continue;
			last = pfn;
			npages++;
		}
	}
	TH_LOG("%d regions, %lld rows, %llu bytes in RAM, %lld pages", nr, rows,
	       in_ram, npages);
	EXPECT_EQ(all, ms_res_val(&r, "memblock reserved", "memblock_reserved_bytes", 0));
	EXPECT_EQ(in_ram, ms_res_val(&r, "memblock reserved", "memblock_reserved_in_ram_bytes", 0));
	EXPECT_EQ(in_ram, ms_res_val(&r, "memblock reserved", "memblock_attributed_bytes", 0) +
		  ms_res_val(&r, "memblock reserved", "memblock_unattributed_bytes", 0));
	EXPECT_EQ(npages, ms_res_val(&r, "memblock reserved", "memblock_reserved_pages", 0));

	/*
	 * The boot line's reserved and CMA pages are what memblock held in
	 * RAM then. Since, the generic free_initrd_mem() (not ARM's) has
	 * removed the initrd from memblock.
	 */
	if (!oracle_initrd(&is, &ie) && !overlap(is, ie - 1, res, nr))
		initrd_pages = (ie + ps - 1) / ps - is / ps;
	EXPECT_EQ(pages(k.k[MS_ML_RES] + k.k[MS_ML_CMA]) - (long long)initrd_pages,
		  npages);
}

/* Total bytes of an owner's pieces, and the span they cover. */
static long long owner_bytes(const char *owner, unsigned long long *lo,
			     unsigned long long *hi)
{
	long long sum = 0;

	*lo = ~0ULL;
	*hi = 0;
	for (int i = 0; i < r.nrows; i++) {
		struct ms_res_row *w = &r.row[i];

		if (strcmp(w->section, "owner ranges") || strncmp(w->key, owner, strlen(owner)))
			continue;
		sum += w->v[0];
		if (w->start < *lo)
			*lo = w->start;
		if (w->end > *hi)
			*hi = w->end;
	}
	return sum;
}

TEST(owners_match_their_oracles)
{
	unsigned long long lo, hi, s, e, is, ie, ps = sysconf(_SC_PAGESIZE);
	unsigned long long img_lo = ~0ULL, img_hi = 0;
	struct ms_freed_line f[32];
	struct stat st;
	char *log;
	int n;

	ASSERT_EQ(0, ms_read_reserved(RESERVED, &r));
	for (int i = 0; i < r.nrows; i++)
		if (!strcmp(r.row[i].section, "kernel image") && r.row[i].has_range) {
			img_lo = r.row[i].start;
			img_hi = r.row[i].end;
		}
	ASSERT_GT(img_hi, img_lo);
	ms_oracle("/proc/iomem, initrd= or /chosen, /sys/firmware/fdt, boot log cma line");
	/* /proc/iomem's kernel resources lie inside the image. */
	ASSERT_EQ(0, ms_iomem_find("Kernel code", &s, &e));
	EXPECT_GE(s, img_lo);
	EXPECT_LE(e, img_hi);
	ASSERT_EQ(0, ms_iomem_find("Kernel data", &s, &e));
	EXPECT_GE(s, img_lo);
	EXPECT_LE(e, img_hi);
	EXPECT_GT(owner_bytes("kernel image", &lo, &hi), 0);
	EXPECT_GE(lo, img_lo);
	EXPECT_LE(hi, img_hi);

	ASSERT_EQ(0, boot_line(&(struct ms_mem_line){}, f, &n));
	if (!oracle_initrd(&is, &ie)) {
		TH_LOG("initrd 0x%llx-0x%llx (oracle)", is, ie - 1);
		owner_bytes("initrd", &lo, &hi);
		EXPECT_EQ(is / ps * ps, lo);
		EXPECT_EQ((ie + ps - 1) / ps * ps - 1, hi);
	} else {
		/* x86: boot_params; freed whole, so the log has its size. */
		for (int i = 0; i < n; i++)
			if (!strcmp(f[i].what, "initrd"))
				EXPECT_EQ(f[i].kib * 1024, owner_bytes("initrd", &lo, &hi));
	}
	if (!stat("/sys/firmware/fdt", &st)) {
		EXPECT_EQ(st.st_size, owner_bytes("device tree blob", &lo, &hi));
	}
	log = ms_kernel_log();
	ASSERT_TRUE(log != NULL);
	if (strstr(log, "cma: Reserved ")) {
		unsigned long long mib, at;

		ASSERT_EQ(2, sscanf(strstr(log, "cma: Reserved "),
				    "cma: Reserved %llu MiB at 0x%llx", &mib, &at));
		EXPECT_EQ((long long)(mib << 20), owner_bytes("CMA area", &lo, &hi));
		EXPECT_EQ(at, lo);
	}
	free(log);
}

/* Possible CPUs (/sys/devices/system/cpu/possible: "0-3,5"), or -1. */
static int possible_cpus(void)
{
	char *list = ms_slurp("/sys/devices/system/cpu/possible"), *p;
	int n = 0, a, b, len;

	if (!list)
		return -1;
	for (p = list; sscanf(p, "%d%n", &a, &len) == 1; ) {
		p += len;
		b = a;
		if (*p == '-' && sscanf(p + 1, "%d%n", &b, &len) == 1)
			p += 1 + len;
		n += b - a + 1;
		if (*p != ',')
			break;
		p++;
	}
	free(list);
	return n;
}

/*
 * alloc_large_system_hash() logs "<table> hash table entries: N (order:
 * K, B bytes, linear|vmalloc...)": B bytes of a boot-time ("linear")
 * table are the owner's size; a vmalloc'ed table is no reserved owner.
 * Returns 1 when the line was found, 0 when not.
 */
static int hash_line(const char *log, const char *table, long long *bytes, bool *linear)
{
	char key[64], kind[16];
	const char *p;

	snprintf(key, sizeof(key), "%s hash table entries: ", table);
	p = strstr(log, key);
	if (!p || sscanf(p + strlen(key), "%*d (order: %*d, %lld bytes, %15[a-z]",
			 bytes, kind) != 2)
		return 0;
	*linear = !strcmp(kind, "linear");
	return 1;
}

/*
 * The owners whose size the kernel logs at boot: the per-cpu first chunk
 * ("percpu: Embedded N pages/cpu ... uUNIT", one unit per possible CPU;
 * the UP allocator of !SMP kernels logs nothing) and the dentry and inode
 * hash tables. memscope finds them through kernel statics, the log is
 * written by the allocators themselves.
 */
TEST(owner_sizes_match_boot_log)
{
	static const struct { const char *table, *owner; } hashes[] = {
		{ "Dentry cache", "hash table (dentry cache)" },
		{ "Inode-cache", "hash table (inode cache)" },
	};
	unsigned long long lo, hi, unit, kept;
	long long bytes;
	int checked = 0, cpus = possible_cpus();
	char *log = ms_kernel_log();
	const char *p;
	bool linear;

	ASSERT_TRUE(log != NULL);
	ASSERT_EQ(0, ms_read_reserved(RESERVED, &r));
	ms_oracle("boot log percpu: and hash table lines");
	p = strstr(log, "percpu: Embedded ");
	if (p) {
		/*
		 * Of each unit, the pages the allocator kept: it gave the tail
		 * back (x86_64's 2 MiB units keep 65 pages), and counting it
		 * took the inode hash table that sat there from its owner.
		 */
		ASSERT_EQ(2, sscanf(p, "percpu: Embedded %llu pages/cpu s%*u r%*u d%*u u%llu",
				    &kept, &unit));
		ASSERT_GT(cpus, 0);
		kept *= sysconf(_SC_PAGESIZE);
		TH_LOG("per-cpu: %llu of each %llu-byte unit x %d possible CPU(s), memscope %lld",
		       kept, unit, cpus, owner_bytes("per-cpu areas", &lo, &hi));
		EXPECT_LE(kept, unit);
		EXPECT_EQ((long long)(kept * cpus), owner_bytes("per-cpu areas", &lo, &hi));
		checked++;
	}
	for (int i = 0; i < 2; i++) {
		if (!hash_line(log, hashes[i].table, &bytes, &linear))
			continue;
		TH_LOG("%s: %lld bytes, %s; memscope %lld", hashes[i].table, bytes,
		       linear ? "linear" : "vmalloc", owner_bytes(hashes[i].owner, &lo, &hi));
		EXPECT_EQ(linear ? bytes : 0, owner_bytes(hashes[i].owner, &lo, &hi));
		checked++;
	}
	free(log);
	/* Both hash tables are logged by every 6.1 kernel. */
	EXPECT_GE(checked, 2);
}

TEST(cma_term)
{
	long long cmatotal = ms_meminfo("CmaTotal");
	unsigned long long lo, hi;
	struct ms_mem_line k;

	if (cmatotal < 0)
		SKIP(return, "kernel without CONFIG_CMA");
	ASSERT_EQ(0, boot_line(&k, NULL, NULL));
	ASSERT_EQ(0, ms_read_reserved(RESERVED, &r));
	ms_oracle("/proc/meminfo CmaTotal, boot log cma-reserved");
	TH_LOG("cma-reserved %lldK, CmaTotal %lldK", k.k[MS_ML_CMA], cmatotal);
	EXPECT_EQ(k.k[MS_ML_CMA], r.computed.k[MS_ML_CMA]);
	EXPECT_EQ(cmatotal, r.computed.k[MS_ML_CMA]);
	EXPECT_EQ(cmatotal, ms_res_val(&r, "totals", "cma", 1));
	/* Every CMA area located, and nothing else called CMA. */
	EXPECT_EQ(cmatotal * 1024, owner_bytes("CMA area", &lo, &hi));
}

TEST(highmem_term)
{
	long long hightotal = ms_meminfo("HighTotal");
	struct ms_mem_line k;

	ASSERT_EQ(0, boot_line(&k, NULL, NULL));
	if (!k.has_high)
		SKIP(return, "kernel without CONFIG_HIGHMEM");
	ASSERT_EQ(0, ms_read_reserved(RESERVED, &r));
	ms_oracle("/proc/meminfo HighTotal, boot log highmem");
	TH_LOG("highmem %lldK, HighTotal %lldK", k.k[MS_ML_HIGH], hightotal);
	EXPECT_GT(hightotal, 0);
	EXPECT_EQ(k.k[MS_ML_HIGH], r.computed.k[MS_ML_HIGH]);
	EXPECT_EQ(hightotal, r.computed.k[MS_ML_HIGH]);
	EXPECT_EQ(hightotal, ms_res_val(&r, "totals", "highmem", 1));
}

TEST(no_kernel_virtual_addresses)
{
	unsigned long long max = ms_iomem_max_end(), v;
	char *buf = ms_slurp(RESERVED), *p;
	int n = 0;

	ASSERT_TRUE(buf != NULL);
	ASSERT_GT(max, 0);
	ms_oracle("/proc/iomem");
	for (p = buf; (p = strstr(p, "0x")) != NULL; p += 2, n++) {
		v = strtoull(p, NULL, 16);
		if (v > max)
			TH_LOG("not a physical address: %.20s", p);
		EXPECT_LE(v, max);
	}
	TH_LOG("%d addresses, all at or below 0x%llx", n, max);
	EXPECT_GT(n, 0);
	free(buf);
}

/*
 * The symbols the boot-line figures need (reserved_image.c): the image's
 * section markers, and on x86 the SMP alternatives the kernel frees.
 */
static const char * const image_syms[] = {
	"_text", "_stext", "_etext", "_sdata", "_edata", "__start_rodata",
	"__end_rodata", "__bss_start", "__bss_stop", "__init_begin",
	"__init_end", "_sinittext", "_einittext", "_end",
#ifdef __x86_64__
	"__smp_locks", "__smp_locks_end",
#endif
};

#define NR_IMAGE_SYMS (sizeof(image_syms) / sizeof(image_syms[0]))

/* Whether /proc/kallsyms lists every one of image_syms (KALLSYMS_ALL). */
static bool kallsyms_has_image_syms(void)
{
	bool found[NR_IMAGE_SYMS] = { false };
	char line[256], name[128];
	unsigned int n = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f) && n < NR_IMAGE_SYMS) {
		/* "ADDRESS TYPE NAME [MODULE]": kernel names have no module. */
		if (sscanf(line, "%*s %*s %127s", name) != 1 || strchr(line, '['))
			continue;
		for (unsigned int i = 0; i < NR_IMAGE_SYMS; i++)
			if (!found[i] && !strcmp(name, image_syms[i])) {
				found[i] = true;
				n++;
			}
	}
	fclose(f);
	return n == NR_IMAGE_SYMS;
}

/*
 * Debian's packaged kernels (release "*-amd64") ship a one-line stub
 * System.map, and the build of this target takes no other (qemu/lib.sh
 * fetches the real map for arm64 only); every other kernel of the matrix
 * is built with its System.map, or has it from the -dbg package.
 */
static bool kernel_has_sysmap(void)
{
	struct utsname u;
	size_t n;

	if (uname(&u))
		return false;
	n = strlen(u.release);
	return !(n > 6 && !strcmp(u.release + n - 6, "-amd64"));
}

/*
 * Each symbol source on its own: all right, or visibly '?', never wrong,
 * and exactly the figures the source can give. The six figures that need
 * symbols (code, rwdata, rodata, init, bss and reserved, which counts
 * the freed init sections) need all of image_syms, so a source gives all
 * six or none: kallsyms when the kernel has kprobes (memscope finds
 * kallsyms_lookup_name through one) and lists the data symbols
 * (KALLSYMS_ALL), the System.map table when the build had a map.
 */
TEST(symbol_sources_alone)
{
	static const char * const mode[] = { "ksyms=none", "ksyms=kallsyms", "ksyms=sysmap" };
	bool kprobes = !access("/sys/kernel/debug/kprobes", F_OK);
	bool kallsyms = kprobes && kallsyms_has_image_syms();
	int expect[3] = { 6, kallsyms ? 0 : 6, kernel_has_sysmap() ? 0 : 6 };
	struct ms_mem_line k;

	ASSERT_EQ(0, boot_line(&k, NULL, NULL));
	ms_oracle("boot log Memory: line, /proc/kallsyms");
	TH_LOG("kprobes %s, data symbols in kallsyms %s, System.map %s",
	       kprobes ? "yes" : "no", kallsyms ? "yes" : "no",
	       expect[2] ? "no" : "yes");
	for (int m = 0; m < 3; m++) {
		int unknown = 0;

		ASSERT_EQ(0, ms_reload_memscope(mode[m]));
		ASSERT_EQ(0, ms_read_reserved(RESERVED, &r));
		for (int i = MS_ML_TOTAL; i < MS_ML_N; i++) {
			if (i == MS_ML_HIGH && !k.has_high)
				break;
			if (r.computed.k[i] < 0)
				unknown++;
			else
				EXPECT_EQ(k.k[i], r.computed.k[i]);
		}
		TH_LOG("%s: %d figure(s) '?'; differs: %.120s", mode[m], unknown, r.differs);
		EXPECT_EQ(expect[m], unknown);
		/* Total and CMA need no symbol. */
		EXPECT_EQ(k.k[MS_ML_TOTAL], r.computed.k[MS_ML_TOTAL]);
		EXPECT_EQ(k.k[MS_ML_CMA], r.computed.k[MS_ML_CMA]);
		if (unknown) {
			EXPECT_EQ(-1, ms_res_val(&r, "reconciliation", "unexplained", 0));
			EXPECT_TRUE(strstr(r.differs, "(computed ?K") != NULL);
		} else {
			EXPECT_STREQ("none", r.differs);
		}
	}
	ASSERT_EQ(0, ms_reload_memscope(""));
}

TEST_HARNESS_MAIN
