# Running the guest: the test suite, the demo and an interactive shell.
# Included by the top-level Makefile.

VM := $(TOP)/scripts/vm

check: tools kernel-vanilla
	@$(TOP)/scripts/check.sh

# The suite and the short stress on the debug kernel (configs/debug.config:
# KASAN, KFENCE, SLUB debugging, lockdep, ...), which is slower: longer
# timeouts, and the tests' waits and deadlines 4 times longer
# (VSWAP_TIME_SCALE).  The stress keeps 6 x 32 MiB in 3 x 32M cgroups
# (VSWAP_STRESS_MIB).  The kernel tree's own selftests (test_upstream_*)
# are left out (VSWAP_EXCLUDE; set it empty to run them): they take over
# 20 minutes here and compare nothing.  Not part of `make check`.
# pci=noacpi: under TCG the debug kernel runs the firmware's _PRT method
# past ACPI's 30-second loop timeout, and the virtio devices would get no
# interrupt routing; the BIOS's MP table gives the same routing without
# AML (debug.config has X86_MPPARSE, or the kernel would turn the APIC
# off: one CPU).
# no5lvl: with QEMU's -cpu max the guest gets 5-level paging, and while
# identify_cpu() rebuilds the boot CPU's feature bits (LA57 clear for a
# moment, interrupts already on) an interrupt's instrumented code made
# KASAN report a "wild-memory-access" on the 5-level direct map at boot,
# in 2 of 4 guests of one run: upstream early-boot code, not vswap's.
check-debug: tools kernel-debug
	@VSWAP_VM_APPEND="pci=noacpi no5lvl" VSWAP_KBUILD=$(KOBJ_DEBUG) VSWAP_CHECK_OUT=$(B)/vm/check-debug VM_TIMEOUT=$${VM_TIMEOUT:-10800} \
		VSWAP_TEST_TIMEOUT=$${VSWAP_TEST_TIMEOUT:-3600} VSWAP_FRESH_TIMEOUT=3000 VSWAP_UPSTREAM=0 \
		VSWAP_TIME_SCALE=$${VSWAP_TIME_SCALE:-4} VSWAP_STRESS_MIB=$${VSWAP_STRESS_MIB:-32} \
		VSWAP_EXCLUDE="$${VSWAP_EXCLUDE-test_upstream_*}" $(TOP)/scripts/check.sh

# The checksummed stress (selftests/test_vswap_stress.c) for STRESS_SECS
# (default 600), fault injection in its middle third (STRESS_INJECT=0: none).
STRESS_SECS ?= 600
STRESS_INJECT ?= 1
stress: tools
	@STRESS_SECS=$(STRESS_SECS) STRESS_INJECT=$(STRESS_INJECT) $(TOP)/scripts/stress.sh

run: tools
	@$(VM) -o $(B)/vm/run -d 1G -t 1800 -- $(TOP)/scripts/demo.sh

shell: tools
	@$(VM) -o $(B)/vm/shell -d 1G --shell
