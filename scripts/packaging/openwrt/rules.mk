# SPDX-License-Identifier: GPL-2.0
# Stand-in for OpenWrt's rules.mk (TOPDIR/rules.mk), for scripts/check-packaging:
# the variables contrib/openwrt's Makefiles use, with the values OpenWrt
# gives them for an armel target. Given on the command line: BUILD_DIR,
# LINUX_DIR, LINUX_VERSION, TARGET_CROSS, PKG_ROOT (where a package's
# install step writes, OpenWrt's $(1)).
INCLUDE_DIR := $(TOPDIR)
BASH := $(shell command -v bash)
TARGET_CC := $(TARGET_CROSS)gcc
TARGET_CFLAGS := -Os -pipe -fno-caller-saves -fno-plt
TARGET_CPPFLAGS :=
TARGET_LDFLAGS :=
CP := cp -fpR
INSTALL_DIR := install -d -m0755
INSTALL_BIN := install -m0755
INSTALL_DATA := install -m0644
INSTALL_CONF := install -m0600
