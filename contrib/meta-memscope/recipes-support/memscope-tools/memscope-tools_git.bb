# SPDX-License-Identifier: GPL-2.0
SUMMARY = "memscope: command-line views of the memscope kernel module"
DESCRIPTION = "Reads memscope.ko's debugfs views: status (exits with the \
pressure level), top, record, reserved and metrics (a node_exporter \
textfile, also written every 15 s by memscope-metrics.timer, not enabled)."
HOMEPAGE = "https://example.invalid/memscope"
LICENSE = "GPL-2.0-only"
LIC_FILES_CHKSUM = "file://LICENSE;md5=b234ee4d69f5fce4486a80fdaf4a4263"

# module/VERSION (scripts/check-packaging compares them).
PV = "0.1.0+git${SRCPV}"
MEMSCOPE_GIT_URI ??= "git://example.invalid/memscope.git;protocol=https"
SRC_URI = "${MEMSCOPE_GIT_URI};branch=main"
SRCREV = "${AUTOREV}"
S = "${WORKDIR}/git"

inherit systemd

# The timer runs the service; both are installed, neither is enabled.
SYSTEMD_SERVICE:${PN} = "memscope-metrics.service memscope-metrics.timer"
SYSTEMD_AUTO_ENABLE = "disable"

# The views come from the module: pull it in where the image has it.
RRECOMMENDS:${PN} += "kernel-module-memscope"

# OE's toolchain and flags (LDFLAGS without -static: the image's libc).
EXTRA_OEMAKE = "-C ${S}/tools/memscope OUT=${B} CC='${CC}' \
	CFLAGS='${CFLAGS}' LDFLAGS='${LDFLAGS}'"

do_compile() {
	oe_runmake all
}

do_install() {
	install -D -m 0755 ${B}/memscope ${D}${bindir}/memscope
	if ${@bb.utils.contains('DISTRO_FEATURES', 'systemd', 'true', 'false', d)}; then
		install -d ${D}${systemd_system_unitdir}
		sed 's|/usr/bin/memscope|${bindir}/memscope|g' \
			${S}/tools/memscope/memscope-metrics.service \
			> ${D}${systemd_system_unitdir}/memscope-metrics.service
		chmod 0644 ${D}${systemd_system_unitdir}/memscope-metrics.service
		install -m 0644 ${S}/tools/memscope/memscope-metrics.timer \
			${D}${systemd_system_unitdir}/
	fi
}
