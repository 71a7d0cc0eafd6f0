# SPDX-License-Identifier: GPL-2.0
# Stand-in for OpenWrt's include/kernel.mk: KERNEL_MAKE with the flags
# OpenWrt passes to every make in the kernel tree, and KernelPackage, which
# here checks that each FILES entry was built, installs it into
# PKG_ROOT/lib/modules/LINUX_VERSION and writes PKG_ROOT/etc/modules.d/
# PRIORITY-NAME for AUTOLOAD, as OpenWrt's package does.
LINUX_KARCH := arm
KERNEL_MAKE_FLAGS := HOSTCFLAGS="-O2 -Wall -Wmissing-prototypes -Wstrict-prototypes" \
	CROSS_COMPILE="$(TARGET_CROSS)" ARCH="$(LINUX_KARCH)" KBUILD_HAVE_NLS=no \
	KBUILD_BUILD_USER="" KBUILD_BUILD_HOST="" KBUILD_BUILD_TIMESTAMP="" \
	KBUILD_BUILD_VERSION="0" CONFIG_SHELL="$(BASH)" V='' cmd_syscalls= \
	KERNELRELEASE=$(LINUX_VERSION)
KERNEL_MAKEOPTS := -C $(LINUX_DIR) $(KERNEL_MAKE_FLAGS)
KERNEL_MAKE = $(MAKE) $(KERNEL_MAKEOPTS)

# AutoLoad PRIORITY MODULES [BOOT]: a shell call, as OpenWrt's, of the
# add_module the install step defines (one modules.d file per package).
AutoLoad = add_module "$(1)" "$(2)" "$(3)";

define KernelPackage
  $(eval $(call KernelPackage/$(1)))
  install: compile
	mkdir -p $(PKG_ROOT)/lib/modules/$(LINUX_VERSION) $(PKG_ROOT)/etc/modules.d
	for f in $$(FILES); do test -f $$$$f && cp $$$$f $(PKG_ROOT)/lib/modules/$(LINUX_VERSION)/ || exit 1; done
	add_module() { echo "$$$$2" > $(PKG_ROOT)/etc/modules.d/$$$$1-$(1); }; $$(AUTOLOAD)
endef
