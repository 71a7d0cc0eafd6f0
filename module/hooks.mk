# SPDX-License-Identifier: GPL-2.0
# memscope tracepoint hooks (hooks*.c), included by module/Kbuild.
memscope-y += hooks_page.o hooks_vmscan.o hooks_slab.o \
	      hooks_alloc_view.o hooks_reclaim_view.o hooks_slab_view.o

# Slab cache names need the private mm/slab.h of exactly the kernel built
# for: struct kmem_cache is private in 6.1 and its layout depends on the
# source and the config (hooks_slabpriv.h). The config always comes from
# KDIR. The source is the build's own tree when it has one (embedded
# builds); otherwise MEMSCOPE_SLAB_SRC=<unpacked source tree>, accepted only
# if its version is KDIR's and, when KDIR's headers carry a distro package
# id (Debian: include/generated/package.h), only if
# MEMSCOPE_SLAB_SRC_PKG=<the source package's version> gives the same id.
# Otherwise the slab view has no cache names and says why.
ms_slab_src := $(if $(wildcard $(srctree)/mm/slab.h),$(srctree),$(MEMSCOPE_SLAB_SRC))
ifneq ($(ms_slab_src),)
ms_slab_ver := $(shell awk '/^VERSION =/ {v = $$3} /^PATCHLEVEL =/ {p = $$3} \
	/^SUBLEVEL =/ {s = $$3} /^EXTRAVERSION =/ {e = $$3} \
	END {printf "%s.%s.%s%s", v, p, s, e}' $(ms_slab_src)/Makefile 2>/dev/null)
ms_pkg_id := $(strip $(shell sed -n 's/.*LINUX_PACKAGE_ID "\(.*\)"/\1/p' \
	$(objtree)/include/generated/package.h 2>/dev/null))
ifneq ($(ms_slab_ver),$(KERNELVERSION))
$(warning memscope: $(ms_slab_src) is $(ms_slab_ver), not $(KERNELVERSION): no slab cache names)
ms_slab_src :=
else ifneq ($(ms_slab_src),$(srctree))
ifneq ($(ms_pkg_id),)
ifneq ($(ms_pkg_id),Debian $(MEMSCOPE_SLAB_SRC_PKG))
$(warning memscope: KDIR is "$(ms_pkg_id)", MEMSCOPE_SLAB_SRC_PKG="$(MEMSCOPE_SLAB_SRC_PKG)": no slab cache names)
ms_slab_src :=
endif
endif
endif
endif
ifneq ($(ms_slab_src),)
CFLAGS_hooks_slab.o += -DMS_SLAB_H='"$(ms_slab_src)/mm/slab.h"'
endif
