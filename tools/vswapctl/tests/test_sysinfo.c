// SPDX-License-Identifier: GPL-2.0
/* Host-side unit tests of vswapctl's procfs parsers (TAP output). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysinfo.h"

#include "tap.h"


static void test_keyed(void)
{
	const char *text = "pswpin 12\npswpout 345\nzswpout 7\nSwapTotal:     1024 kB\n";
	long long v = -1;

	check(keyed_get(text, "pswpout", &v) && v == 345, "keyed_get finds a middle key");
	check(keyed_get(text, "pswpin", &v) && v == 12, "keyed_get finds the first key");
	check(!keyed_get(text, "pswp", &v), "keyed_get does not match a key prefix");
	check(keyed_get(text, "SwapTotal", &v) && v == 1024, "keyed_get reads meminfo 'Key:  N kB'");
	check(!keyed_get(text, "zswpwb", &v), "keyed_get reports a missing key");
}

static void test_swaps(void)
{
	const char *two =
		"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
		"/dev/vda                                partition\t1048572\t\t0\t\t-2\n"
		"/tmp/scratch/a.swap                     file\t\t65532\t\t1200\t\t-3\n";
	struct swap_dev d[4];
	int r;

	r = parse_proc_swaps(two, d, 4);
	check(r == 2, "parse_proc_swaps counts two devices");
	check(r == 2 && !strcmp(d[1].path, "/tmp/scratch/a.swap") && !strcmp(d[1].type, "file") &&
	      d[1].size_kb == 65532 && d[1].used_kb == 1200 && d[1].prio == -3,
	      "parse_proc_swaps reads every field");
	check(parse_proc_swaps("Filename\tType\tSize\tUsed\tPriority\n", d, 4) == 0,
	      "parse_proc_swaps: header only means no devices");
	check(parse_proc_swaps("garbage\n", d, 4) == -EINVAL, "parse_proc_swaps rejects other text");
	check(parse_proc_swaps(two, d, 1) == 1, "parse_proc_swaps honours the array size");
}

static void test_size(void)
{
	unsigned long long b = 0;

	check(!parse_size("64M", &b) && b == 64ULL << 20, "parse_size 64M");
	check(!parse_size("2g", &b) && b == 2ULL << 30, "parse_size 2g");
	check(!parse_size("4096", &b) && b == 4096, "parse_size plain bytes");
	check(!parse_size("1KB", &b) && b == 1024, "parse_size 1KB");
	check(parse_size("12X", &b) == -EINVAL, "parse_size rejects a bad suffix");
	check(parse_size("-1", &b) == -EINVAL, "parse_size rejects a negative number");
	check(parse_size("99999999999999T", &b) == -EINVAL, "parse_size rejects overflow");
}

int main(void)
{
	printf("TAP version 13\n");
	test_keyed();
	test_swaps();
	test_size();
	return tap_done();
}
