// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped: record decoding and summaries.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "names.h"

long msd_event_decode(const void *buf, size_t avail, struct memscope_event *ev)
{
	uint16_t size;

	if (avail < sizeof(size))
		return -1;
	memcpy(&size, buf, sizeof(size));
	if (size < MEMSCOPE_EVENT_SIZE_V1 || size > avail)
		return -1;
	memset(ev, 0, sizeof(*ev));
	memcpy(ev, buf, size < sizeof(*ev) ? size : sizeof(*ev));
	return size;
}

uint32_t msd_event_level(const struct memscope_event *ev)
{
	uint32_t level = ev->level > ev->zone_level ? ev->level : ev->zone_level;

	if (ev->kind == MEMSCOPE_TRIG_OOM)
		level = MEMSCOPE_LEVEL_OOM;
	return level < MSD_NR_LEVELS ? level : MEMSCOPE_LEVEL_OOM;
}

void msd_format_bytes(uint64_t bytes, char *out, size_t len)
{
	static const char suffix[] = "KMGTPE";
	double v = (double)bytes;
	int i = -1;

	if (bytes < 1024) {
		snprintf(out, len, "%" PRIu64 "B", bytes);
		return;
	}
	while (v >= 1024 && i < 5) {
		v /= 1024;
		i++;
	}
	/* Whole numbers without a decimal: "512K", not "512.0K". */
	if (v >= 100 || v == (double)(uint64_t)v)
		snprintf(out, len, "%.0f%c", v, suffix[i]);
	else
		snprintf(out, len, "%.1f%c", v, suffix[i]);
}

/* What crossed its line, in the words of the trigger kind. */
static void what(const struct memscope_event *ev, char *out, size_t len)
{
	char b[24];

	switch (ev->kind) {
	case MEMSCOPE_TRIG_LEVEL:
		snprintf(out, len, "level %s", msd_level_name(ev->zone_level));
		break;
	case MEMSCOPE_TRIG_AVAILABLE:
		msd_format_bytes(ev->value, b, sizeof(b));
		snprintf(out, len, "available %s", b);
		break;
	case MEMSCOPE_TRIG_HEADROOM:
		msd_format_bytes(ev->value, b, sizeof(b));
		snprintf(out, len, "headroom %s", b);
		break;
	case MEMSCOPE_TRIG_ORDER:
		snprintf(out, len, "order>=%" PRIu32 " free blocks %llu",
			 ev->order, (unsigned long long)ev->value);
		break;
	case MEMSCOPE_TRIG_STALL:
		snprintf(out, len, "stall %llu.%03llums",
			 (unsigned long long)ev->value / 1000000,
			 (unsigned long long)ev->value / 1000 % 1000);
		break;
	case MEMSCOPE_TRIG_ALLOC_FAIL:
		snprintf(out, len, "allocation failure at order %" PRIu32, ev->order);
		break;
	case MEMSCOPE_TRIG_OOM:
		snprintf(out, len, "OOM kill");
		break;
	default:
		snprintf(out, len, "kind %" PRIu32 " value %llu", ev->kind,
			 (unsigned long long)ev->value);
		break;
	}
}

void msd_event_summary(const struct memscope_event *ev, const char *label,
		       char *out, size_t len)
{
	char cond[64], where[48], sys[32] = "", fr[24], mn[24], lo[24], hi[24], av[24];
	char zone[MEMSCOPE_ZONE_NAME_LEN + 1];
	char tail[96] = "";
	size_t n = 0;

	what(ev, cond, sizeof(cond));
	/* The kernel NUL-pads the name, but never trust a fixed array. */
	memcpy(zone, ev->zone, MEMSCOPE_ZONE_NAME_LEN);
	zone[MEMSCOPE_ZONE_NAME_LEN] = '\0';
	if (zone[0])
		snprintf(where, sizeof(where), " in node%" PRId32 "/%s", ev->node, zone);
	else
		where[0] = '\0';
	/* A system-wide level record says the system level already. */
	if (zone[0] || ev->kind != MEMSCOPE_TRIG_LEVEL)
		snprintf(sys, sizeof(sys), "; system level %s", msd_level_name(ev->level));
	msd_format_bytes(ev->free_bytes, fr, sizeof(fr));
	msd_format_bytes(ev->min_bytes, mn, sizeof(mn));
	msd_format_bytes(ev->low_bytes, lo, sizeof(lo));
	msd_format_bytes(ev->high_bytes, hi, sizeof(hi));
	msd_format_bytes(ev->available_bytes, av, sizeof(av));
	if (ev->merged > 1)
		n += (size_t)snprintf(tail + n, sizeof(tail) - n, "; %llu firings merged",
				      (unsigned long long)ev->merged);
	if (ev->dropped && n < sizeof(tail))
		snprintf(tail + n, sizeof(tail) - n, "; %llu records dropped before this one",
			 (unsigned long long)ev->dropped);
	snprintf(out, len,
		 "#%llu trigger %" PRIu32 " (%s) %s: %s%s%s; "
		 "free %s min %s low %s high %s; available %s%s",
		 (unsigned long long)ev->seq, ev->trigger_id, label ? label : msd_kind_name(ev->kind),
		 msd_reason_name(ev->reason), cond, where, sys, fr, mn, lo, hi, av, tail);
}
