################################################################################
#
# memscoped
#
################################################################################

# SPDX-License-Identifier: GPL-2.0
MEMSCOPED_VERSION = 0.1.0
MEMSCOPED_SITE = $(BR2_EXTERNAL_MEMSCOPE_PATH)/../..
MEMSCOPED_SITE_METHOD = local
MEMSCOPED_LICENSE = GPL-2.0
MEMSCOPED_LICENSE_FILES = LICENSE

# Buildroot's toolchain and flags; linked the way the target's other
# programs are (BR2_STATIC_LIBS adds -static to TARGET_LDFLAGS itself).
define MEMSCOPED_BUILD_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D)/tools/memscoped \
		CC="$(TARGET_CC)" CFLAGS="$(TARGET_CFLAGS)" \
		LDFLAGS="$(TARGET_LDFLAGS)" OUT=$(@D)/tools/memscoped all
endef

define MEMSCOPED_INSTALL_TARGET_CMDS
	$(INSTALL) -D -m 0755 $(@D)/tools/memscoped/memscoped \
		$(TARGET_DIR)/usr/sbin/memscoped
	$(INSTALL) -D -m 0644 $(@D)/contrib/memscoped.conf \
		$(TARGET_DIR)/etc/memscoped.conf
endef

define MEMSCOPED_INSTALL_INIT_SYSV
	$(INSTALL) -D -m 0755 $(@D)/tools/memscoped/S50memscoped \
		$(TARGET_DIR)/etc/init.d/S50memscoped
endef

define MEMSCOPED_INSTALL_INIT_SYSTEMD
	$(INSTALL) -D -m 0644 $(@D)/tools/memscoped/memscoped.service \
		$(TARGET_DIR)/usr/lib/systemd/system/memscoped.service
	$(INSTALL) -D -m 0644 $(@D)/contrib/modules-load.d/memscope.conf \
		$(TARGET_DIR)/usr/lib/modules-load.d/memscope.conf
endef

$(eval $(generic-package))
