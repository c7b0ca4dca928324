// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for what vswapctl parses from people: its command
 * line, the per-cgroup settings (key=value, durations, percentages) and
 * policy.conf files.  Built with clang -fsanitize=fuzzer,address,undefined
 * by 'make fuzz'; the seed corpus is tools/vswapctl/fuzz/corpus.
 *
 * The first byte of an input picks what the rest is:
 *   'S'  settings: lines as policy.conf has them, each split, and every
 *        key=value applied to a default configuration; every word also
 *        parsed as a duration and as a percentage
 *   'C'  a policy.conf file, through 'vswapctl config check FILE'
 *   'A'  a command line, NUL- or newline-separated words, through
 *        vswapctl's main(); only commands that read (status, cgroup show,
 *        config check, policy show, version, help) are run, since the
 *        fuzzer runs as root on the build machine
 * Anything else is taken as 'S'.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "settings.h"
#include "emit.h"
#include "vswapctl.h"

int vswapctl_main(int argc, char **argv);

#define MAX_ARGS	24
#define MAX_KV		16

static char conf_path[64];
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	snprintf(conf_path, sizeof(conf_path), "/tmp/fuzz_vswapctl.%d.conf", getpid());
	/* vswapctl's own output: scripts/fuzz.sh passes -close_fd_mask=3 */
	devnull = fopen("/dev/null", "w");
	return 0;
}

static void fuzz_settings(char *text)
{
	char *save = NULL, *line, *cgroup, *kv[MAX_KV], err[256];
	struct vswap_cgroup_cfg cfg;
	unsigned int v;
	int n, i;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char copy[1024];

		snprintf(copy, sizeof(copy), "%s", line);
		n = settings_split_line(line, &cgroup, kv, MAX_KV, err, sizeof(err));
		if (n > MAX_KV)
			abort();	/* more than it was given room for */
		memset(&cfg, 0, sizeof(cfg));
		for (i = 0; i < n; i++) {
			err[0] = '\0';
			if (settings_apply(&cfg, kv[i], err, sizeof(err)) < 0 && !err[0])
				abort();	/* an error must say what was wrong */
			(void)settings_mode_name(cfg.mode);
			(void)settings_backend_name(cfg.backend);
		}
		for (char *w = strtok(copy, " \t="); w; w = strtok(NULL, " \t=")) {
			if (!parse_duration(w, SETTINGS_MAX_DEMOTE_S, &v) && v > SETTINGS_MAX_DEMOTE_S)
				abort();
			if (!parse_percent(w, &v) && v > 100)
				abort();
		}
	}
}

static void fuzz_config(const char *text, size_t len)
{
	char *argv[] = { "config", "check", conf_path, NULL };
	struct emitter e;
	FILE *f = fopen(conf_path, "w");

	if (!f)
		return;
	fwrite(text, 1, len, f);
	fclose(f);
	em_init(&e, devnull, len & 1);
	cmd_config(&e, 3, argv);
	unlink(conf_path);
}

static bool reads_only(int argc, char **argv)
{
	int i, obj = 0;

	/* the first word that is not -j/--json names the object */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-j") && strcmp(argv[i], "--json"))
			break;
	if (i == argc)
		return true;
	obj = i;
	if (!strcmp(argv[obj], "status") || !strcmp(argv[obj], "version") ||
	    !strcmp(argv[obj], "help") || !strcmp(argv[obj], "-h") || !strcmp(argv[obj], "--help"))
		return true;
	for (i = obj + 1; i < argc; i++)
		if (strcmp(argv[i], "-j") && strcmp(argv[i], "--json"))
			break;
	if (i == argc)
		return !strcmp(argv[obj], "cgroup") || !strcmp(argv[obj], "config") ||
		       !strcmp(argv[obj], "policy");
	if (!strcmp(argv[obj], "cgroup"))
		return !strcmp(argv[i], "show") || !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help");
	if (!strcmp(argv[obj], "config"))
		return !strcmp(argv[i], "check") || !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help");
	if (!strcmp(argv[obj], "policy"))
		return !strcmp(argv[i], "show") || !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help");
	return false;
}

static void fuzz_args(char *text, size_t len)
{
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	size_t i, start = 0;

	argv[argc++] = "vswapctl";
	for (i = 0; i <= len && argc < MAX_ARGS; i++) {
		if (i == len || text[i] == '\0' || text[i] == '\n') {
			if (i < len)
				text[i] = '\0';
			argv[argc++] = text + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;
	if (reads_only(argc, argv))
		vswapctl_main(argc, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (!size)
		return 0;
	/* NUL-terminated copy: the parsers take C strings */
	text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0]) {
	case 'C':
		fuzz_config(text, size - 1);
		break;
	case 'A':
		fuzz_args(text, size - 1);
		break;
	default:
		fuzz_settings(text);
		break;
	}
	free(text);
	return 0;
}
