# Userspace: libbpf and bpftool from the kernel tree, vmlinux.h, BPF objects
# and skeletons, vswapctl, selftests.  Included by the top-level Makefile.
#
# 'make tools' runs in two phases: first the kernel tree's own tools (their
# Makefiles are incremental and always invoked), then a second make that
# sees their fresh timestamps and rebuilds only what depends on them.

TB         := $(B)/tools
LIBBPF_OUT := $(TB)/libbpf/
LIBBPF_A   := $(TB)/libbpf/libbpf.a
LIBBPF_INC := $(TB)/libbpf-root/usr/include
BPFTOOL    := $(TB)/bpftool/bpftool
BB         := $(B)/bpf
VMLINUX_H  := $(BB)/vmlinux.h
CLANG      ?= clang-19
LLVM_STRIP ?= llvm-strip-19
KSELFTEST  := $(KSRC)/tools/testing/selftests

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(patsubst bpf/%.bpf.c,$(BB)/%.bpf.o,$(BPF_SRCS))
BPF_SKELS  := $(patsubst bpf/%.bpf.c,$(BB)/%.skel.h,$(BPF_SRCS))
BPF_HDRS   := $(wildcard bpf/*.h)
# Policies only the selftests load (garbage answers, error exits, ...)
ST_BPF_SRCS := $(wildcard selftests/bpf/*.bpf.c)
BPF_OBJS   += $(patsubst selftests/bpf/%.bpf.c,$(BB)/%.bpf.o,$(ST_BPF_SRCS))
BPF_SKELS  += $(patsubst selftests/bpf/%.bpf.c,$(BB)/%.skel.h,$(ST_BPF_SRCS))

USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE
USER_CPPFLAGS := -I$(BB) -I$(LIBBPF_INC) -I$(TOP)/bpf
USER_LDLIBS := $(LIBBPF_A) -lelf -lz -lzstd

VSWAPCTL_SRCS := $(wildcard tools/vswapctl/*.c)
VSWAPCTL_HDRS := $(wildcard tools/vswapctl/*.h)
VSWAPCTL      := $(B)/vswapctl/vswapctl
VSWAPCTL_TEST_SRCS := $(wildcard tools/vswapctl/tests/test_*.c)
VSWAPCTL_TESTS := $(patsubst tools/vswapctl/tests/%.c,$(B)/vswapctl/tests/%,$(VSWAPCTL_TEST_SRCS))

# The kernel tree's own selftests that the suite runs in the guest, built
# with the flags of their own Makefiles against the patched kernel's UAPI.
KHDR        := $(B)/khdr
KST         := $(B)/selftests/upstream
# The mm selftests that swap or MADV_PAGEOUT, run on vanilla and vswap
# (selftests/upstream_compare.sh)
KST_MM      := cow khugepaged uffd-unit-tests uffd-wp-mremap guard-regions droppable migration
KST_BINS    := $(KST)/test_zswap $(KST)/test_memcontrol $(addprefix $(KST)/,$(KST_MM))

ST_LIB_SRCS := $(wildcard selftests/lib/*.c)
ST_LIB_HDRS := $(wildcard selftests/lib/*.h)
ST_C_SRCS   := $(wildcard selftests/test_*.c)
ST_SH_SRCS  := $(wildcard selftests/test_*.sh) $(wildcard selftests/lib/*.sh)
ST_HELPERS  := $(wildcard selftests/helpers/*.c)
ST_BINS     := $(patsubst selftests/%.c,$(B)/selftests/%,$(ST_C_SRCS)) \
               $(patsubst selftests/%.sh,$(B)/selftests/%.sh,$(ST_SH_SRCS)) \
               $(patsubst selftests/helpers/%.c,$(B)/selftests/helpers/%,$(ST_HELPERS)) \
               $(B)/selftests/run_guest.sh \
               $(KST_BINS)

.PHONY: tools tools-kernel-tree tools-local

tools: kernel
	+@$(MAKE) --no-print-directory tools-kernel-tree
	+@$(MAKE) --no-print-directory tools-local

# Phase 1: libbpf and bpftool, built by the kernel tree's own Makefiles.
tools-kernel-tree:
	@mkdir -p $(TB)/libbpf $(TB)/bpftool
	+@$(MAKE) -s -C $(KSRC)/tools/lib/bpf OUTPUT=$(LIBBPF_OUT) BUILD_STATIC_ONLY=1 \
		DESTDIR=$(TB)/libbpf-root prefix=/usr $(LIBBPF_A) install_headers >$(TB)/libbpf.log 2>&1 || \
		{ cat $(TB)/libbpf.log >&2; echo "tools: error: libbpf build failed (log: build/tools/libbpf.log)" >&2; exit 1; }
	+@$(MAKE) -s -C $(KSRC)/tools/bpf/bpftool OUTPUT=$(TB)/bpftool/ CLANG=$(CLANG) \
		LLVM_STRIP=$(LLVM_STRIP) >$(TB)/bpftool.log 2>&1 || \
		{ cat $(TB)/bpftool.log >&2; echo "tools: error: bpftool build failed (log: build/tools/bpftool.log)" >&2; exit 1; }
	@echo "tools: libbpf and bpftool from the kernel tree are up to date"

# Phase 2: everything of ours.
ST_MANIFEST := $(B)/selftests/TESTS

tools-local: $(BPF_OBJS) $(BPF_SKELS) $(VSWAPCTL) $(VSWAPCTL_TESTS) $(ST_BINS) $(ST_MANIFEST)
	@echo "tools: BPF objects, vswapctl and selftests are up to date"

# vmlinux.h only changes when the kernel's BTF does: keep its mtime otherwise.
$(VMLINUX_H): $(VMLINUX) $(BPFTOOL)
	@mkdir -p $(BB)
	@$(BPFTOOL) btf dump file $(VMLINUX) format c > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; touch -r $(VMLINUX) $@ 2>/dev/null || touch $@; \
	 else mv -f $@.tmp $@; echo "  GEN     build/bpf/vmlinux.h"; fi

# One BPF object from its source: the policies of bpf/ and the test-only
# ones of selftests/bpf/ alike
define bpf_compile
	@echo "  CLANG   $<"
	@$(CLANG) -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_x86 -mcpu=v3 \
		-fms-extensions -Wno-microsoft-anon-tag \
		-I$(BB) -I$(LIBBPF_INC) -I$(TOP)/bpf -c $< -o $@
	@$(LLVM_STRIP) -g $@ 2>/dev/null || true
endef

$(BB)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) $(VMLINUX_H)
	$(bpf_compile)

$(BB)/%.bpf.o: selftests/bpf/%.bpf.c $(BPF_HDRS) $(VMLINUX_H)
	$(bpf_compile)

$(BB)/%.skel.h: $(BB)/%.bpf.o $(BPFTOOL)
	@echo "  SKEL    $@"
	@$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@.tmp && mv -f $@.tmp $@

$(VSWAPCTL): $(VSWAPCTL_SRCS) $(VSWAPCTL_HDRS) $(BPF_SKELS) $(LIBBPF_A)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@gcc $(USER_CFLAGS) $(USER_CPPFLAGS) -o $@ $(filter %.c,$^) $(USER_LDLIBS)

$(B)/vswapctl/tests/%: tools/vswapctl/tests/%.c $(filter-out tools/vswapctl/main.c,$(VSWAPCTL_SRCS)) $(VSWAPCTL_HDRS) $(wildcard tools/vswapctl/tests/*.h) $(BPF_SKELS) $(LIBBPF_A)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@gcc $(USER_CFLAGS) $(USER_CPPFLAGS) -Itools/vswapctl -o $@ $(filter %.c,$^) $(USER_LDLIBS)

$(B)/selftests/%: selftests/%.c $(ST_LIB_SRCS) $(ST_LIB_HDRS) $(BPF_SKELS) $(LIBBPF_A)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@gcc $(USER_CFLAGS) $(USER_CPPFLAGS) -I$(KSELFTEST) -Iselftests/lib -o $@ \
		$< $(ST_LIB_SRCS) $(USER_LDLIBS)

$(B)/selftests/helpers/%: selftests/helpers/%.c $(ST_LIB_SRCS) $(ST_LIB_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@gcc $(USER_CFLAGS) -I$(KSELFTEST) -Iselftests/lib -o $@ $< $(ST_LIB_SRCS)

# The tests of this checkout, one name a line: the runner runs these and no
# other file of build/selftests (a binary left from a removed test is stale).
# Rewritten only when the list changes.
ST_NAMES := $(sort $(patsubst selftests/%.c,%,$(ST_C_SRCS)) $(patsubst selftests/%,%,$(wildcard selftests/test_*.sh)))
.PHONY: FORCE
$(ST_MANIFEST): FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' $(ST_NAMES) > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(B)/selftests/%.sh: selftests/%.sh
	@mkdir -p $(dir $@)
	@install -m 0755 $< $@

$(KHDR)/.installed: $(VMLINUX)
	@echo "  HDRINST build/khdr"
	@$(MAKE) -s -C $(KSRC) O=$(KOBJ) headers_install INSTALL_HDR_PATH=$(KHDR) >/dev/null
	@touch $@

# tools/testing/selftests/cgroup/Makefile: CFLAGS += -Wall -pthread (no -O:
# test_zswap's allocate-and-free helpers must not be optimised away).
$(KST)/test_zswap: $(KHDR)/.installed $(KSELFTEST)/cgroup/test_zswap.c $(KSELFTEST)/cgroup/lib/cgroup_util.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@gcc -Wall -pthread -isystem $(KHDR)/include -I$(KSELFTEST) \
		-I$(KSELFTEST)/cgroup/lib/include -o $@ \
		$(KSELFTEST)/cgroup/test_zswap.c $(KSELFTEST)/cgroup/lib/cgroup_util.c

$(KST)/test_memcontrol: $(KHDR)/.installed $(KSELFTEST)/cgroup/test_memcontrol.c $(KSELFTEST)/cgroup/lib/cgroup_util.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@gcc -Wall -pthread -isystem $(KHDR)/include -I$(KSELFTEST) \
		-I$(KSELFTEST)/cgroup/lib/include -o $@ \
		$(KSELFTEST)/cgroup/test_memcontrol.c $(KSELFTEST)/cgroup/lib/cgroup_util.c

# tools/testing/selftests/mm/Makefile, without liburing (its io_uring cases
# are compiled out, as on any system without it).
KST_MM_LIBS := vm_util.c hugepage_settings.c
$(KST)/uffd-unit-tests $(KST)/uffd-wp-mremap: KST_MM_LIBS += uffd-common.c
$(KST)/migration: KST_MM_LDLIBS := -lnuma
$(addprefix $(KST)/,$(KST_MM)): $(KST)/%: $(KHDR)/.installed $(KSELFTEST)/mm/%.c $(wildcard $(KSELFTEST)/mm/*.[ch])
	@mkdir -p $(dir $@)
	@echo "// No liburing support found" > $(KST)/local_config.h_gen
	@echo "  CC      $@"
	@gcc -Wall -O2 -Wunreachable-code -U_FORTIFY_SOURCE -I$(KSRC) \
		-isystem $(KHDR)/include -isystem $(KSRC)/tools/include/uapi \
		-I$(KST) -I$(KSELFTEST) -I$(KSELFTEST)/mm -o $@ \
		$(addprefix $(KSELFTEST)/mm/,$*.c $(KST_MM_LIBS)) -lrt -lpthread -lm $(KST_MM_LDLIBS)
