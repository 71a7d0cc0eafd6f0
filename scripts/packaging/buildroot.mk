# SPDX-License-Identifier: GPL-2.0
# Stand-ins for the parts of Buildroot that contrib/buildroot uses, so that
# scripts/check-packaging runs its packages' own build and install commands
# with the variables Buildroot gives them (Buildroot's manual, "Infrastructure
# for packages building kernel modules" and "generic-package reference";
# package/pkg-kernel-module.mk and linux/linux.mk for the exact make line).
# Nothing here is Buildroot's code; only the interface is reproduced.
#
#   make -f buildroot.mk BR2_EXTERNAL_MEMSCOPE_PATH=... LINUX_DIR=...
#        KERNEL_ARCH=arm TARGET_CROSS=arm-linux-gnueabi- BUILD_DIR=...
#        TARGET_DIR=... STAGING_DIR=... BR2_INIT_SYSTEMD=y|BR2_INIT_SYSV=y
#        memscope memscoped
#
# Each package: its source (SITE, method local) copied to $(BUILD_DIR)/NAME
# as Buildroot's rsync does, then BUILD_CMDS and the post-build hooks, then
# the install commands and hooks, as one recipe per step.

TARGET_CC := $(TARGET_CROSS)gcc
TARGET_CFLAGS := -D_LARGEFILE_SOURCE -D_LARGEFILE64_SOURCE -D_FILE_OFFSET_BITS=64 -Os -g0
TARGET_LDFLAGS :=
TARGET_MAKE_ENV := PATH="$(PATH)"
INSTALL := /usr/bin/install
MAKE1 := $(MAKE) -j1

# linux/linux.mk: the flags every make in the kernel tree gets.
LINUX_MAKE_FLAGS := HOSTCC="gcc" ARCH=$(KERNEL_ARCH) \
	INSTALL_MOD_PATH=$(TARGET_DIR) CROSS_COMPILE="$(TARGET_CROSS)" \
	WERROR=0 DEPMOD=true
LINUX_MAKE_ENV := $(TARGET_MAKE_ENV) BR_BINARIES_DIR=$(BUILD_DIR)/images

define sep


endef
UPPERCASE = $(shell echo '$(1)' | tr 'a-z-' 'A-Z_')
# The package a .mk file defines is named after the file, as in Buildroot.
pkgname = $(basename $(notdir $(lastword $(MAKEFILE_LIST))))

# kernel-module: build and install hooks running the kernel's make with
# M= each MODULE_SUBDIRS entry, after whatever the package builds itself.
define inner-kernel-module
$(2)_MAKE ?= $$(MAKE)
$(2)_MODULE_SUBDIRS ?= .
define $(2)_KERNEL_MODULES_BUILD
	grep -Fqx 'CONFIG_MODULES=y' $$(LINUX_DIR)/.config
	$$(foreach d,$$($(2)_MODULE_SUBDIRS),$$(LINUX_MAKE_ENV) $$($(2)_MAKE) \
		-C $$(LINUX_DIR) $$(LINUX_MAKE_FLAGS) $$($(2)_MODULE_MAKE_OPTS) \
		PWD=$$(@D)/$$(d) M=$$(@D)/$$(d) modules$$(sep))
endef
$(2)_POST_BUILD_HOOKS += $(2)_KERNEL_MODULES_BUILD
define $(2)_KERNEL_MODULES_INSTALL
	$$(foreach d,$$($(2)_MODULE_SUBDIRS),$$(LINUX_MAKE_ENV) $$($(2)_MAKE) \
		-C $$(LINUX_DIR) $$(LINUX_MAKE_FLAGS) $$($(2)_MODULE_MAKE_OPTS) \
		PWD=$$(@D)/$$(d) M=$$(@D)/$$(d) modules_install$$(sep))
endef
$(2)_POST_INSTALL_TARGET_HOOKS += $(2)_KERNEL_MODULES_INSTALL
endef
kernel-module = $(call inner-kernel-module,$(pkgname),$(call UPPERCASE,$(pkgname)))

# generic-package: the steps, in Buildroot's order. The build directory is
# the target's directory, so $(@D) in the commands is the package's source.
define inner-generic-package
.PHONY: $(1)
$(1): $(BUILD_DIR)/$(1)/.stamp_installed
$(BUILD_DIR)/$(1)/.stamp_extracted:
	test -f $$($(2)_SITE)/Kbuild
	mkdir -p $$(@D)
	cp -a $$($(2)_SITE)/. $$(@D)/
	touch $$@
$(BUILD_DIR)/$(1)/.stamp_built: $(BUILD_DIR)/$(1)/.stamp_extracted
	$$($(2)_BUILD_CMDS)
	$$(foreach h,$$($(2)_POST_BUILD_HOOKS),$$($$(h))$$(sep))
	touch $$@
$(BUILD_DIR)/$(1)/.stamp_installed: $(BUILD_DIR)/$(1)/.stamp_built
	$$(if $$(filter YES,$$($(2)_INSTALL_STAGING)),$$($(2)_INSTALL_STAGING_CMDS))
	$$($(2)_INSTALL_TARGET_CMDS)
	$$(foreach h,$$($(2)_POST_INSTALL_TARGET_HOOKS),$$($$(h))$$(sep))
	$$(if $$(BR2_INIT_SYSV),$$($(2)_INSTALL_INIT_SYSV))
	$$(if $$(BR2_INIT_SYSTEMD),$$($(2)_INSTALL_INIT_SYSTEMD))
	touch $$@
endef
generic-package = $(call inner-generic-package,$(pkgname),$(call UPPERCASE,$(pkgname)))

include $(BR2_EXTERNAL_MEMSCOPE_PATH)/external.mk
