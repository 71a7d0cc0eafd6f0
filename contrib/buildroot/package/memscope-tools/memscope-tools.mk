################################################################################
#
# memscope-tools
#
################################################################################

# SPDX-License-Identifier: GPL-2.0
MEMSCOPE_TOOLS_VERSION = 0.1.0
MEMSCOPE_TOOLS_SITE = $(BR2_EXTERNAL_MEMSCOPE_PATH)/../..
MEMSCOPE_TOOLS_SITE_METHOD = local
MEMSCOPE_TOOLS_LICENSE = GPL-2.0
MEMSCOPE_TOOLS_LICENSE_FILES = LICENSE

# Buildroot's toolchain and flags; linked the way the target's other
# programs are (BR2_STATIC_LIBS adds -static to TARGET_LDFLAGS itself).
define MEMSCOPE_TOOLS_BUILD_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D)/tools/memscope \
		CC="$(TARGET_CC)" CFLAGS="$(TARGET_CFLAGS)" \
		LDFLAGS="$(TARGET_LDFLAGS)" OUT=$(@D)/tools/memscope all
endef

define MEMSCOPE_TOOLS_INSTALL_TARGET_CMDS
	$(INSTALL) -D -m 0755 $(@D)/tools/memscope/memscope \
		$(TARGET_DIR)/usr/bin/memscope
endef

# The timer is installed; whether it is enabled is the image's choice
# (a systemd preset, or the timers.target.wants link, in an overlay).
define MEMSCOPE_TOOLS_INSTALL_INIT_SYSTEMD
	$(INSTALL) -D -m 0644 $(@D)/tools/memscope/memscope-metrics.service \
		$(TARGET_DIR)/usr/lib/systemd/system/memscope-metrics.service
	$(INSTALL) -D -m 0644 $(@D)/tools/memscope/memscope-metrics.timer \
		$(TARGET_DIR)/usr/lib/systemd/system/memscope-metrics.timer
endef

$(eval $(generic-package))
