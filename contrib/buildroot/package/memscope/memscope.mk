################################################################################
#
# memscope
#
################################################################################

# SPDX-License-Identifier: GPL-2.0
# Built from this source tree (the BR2_EXTERNAL lives in contrib/buildroot);
# the version is module/VERSION's, as scripts/check-packaging checks.
MEMSCOPE_VERSION = 0.1.0
MEMSCOPE_SITE = $(BR2_EXTERNAL_MEMSCOPE_PATH)/../..
MEMSCOPE_SITE_METHOD = local
MEMSCOPE_LICENSE = GPL-2.0
MEMSCOPE_LICENSE_FILES = LICENSE
MEMSCOPE_INSTALL_STAGING = YES

# The top-level Kbuild descends into module/, so the kernel-module
# infrastructure's "make -C $(LINUX_DIR) M=$(@D) modules" finds it. The
# kernel's System.map gives the reserved view its non-exported symbols.
MEMSCOPE_MODULE_MAKE_OPTS = MS_SYSTEM_MAP=$(LINUX_DIR)/System.map

# The user-space ABI header, for supervisors built against memscope.
define MEMSCOPE_INSTALL_STAGING_CMDS
	$(INSTALL) -D -m 0644 $(@D)/include/uapi/linux/memscope.h \
		$(STAGING_DIR)/usr/include/linux/memscope.h
endef

$(eval $(kernel-module))
$(eval $(generic-package))
