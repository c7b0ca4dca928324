# vswap: virtual swap space for Linux 7.3 with a BPF policy hook.
# This Makefile is the one entry point; see README.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

TOP      := $(CURDIR)
B        := $(TOP)/build
KSRC     := $(B)/linux
KOBJ     := $(B)/kbuild
JOBS     ?= $(shell nproc)
BZIMAGE  := $(KOBJ)/arch/x86/boot/bzImage
VMLINUX  := $(KOBJ)/vmlinux

KERNEL_TARBALL ?=
export KERNEL_TARBALL

# Reproducible kernel identity, and ccache keyed on paths relative to the
# checkout so that a fresh clone elsewhere still hits the cache.
export KBUILD_BUILD_USER := vswap
export KBUILD_BUILD_HOST := vswap
export KBUILD_BUILD_TIMESTAMP := 2026-01-01
export CCACHE_BASEDIR := $(TOP)
export CCACHE_NOHASHDIR := 1
export CCACHE_SLOPPINESS := time_macros,include_file_mtime,include_file_ctime
# Looked up when a recipe runs, not when make starts: on a fresh machine
# 'make deps' installs ccache first.
CCACHE    = $(shell command -v ccache 2>/dev/null)
KCC       = $(if $(CCACHE),ccache gcc,gcc)
KMAKE     = $(MAKE) -C $(KSRC) O=$(KOBJ) -j$(JOBS) CC="$(KCC)" HOSTCC="$(KCC)"

.PHONY: help deps kernel-src export-patches kernel kernel-debug kernel-vanilla kconfig tools check \
        check-debug stress fuzz run shell clean distclean

help:
	@echo "make run             build everything, boot the guest, run the demo"
	@echo "make check           build everything and run the test suite in the guest"
	@echo "make stress          the checksummed stress with fault injection (STRESS_SECS=600)"
	@echo "make check-debug     the suite on a KASAN/lockdep/KFENCE kernel (build/kbuild-debug)"
	@echo "make fuzz            vswapctl's parsers under libFuzzer (FUZZ_SECS=300)"
	@echo "make bench           vanilla 7.3.4 vs vswap, interleaved boots (bench-quick: <= 15 min)"
	@echo "make shell           interactive shell in the guest"
	@echo "make deps            install the Debian packages the project needs"
	@echo "make kernel-src      build/linux: pinned base + kernel-patches/ as git commits"
	@echo "make export-patches  write build/linux base..HEAD back to kernel-patches/"
	@echo "make kernel          build the patched kernel (build/kbuild)"
	@echo "make tools           libbpf, bpftool, BPF objects, vswapctl, selftests"
	@echo "make clean           remove build products but keep build/linux"
	@echo "make distclean       remove build/ entirely"

deps:
	@$(TOP)/scripts/deps.sh

kernel-src: deps
	@$(TOP)/scripts/kernel-src.sh

export-patches:
	@$(TOP)/scripts/export-patches.sh

kconfig: kernel-src
	@$(TOP)/scripts/kconfig.sh

kernel: kconfig
	@echo "kernel: building bzImage in build/kbuild ($(if $(CCACHE),with,without) ccache)"
	+@$(KMAKE) bzImage 2>&1 | tee $(B)/kernel-build.log | \
		{ grep -E --line-buffered '^(  LD |  BTF|  CC .*version|.*(error|warning):)|Kernel: ' || true; } || \
		{ echo "kernel: error: build failed; see build/kernel-build.log" >&2; tail -n 30 $(B)/kernel-build.log >&2; exit 1; }
	@echo "kernel: $$(cat $(KOBJ)/include/config/kernel.release) ready: build/kbuild/arch/x86/boot/bzImage"

# The debug kernel of `make check-debug`: the same tree and fragments plus
# configs/debug.config, built in build/kbuild-debug.
KOBJ_DEBUG := $(B)/kbuild-debug

kernel-debug: kernel-src
	@$(TOP)/scripts/kconfig.sh $(KOBJ_DEBUG) $(TOP)/configs/debug.config
	@echo "kernel-debug: building bzImage in build/kbuild-debug (KASAN, lockdep, ...)"
	+@$(MAKE) -C $(KSRC) O=$(KOBJ_DEBUG) -j$(JOBS) CC="$(KCC)" HOSTCC="$(KCC)" bzImage \
		> $(B)/kernel-debug-build.log 2>&1 || \
		{ echo "kernel-debug: error: build failed; see build/kernel-debug-build.log" >&2; \
		  tail -n 30 $(B)/kernel-debug-build.log >&2; exit 1; }
	@echo "kernel-debug: $$(cat $(KOBJ_DEBUG)/include/config/kernel.release) ready"

# The unpatched kernel the upstream selftests compare with: the same
# fragments (no CONFIG_VSWAP), built from build/linux-vanilla.
KOBJ_VANILLA := $(B)/kbuild-vanilla-test

kernel-vanilla: kernel-src
	@$(TOP)/scripts/vanilla-tree.sh
	@KCONFIG_VANILLA=1 $(TOP)/scripts/kconfig.sh $(KOBJ_VANILLA)
	@echo "kernel-vanilla: building bzImage in build/kbuild-vanilla-test"
	+@$(MAKE) -C $(B)/linux-vanilla O=$(KOBJ_VANILLA) -j$(JOBS) CC="$(KCC)" HOSTCC="$(KCC)" bzImage \
		> $(B)/kernel-vanilla-build.log 2>&1 || \
		{ echo "kernel-vanilla: error: build failed; see build/kernel-vanilla-build.log" >&2; \
		  tail -n 30 $(B)/kernel-vanilla-build.log >&2; exit 1; }
	@echo "kernel-vanilla: $$(cat $(KOBJ_VANILLA)/include/config/kernel.release) ready"

include mk/tools.mk
include mk/vm.mk
include mk/bench.mk
include mk/install.mk
include mk/fuzz.mk

clean:
	rm -rf $(KOBJ) $(KOBJ_DEBUG) $(KOBJ_VANILLA) $(B)/fuzz $(B)/tools $(B)/bpf $(B)/selftests $(B)/vm $(B)/vswapctl $(B)/bench/bin
	rm -f $(B)/*.log

distclean:
	rm -rf $(B)
