# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the qemu/ scripts (sourced, not run).

MS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MS_CACHE=${MEMSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/memscope}
mkdir -p "$MS_CACHE"
# Build output (per target); MEMSCOPE_BUILD lets parallel runs use their own.
MS_BUILD=${MEMSCOPE_BUILD:-$(cd "$MS_HERE/.." && pwd)/build}

log() { echo "memscope: $*" >&2; }
warn() { echo "memscope: warning: $*" >&2; }
die() { echo "memscope: error: $*" >&2; exit 2; }

# Version of Debian's linux-source-6.1 package (e.g. 6.1.192-2).
ms_source_version() {
	dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null ||
		die "linux-source-6.1 is not installed (run scripts/install-deps)"
}

# Unpacked linux-source-6.1 tree, extracted once into the cache.
ms_kernel_source() {
	local ver dir tarball=/usr/src/linux-source-6.1.tar.xz
	ver=$(ms_source_version)
	dir="$MS_CACHE/src/linux-source-$ver"
	if [ ! -f "$dir/.memscope-unpacked" ]; then
		[ -f "$tarball" ] || die "$tarball missing"
		log "unpacking $tarball"
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
# 6.1 by default. 6.12: Debian's prebuilt amd64 and arm64 kernels from
# bookworm-backports (scripts/fetch-debian-kernel); the versatilepb and
# x86_64-debug kernels, and 7.3, are not built from source yet.
MS_SERIES=${MEMSCOPE_KERNEL:-6.1}
MS_SERIES_TARGETS_6_12="x86_64 arm64"

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
	case "$MS_SERIES" in
	6.1) ;;
	6.12)
		grep -qw -- "$target" <<<"$MS_SERIES_TARGETS_6_12" ||
			die "no 6.12 kernel for $target here (6.12 targets: $MS_SERIES_TARGETS_6_12)"
		MS_STAGE_NAME=$target-6.12
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
	*) die "unknown kernel series '$MS_SERIES' (6.1, 6.12)" ;;
	esac
	if [ "$MS_SERIES" = 6.1 ]; then
	case "$target" in
	versatilepb | versatilepb-highmem | versatilepb-debug | versatilepb-nocompaction | \
	versatilepb-notracepoints)
		# One board, five kernels (qemu/configs/<target>.config): the
		# last two are degraded on purpose (no compaction, no
		# tracepoints) to boot README's "works without" claims.
		MS_KDIR=$("$MS_HERE/build-kernel" "$target" | tail -1)
		MS_KERNEL="$MS_KDIR/arch/arm/boot/zImage"
		MS_DTB="$MS_KDIR/arch/arm/boot/dts/versatile-pb.dtb"
		root=$(ms_debian_unpack armel busybox-static:armel)
		MS_BUSYBOX="$root/bin/busybox"
		MS_ARCH=arm MS_CROSS=arm-linux-gnueabi- MS_QEMU=qemu-system-arm
		;;
	x86_64-debug)
		# Our own kernel (qemu/configs/x86_64*.config): the module builds
		# against its build tree.
		MS_KDIR=$("$MS_HERE/build-kernel" x86_64-debug | tail -1)
		MS_KERNEL="$MS_KDIR/arch/x86/boot/bzImage"
		MS_BUSYBOX=/bin/busybox
		MS_ARCH=x86_64 MS_CROSS="" MS_QEMU=qemu-system-x86_64
		;;
	x86_64)
		abi=$(ms_debian_abi)
		MS_KERNEL="/boot/vmlinuz-$abi-amd64"
		MS_KDIR="/usr/src/linux-headers-$abi-amd64"
		MS_BUSYBOX=/bin/busybox
		MS_ARCH=x86_64 MS_CROSS="" MS_QEMU=qemu-system-x86_64
		;;
	arm64)
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
	fi
	MS_KRELEASE=$(cat "$MS_KDIR/include/config/kernel.release" 2>/dev/null) ||
		die "no include/config/kernel.release in $MS_KDIR"
	MS_KSERIES=$(sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p' <<<"$MS_KRELEASE")
	[ -n "$MS_KSERIES" ] || die "no kernel series in release '$MS_KRELEASE'"
	MS_CC="${MS_CROSS}gcc"
	[ -f "$MS_KERNEL" ] || die "kernel image $MS_KERNEL missing"
	[ -x "$MS_BUSYBOX" ] || die "busybox $MS_BUSYBOX missing"
}
