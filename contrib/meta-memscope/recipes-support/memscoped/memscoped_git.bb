# SPDX-License-Identifier: GPL-2.0
SUMMARY = "memscoped: low-memory supervisor daemon for /dev/memscope"
DESCRIPTION = "Subscribes to memscope's low-memory notifications; logs them, \
runs commands, and kills processes registered as background-killable \
before the OOM killer has to."
HOMEPAGE = "https://example.invalid/memscope"
LICENSE = "GPL-2.0-only"
LIC_FILES_CHKSUM = "file://LICENSE;md5=b234ee4d69f5fce4486a80fdaf4a4263"

# module/VERSION (scripts/check-packaging compares them).
PV = "0.1.0+git${SRCPV}"
MEMSCOPE_GIT_URI ??= "git://example.invalid/memscope.git;protocol=https"
SRC_URI = "${MEMSCOPE_GIT_URI};branch=main"
SRCREV = "${AUTOREV}"
S = "${WORKDIR}/git"

inherit systemd update-rc.d

SYSTEMD_SERVICE:${PN} = "memscoped.service"
INITSCRIPT_NAME = "memscoped"
INITSCRIPT_PARAMS = "defaults 50"

# The device comes from the module: pull it in where the image has it.
RRECOMMENDS:${PN} += "kernel-module-memscope"

# OE's toolchain and flags (LDFLAGS without -static: the image's libc).
EXTRA_OEMAKE = "-C ${S}/tools/memscoped OUT=${B} CC='${CC}' \
	CFLAGS='${CFLAGS}' LDFLAGS='${LDFLAGS}'"

do_compile() {
	oe_runmake all
}

do_install() {
	install -D -m 0755 ${B}/memscoped ${D}${sbindir}/memscoped
	install -D -m 0644 ${S}/contrib/memscoped.conf ${D}${sysconfdir}/memscoped.conf
	install -D -m 0644 ${S}/tools/memscoped/memscoped.conf.example \
		${D}${docdir}/${BPN}/memscoped.conf.example
	if ${@bb.utils.contains('DISTRO_FEATURES', 'systemd', 'true', 'false', d)}; then
		install -d ${D}${systemd_system_unitdir}
		sed 's|/usr/sbin/memscoped|${sbindir}/memscoped|g' \
			${S}/tools/memscoped/memscoped.service \
			> ${D}${systemd_system_unitdir}/memscoped.service
		chmod 0644 ${D}${systemd_system_unitdir}/memscoped.service
	fi
	if ${@bb.utils.contains('DISTRO_FEATURES', 'sysvinit', 'true', 'false', d)}; then
		install -D -m 0755 ${S}/tools/memscoped/S50memscoped \
			${D}${sysconfdir}/init.d/memscoped
	fi
}

CONFFILES:${PN} = "${sysconfdir}/memscoped.conf"
