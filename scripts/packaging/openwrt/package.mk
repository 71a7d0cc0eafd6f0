# SPDX-License-Identifier: GPL-2.0
# Stand-in for OpenWrt's include/package.mk: PKG_BUILD_DIR, and the prepare,
# compile and install steps running the package's Build/Prepare,
# Build/Compile and Package/NAME/install (with $(1) = PKG_ROOT).
PKG_BUILD_DIR := $(BUILD_DIR)/$(PKG_NAME)-$(PKG_VERSION)

.PHONY: prepare compile install
prepare:
	$(Build/Prepare)
compile: prepare
	$(Build/Compile)

define BuildPackage
  install: compile
	mkdir -p $(PKG_ROOT)
	$$(call Package/$(1)/install,$(PKG_ROOT))
endef
