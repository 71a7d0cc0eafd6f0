# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the qemu/ scripts (sourced, not run).

MS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MS_CACHE=${MEMSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/memscope}
mkdir -p "$MS_CACHE"
# Build output (per target); MEMSCOPE_BUILD lets parallel runs use their own.
MS_BUILD=${MEMSCOPE_BUILD:-$(cd "$MS_HERE/.." && pwd)/build}

log() { echo "memscope: $*" >&2; }
# Progress of long set-up steps (kernel builds, downloads) for the console:
# scripts/check and scripts/demo send their build logs to files, and open
# MS_PROGRESS_FD on their own output so these lines still reach a person.
ms_progress() {
	if [ -n "${MS_PROGRESS_FD:-}" ] && { true >&"$MS_PROGRESS_FD"; } 2>/dev/null; then
		echo "memscope: $*" >&"$MS_PROGRESS_FD"
	else
		echo "memscope: $*" >&2
	fi
}
warn() { echo "memscope: warning: $*" >&2; }
die() { echo "memscope: error: $*" >&2; exit 2; }

# Version of Debian's linux-source-6.1 package (e.g. 6.1.192-2).
ms_source_version() {
	dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null ||
		die "linux-source-6.1 is not installed (run scripts/install-deps)"
}

# Unpacked linux-source tree of SERIES (default 6.1), extracted once into
# the cache. 6.1 is the host's package; other series are downloaded from
# their suite (ms_series_suite), newest upload first, by
# scripts/fetch-debian-source, whose trees hold their package version in
# .memscope-unpacked.
ms_kernel_source() {
	local series=${1:-6.1} ver dir tarball=/usr/src/linux-source-6.1.tar.xz
	if [ "$series" != 6.1 ]; then
		"$MS_HERE/../scripts/fetch-debian-source" "$series" | tail -1
		return
	fi
	ver=$(ms_source_version)
	dir="$MS_CACHE/src/linux-source-$ver"
	if [ ! -f "$dir/.memscope-unpacked" ]; then
		[ -f "$tarball" ] || die "$tarball missing"
		ms_progress "unpacking $tarball ($(du -h "$tarball" | cut -f1))"
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -xJf "$tarball" -C "$dir" --strip-components=1
		touch "$dir/.memscope-unpacked"
	fi
	echo "$dir"
}

# ABI name of Debian's 6.1 kernel on this host (e.g. 6.1.0-56), from the
# linux-image-amd64 metapackage, so nothing here hard-codes a Debian upload.
ms_debian_abi() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null) ||
		die "linux-image-amd64 is not installed (run scripts/install-deps)"
	dep=${dep%% *}
	dep=${dep#linux-image-}
	echo "${dep%-amd64}"
}

# ms_wait_exit PID SECONDS: 0 once PID (a child) has exited, 1 if it still
# runs after SECONDS.
ms_wait_exit() {
	local i
	for ((i = 0; i < $2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 1
	done
	! kill -0 "$1" 2>/dev/null
}

# The Debian mirror the host's own apt sources name (deb822 or one-line).
ms_debian_mirror() {
	local f u
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		u=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f")
		[ -n "$u" ] && { echo "${u%/}"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		u=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f")
		[ -n "$u" ] && { echo "${u%/}"; return; }
	done
	die "no Debian mirror (a URI ending in /debian) in the host's apt sources"
}

# A private apt configuration for one suite the host's apt does not list:
# its own sources list, lists and archive cache under the cache directory,
# for apt-cache and apt-get download only. The host's apt sources are never
# touched (a trixie entry there could upgrade the host's C library). Sets
# MS_APT (the -o options); the suite's index is refreshed at most once a
# day, so a warm run does not wait for the mirror.
ms_private_apt() {
	local suite=$1 st="$MS_CACHE/apt-extra"
	local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	mkdir -p "$st/lists/$suite/partial" "$st/cache/archives/partial"
	printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$(ms_debian_mirror)" "$suite" \
		> "$st/sources.list.$suite"
	MS_APT=(-o "Dir::Etc::SourceList=$st/sources.list.$suite" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$st/lists/$suite" -o "Dir::Cache=$st/cache"
		-o "APT::Architectures::=amd64" -o "APT::Architectures::=arm64")
	exec 7>"$st.lock"
	flock 7
	if [ -z "$(find "$st/lists/$suite" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
		ms_progress "apt index of $suite (private configuration under $st)"
		apt-get -q "${MS_APT[@]}" update >&2 || die "apt-get update of $suite failed"
	fi
	flock -u 7
	exec 7>&-
}

# The suite whose linux-source-SERIES memscope builds from (kernel series
# other than the host's 6.1): 6.12 from bookworm-backports, the same upload
# as its prebuilt amd64 and arm64 kernels; 7.3 from trixie-backports.
ms_series_suite() {
	case "$1" in
	6.12) echo bookworm-backports ;;
	7.3) echo trixie-backports ;;
	*) die "no Debian source suite known for kernel series $1 (6.12, 7.3)" ;;
	esac
}

# Foreign-architecture Debian packages, downloaded and unpacked once.
# Prints the unpack root.
ms_debian_unpack() {
	local arch=$1; shift
	local root="$MS_CACHE/debian/$arch" stamp pkgs=("$@") p
	stamp="$root/.memscope-$(echo "${pkgs[*]}" | sha256sum | cut -c1-16)"
	# Parallel runs share the cache: one unpacks, the others wait for it
	# (an unlocked second run once removed the tree the first was filling).
	mkdir -p "$MS_CACHE/debian"
	exec 8>"$root.lock"
	flock 8
	if [ ! -f "$stamp" ]; then
		log "downloading ${pkgs[*]}"
		rm -rf "$root"
		mkdir -p "$root/debs"
		(cd "$root/debs" && apt-get download -q "${pkgs[@]}" >&2) ||
			die "apt-get download ${pkgs[*]} failed"
		for p in "$root"/debs/*.deb; do dpkg -x "$p" "$root"; done
		touch "$stamp"
	fi
	flock -u 8
	exec 8>&-
	echo "$root"
}

# The real System.map of a Debian kernel. /boot's is a one-line stub; the
# real one ships in linux-image-<abi>-<arch>-dbg (about 800 MB), so that is
# downloaded once and only the map, near the start of the archive, is kept.
# Prints its path, or nothing if it cannot be had (memscope's reserved view
# then prints '?' where it needs data symbols).
ms_debian_sysmap() {
	local arch=$1 abi=$2 dir="$MS_CACHE/debian/$1-sysmap" map
	map="$dir/System.map-$abi-$arch"
	mkdir -p "$MS_CACHE/debian"
	exec 8>"$dir.lock"
	flock 8
	if [ ! -s "$map" ]; then
		log "downloading linux-image-$abi-$arch-dbg for its System.map (once)"
		rm -rf "$dir"
		mkdir -p "$dir"
		if (cd "$dir" && apt-get download -q "linux-image-$abi-$arch-dbg:$arch" >&2); then
			# tar stops at the first match; dpkg-deb then sees a broken pipe.
			dpkg-deb --fsys-tarfile "$dir"/*.deb 2>/dev/null |
				tar -xO --occurrence=1 "./usr/lib/debug/boot/System.map-$abi-$arch" \
				> "$map.tmp" 2>/dev/null || true
			[ -s "$map.tmp" ] && mv "$map.tmp" "$map"
		fi
		rm -f "$dir"/*.deb "$map.tmp"
		[ -s "$map" ] || warn "no System.map for $abi-$arch (linux-image-$abi-$arch-dbg)"
	fi
	flock -u 8
	exec 8>&-
	if [ -s "$map" ]; then echo "$map"; fi
}

# The targets ms_target_setup knows, for usage messages and scripts/check.
MS_TARGETS="versatilepb versatilepb-highmem versatilepb-debug versatilepb-nocompaction"
MS_TARGETS+=" versatilepb-notracepoints x86_64 x86_64-debug arm64"

# The kernel series a target boots: MEMSCOPE_KERNEL (qemu/run --kernel),
# 6.1 by default. Where each target's kernel of a series comes from:
#   versatilepb and its variants, x86_64-debug: built from that series'
#     linux-source (qemu/build-kernel; 6.12 and 7.3 downloaded by
#     scripts/fetch-debian-source);
#   x86_64, arm64: Debian's prebuilt kernels, 6.1 from bookworm, 6.12 from
#     bookworm-backports (scripts/fetch-debian-kernel); x86_64 under 7.3 is
#     built from source (qemu/configs/x86_64.config alone), since Debian's
#     7.3 headers need gcc-14, which bookworm lacks; there is no arm64 7.3.
MS_SERIES=${MEMSCOPE_KERNEL:-6.1}
MS_SERIES_LIST="6.1 6.12 7.3"
ms_series_targets() {
	case "$1" in
	6.1) echo "$MS_TARGETS" ;;
	# x86_64-rt, versatilepb-rt: PREEMPT_RT with lockdep (x86 has it
	# from 6.12, ARM in 7.3 but not 6.12).
	6.12) echo "$MS_TARGETS x86_64-rt" ;;
	7.3) echo "${MS_TARGETS/ arm64/} x86_64-rt versatilepb-rt" ;;
	*) die "unknown kernel series '$1' ($MS_SERIES_LIST)" ;;
	esac
}

# Target facts: kernel image, KDIR for module builds, busybox, compiler, QEMU.
# Sets MS_KERNEL MS_DTB MS_KDIR MS_BUSYBOX MS_ARCH MS_CROSS MS_CC MS_QEMU,
# MS_SYSMAP (the kernel's System.map, if there is one to be had), and
# MS_KRELEASE and MS_KSERIES: the release of the kernel the target boots,
# from its build (include/config/kernel.release: 6.1.192, 6.1.0-56-amd64),
# and its series (6.1), which selftests/expected-skips is keyed by.
# MS_STAGE_NAME: the target's build directory under MS_BUILD ("x86_64",
# "x86_64-6.12"); MS_SLAB_SRC and MS_SLAB_SRC_PKG: the source tree (its
# mm/slab.h) and package version for slab cache names, when not 6.1's.
ms_target_setup() {
	local target=$1 abi root
	MS_DTB="" MS_SYSMAP="" MS_SLAB_SRC="" MS_SLAB_SRC_PKG=""
	MS_STAGE_NAME=$target
	grep -qw -- "$target" <<<"$(ms_series_targets "$MS_SERIES")" ||
		die "no $MS_SERIES kernel for $target here ($MS_SERIES targets: $(ms_series_targets "$MS_SERIES"))"
	[ "$MS_SERIES" = 6.1 ] || MS_STAGE_NAME=$target-$MS_SERIES
	case "$MS_SERIES/$target" in
	*/versatilepb*)
		# One board, five kernels (qemu/configs/<target>.config): the
		# last two are degraded on purpose (no compaction, no
		# tracepoints) to boot README's "works without" claims.
		MS_KDIR=$("$MS_HERE/build-kernel" "$target" | tail -1)
		MS_KERNEL="$MS_KDIR/arch/arm/boot/zImage"
		MS_DTB=$(ls "$MS_KDIR"/arch/arm/boot/dts/versatile-pb.dtb \
			"$MS_KDIR"/arch/arm/boot/dts/arm/versatile-pb.dtb 2>/dev/null | head -1 || true)
		root=$(ms_debian_unpack armel busybox-static:armel)
		MS_BUSYBOX="$root/bin/busybox"
		MS_ARCH=arm MS_CROSS=arm-linux-gnueabi- MS_QEMU=qemu-system-arm
		;;
	*/x86_64-debug | */x86_64-rt | 7.3/x86_64)
		# Our own kernels (qemu/configs/x86_64*.config): the module
		# builds against its build tree.
		MS_KDIR=$("$MS_HERE/build-kernel" "$target" | tail -1)
		MS_KERNEL="$MS_KDIR/arch/x86/boot/bzImage"
		MS_BUSYBOX=/bin/busybox
		MS_ARCH=x86_64 MS_CROSS="" MS_QEMU=qemu-system-x86_64
		;;
	6.12/x86_64 | 6.12/arm64)
		case "$target" in
		x86_64) root=$("$MS_HERE/../scripts/fetch-debian-kernel" 6.12 amd64 | tail -1)
			MS_ARCH=x86_64 MS_CROSS="" MS_QEMU=qemu-system-x86_64 MS_BUSYBOX=/bin/busybox ;;
		arm64) root=$("$MS_HERE/../scripts/fetch-debian-kernel" 6.12 arm64 | tail -1)
			MS_ARCH=arm64 MS_CROSS=aarch64-linux-gnu- MS_QEMU=qemu-system-aarch64
			MS_BUSYBOX="$(ms_debian_unpack arm64busybox busybox-static:arm64)/bin/busybox" ;;
		esac
		[ -n "$root" ] || die "fetching Debian's 6.12 kernel for $target failed"
		MS_KERNEL=$(ls "$root"/boot/vmlinuz-* | head -1)
		MS_KDIR=$(ls -d "$root"/usr/src/linux-headers-*-"${MS_KERNEL##*-}" | head -1)
		if [ -f "$root/slab-src/.memscope-unpacked" ]; then
			MS_SLAB_SRC="$root/slab-src"
			MS_SLAB_SRC_PKG=$(cat "$root/slab-src/.memscope-unpacked")
		fi
		;;
	6.1/x86_64)
		abi=$(ms_debian_abi)
		MS_KERNEL="/boot/vmlinuz-$abi-amd64"
		MS_KDIR="/usr/src/linux-headers-$abi-amd64"
		MS_BUSYBOX=/bin/busybox
		MS_ARCH=x86_64 MS_CROSS="" MS_QEMU=qemu-system-x86_64
		;;
	6.1/arm64)
		abi=$(ms_debian_abi)
		root=$(ms_debian_unpack arm64 "linux-image-$abi-arm64:arm64" \
			"linux-headers-$abi-arm64:arm64" busybox-static:arm64)
		# The arm64 headers use the host's kbuild tools and the
		# architecture-independent -common tree.
		ln -sfn "/usr/lib/linux-kbuild-6.1" "$root/usr/lib/linux-kbuild-6.1"
		[ -e "$root/usr/src/linux-headers-$abi-common" ] ||
			ln -sfn "/usr/src/linux-headers-$abi-common" \
				"$root/usr/src/linux-headers-$abi-common"
		MS_KERNEL="$root/boot/vmlinuz-$abi-arm64"
		MS_KDIR="$root/usr/src/linux-headers-$abi-arm64"
		MS_SYSMAP=$(ms_debian_sysmap arm64 "$abi")
		MS_BUSYBOX="$root/bin/busybox"
		MS_ARCH=arm64 MS_CROSS=aarch64-linux-gnu- MS_QEMU=qemu-system-aarch64
		;;
	*) die "unknown target '$target' (${MS_TARGETS// /, })" ;;
	esac
	MS_KRELEASE=$(cat "$MS_KDIR/include/config/kernel.release" 2>/dev/null) ||
		die "no include/config/kernel.release in $MS_KDIR"
	MS_KSERIES=$(sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p' <<<"$MS_KRELEASE")
	[ -n "$MS_KSERIES" ] || die "no kernel series in release '$MS_KRELEASE'"
	MS_CC="${MS_CROSS}gcc"
	[ -f "$MS_KERNEL" ] || die "kernel image $MS_KERNEL missing"
	[ -x "$MS_BUSYBOX" ] || die "busybox $MS_BUSYBOX missing"
}
