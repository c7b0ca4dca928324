// SPDX-License-Identifier: GPL-2.0
/*
 * vswapctl: look at and steer the virtual swap space (vswap) and its BPF
 * swap policy.
 *
 *   vswapctl [OPTIONS] OBJECT COMMAND [ARGS]
 *
 * Objects: status, cgroup (show, set), policy (load, unload, show),
 * config (check, apply), trace, version. -j/--json may stand anywhere on
 * the line (as with bpftool); --help works on every level. Exit status:
 * 0 success, 1 runtime error, 2 usage error, 3 no vswap in this kernel,
 * 4 not privileged, 5 a policy is already loaded (or none is).
 */
#include <stdio.h>
#include <string.h>

#include "vswapctl.h"

#define VSWAPCTL_VERSION "0.2"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vswapctl [-j|--json] OBJECT COMMAND [ARGS]\n"
		"\n"
		"objects and commands:\n"
		"  status                          vswap, the policy, swap devices, zswap, counters\n"
		"  cgroup show [PATH]              per-cgroup swap state, recursive from PATH (root)\n"
		"  cgroup set PATH key=value...    the default policy's settings for a cgroup\n"
		"  policy load NAME|FILE           load a swap policy (default, direct, tiered, or a file)\n"
		"  policy unload                   unload it; the built-in default applies\n"
		"  policy show                     the loaded policy and the shipped ones\n"
		"  config check|apply FILE         settings for many cgroups (/etc/vswap/policy.conf)\n"
		"  trace [-c PATH] [-e LIST] [-d TIME]   a live stream of vswap events\n"
		"  version                         vswapctl's version\n"
		"\n"
		"options (anywhere on the line):\n"
		"  -j, --json    JSON output (typed values; trace: JSON lines)\n"
		"  -h, --help    help, also after an object: vswapctl cgroup --help\n"
		"\n"
		"exit status: 0 success, 1 runtime error, 2 usage error, 3 kernel without vswap,\n"
		"             4 not privileged, 5 a policy is already loaded (or none is)\n"
		"see vswapctl(8)\n");
}

int main(int argc, char **argv)
{
	struct emitter e;
	bool json = false;
	char *cmd;
	int n = 0;

	/* -j/--json anywhere: take it out of the line */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
			continue;
		}
		argv[++n] = argv[i];
	}
	argc = n + 1;
	argv[argc] = NULL;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	em_init(&e, stdout, json);
	argc--;
	argv++;
	if (!strcmp(cmd, "status"))
		return cmd_status(&e, argc, argv);
	if (!strcmp(cmd, "cgroup"))
		return cmd_cgroup(&e, argc, argv);
	if (!strcmp(cmd, "policy"))
		return cmd_policy(&e, argc, argv);
	if (!strcmp(cmd, "config"))
		return cmd_config(&e, argc, argv);
	if (!strcmp(cmd, "trace"))
		return cmd_trace(&e, argc, argv);
	if (!strcmp(cmd, "version")) {
		if (argc > 1) {
			printf("usage: vswapctl [-j] version\n");
			return strcmp(argv[1], "--help") && strcmp(argv[1], "-h") ? EXIT_USAGE : 0;
		}
		em_obj(&e, NULL);
		em_str(&e, "version", VSWAPCTL_VERSION);
		em_obj_end(&e);
		return 0;
	}
	if (cmd[0] == '-')
		fprintf(stderr, "vswapctl: unknown option '%s' (see vswapctl --help)\n", cmd);
	else
		fprintf(stderr, "vswapctl: unknown object '%s' (status, cgroup, policy, config, trace, version; see vswapctl --help)\n",
			cmd);
	return EXIT_USAGE;
}
