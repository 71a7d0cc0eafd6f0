# SPDX-License-Identifier: GPL-2.0
SUMMARY = "memscope: page-allocator views and low-memory notifications"
DESCRIPTION = "Kernel module with buddy-allocator, reserved-memory, pressure \
and allocator-event views in debugfs, and low-memory notifications on \
/dev/memscope. Supports the 6.1 kernel series."
HOMEPAGE = "https://example.invalid/memscope"
LICENSE = "GPL-2.0-only"
LIC_FILES_CHKSUM = "file://LICENSE;md5=b234ee4d69f5fce4486a80fdaf4a4263"

inherit module

# module/VERSION (scripts/check-packaging compares them).
PV = "0.1.0+git${SRCPV}"
# Where memscope's repository is: set MEMSCOPE_GIT_URI in local.conf.
MEMSCOPE_GIT_URI ??= "git://example.invalid/memscope.git;protocol=https"
SRC_URI = "${MEMSCOPE_GIT_URI};branch=main"
SRCREV = "${AUTOREV}"
S = "${WORKDIR}/git"

# module.bbclass runs the top-level Makefile with KERNEL_SRC= (which it
# reads as KDIR), O= the kernel's build directory, and modules_install.
# The kernel's System.map gives the reserved view its non-exported symbols.
EXTRA_OEMAKE += "MS_SYSTEM_MAP=${STAGING_KERNEL_BUILDDIR}/System.map-${KERNEL_VERSION}"
MODULES_MODULE_SYMVERS_LOCATION = "."

RPROVIDES:${PN} += "kernel-module-memscope"
# Load at boot (modules-load.d on systemd, /etc/modules-load.d read by
# the sysvinit modutils script too).
KERNEL_MODULE_AUTOLOAD += "memscope"

# The user-space ABI header, for supervisors built against memscope.
do_install:append() {
	install -D -m 0644 ${S}/include/uapi/linux/memscope.h \
		${D}${includedir}/linux/memscope.h
}
FILES:${PN}-dev += "${includedir}/linux/memscope.h"
