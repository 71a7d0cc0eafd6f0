# SPDX-License-Identifier: GPL-2.0
#
# memscope: out-of-tree module build (Kbuild does the work) and the
# project's own commands.
#
#   make [KDIR=... | KERNEL_SRC=...] [ARCH=... CROSS_COMPILE=...] [O=...]
#   make modules_install [INSTALL_MOD_PATH=...]
#   make clean
#   make headers_install [INSTALL_HDR_PATH=...]
#   make install [DESTDIR=...] [PREFIX=/usr] [SYSTEMDUNITDIR=...]
#                  the user-space side: memscoped, its unit, init script
#                  and example config, the memscope command and its
#                  metrics service and timer, the modules-load.d file, the
#                  uapi header (the module itself: modules_install or DKMS)
#   make check     all set-up, static gates, selftests in QEMU guests
#   make demo      boot versatilepb at mem=32M and show every memscope view
#   make bench     what the allocator hooks cost, against ftrace (figures)
#   make fuzz      libFuzzer on the /dev/memscope command parser and on the
#                  trigger rules' state machine, 60 s each (FUZZ_TIME=seconds)
#   make stress    the stress and fuzz selftests at full counts in guests
#
# "make -C $KDIR M=$PWD" works without this file: the top-level Kbuild
# descends into module/. ARCH, CROSS_COMPILE, O and INSTALL_MOD_PATH given
# on the command line reach the kernel's make unchanged.

KERNEL_SRC ?= /lib/modules/$(shell uname -r)/build
KDIR ?= $(KERNEL_SRC)

all: modules

modules modules_install clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $@

# The user-space ABI header, for supervisors built against memscope:
# $(INSTALL_HDR_PATH)/include/linux/memscope.h (default ./usr, as the kernel's).
INSTALL_HDR_PATH ?= $(CURDIR)/usr
headers_install:
	install -D -m 0644 include/uapi/linux/memscope.h \
		$(INSTALL_HDR_PATH)/include/linux/memscope.h

# What the packages need (Documentation/packaging.rst): memscoped's own
# install (the daemon, its unit and sysusers.d file with paths that follow
# PREFIX, the init script and example config under SYSCONFDIR, which is
# /etc for PREFIX=/usr and PREFIX/etc otherwise), the memscope command's
# own (PREFIX/bin/memscope, memscope-metrics.service and .timer, the
# service's paths following PREFIX), the modules-load.d file and the uapi
# header.
PREFIX ?= /usr
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
MODULESLOADDIR ?= $(PREFIX)/lib/modules-load.d
MEMSCOPED_OUT ?= $(CURDIR)/tools/memscoped
MEMSCOPE_OUT ?= $(CURDIR)/tools/memscope
install:
	$(MAKE) -C tools/memscoped OUT=$(MEMSCOPED_OUT) PREFIX=$(PREFIX) \
		UNITDIR=$(SYSTEMDUNITDIR) install
	$(MAKE) -C tools/memscope OUT=$(MEMSCOPE_OUT) PREFIX=$(PREFIX) \
		UNITDIR=$(SYSTEMDUNITDIR) install
	install -D -m 0644 contrib/modules-load.d/memscope.conf \
		$(DESTDIR)$(MODULESLOADDIR)/memscope.conf
	$(MAKE) headers_install INSTALL_HDR_PATH=$(DESTDIR)$(PREFIX)

check:
	scripts/check

demo:
	scripts/demo

bench:
	scripts/bench

FUZZ_TIME ?= 60
fuzz:
	scripts/install-deps
	$(MAKE) -C fuzz fuzz FUZZ_TIME=$(FUZZ_TIME)

stress:
	scripts/stress

.PHONY: all modules modules_install clean check demo headers_install install bench fuzz \
	stress
