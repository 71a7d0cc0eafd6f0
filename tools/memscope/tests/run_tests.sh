#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# memscope tool: every subcommand run on the fixture directories, each
# result compared with a figure awk takes from the fixture text itself,
# not from the tool's parsers.
#
#   run_tests.sh MEMSCOPE-BINARY FIXTURES-DIR
#
# Prints TAP; exits 1 if a case failed. promtool check metrics runs when
# promtool is installed (Debian: prometheus), jq parses JSON when present.
set -u

BIN=$1
FIX=$2
IDLE=$FIX/versatilepb-32M
HOG=$FIX/versatilepb-32M-hog
TMP=$(mktemp -d "${TMPDIR:-/tmp}/memscope-test.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

n=0
failed=0
skipped=0

# ok NAME: the case passed; nok NAME WHY: it failed.
ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"; echo "# $2"; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n $1 # SKIP $2"; }
expect() { # NAME GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "got '$2', want '$3'"; fi
}

# The pressure view's system level as MEMSCOPE_LEVEL_* numbers it.
level_of() {
	awk '$1 == "system" && $2 == "level" {
		split("none low medium critical oom", w, " ")
		for (i = 1; i <= 5; i++) if (w[i] == $3) print i - 1 }' "$1/pressure"
}
page_size() { awk '$2 == "page_size" { sub(";", "", $3); print $3 }' "$1/pressure"; }
system_value() { awk -v k="$2" '$1 == "system" && $2 == k { print $3 }' "$1/pressure"; }
# A [totals] row's KiB column of the reserved view.
totals_kib() {
	awk -v k="$2" '/^\[/ { s = $0 } s == "[totals]" && $1 == k { print $3 }' "$1/reserved"
}

# --- status -------------------------------------------------------------
for dir in "$IDLE" "$HOG"; do
	name=$(basename "$dir")
	"$BIN" --root "$dir" --proc "$IDLE/proc" status > "$TMP/status" 2> "$TMP/err"
	rc=$?
	expect "status_exit_is_the_level_$name" "$rc" "$(level_of "$dir")"
	lines=$(wc -l < "$TMP/status")
	width=$(awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }' "$TMP/status")
	if [ "$lines" -le 24 ] && [ "$width" -le 80 ]; then
		ok "status_fits_80x24_$name"
	else
		nok "status_fits_80x24_$name" "$lines lines, $width columns"
	fi
	kib=$(( $(system_value "$dir" available_pages) * $(page_size "$dir") / 1024 ))
	if grep -q "MemAvailable ${kib}K" "$TMP/status"; then
		ok "status_memavailable_$name"
	else
		nok "status_memavailable_$name" "no 'MemAvailable ${kib}K' in: $(head -1 "$TMP/status")"
	fi
	word=$(awk '$1 == "system" && $2 == "level" { print $3 }' "$dir/pressure")
	expect "status_names_the_level_$name" \
		"$(head -1 "$TMP/status" | sed -n 's/^memscope: system level \([a-z]*\) .*/\1/p')" "$word"
done

# The bar's fill on the hog fixture stops between min and high: the
# zone is medium, above min and below high.
bar=$("$BIN" --root "$HOG" status 2>/dev/null | grep '^  \[')
case "$bar" in
*"m#l.h."*) ok status_bar_shows_usable_between_watermarks ;;
*) nok status_bar_shows_usable_between_watermarks "bar: $bar" ;;
esac
if grep -q 'buddy' "$TMP/err" && "$BIN" --root "$HOG" status 2>/dev/null |
		awk '$1 == "node0/Normal" { exit $NF == "?" ? 0 : 1 }'; then
	ok status_says_what_a_missing_view_leaves_unknown
else
	nok status_says_what_a_missing_view_leaves_unknown "no error for buddy, or order not '?'"
fi

# Highest free order: the last order with a free block in the buddy view.
top=$(awk '$1 ~ /^[0-9]+$/ && $2 == "Normal" && $4 > 0 { o = $3 } END { print o }' "$IDLE/buddy")
got=$("$BIN" --root "$IDLE" status | awk '$1 == "node0/Normal" { print $NF }')
expect status_highest_free_order "$got" "$top"

# Five biggest owners: the view's owner rows by KiB, summary rows left out.
awk '/^\[/ { s = $0; next } s == "[reserved now by owner]" && !/^#/ &&
	$1 != "total" && $1 != "attributed" { print $NF }' "$IDLE/reserved" |
	sort -rn | head -5 > "$TMP/want_owners"
"$BIN" --root "$IDLE" status | sed -n '/^biggest reserved owners/,/^last events/p' |
	awk '/^  / { sub("K", "", $(NF-1)); print $(NF-1) }' > "$TMP/got_owners"
if cmp -s "$TMP/want_owners" "$TMP/got_owners"; then
	ok status_five_biggest_owners
else
	nok status_five_biggest_owners "want $(tr '\n' ' ' < "$TMP/want_owners"), got $(tr '\n' ' ' < "$TMP/got_owners")"
fi

# Last events: as many as the view holds (up to five), the newest last.
want=$(awk '!/^#/ && NF == 10' "$IDLE/events" | tail -5 | awk '{ print $1 }' | tr '\n' ' ')
got=$("$BIN" --root "$IDLE" status | sed -n '/^last events/,$p' |
	awk '$2 == "s" { split($1, t, "."); print t[1] * 1000 + t[2] }' | tr '\n' ' ')
expect status_last_events "$got" "$want"

if command -v jq > /dev/null; then
	"$BIN" --root "$HOG" --proc "$IDLE/proc" status --json > "$TMP/status.json" 2>/dev/null
	rc=$?
	expect status_json_exit_is_the_level "$rc" "$(level_of "$HOG")"
	expect status_json_level "$(jq -r '.level + " " + (.level_value | tostring)' "$TMP/status.json")" \
		"critical 3"
	expect status_json_memavailable "$(jq .mem_available_bytes "$TMP/status.json")" \
		$(( $(system_value "$HOG" available_pages) * $(page_size "$HOG") ))
	hr=$(awk '$1 == "node0/Normal" && $2 == "headroom_pages" { split($5, h, "="); print h[2] }' \
		"$HOG/pressure")
	expect status_json_negative_headroom "$(jq '.zones[0].headroom_bytes.high' "$TMP/status.json")" \
		$((hr * $(page_size "$HOG")))
	expect status_json_missing_view_is_null "$(jq '.zones[0].highest_free_order' "$TMP/status.json")" null
	expect status_json_kernel "$(jq -r .kernel "$TMP/status.json")" "$(cat "$IDLE/proc/sys/kernel/osrelease")"
else
	skip status_json "jq not installed"
fi

# --- reserved -----------------------------------------------------------
"$BIN" --root "$IDLE" reserved > "$TMP/reserved"
expect reserved_exit_status $? 0
# Owner rows: between the heading and the rule; the KiB column is $(NF-1).
sum=$(sed -n '/reserved now, by owner/,/------/p' "$TMP/reserved" |
	awk 'NR > 1 && !/-----/ { s += $(NF-1) } END { print s + 0 }')
expect reserved_owners_sum_to_the_views_total "$sum" "$(totals_kib "$IDLE" reserved_now)"
row() { awk -v k="$1" 'index($0, k) { print $(NF-1) }' "$TMP/reserved"; }
expect reserved_sum_row "$(row 'reserved now (sum')" "$(totals_kib "$IDLE" reserved_now)"
expect reserved_memtotal_row "$(row 'MemTotal')" "$(totals_kib "$IDLE" memtotal)"
expect reserved_physical_row "$(row 'physical RAM')" "$(totals_kib "$IDLE" physical)"
expect reserved_reserved_plus_memtotal_is_ram \
	$(( $(row 'reserved now (sum') + $(row 'MemTotal') )) "$(row 'physical RAM')"
if grep -q 'note:' "$TMP/reserved"; then
	nok reserved_no_mismatch_note "$(grep note: "$TMP/reserved")"
else
	ok reserved_no_mismatch_note
fi
# A share: kernel image KiB over physical KiB, to one decimal.
img=$(awk '/^\[/ { s = $0 } s == "[reserved now by owner]" && $1 == "kernel" && $2 == "image" { print $4 }' \
	"$IDLE/reserved")
want=$(awk -v a="$img" -v b="$(totals_kib "$IDLE" physical)" 'BEGIN { printf "%.1f%%", 100 * a / b }')
expect reserved_share_of_ram "$(awk '$1 == "kernel" && $2 == "image" { print $4 }' "$TMP/reserved")" "$want"
if command -v jq > /dev/null; then
	"$BIN" --root "$IDLE" reserved --json > "$TMP/reserved.json"
	expect reserved_json_sum "$(jq '[.owners[].kib] | add' "$TMP/reserved.json")" \
		"$(jq .reserved_now_kib "$TMP/reserved.json")"
	expect reserved_json_total "$(jq .reserved_now_kib "$TMP/reserved.json")" \
		"$(totals_kib "$IDLE" reserved_now)"
fi

# A view whose owners overlap prints "?" for unattributed: the table shows
# "?" for it and for the sum, then the view's own total, and never prints
# an unknown figure as a number.
mkdir -p "$TMP/unknown"
sed 's/^  unattributed .*/  unattributed                                   ?          ?  (owners hold more than reserved_now)/' \
	"$IDLE/reserved" > "$TMP/unknown/reserved"
"$BIN" --root "$TMP/unknown" reserved > "$TMP/reserved.unknown"
rc=$?
if [ $rc -eq 0 ] && grep -q '^  reserved now (sum of the owners) *?$' "$TMP/reserved.unknown" &&
		grep -q "^  reserved now (the view's total) *$(totals_kib "$IDLE" reserved_now) " \
			"$TMP/reserved.unknown" &&
		grep -q '^  unattributed *?$' "$TMP/reserved.unknown" &&
		! grep -q '18446744073709551615' "$TMP/reserved.unknown"; then
	ok reserved_unknown_unattributed
else
	nok reserved_unknown_unattributed "rc $rc: $(grep -e 'reserved now' -e unattributed "$TMP/reserved.unknown")"
fi

# An owner whose name holds a number (x86_64's low 1 MiB): listed, and
# counted in the sum (the x86_64 guest's tool_test found it missing).
mkdir -p "$TMP/x86"
sed 's/^  initrd  .*/&\n  low 1 MiB (x86 BIOS, real mode)               158        632/' \
	"$IDLE/reserved" > "$TMP/x86/reserved"
"$BIN" --root "$TMP/x86" reserved > "$TMP/reserved.x86"
expect reserved_owner_name_with_a_number \
	"$(awk '/^  low 1 MiB \(x86 BIOS, real mode\)/ { print $(NF-1) }' "$TMP/reserved.x86")" 632
expect reserved_sum_with_that_owner \
	"$(awk '/reserved now \(sum/ { print $(NF-1) }' "$TMP/reserved.x86")" \
	$(( $(totals_kib "$IDLE" reserved_now) + 632 ))

# --- metrics ------------------------------------------------------------
t0=$(date +%s)
"$BIN" --root "$IDLE" --proc "$IDLE/proc" metrics > "$TMP/metrics"
expect metrics_exit_status $? 0
t1=$(date +%s)

# Exposition format: every sample's family has HELP and TYPE first, names
# and labels are well formed, values are numbers, no series repeats.
if awk '
	/^# HELP / { help[$3] = 1; next }
	/^# TYPE / { if (!($3 in help) || ($4 != "gauge" && $4 != "counter")) bad = "TYPE " $3
		     type[$3] = 1; next }
	/^#/ { next }
	{
		if ($0 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"]*",?)*\})? -?[0-9]+(\.[0-9]+)?$/)
			bad = "line " NR ": " $0
		series = $0; sub(/ [^ ]*$/, "", series)
		name = series; sub(/\{.*/, "", name)
		if (!(name in type)) bad = "no TYPE for " name
		if (series in seen) bad = "repeated " series
		seen[series] = 1
	}
	END { if (bad != "") { print bad; exit 1 } }' "$TMP/metrics" > "$TMP/why"; then
	ok metrics_exposition_format
else
	nok metrics_exposition_format "$(cat "$TMP/why")"
fi

metric() { awk -v k="$1" '$1 == k { print $2 }' "$TMP/metrics"; }
expect metrics_build_info "$(metric 'memscope_build_info{version="'"$(cat "$FIX/../../../../module/VERSION")"'",kernel="6.1.192"}')" 1
hb=$(metric memscope_last_scrape_timestamp_seconds)
hb=${hb%.*}
if [ "$hb" -ge "$t0" ] && [ "$hb" -le "$t1" ]; then
	ok metrics_heartbeat_is_now
else
	nok metrics_heartbeat_is_now "$hb not in [$t0, $t1]"
fi
expect metrics_system_level "$(metric memscope_system_level)" "$(level_of "$IDLE")"

# Free blocks per order against /proc/buddyinfo of the same run.
want=$(awk '{ for (i = 5; i <= NF; i++) printf "%s ", $i }' "$IDLE/proc/buddyinfo")
got=$(awk -F'[ ]' '/^memscope_buddy_free_blocks\{node="0",zone="Normal"/ { printf "%s ", $2 }' \
	"$TMP/metrics")
expect metrics_free_blocks_match_proc_buddyinfo "$got" "$want"

ps=$(page_size "$IDLE")
for w in min low high; do
	pages=$(awk -v w="$w" '$1 == "node0/Normal" && $2 == "watermark_pages" {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == w) print kv[2] } }' \
		"$IDLE/pressure")
	expect "metrics_watermark_$w" \
		"$(metric 'memscope_zone_watermark_bytes{node="0",zone="Normal",watermark="'$w'"}')" \
		$((pages * ps))
done
expect metrics_fragindex_size10 \
	"$(metric 'memscope_buddy_fragmentation_index{node="0",zone="Normal",size="10"}')" \
	"$(awk '$2 == "Normal" && $3 == 10 { print $8 }' "$IDLE/buddy")"
expect metrics_reserved_bytes_sum \
	"$(awk '/^memscope_reserved_bytes\{/ { s += $NF } END { print s }' "$TMP/metrics")" \
	$(( $(totals_kib "$IDLE" reserved_now) * 1024 ))
expect metrics_kswapd_wakes "$(metric memscope_kswapd_wakes_total)" \
	"$(awk '$1 == "event" && $2 == "kswapd_wakes" { print $3 }' "$IDLE/reclaim")"
expect metrics_alloc_failures_sizes \
	"$(grep -c '^memscope_alloc_failures_total{size=' "$TMP/metrics")" \
	"$(grep -c '^order *load ' "$IDLE/alloc")"

# The hog fixture has no buddy view: its families go, view_up says why.
"$BIN" --root "$HOG" --proc "$IDLE/proc" metrics > "$TMP/metrics.hog" 2>/dev/null
expect metrics_view_up_missing "$(awk '$1 == "memscope_view_up{view=\"buddy\"}" { print $2 }' \
	"$TMP/metrics.hog")" 0
expect metrics_no_buddy_families "$(grep -c '^memscope_buddy_' "$TMP/metrics.hog")" 0
expect metrics_negative_headroom \
	"$(awk '$1 == "memscope_zone_headroom_bytes{node=\"0\",zone=\"Normal\",watermark=\"high\"}" { print $2 }' \
	"$TMP/metrics.hog")" $((-8 * ps))

# -o: the file appears whole, no FILE.tmp is left, a failed write leaves nothing.
"$BIN" --root "$IDLE" --proc "$IDLE/proc" metrics -o "$TMP/memscope.prom"
rc=$?
if [ $rc -eq 0 ] && [ -s "$TMP/memscope.prom" ] && [ ! -e "$TMP/memscope.prom.tmp" ] &&
		[ "$(grep -vc '^memscope_last_scrape' "$TMP/memscope.prom")" = \
		  "$(grep -vc '^memscope_last_scrape' "$TMP/metrics")" ]; then
	ok metrics_output_file
else
	nok metrics_output_file "rc $rc, or FILE.tmp left, or content differs from stdout"
fi
"$BIN" --root "$IDLE" metrics -o "$TMP/no/such/dir/memscope.prom" 2>/dev/null
expect metrics_output_file_unwritable $? 9

if command -v promtool > /dev/null; then
	if promtool check metrics < "$TMP/metrics" > "$TMP/why" 2>&1; then
		ok metrics_promtool
	else
		nok metrics_promtool "$(cat "$TMP/why")"
	fi
else
	skip metrics_promtool "promtool not installed"
fi

# --- alert rules and dashboard (contrib/prometheus) ---------------------
PROM=$FIX/../../../../contrib/prometheus
# Every series the rules and the dashboard name is one metrics writes.
missing=$(grep -ho 'memscope_[a-z_]*' "$PROM/memscope-rules.yml" "$PROM/memscope-dashboard.json" |
	sort -u | while read -r s; do grep -q "^${s}[{ ]" "$TMP/metrics" || echo "$s"; done)
expect contrib_series_exist_in_metrics "$missing" ""
# Every label a dashboard legend names is one metrics writes (instance and
# job are Prometheus' own): a renamed label leaves no empty legend behind.
missing=$(grep -o '{{[a-z_]*}}' "$PROM/memscope-dashboard.json" | tr -d '{}' | sort -u |
	while read -r l; do
		case $l in instance | job) continue ;; esac
		grep -q "^memscope_[a-z_]*{\(.*,\)\{0,1\}$l=" "$TMP/metrics" || echo "$l"
	done)
expect contrib_legend_labels_exist_in_metrics "$missing" ""
if command -v promtool > /dev/null; then
	if promtool check rules "$PROM/memscope-rules.yml" > "$TMP/why" 2>&1; then
		ok promtool_check_rules
	else
		nok promtool_check_rules "$(cat "$TMP/why")"
	fi
	if (cd "$PROM" && promtool test rules memscope-rules.test.yml) > "$TMP/why" 2>&1; then
		ok promtool_test_rules
	else
		nok promtool_test_rules "$(grep -v '^ *$' "$TMP/why" | head -5)"
	fi
else
	skip promtool_rules "promtool not installed (Debian: prometheus)"
fi

# --- record -------------------------------------------------------------
# A static copy of the idle views: the first sample holds every field,
# later samples nothing; a field changed mid-run appears once more.
mkdir -p "$TMP/live"
cp "$IDLE"/pressure "$IDLE"/alloc "$IDLE"/reclaim "$IDLE"/buddy "$IDLE"/slab "$TMP/live/"
# A second of slack on each side: an ASan build on a loaded host can take
# a few hundred ms to start.
MEMSCOPE_DEVICE=$TMP/no-device "$BIN" --root "$TMP/live" record -i 100ms -d 2s \
	-o "$TMP/run.csv" 2> "$TMP/rec.err" &
rec=$!
sleep 1
sed 's/^\(system  *available_pages  *\)[0-9]*/\1123/' "$IDLE/pressure" > "$TMP/live/p.new"
mv "$TMP/live/p.new" "$TMP/live/pressure"
wait $rec
expect record_exit_status $? 0
expect record_header "$(head -1 "$TMP/run.csv")" "time_ms,view,scope,field,value"
csv() { awk -F, -v v="$1" -v s="$2" -v f="$3" '$2 == v && $3 == s && $4 == f { print $5 }' \
	"$TMP/run.csv" | tr '\n' ' '; }
expect record_available_pages_before_and_after "$(csv pressure system available_pages)" \
	"$(system_value "$IDLE" available_pages) 123 "
expect record_level_as_number "$(csv pressure system level)" "$(level_of "$IDLE") "
expect record_watermark_min \
	"$(csv pressure node0/Normal watermark_pages.min)" \
	"$(awk '$1 == "node0/Normal" && $2 == "watermark_pages" { split($3, m, "="); print m[2] " " }' \
	"$IDLE/pressure")"
want=$(awk '$1 ~ /^[0-9]+$/ && $2 == "Normal" { printf "%s ", $4 }' "$IDLE/buddy")
got=$(for o in 0 1 2 3 4 5 6 7 8 9 10; do csv buddy node0/Normal free_blocks.$o; done)
expect record_buddy_free_blocks "$got" "$want"
expect record_alloc_order0_allocs "$(csv alloc order/load/0 allocs)" \
	"$(awk '$1 == "order" && $2 == "load" && $3 == 0 { print $4 " " }' "$IDLE/alloc")"
expect record_reclaim_kswapd_wakes "$(csv reclaim event/kswapd_wakes since_load)" \
	"$(awk '$1 == "event" && $2 == "kswapd_wakes" { print $3 " " }' "$IDLE/reclaim")"
# Every numeric cell of the four views is a field: count them with awk.
want=$(awk '!/^#/ { for (i = 3; i <= NF; i++) { v = $i; sub(/^[A-Za-z0-9_]*=/, "", v)
	if (v ~ /^-?[0-9.]+$/ || v ~ /^(none|low|medium|critical|oom)$/) n++ } }
	END { print n }' "$IDLE/pressure")
expect record_every_pressure_field "$(awk -F, '$2 == "pressure"' "$TMP/run.csv" |
	awk -F, '!seen[$3 "," $4]++' | wc -l)" "$want"
expect record_no_field_twice_in_a_sample "$(awk -F, 'NR > 1 { k = $1 "," $2 "," $3 "," $4
	if (k in seen) print k; seen[k] = 1 }' "$TMP/run.csv" | head -3)" ""
# Samples after the first: only the changed field, 100 ms apart.
expect record_later_samples_hold_changes_only \
	"$(awk -F, 'NR > 2 && $1 != first && $2 != "meta" { print $2 "," $3 "," $4 }
	NR == 2 { first = $1 }' "$TMP/run.csv")" "pressure,system,available_pages"
if grep -q 'no-device' "$TMP/rec.err"; then
	ok record_says_it_has_no_device
else
	nok record_says_it_has_no_device "$(cat "$TMP/rec.err")"
fi

MEMSCOPE_DEVICE=$TMP/no-device "$BIN" --root "$IDLE" record -d 150ms --json-lines \
	-o "$TMP/run.jsonl" 2>/dev/null
if command -v jq > /dev/null; then
	expect record_json_lines_parse "$(jq -s 'map(select(.view == "pressure" and
		.field == "available_pages")) | .[0].value' "$TMP/run.jsonl")" \
		"$(system_value "$IDLE" available_pages)"
else
	skip record_json_lines_parse "jq not installed"
fi

# No flight recorder in this module: a clear error, status 9, no file.
"$BIN" --root "$IDLE" record --history -o "$TMP/history.csv" 2> "$TMP/hist.err"
rc=$?
if [ $rc -eq 9 ] && grep -q 'no flight recorder' "$TMP/hist.err" && [ ! -e "$TMP/history.csv" ]; then
	ok record_history_without_view_fails_clearly
else
	nok record_history_without_view_fails_clearly "rc $rc: $(cat "$TMP/hist.err")"
fi
# The flight recorder of a real episode, in a live recording's words:
# pages from KiB, levels as numbers, the counters as reclaim's since_load.
HIST=$FIX/versatilepb-32M-history
"$BIN" --root "$HIST" record --history -o "$TMP/history.csv" 2> /dev/null
expect record_history_exit_status $? 0
ps_host=$(getconf PAGESIZE)
hrow() { awk -v t="$1" -v c="$2" '$1 == t { for (i = 1; i <= NF; i++) if (i == c) print $i }' "$HIST/history"; }
first=$(awk '!/^#/ { print $1; exit }' "$HIST/history")
crit=$(awk '!/^#/ && $3 == "critical" { print $1; exit }' "$HIST/history")
expect record_history_available_pages \
	"$(awk -F, -v t="$crit" '$1 == t && $3 == "system" && $4 == "available_pages" { print $5 }' "$TMP/history.csv")" \
	$(( $(hrow "$crit" 4) * 1024 / ps_host ))
expect record_history_level_critical \
	"$(awk -F, -v t="$crit" '$1 == t && $3 == "system" && $4 == "level" { print $5 }' "$TMP/history.csv")" 3
expect record_history_min_watermark \
	"$(awk -F, -v t="$first" '$1 == t && $4 == "watermark_pages.min" { print $5 }' "$TMP/history.csv")" \
	$(( $(hrow "$first" 12) * 1024 / ps_host ))
expect record_history_kswapd_wakes_last \
	"$(awk -F, '$3 == "event/kswapd_wakes" { v = $5 } END { print v }' "$TMP/history.csv")" \
	"$(awk '!/^#/ { v = $5 } END { print v }' "$HIST/history")"
if command -v "${GNUPLOT:-gnuplot}" > /dev/null; then
	"$BIN" plot "$TMP/history.csv" -o "$TMP/history.png" --data "$TMP/hplot" 2> /dev/null
	expect plot_history_exit_status $? 0
	expect plot_history_critical_band "$(awk '$3 == 3 { print $1; exit }' "$TMP/hplot/levels.dat")" \
		"$(awk -v t0="$first" -v t="$crit" 'BEGIN { printf "%.3f", (t - t0) / 1000 }')"
else
	skip plot_history "gnuplot not installed"
fi
# A module loaded a moment ago: the header, no sample, not an error.
mkdir -p "$TMP/hempty"
grep '^#' "$HIST/history" > "$TMP/hempty/history"
"$BIN" --root "$TMP/hempty" record --history > /dev/null 2>&1
expect record_history_empty_ring_is_not_an_error $? 0

"$BIN" --root "$IDLE" record -i 10x > /dev/null 2>&1
expect record_bad_interval_is_a_usage_error $? 8

# --- top ----------------------------------------------------------------
# Between two samples 2 s apart: 500 more order-1 allocations, a slab cache
# 4096 bytes bigger, the system level up to critical (put in after 1 s:
# slack for a slow start, as above).
cp "$IDLE/pressure" "$TMP/live/pressure"
"$BIN" --root "$TMP/live" top -i 2s -n 1 > "$TMP/top" 2> "$TMP/top.err" &
top=$!
sleep 1
awk '$1 == "order" && $2 == "load" && $3 == 1 { $4 += 500 } { print }' "$IDLE/alloc" \
	> "$TMP/live/a.new"
awk '$1 == "cache" && $2 == "dentry" { $7 += 4096 } { print }' "$IDLE/slab" > "$TMP/live/s.new"
sed 's/^\(system  *level  *\)none/\1critical/' "$IDLE/pressure" > "$TMP/live/p.new"
mv "$TMP/live/a.new" "$TMP/live/alloc"
mv "$TMP/live/s.new" "$TMP/live/slab"
mv "$TMP/live/p.new" "$TMP/live/pressure"
wait $top
expect top_exit_status $? 0
expect top_one_timestamped_block "$(grep -c '^--- [0-9-]*T[0-9:]*Z  t=' "$TMP/top")" 1
rate=$(awk '$1 == 1 && NF == 4 { print $2 }' "$TMP/top")
if [ -n "$rate" ] && [ "$rate" -ge 200 ] && [ "$rate" -le 255 ]; then
	ok top_order_alloc_rate
else
	nok top_order_alloc_rate "order 1 alloc/s '$rate', want 500 per the ~2 s interval"
fi
expect top_slab_growing "$(sed -n "s/^slab growing: \\([^ ]* [^ ]*\\).*/\\1/p" "$TMP/top")" "dentry +4096B"
expect top_level_change "$(sed -n 's/^levels: //p' "$TMP/top")" "system none->critical"
expect top_level_word "$(awk '$1 == "level" { print $2 }' "$TMP/top")" critical
"$BIN" --root "$TMP/nothing" top -n 1 > /dev/null 2>&1
expect top_without_views_is_an_error $? 9

# On a terminal (script(1) gives it one): redrawn in place, q quits.
if command -v script > /dev/null; then
	(sleep 1.2; printf q) | timeout 10 script -qfc \
		"$BIN --root $IDLE top -i 300ms" /dev/null > "$TMP/top.tty" 2>&1
	rc=$?
	redraws=$(grep -c "$(printf '\033\\[H\033\\[J')" "$TMP/top.tty")
	if [ $rc -eq 0 ] && [ "$redraws" -ge 2 ]; then
		ok top_tty_redraws_and_q_quits
	else
		nok top_tty_redraws_and_q_quits "exit $rc (124: q did not quit), $redraws redraws"
	fi
else
	skip top_tty_redraws_and_q_quits "no script(1)"
fi

# --- plot ---------------------------------------------------------------
# The demo's recording drawn; the data files gnuplot read checked against
# awk's reading of the CSV, the PNG only for being one of the right size.
RUN=$FIX/versatilepb-32M-demo.csv
if command -v "${GNUPLOT:-gnuplot}" > /dev/null; then
	"$BIN" plot "$RUN" -o "$TMP/run.png" --data "$TMP/plot" 2> "$TMP/plot.err"
	expect plot_exit_status $? 0
	expect plot_png_signature "$(od -An -tx1 -N8 "$TMP/run.png" | tr -d ' \n')" 89504e470d0a1a0a
	expect plot_png_ihdr_size "$(od -An -tu1 -j12 -N12 "$TMP/run.png" | awk '{
		printf "%c%c%c%c %d %d", $1, $2, $3, $4, $7 * 256 + $8, $11 * 256 + $12 }')" "IHDR 1400 1000"
	expect plot_two_panels "$(grep -c '^plot ' "$TMP/plot/plot.gp")" 2
	# Samples: the distinct times of view rows, in order of appearance.
	awk -F, 'NR > 1 && $2 != "meta" && $2 != "event" && $2 != "mark" && !s[$1]++ { print $1 }' \
		"$RUN" > "$TMP/times"
	t0=$(head -1 "$TMP/times")
	expect plot_one_row_per_sample "$(grep -vc '^#' "$TMP/plot/system.dat")" "$(wc -l < "$TMP/times")"
	last=$(awk -F, '$2 == "pressure" && $3 == "system" && $4 == "available_pages" { v = $5 }
		END { printf "%.3f", v * 4096 / 1048576 }' "$RUN")
	expect plot_last_memavailable_mib "$(tail -1 "$TMP/plot/system.dat" | awk '{ print $2 }')" "$last"
	min=$(awk -F, '$4 == "watermark_pages.min" { printf "%.3f", $5 * 4096 / 1048576; exit }' "$RUN")
	expect plot_min_watermark_mib "$(awk '!/^#/ { print $3; exit }' "$TMP/plot/zone0.dat")" "$min"
	# The critical band starts at the first sample whose system level is 3.
	crit=$(awk -F, -v t0="$t0" '$2 == "pressure" && $3 == "system" && $4 == "level" && $5 == 3 {
		printf "%.3f", ($1 - t0) / 1000; exit }' "$RUN")
	expect plot_critical_band_start "$(awk '$3 == 3 { print $1; exit }' "$TMP/plot/levels.dat")" "$crit"
	expect plot_bands_cover_the_run "$(awk '!/^#/ { if (NR > 2 && $1 != to) bad = 1; to = $2 }
		END { print bad ? "gap" : to }' "$TMP/plot/levels.dat")" \
		"$(tail -1 "$TMP/plot/system.dat" | awk '{ print $1 }')"
	kill=$(awk -F, -v t0="$t0" '$2 == "mark" && $4 == "memscoped_kill" { printf "%.3f", ($1 - t0) / 1000 }' "$RUN")
	expect plot_memscoped_kill_marked "$(awk '$3 == "memscoped_kill" { print $1 }' "$TMP/plot/events.dat")" "$kill"
	# kswapd: one event per sample at which the since-load counter grew.
	expect plot_kswapd_wake_events "$(grep -c kswapd_wake "$TMP/plot/events.dat")" \
		"$(awk -F, '$3 == "event/kswapd_wakes" && $4 == "since_load" { if (n++ && $5 > v) up++; v = $5 }
		END { print up + 0 }' "$RUN")"
	want=$(awk -F, -v t0="$t0" '$1 == t0 && $2 == "buddy" && $4 ~ /^free_blocks\./ {
		sub("free_blocks.", "", $4); b[$4] += $5 } END { for (o = 0; o in b; o++) printf "%s ", b[o] }' "$RUN")
	expect plot_first_free_blocks "$(awk '$1 == "0.000" { printf "%s ", $3 }' "$TMP/plot/buddy.dat")" "$want"
	expect plot_heatmap_cells "$(grep -vc '^#' "$TMP/plot/buddy.dat")" $(( $(wc -l < "$TMP/times") * 11 ))
	"$BIN" plot "$RUN" > /dev/null 2>&1
	expect plot_without_output_is_a_usage_error $? 8
	head -3 "$RUN" > "$TMP/empty.csv"
	"$BIN" plot "$TMP/empty.csv" -o "$TMP/empty.png" 2> /dev/null
	expect plot_without_samples_is_an_error $? 9
else
	skip plot "gnuplot not installed (Debian: gnuplot-nox)"
fi

# --- command line -------------------------------------------------------
MEMSCOPE_DEBUGFS=$HOG "$BIN" status > /dev/null 2>&1
expect env_names_the_debugfs_directory $? "$(level_of "$HOG")"
"$BIN" --root "$TMP/nothing" status > /dev/null 2>&1
expect status_without_views_is_an_error $? 9
"$BIN" --root "$TMP/nothing" reserved > /dev/null 2>&1
expect reserved_without_view_is_an_error $? 9
"$BIN" > /dev/null 2>&1
expect no_command_is_a_usage_error $? 8
"$BIN" frobnicate > /dev/null 2>&1
expect unknown_command_is_a_usage_error $? 8
"$BIN" status -o x > /dev/null 2>&1
expect output_file_is_for_metrics_only $? 8

echo "1..$n"
echo "# run_tests.sh: $((n - failed - skipped)) passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
