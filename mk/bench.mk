# `make bench`: vanilla 7.3.4 versus vswap (bench/bench.sh).  Included by
# the top-level Makefile; not part of `make check`.

BENCH_BIN := $(B)/bench/bin
BENCH_PROGS := $(BENCH_BIN)/usemem $(BENCH_BIN)/sharer $(BENCH_BIN)/report

.PHONY: bench bench-quick bench-kernels bench-progs

bench-progs: $(BENCH_PROGS)

$(BENCH_BIN)/%: bench/%.c bench/bench_util.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@gcc $(USER_CFLAGS) -Ibench -o $@ $< -lm

bench-kernels: kernel-src
	@$(TOP)/scripts/bench-kernels.sh

bench: tools bench-kernels bench-progs
	@$(TOP)/bench/bench.sh $(BENCH_ARGS)

bench-quick: tools bench-kernels bench-progs
	@$(TOP)/bench/bench.sh --quick $(BENCH_ARGS)
