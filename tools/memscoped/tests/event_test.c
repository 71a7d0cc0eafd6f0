// SPDX-License-Identifier: GPL-2.0
/*
 * memscoped unit tests: record decoding, levels and summaries.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "event.h"
#include "unit.h"

static struct memscope_event sample(uint32_t kind, uint32_t level, uint32_t zone_level)
{
	struct memscope_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.size = sizeof(ev);
	ev.version = MEMSCOPE_ABI_VERSION;
	ev.trigger_id = 2;
	ev.seq = 7;
	ev.timestamp_ns = 12345678901ULL;
	ev.kind = kind;
	ev.reason = MEMSCOPE_REASON_FIRED;
	ev.level = level;
	ev.zone_level = zone_level;
	ev.node = -1;
	ev.free_bytes = 1536 * 1024;
	ev.min_bytes = 1024 * 1024;
	ev.low_bytes = 1280 * 1024;
	ev.high_bytes = 1536 * 1024;
	ev.available_bytes = 3ULL << 20;
	ev.merged = 1;
	ev.page_size = 4096;
	return ev;
}

/* The ABI promises fixed offsets on every architecture: check them here. */
static void abi_layout_is_fixed(void)
{
	CHECK_INT(sizeof(struct memscope_event), MEMSCOPE_EVENT_SIZE_V1);
	CHECK_INT(sizeof(struct memscope_trigger), MEMSCOPE_TRIGGER_SIZE_V1);
	CHECK_INT(offsetof(struct memscope_event, seq), 8);
	CHECK_INT(offsetof(struct memscope_event, node), 40);
	CHECK_INT(offsetof(struct memscope_event, free_bytes), 64);
	CHECK_INT(offsetof(struct memscope_event, dropped), 128);
	CHECK_INT(offsetof(struct memscope_trigger, threshold), 40);
	CHECK_INT(offsetof(struct memscope_trigger, id), 56);
}

static void decodes_whole_records_only(void)
{
	unsigned char buf[2 * 256];
	struct memscope_event in = sample(MEMSCOPE_TRIG_LEVEL, 2, 2), out;
	uint16_t size;

	memcpy(buf, &in, sizeof(in));
	CHECK_INT(msd_event_decode(buf, sizeof(in), &out), sizeof(in));
	CHECK(!memcmp(&in, &out, sizeof(in)));
	/* Too short to be one. */
	CHECK_INT(msd_event_decode(buf, sizeof(in) - 1, &out), -1);
	CHECK_INT(msd_event_decode(buf, 1, &out), -1);
	/* A size field below V1 is not a record. */
	size = 100;
	memcpy(buf, &size, sizeof(size));
	CHECK_INT(msd_event_decode(buf, sizeof(buf), &out), -1);

	/* A newer kernel's longer record: known fields kept, the tail skipped. */
	memset(buf, 0xa5, sizeof(buf));
	in.size = 192;
	memcpy(buf, &in, sizeof(in));
	in.seq = 8;
	memcpy(buf + 192, &in, sizeof(in));
	CHECK_INT(msd_event_decode(buf, sizeof(buf), &out), 192);
	CHECK_INT(out.seq, 7);
	CHECK_INT(out.page_size, 4096);
	CHECK_INT(msd_event_decode(buf + 192, sizeof(buf) - 192, &out), 192);
	CHECK_INT(out.seq, 8);
}

static void level_is_the_higher_of_system_and_zone(void)
{
	struct memscope_event ev = sample(MEMSCOPE_TRIG_LEVEL, 1, 3);

	CHECK_INT(msd_event_level(&ev), 3);
	ev.level = 2;
	ev.zone_level = 0;
	CHECK_INT(msd_event_level(&ev), 2);
	ev.kind = MEMSCOPE_TRIG_OOM;
	CHECK_INT(msd_event_level(&ev), MEMSCOPE_LEVEL_OOM);
	ev = sample(MEMSCOPE_TRIG_AVAILABLE, 77, 0);	/* a level from the future */
	CHECK_INT(msd_event_level(&ev), MEMSCOPE_LEVEL_OOM);
}

static void formats_bytes_with_binary_suffixes(void)
{
	static const struct { uint64_t v; const char *s; } cases[] = {
		{ 0, "0B" }, { 1023, "1023B" }, { 1024, "1K" }, { 1536, "1.5K" },
		{ 8ULL << 20, "8M" }, { (3ULL << 20) + (400ULL << 10), "3.4M" },
		{ 500ULL << 20, "500M" }, { 3ULL << 30, "3G" }, { UINT64_MAX, "16E" },
	};
	char buf[24];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		msd_format_bytes(cases[i].v, buf, sizeof(buf));
		CHECK_STR(buf, cases[i].s);
	}
}

static void summary_says_what_where_and_how_much(void)
{
	struct memscope_event ev = sample(MEMSCOPE_TRIG_LEVEL, 2, 3);
	char line[512];

	memcpy(ev.zone, "Normal", 7);
	ev.node = 0;
	msd_event_summary(&ev, "level critical clear", line, sizeof(line));
	CHECK_STR(line, "#7 trigger 2 (level critical clear) fired: level critical in "
		  "node0/Normal; system level medium; free 1.5M min 1M low 1.2M high 1.5M; "
		  "available 3M");
	memset(ev.zone, 0, sizeof(ev.zone));
	ev.level = 3;
	msd_event_summary(&ev, "level critical", line, sizeof(line));
	CHECK_STR(line, "#7 trigger 2 (level critical) fired: level critical; "
		  "free 1.5M min 1M low 1.2M high 1.5M; available 3M");

	ev = sample(MEMSCOPE_TRIG_AVAILABLE, 1, 1);
	ev.value = 7ULL << 20;
	ev.reason = MEMSCOPE_REASON_CLEARED;
	ev.merged = 3;
	ev.dropped = 5;
	msd_event_summary(&ev, NULL, line, sizeof(line));
	CHECK_CONTAINS(line, "#7 trigger 2 (available) cleared: available 7M; system level low; free");
	CHECK_CONTAINS(line, "; 3 firings merged; 5 records dropped before this one");

	ev = sample(MEMSCOPE_TRIG_STALL, 2, 2);
	ev.value = 63200000;
	msd_event_summary(&ev, NULL, line, sizeof(line));
	CHECK_CONTAINS(line, "(stall) fired: stall 63.200ms; system level medium");

	ev = sample(MEMSCOPE_TRIG_ORDER, 0, 1);
	ev.order = 3;
	ev.value = 2;
	msd_event_summary(&ev, NULL, line, sizeof(line));
	CHECK_CONTAINS(line, "order>=3 free blocks 2");

	ev = sample(MEMSCOPE_TRIG_ALLOC_FAIL, 0, 0);
	ev.order = 4;
	msd_event_summary(&ev, NULL, line, sizeof(line));
	CHECK_CONTAINS(line, "allocation failure at order 4");

	ev = sample(MEMSCOPE_TRIG_OOM, 3, 3);
	msd_event_summary(&ev, NULL, line, sizeof(line));
	CHECK_CONTAINS(line, "(oom) fired: OOM kill");

	ev = sample(42, 0, 0);
	ev.reason = 9;
	ev.value = 5;
	msd_event_summary(&ev, NULL, line, sizeof(line));
	CHECK_CONTAINS(line, "(unknown) unknown: kind 42 value 5");

	/* A zone name filling the whole array has no NUL: still bounded. */
	ev = sample(MEMSCOPE_TRIG_HEADROOM, 1, 1);
	memset(ev.zone, 'Z', sizeof(ev.zone));
	ev.node = 1;
	ev.value = 512 * 1024;
	msd_event_summary(&ev, NULL, line, sizeof(line));
	CHECK_CONTAINS(line, "headroom 512K in node1/ZZZZZZZZZZZZZZZZ; system level low");

	/* A short buffer truncates, never overflows. */
	memset(line, 'x', sizeof(line));
	msd_event_summary(&ev, NULL, line, 10);
	CHECK_INT(strlen(line), 9);
	CHECK(line[10] == 'x');
}

const struct tap_test event_tests[] = {
	{ "event_abi_layout_is_fixed", abi_layout_is_fixed },
	{ "event_decodes_whole_records_only", decodes_whole_records_only },
	{ "event_level_is_the_higher_of_system_and_zone", level_is_the_higher_of_system_and_zone },
	{ "event_formats_bytes_with_binary_suffixes", formats_bytes_with_binary_suffixes },
	{ "event_summary_says_what_where_and_how_much", summary_says_what_where_and_how_much },
	{ NULL, NULL },
};
