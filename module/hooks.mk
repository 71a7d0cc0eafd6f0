# SPDX-License-Identifier: GPL-2.0
# memscope tracepoint hooks (hooks*.c), included by module/Kbuild.
memscope-y += hooks_status.o hooks_page.o hooks_vmscan.o hooks_slab.o \
	      hooks_alloc_view.o hooks_reclaim_view.o hooks_slab_view.o

# Slab cache names need the private mm/slab.h of exactly the kernel built
# for: struct kmem_cache is private in 6.1 and its layout depends on the
# source and the config (compat/slab_layout.h). The config always comes from
# KDIR. The source is the build's own tree when it has one (embedded
# builds); otherwise MEMSCOPE_SLAB_SRC=<unpacked source tree>, accepted only
# if its version is KDIR's and, when KDIR's headers carry a distro package
# id (Debian: include/generated/package.h), only if
# MEMSCOPE_SLAB_SRC_PKG=<the source package's version> gives the same id.
# Otherwise the slab view has no cache names and says why.
#
# MEMSCOPE_SLAB_REQUIRED=1 (scripts/build-target sets it for make check's
# builds, where the source is known to match every target's kernel) makes
# the fallback an error: a build that silently lost the names would turn
# the slab tests that need them into green skips. A plain make keeps the
# warning.
ms_slab_nonames = $(if $(filter 1,$(MEMSCOPE_SLAB_REQUIRED)),$(error $(1)),$(warning $(1)))
ms_slab_src := $(if $(wildcard $(srctree)/mm/slab.h),$(srctree),$(MEMSCOPE_SLAB_SRC))
ifeq ($(ms_slab_src),)
ifeq ($(MEMSCOPE_SLAB_REQUIRED),1)
$(error memscope: no mm/slab.h in KDIR's source and no MEMSCOPE_SLAB_SRC: no slab cache names)
endif
else
ms_slab_ver := $(shell awk '/^VERSION =/ {v = $$3} /^PATCHLEVEL =/ {p = $$3} \
	/^SUBLEVEL =/ {s = $$3} /^EXTRAVERSION =/ {e = $$3} \
	END {printf "%s.%s.%s%s", v, p, s, e}' $(ms_slab_src)/Makefile 2>/dev/null)
ms_pkg_id := $(strip $(shell sed -n 's/.*LINUX_PACKAGE_ID "\(.*\)"/\1/p' \
	$(objtree)/include/generated/package.h 2>/dev/null))
ifneq ($(ms_slab_ver),$(KERNELVERSION))
$(call ms_slab_nonames,memscope: $(ms_slab_src) is $(ms_slab_ver)$(comma) not $(KERNELVERSION): no slab cache names)
ms_slab_src :=
else ifneq ($(ms_slab_src),$(srctree))
ifneq ($(ms_pkg_id),)
ifneq ($(ms_pkg_id),Debian $(MEMSCOPE_SLAB_SRC_PKG))
$(call ms_slab_nonames,memscope: KDIR is "$(ms_pkg_id)"$(comma) MEMSCOPE_SLAB_SRC_PKG="$(MEMSCOPE_SLAB_SRC_PKG)": no slab cache names)
ms_slab_src :=
endif
endif
endif
endif
ifneq ($(ms_slab_src),)
CFLAGS_hooks_slab.o += -DMS_SLAB_H='"$(ms_slab_src)/mm/slab.h"'
endif
