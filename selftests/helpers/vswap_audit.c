// SPDX-License-Identifier: GPL-2.0
/*
 * vswap_audit: do the counters behind /sys/kernel/mm/vswap/stat agree with
 * a walk of every virtual cluster (debugfs vswap/audit), and is no slot out
 * of memory with no backend? run_guest.sh runs it after every test. Exit
 * 0 if a reading within about 5 s agreed, 1 (saying what differed) if
 * none did, 2 if a file is missing.
 */
#include <stdbool.h>
#include <stdio.h>

#include "kselftest.h"
#include "vswap_util.h"

int main(void)
{
	char why[512];
	int ret = vswap_audit(20, why, sizeof(why));

	printf("vswap audit: %s%s\n", ret ? "MISMATCH: " : "counters agree with the cluster walk: ", why);
	return ret < 0 ? 2 : ret;
}
