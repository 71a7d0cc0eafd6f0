# SPDX-License-Identifier: GPL-2.0
# memscope's compat layer (module/compat/), included by module/Kbuild.
#
# Every access to kernel internals, and every API that changes between
# kernel series, is in this directory, one file per feature. Differences
# are detected by compiling the small sources in probes/ against KDIR
# (gen-have writes have.h: HAVE_<PROBE> for each one that compiles), never
# by testing version numbers, so a vendor kernel with a backport, or a
# series nobody tested here, gets the right variant. Only files in
# compat/ look at HAVE_* macros.

# What memscope cannot do without: one line naming the missing thing,
# instead of a wall of compiler errors. 6.1 is the oldest series memscope
# supports (the probes cover what changed after it, not before).
ifneq ($(shell test "$(VERSION)" -gt 6 -o \( "$(VERSION)" -eq 6 -a "$(PATCHLEVEL)" -ge 1 \) 2>/dev/null && echo ok),ok)
$(error memscope: KDIR is Linux $(KERNELVERSION); memscope needs 6.1 or later)
endif
# The kernel's configuration is read for builds, not for "make clean"
# (scripts/Makefile.clean includes no auto.conf): CONFIG_MODULES, which
# every kernel that loads modules has, tells the two apart.
ifneq ($(CONFIG_MODULES),)
ifneq ($(CONFIG_DEBUG_FS),y)
$(error memscope: KDIR's kernel has no CONFIG_DEBUG_FS; memscope's views are debugfs files)
endif
endif

memscope-y += compat/symbols.o compat/pgtable_walk.o compat/memblock.o

# The feature probes. The command line holds KDIR's include paths, so a
# build against another KDIR in the same tree probes again (if_changed).
# It also holds hooks_slab.o's flags: the private mm/slab.h that file
# reads (MS_SLAB_H) is what the slab layout probes must compile against.
ms_probes := $(sort $(wildcard $(src)/compat/probes/*.c))
quiet_cmd_ms_have = PROBE   $@
      cmd_ms_have = $(CONFIG_SHELL) $(src)/compat/gen-have $@ $(ms_probes) -- \
		    $(CC) $(filter-out -Wp$(comma)-MMD$(comma)%,$(c_flags)) -DMODULE -Werror \
		    $(CFLAGS_hooks_slab.o)
targets += compat/have.h
$(obj)/compat/have.h: $(src)/compat/gen-have $(ms_probes) FORCE
	$(call if_changed,ms_have)
clean-files += compat/have.h

# compat/symbols.c includes a table generated from the target kernel's
# System.map: MS_SYSTEM_MAP=<file> if given, else the build tree's, else
# /boot's.
MS_SYSTEM_MAP ?= $(firstword $(wildcard $(objtree)/System.map \
		 /boot/System.map-$(KERNELRELEASE)))
filechk_ms_sysmap = $(CONFIG_SHELL) $(src)/compat/gen-sysmap $(MS_SYSTEM_MAP)
$(obj)/compat/ms_sysmap.h: $(src)/compat/gen-sysmap FORCE
	$(call filechk,ms_sysmap)
$(obj)/compat/symbols.o: $(obj)/compat/ms_sysmap.h
CFLAGS_compat/symbols.o := -I$(obj)/compat
clean-files += compat/ms_sysmap.h
