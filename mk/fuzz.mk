# `make fuzz`: vswapctl's command line, settings and policy.conf parsing
# under libFuzzer (clang-19, with ASan and UBSan) for FUZZ_SECS seconds
# (default 300).  New inputs go to build/fuzz/corpus; the seeds are in
# tools/vswapctl/fuzz/corpus.  Not part of `make check`.

FUZZ_SECS ?= 300
FUZZ_BIN  := $(B)/fuzz/fuzz_vswapctl
FUZZ_CC   := clang-19
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -Dmain=vswapctl_main

.PHONY: fuzz fuzz-build

fuzz-build: $(FUZZ_BIN)

$(FUZZ_BIN): tools/vswapctl/fuzz/fuzz_vswapctl.c $(VSWAPCTL_SRCS) $(VSWAPCTL_HDRS) $(BPF_SKELS) $(LIBBPF_A)
	@mkdir -p $(dir $@)
	@echo "  CLANG   $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(USER_CPPFLAGS) -Itools/vswapctl -o $@ $(filter %.c,$^) $(USER_LDLIBS)

fuzz: tools $(FUZZ_BIN)
	@FUZZ_SECS=$(FUZZ_SECS) $(TOP)/scripts/fuzz.sh $(FUZZ_BIN)
