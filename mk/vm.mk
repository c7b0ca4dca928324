# Running the guest: the test suite, the demo and an interactive shell.
# Included by the top-level Makefile.

VM := $(TOP)/scripts/vm

check: tools
	@$(TOP)/scripts/check.sh

run: tools
	@$(VM) -o $(B)/vm/run -d 1G -t 1800 -- $(TOP)/scripts/demo.sh

shell: tools
	@$(VM) -o $(B)/vm/shell -d 1G --shell
