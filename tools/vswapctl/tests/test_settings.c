// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of vswapctl's settings parsing (TAP output):
 * durations, percentages, key=value settings and policy.conf lines,
 * including the messages bad input gets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"

#include "tap.h"


static void test_duration(void)
{
	unsigned int s = 1;

	check(!parse_duration("0", 100, &s) && s == 0, "duration 0");
	check(!parse_duration("45", 100, &s) && s == 45, "duration: a bare number is seconds");
	check(!parse_duration("30s", 100, &s) && s == 30, "duration 30s");
	check(!parse_duration("5m", 1000, &s) && s == 300, "duration 5m");
	check(!parse_duration("2h", 10000, &s) && s == 7200, "duration 2h");
	check(!parse_duration("1d", 86400, &s) && s == 86400, "duration 1d");
	check(parse_duration("2d", 86400, &s) == -EINVAL, "duration above the maximum is refused");
	check(parse_duration("5x", 1000, &s) == -EINVAL, "duration with an unknown unit is refused");
	check(parse_duration("-5s", 1000, &s) == -EINVAL, "negative duration is refused");
	check(parse_duration("", 1000, &s) == -EINVAL, "empty duration is refused");
	check(parse_duration("5 m", 1000, &s) == -EINVAL, "duration with a blank is refused");
	check(parse_duration("99999999999999999999", ~0u, &s) == -EINVAL,
	      "duration that overflows is refused");
}

static void test_percent(void)
{
	unsigned int p = 1;

	check(!parse_percent("0", &p) && p == 0, "percent 0");
	check(!parse_percent("50%", &p) && p == 50, "percent 50%");
	check(!parse_percent("100", &p) && p == 100, "percent 100");
	check(parse_percent("101", &p) == -EINVAL, "percent 101 is refused");
	check(parse_percent("5%%", &p) == -EINVAL, "percent 5%% is refused");
	check(parse_percent("x", &p) == -EINVAL, "percent x is refused");
}

static void test_apply(void)
{
	struct vswap_cgroup_cfg c = { .disk_type = -1 };
	char err[256];

	check(!settings_apply(&c, "mode=direct", err, sizeof(err)) && c.mode == VSWAP_CFG_MODE_DIRECT,
	      "mode=direct");
	check(!settings_apply(&c, "backend=zswap", err, sizeof(err)) &&
	      c.backend == VSWAP_CFG_BACKEND_ZSWAP, "backend=zswap");
	check(!settings_apply(&c, "backend=memory", err, sizeof(err)) &&
	      c.backend == VSWAP_CFG_BACKEND_MEMORY, "backend=memory");
	check(!settings_apply(&c, "disk=3", err, sizeof(err)) && c.disk_type == 3, "disk=3");
	check(!settings_apply(&c, "disk=any", err, sizeof(err)) && c.disk_type == -1, "disk=any");
	check(!settings_apply(&c, "demote-after=5m", err, sizeof(err)) && c.demote_after_s == 300,
	      "demote-after=5m");
	check(!settings_apply(&c, "zswap-cap=25%", err, sizeof(err)) && c.zswap_cap_pct == 25,
	      "zswap-cap=25%");
	check(c.mode == VSWAP_CFG_MODE_DIRECT && c.flags == 0, "other settings are kept");

	check(settings_apply(&c, "colour=blue", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "unknown key 'colour'"), "an unknown key is named");
	check(settings_apply(&c, "mode=fast", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "'fast'") && strstr(err, "mode") && strstr(err, "virtual"),
	      "a bad mode names the value and the choices");
	check(settings_apply(&c, "demote-after=soon", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "'soon'") && strstr(err, "demote-after"), "a bad duration is named");
	check(settings_apply(&c, "zswap-cap=150", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "zswap-cap"), "a bad percentage is named");
	check(settings_apply(&c, "disk=32", err, sizeof(err)) == -EINVAL && strstr(err, "disk"),
	      "disk beyond the swap types is refused");
	check(settings_apply(&c, "mode", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "not key=value"), "a word without = is refused");
	check(settings_apply(&c, "=x", err, sizeof(err)) == -EINVAL, "an empty key is refused");
	check(c.mode == VSWAP_CFG_MODE_DIRECT && c.zswap_cap_pct == 25,
	      "refused settings change nothing");
	check(!strcmp(settings_mode_name(VSWAP_CFG_MODE_VIRTUAL), "virtual") &&
	      !strcmp(settings_backend_name(VSWAP_CFG_BACKEND_DISK), "disk") &&
	      !strcmp(settings_backend_name(99), "?"), "names of values");
}

static void test_lines(void)
{
	char line[256], err[256], *cg, *kv[4];
	int r;

	strcpy(line, "  # only a comment\n");
	check(settings_split_line(line, &cg, kv, 4, err, sizeof(err)) == 0, "a comment line is empty");
	strcpy(line, "\n");
	check(settings_split_line(line, &cg, kv, 4, err, sizeof(err)) == 0, "a blank line is empty");
	strcpy(line, "batch  mode=virtual\tdemote-after=10s # keep it short\n");
	r = settings_split_line(line, &cg, kv, 4, err, sizeof(err));
	check(r == 2 && !strcmp(cg, "batch") && !strcmp(kv[0], "mode=virtual") &&
	      !strcmp(kv[1], "demote-after=10s"), "a line: cgroup, settings, trailing comment");
	strcpy(line, "interactive\n");
	check(settings_split_line(line, &cg, kv, 4, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "no settings for interactive"), "a cgroup without settings is refused");
	strcpy(line, "x a=1 b=2 c=3 d=4 e=5\n");
	check(settings_split_line(line, &cg, kv, 4, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "more than 4"), "too many settings are refused");
}

int main(void)
{
	printf("TAP version 13\n");
	test_duration();
	test_percent();
	test_apply();
	test_lines();
	return tap_done();
}
