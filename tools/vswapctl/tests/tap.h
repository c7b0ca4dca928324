/* SPDX-License-Identifier: GPL-2.0 */
/* TAP output for vswapctl's host-side unit tests. */
#ifndef VSWAPCTL_TESTS_TAP_H
#define VSWAPCTL_TESTS_TAP_H

#include <stdio.h>

static int tap_n, tap_failed;

/* One test line: "ok N what" or "not ok N what" */
static inline void check(int cond, const char *what)
{
	tap_n++;
	printf("%sok %d %s\n", cond ? "" : "not ", tap_n, what);
	if (!cond)
		tap_failed++;
}

/* The plan, last; the exit status */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
