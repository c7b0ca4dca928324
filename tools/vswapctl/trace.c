// SPDX-License-Identifier: GPL-2.0
/*
 * 'vswapctl trace': a live stream of the vswap tracepoints (bpf/
 * vswap_trace.bpf.c through a ring buffer), one event per line, until
 * Ctrl-C or --duration; with -j, JSON lines.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "settings.h"
#include "vswapctl.h"
#include "vswap_trace.h"
#include "vswap_trace.skel.h"

static const char *const kind_names[VT_NR_KINDS] = {
	[VT_ALLOC]		= "alloc",
	[VT_STORE]		= "store",
	[VT_LOAD]		= "load",
	[VT_FREE]		= "free",
	[VT_REALLOC]		= "realloc",
	[VT_UNUSE]		= "unuse",
	[VT_POLICY_ENABLE]	= "policy_enable",
	[VT_POLICY_EJECT]	= "policy_eject",
	[VT_POLICY_DISABLE]	= "policy_disable",
};

/* enum vswap_decision and enum vswap_exit_kind, as the tracepoints print them */
static const char *const source_names[] = { "default", "policy", "policy-refused" };
static const char *const exit_names[] = { "none", "unregistered", "error", "invalid" };

static volatile sig_atomic_t stop;
static unsigned long long nr_events;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static const char *name_of(const char *const *names, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? names[v] : "?";
}

static int on_event(void *ctx, void *data, size_t len)
{
	const struct vswap_trace_event *ev = data;
	struct emitter *e = ctx;
	char phys[48];

	if (len < sizeof(*ev) || ev->kind >= VT_NR_KINDS)
		return 0;
	nr_events++;
	em_row(e, NULL);
	em_u64(e, "ts_ns", ev->ts_ns, EM_PLAIN);
	em_str(e, "event", kind_names[ev->kind]);
	if (ev->cgroup_id)
		em_u64(e, "cgroup_id", ev->cgroup_id, EM_PLAIN);
	else
		em_null(e, "cgroup_id");
	em_u64(e, "pid", ev->pid, EM_PLAIN);
	em_str(e, "comm", ev->comm);
	switch (ev->kind) {
	case VT_ALLOC:
	case VT_STORE:
	case VT_LOAD:
	case VT_FREE:
	case VT_REALLOC:
	case VT_UNUSE:
		em_u64(e, "offset", ev->offset, EM_PLAIN);
		em_u64(e, "nr", ev->nr, EM_PLAIN);
		break;
	default:
		break;
	}
	switch (ev->kind) {
	case VT_ALLOC:
		em_str(e, "source", name_of(source_names, 3, ev->source));
		break;
	case VT_STORE:
		em_str(e, "backend", ev->a);
		em_str(e, "source", name_of(source_names, 3, ev->source));
		break;
	case VT_LOAD:
		em_str(e, "backend", ev->a);
		break;
	case VT_REALLOC:
	case VT_UNUSE:
		if (ev->kind == VT_REALLOC) {
			em_str(e, "from", ev->a);
			em_str(e, "to", ev->b);
		}
		snprintf(phys, sizeof(phys), "%u:%#llx", ev->phys_type,
			 (unsigned long long)ev->phys_offset);
		em_str(e, "phys", phys);
		break;
	case VT_POLICY_ENABLE:
		em_str(e, "policy", ev->a);
		em_u64(e, "enable_seq", ev->offset, EM_PLAIN);
		break;
	case VT_POLICY_EJECT:
	case VT_POLICY_DISABLE:
		em_str(e, "policy", ev->a);
		em_str(e, "kind", name_of(exit_names, 4, ev->source));
		em_str(e, "msg", ev->msg);
		break;
	default:
		break;
	}
	em_obj_end(e);
	return 0;
}

static int parse_events(const char *list, unsigned int *mask)
{
	char buf[256], *save = NULL, *tok;
	unsigned int m = 0;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < VT_NR_KINDS; i++) {
			if (!strcmp(tok, kind_names[i]) ||
			    (!strcmp(tok, "policy") && !strncmp(kind_names[i], "policy_", 7)))
				m |= 1u << i;
		}
		if (!strcmp(tok, "policy"))
			continue;
		for (i = 0; i < VT_NR_KINDS; i++)
			if (!strcmp(tok, kind_names[i]))
				break;
		if (i == VT_NR_KINDS) {
			fprintf(stderr, "vswapctl: trace: unknown event '%s' (alloc, store, load, free, realloc, unuse, policy_enable, policy_eject, policy_disable, policy)\n",
				tok);
			return -EINVAL;
		}
	}
	if (!m)
		return -EINVAL;
	*mask = m;
	return 0;
}

static void trace_usage(FILE *out)
{
	fprintf(out,
		"usage: vswapctl [-j] trace [--cgroup PATH] [--event LIST] [--duration DURATION]\n"
		"\n"
		"A live stream of vswap events, one per line (-j: JSON lines), until Ctrl-C or\n"
		"the duration (30s, 5m; a bare number is seconds) has passed.\n"
		"  -c, --cgroup PATH     only events of that cgroup: alloc by the folio's cgroup,\n"
		"                        store, load, free by the cgroup of the task that caused\n"
		"                        them; realloc, unuse and policy events belong to no\n"
		"                        cgroup (cgroup_id null) and always pass\n"
		"  -e, --event LIST      comma-separated: alloc, store, load, free, realloc, unuse,\n"
		"                        policy_enable, policy_eject, policy_disable, policy (all\n"
		"                        three policy events); default: all\n"
		"  -d, --duration TIME   stop after TIME\n");
}

int cmd_trace(struct emitter *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "event", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vswap_trace *skel = NULL;
	struct ring_buffer *rb = NULL;
	unsigned int duration = 0, mask = ~0u;
	unsigned long long cgid = 0;
	char dir[PATH_MAX];
	struct timespec start, now;
	int c, err, ret = EXIT_RUNTIME;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+d:c:e:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_duration(optarg, 7u * 86400, &duration) || !duration) {
				fprintf(stderr, "vswapctl: trace: bad duration '%s' (30s, 5m, 2h; more than 0)\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'c':
			err = resolve_cgroup(optarg, dir, sizeof(dir));
			if (err)
				return err;
			cgid = cgroup_id_of(dir);
			break;
		case 'e':
			if (parse_events(optarg, &mask))
				return EXIT_USAGE;
			break;
		case 'h':
			trace_usage(stdout);
			return 0;
		default:
			trace_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vswapctl: trace: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	err = need_vswap();
	if (err)
		return err;

	libbpf_set_print(libbpf_quiet);
	skel = vswap_trace__open();
	if (!skel)
		return err_path("cannot open", "the vswap_trace BPF object", -errno);
	skel->rodata->kind_mask = mask;
	skel->rodata->filter_cgroup_id = cgid;
	err = vswap_trace__load(skel);
	if (!err)
		err = vswap_trace__attach(skel);
	if (err) {
		fprintf(stderr, "vswapctl: trace: cannot load the vswap tracepoint programs: %s%s\n",
			strerror(-err), err == -EPERM ? " (needs CAP_BPF and CAP_PERFMON, or root)" : "");
		ret = exit_for(err);
		goto out;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, e, NULL);
	if (!rb) {
		ret = err_path("cannot map", "the ring buffer", -errno);
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* Scripts wait for this line before they start what they trace */
	fprintf(stderr, "vswapctl: trace: attached; Ctrl-C ends\n");
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!stop) {
		err = ring_buffer__poll(rb, 100);
		/* One flush per batch: a flush per event cannot keep up with swap-out */
		fflush(e->out);
		if (err < 0 && err != -EINTR) {
			ret = err_path("cannot poll", "the ring buffer", err);
			goto out;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (duration && (now.tv_sec - start.tv_sec) * 1000000000LL +
				(now.tv_nsec - start.tv_nsec) >= (long long)duration * 1000000000LL)
			break;
	}
	/* What is still in the buffer */
	ring_buffer__consume(rb);
	fflush(e->out);
	fprintf(stderr, "vswapctl: trace: %llu events, %llu dropped (ring buffer full)\n", nr_events,
		(unsigned long long)skel->bss->nr_dropped);
	ret = 0;
out:
	ring_buffer__free(rb);
	vswap_trace__destroy(skel);
	return ret;
}
