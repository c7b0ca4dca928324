// SPDX-License-Identifier: GPL-2.0
/*
 * report: turn the measurements of `make bench` into its results.
 *
 *   report RAW.csv OUTDIR [INFO]
 *
 * RAW.csv has one line per measurement, "round,kernel,config,metric,value",
 * from bench/guest.sh. Writes OUTDIR/results.md (the table: each row the
 * median of the vanilla and the vswap side, min-max across rounds, the
 * ratio vswap/vanilla with its spread over the rounds, the goal and PASS
 * or MISS), OUTDIR/results.csv (the same rows), and gnuplot inputs
 * (OUTDIR/throughput.dat, swapoff.dat, plots.gp). INFO is a line for the
 * header (date, machine, guest). Exit 0, or 2 on a read/write error.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS	8192
#define MAX_ROUNDS	64

struct sample {
	int round;
	char kernel[16];
	char config[48];
	char metric[48];
	char value[128];
};

static struct sample *rows;
static int nrows, max_round;

static int load(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f) {
		fprintf(stderr, "report: %s: %s\n", path, strerror(errno));
		return -1;
	}
	rows = calloc(MAX_ROWS, sizeof(*rows));
	if (!rows) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f) && nrows < MAX_ROWS) {
		struct sample *s = &rows[nrows];

		if (sscanf(line, "%d,%15[^,],%47[^,],%47[^,],%127[^\n]", &s->round, s->kernel,
			   s->config, s->metric, s->value) != 5)
			continue;
		if (s->round < 1 || s->round >= MAX_ROUNDS)
			continue;
		if (s->round > max_round)
			max_round = s->round;
		nrows++;
	}
	fclose(f);
	return 0;
}

/* The value of (kernel, config, metric) in @round, or NAN */
static double get(int round, const char *kernel, const char *config, const char *metric)
{
	char *end;
	double v;

	for (int i = 0; i < nrows; i++) {
		if (rows[i].round != round || strcmp(rows[i].kernel, kernel) ||
		    strcmp(rows[i].config, config) || strcmp(rows[i].metric, metric))
			continue;
		v = strtod(rows[i].value, &end);
		return end == rows[i].value ? NAN : v;
	}
	return NAN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stat3 {
	double med, min, max;
	int n;
};

static struct stat3 summarize(double *v, int n)
{
	struct stat3 s = { NAN, NAN, NAN, 0 };
	int k = 0;

	for (int i = 0; i < n; i++)
		if (!isnan(v[i]))
			v[k++] = v[i];
	if (!k)
		return s;
	qsort(v, k, sizeof(*v), cmp_double);
	s.n = k;
	s.min = v[0];
	s.max = v[k - 1];
	s.med = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
	return s;
}

struct side {
	const char *kernel, *config, *metric;
};

/* One side across rounds */
static struct stat3 side_stat(const struct side *sd)
{
	double v[MAX_ROUNDS];

	for (int r = 1; r <= max_round; r++)
		v[r - 1] = get(r, sd->kernel, sd->config, sd->metric);
	return summarize(v, max_round);
}

/* The per-round ratio b/a (rounds where both sides were measured) */
static struct stat3 ratio_stat(const struct side *a, const struct side *b)
{
	double v[MAX_ROUNDS];

	for (int r = 1; r <= max_round; r++)
		v[r - 1] = get(r, b->kernel, b->config, b->metric) /
			   get(r, a->kernel, a->config, a->metric);
	return summarize(v, max_round);
}

enum goal { GOAL_NONE, GOAL_MIN, GOAL_MAX };

struct row {
	const char *id, *what, *unit;
	struct side a, b;	/* a: the baseline (vanilla), b: vswap */
	enum goal goal;
	double target;		/* for the ratio b/a, or for b itself (absolute) */
	bool absolute;		/* the goal applies to b's value, not the ratio */
};

static FILE *md, *csv;

/* A value: 4 significant digits, whole numbers from 1000 on */
static void fmt_num(char *buf, size_t len, double v)
{
	snprintf(buf, len, fabs(v) >= 1000 ? "%.0f" : "%.4g", v);
}

static void fmt_stat(char *buf, size_t len, struct stat3 s, const char *unit)
{
	char med[32], lo[32], hi[32];

	if (!s.n) {
		snprintf(buf, len, "-");
		return;
	}
	fmt_num(med, sizeof(med), s.med);
	fmt_num(lo, sizeof(lo), s.min);
	fmt_num(hi, sizeof(hi), s.max);
	if (s.min == s.max)
		snprintf(buf, len, "%s %s", med, unit);
	else
		snprintf(buf, len, "%s %s (%s-%s)", med, unit, lo, hi);
}

static void emit(const struct row *rw)
{
	struct stat3 sa = { NAN, NAN, NAN, 0 }, sb, rt = { NAN, NAN, NAN, 0 };
	char va[160], vb[160], vr[96], goal[64];
	const char *verdict = "-";
	double judged;

	if (rw->a.kernel)
		sa = side_stat(&rw->a);
	sb = side_stat(&rw->b);
	if (rw->a.kernel)
		rt = ratio_stat(&rw->a, &rw->b);
	fmt_stat(va, sizeof(va), sa, rw->unit);
	fmt_stat(vb, sizeof(vb), sb, rw->unit);
	if (!rt.n)
		snprintf(vr, sizeof(vr), "-");
	else if (rt.n == 1)
		snprintf(vr, sizeof(vr), "%.3fx", rt.med);
	else
		snprintf(vr, sizeof(vr), "%.3fx (%.3f-%.3f)", rt.med, rt.min, rt.max);
	goal[0] = '\0';
	judged = rw->absolute ? sb.med : rt.med;
	if (rw->goal != GOAL_NONE) {
		snprintf(goal, sizeof(goal), "%s %.4g%s", rw->goal == GOAL_MIN ? ">=" : "<=",
			 rw->target, rw->absolute ? (*rw->unit ? " " : "") : "x");
		if (rw->absolute && *rw->unit)
			strncat(goal, rw->unit, sizeof(goal) - strlen(goal) - 1);
		if (isnan(judged))
			verdict = "NOT MEASURED";
		else if (rw->goal == GOAL_MIN)
			verdict = judged >= rw->target ? "PASS" : "MISS";
		else
			verdict = judged <= rw->target ? "PASS" : "MISS";
	} else {
		snprintf(goal, sizeof(goal), "-");
	}
	fprintf(md, "| %s | %s | %s | %s | %s | %s | %s |\n", rw->id, rw->what, va, vb, vr,
		goal, verdict);
	fprintf(csv, "%s,\"%s\",%s,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%d,\"%s\",%s\n",
		rw->id, rw->what, rw->unit, sa.med, sa.min, sa.max, sb.med, sb.min, sb.max,
		rt.med, rt.min, rt.max, sb.n, goal, verdict);
}

#define V(c, m)		{ "vanilla", c, m }
#define S(c, m)		{ "vswap", c, m }
#define NONE		{ NULL, NULL, NULL }

static const struct row table[] = {
	{ "P1", "anon 3:1, GB/s: vanilla zswap+disk vs vswap+zswap, no disk", "GB/s",
	  V("zswap+disk", "gbps_ratio3"), S("vswap+zswap", "gbps_ratio3"), GOAL_MIN, 1.0, false },
	{ "P1", "anon 3:1, GB/s: vanilla zswap+disk vs vswap+zswap+disk", "GB/s",
	  V("zswap+disk", "gbps_ratio3"), S("vswap+zswap+disk", "gbps_ratio3"), GOAL_MIN, 1.0, false },
	{ "P1", "anon incompressible, GB/s: zswap+disk, vanilla vs vswap", "GB/s",
	  V("zswap+disk", "gbps_ratio1"), S("vswap+zswap+disk", "gbps_ratio1"), GOAL_MIN, 1.0, false },
	{ "P1", "tmpfs 3:1, GB/s: vanilla zswap+disk vs vswap+zswap+disk", "GB/s",
	  V("zswap+disk", "gbps_ratio3_tmpfs"), S("vswap+zswap+disk", "gbps_ratio3_tmpfs"),
	  GOAL_MIN, 1.0, false },
	{ "P1", "anon 3:1, wall time: vanilla zswap+disk vs vswap+zswap+disk", "s",
	  V("zswap+disk", "seconds_ratio3"), S("vswap+zswap+disk", "seconds_ratio3"), GOAL_NONE, 0, false },
	{ "P1", "anon 3:1, zswap stores: zswap+disk, vanilla vs vswap", "pages",
	  V("zswap+disk", "zswpout_ratio3"), S("vswap+zswap+disk", "zswpout_ratio3"), GOAL_NONE, 0, false },
	{ "P1", "anon 3:1, zswap loads: zswap+disk, vanilla vs vswap", "pages",
	  V("zswap+disk", "zswpin_ratio3"), S("vswap+zswap+disk", "zswpin_ratio3"), GOAL_NONE, 0, false },
	{ "P1", "anon 3:1, disk writes: zswap+disk, vanilla vs vswap", "pages",
	  V("zswap+disk", "pswpout_ratio3"), S("vswap+zswap+disk", "pswpout_ratio3"), GOAL_NONE, 0, false },
	{ "P2", "vswap compiled in, off: zswap+disk, GB/s", "GB/s",
	  V("zswap+disk", "gbps_ratio3"), S("off:zswap+disk", "gbps_ratio3"), GOAL_MIN, 0.99, false },
	{ "P2", "vswap compiled in, off: disk only, GB/s", "GB/s",
	  V("disk", "gbps_ratio3"), S("off:disk", "gbps_ratio3"), GOAL_MIN, 0.99, false },
	{ "P3", "metadata per used slot, zswap-backed (zswap entry excluded): slab + vmalloc + per-CPU deltas + swap tables by size", "B",
	  V("zswap+disk", "exact_per_slot"), S("vswap+zswap", "exact_per_slot"), GOAL_MAX, 11, true },
	{ "P3", "metadata per used slot, disk-backed (vswap: with the rmap word), the same sum", "B",
	  V("disk", "exact_per_slot"), S("vswap+disk", "exact_per_slot"), GOAL_MAX, 18, true },
	{ "P3", "of which slab, zswap-backed (vanilla: zswap's xarray nodes; vswap: clusters, vtables, memcg tables)", "B",
	  V("zswap+disk", "slab_per_slot"), S("vswap+zswap", "slab_per_slot"), GOAL_NONE, 0, false },
	{ "P3", "of which swap tables (4 KiB per cluster in use), zswap-backed", "B",
	  V("zswap+disk", "tables_per_slot"), S("vswap+zswap", "tables_per_slot"), GOAL_NONE, 0, false },
	{ "P3", "of which slab, disk-backed", "B",
	  V("disk", "slab_per_slot"), S("vswap+disk", "slab_per_slot"), GOAL_NONE, 0, false },
	{ "P3", "of which swap tables, disk-backed (vswap: virtual and physical)", "B",
	  V("disk", "tables_per_slot"), S("vswap+disk", "tables_per_slot"), GOAL_NONE, 0, false },
	{ "P3", "cross-check, zswap-backed: page-level count (all kernel memory)", "B",
	  V("zswap+disk", "bytes_per_slot"), S("vswap+zswap", "bytes_per_slot"), GOAL_NONE, 0, false },
	{ "P3", "cross-check, disk-backed: page-level count (all kernel memory)", "B",
	  V("disk", "bytes_per_slot"), S("vswap+disk", "bytes_per_slot"), GOAL_NONE, 0, false },
	{ "P3", "cross-check, zswap-backed: direct pages by page-level count (expected: the swap tables)", "B",
	  V("zswap+disk", "direct_per_slot"), S("vswap+zswap", "direct_per_slot"), GOAL_NONE, 0, false },
	{ "P3", "cross-check, disk-backed: direct pages by page-level count (expected: the swap tables)", "B",
	  V("disk", "direct_per_slot"), S("vswap+disk", "direct_per_slot"), GOAL_NONE, 0, false },
	{ "P3", "cross-check, zswap-backed: kernel memory given back per slot when freed", "B",
	  V("zswap+disk", "freed_per_slot"), S("vswap+zswap", "freed_per_slot"), GOAL_NONE, 0, false },
	{ "P3", "cross-check, disk-backed: kernel memory given back per slot when freed", "B",
	  V("disk", "freed_per_slot"), S("vswap+disk", "freed_per_slot"), GOAL_NONE, 0, false },
	{ "P3", "cross-check, zswap-backed: vswap's metadata counter per slot", "B",
	  NONE, S("vswap+zswap", "vswap_counter_per_slot"), GOAL_NONE, 0, false },
	{ "P3", "cross-check, disk-backed: vswap's metadata counter per slot", "B",
	  NONE, S("vswap+disk", "vswap_counter_per_slot"), GOAL_NONE, 0, false },
	{ "P3", "vswap metadata with nothing swapped (static)", "B",
	  NONE, S("vswap+zswap", "idle_metadata_bytes"), GOAL_MAX, 0, true },
	{ "P3", "swap device static cost at swapon (per device, not per slot)", "B",
	  V("disk", "static_bytes"), S("vswap+disk", "static_bytes"), GOAL_NONE, 0, false },
	{ "P4", "swapoff, pages on disk, 1 process", "s",
	  V("disk", "swapoff_s_n1"), S("disk", "swapoff_s_n1"), GOAL_MAX, 0.2, false },
	{ "P4", "swapoff, pages on disk, 8 processes", "s",
	  V("disk", "swapoff_s_n8"), S("disk", "swapoff_s_n8"), GOAL_MAX, 0.2, false },
	{ "P4", "swapoff, pages on disk, 32 processes", "s",
	  V("disk", "swapoff_s_n32"), S("disk", "swapoff_s_n32"), GOAL_MAX, 0.2, false },
	{ "P4", "swapoff flat in processes: 32 vs 1 process, vswap", "s",
	  S("disk", "swapoff_s_n1"), S("disk", "swapoff_s_n32"), GOAL_MAX, 1.5, false },
	{ "P4", "swap-in from disk (readahead), GB/s", "GB/s",
	  V("disk", "swapin_gbps"), S("disk", "swapin_gbps"), GOAL_MIN, 1.0, false },
	{ "P4", "swap-in from disk: read requests on the disk", "",
	  V("disk", "swapin_read_requests"), S("disk", "swapin_read_requests"), GOAL_NONE, 0, false },
	{ "P5", "default BPF policy loaded vs built-in default, GB/s", "GB/s",
	  S("vswap+zswap+disk", "gbps_ratio3"), S("vswap+zswap+disk+policy", "gbps_ratio3"),
	  GOAL_MIN, 0.98, false },
	{ "P6", "no disk, same pool limit: throughput, zram vs vswap+zswap", "GB/s",
	  V("zram", "p6_gbps"), S("vswap+zswap", "p6_gbps"), GOAL_MIN, 1.0, false },
	{ "P6", "no disk, same pool limit: data written before OOM or a stall, zram vs vswap+zswap", "B",
	  V("zram", "capacity_bytes"), S("vswap+zswap", "capacity_bytes"), GOAL_NONE, 0, false },
	{ "P6", "no disk: the writer stalled (20 s) or ran 300 s instead of being OOM-killed (1: yes)", "",
	  V("zram", "capacity_stalled"), S("vswap+zswap", "capacity_stalled"), GOAL_NONE, 0, false },
};

/* Integrity: any bad page or failed run in any round */
static int failures(void)
{
	int bad = 0;

	for (int i = 0; i < nrows; i++) {
		bool badmetric = !strncmp(rows[i].metric, "bad", 3) ||
				 strstr(rows[i].metric, "_bad") || !strncmp(rows[i].metric, "fail", 4);

		if (badmetric && strtod(rows[i].value, NULL) != 0) {
			fprintf(md, "- round %d, %s %s: %s = %s\n", rows[i].round, rows[i].kernel,
				rows[i].config, rows[i].metric, rows[i].value);
			bad++;
		}
	}
	return bad;
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "report: %s: %s\n", path, strerror(errno));
	return f;
}

static void plots(const char *dir)
{
	static const char * const cfgs[][2] = {
		{ "vanilla", "zswap+disk" }, { "vanilla", "disk" },
		{ "vswap", "vswap+zswap" }, { "vswap", "vswap+zswap+disk" },
		{ "vswap", "vswap+zswap+disk+policy" }, { "vswap", "off:zswap+disk" },
		{ "vswap", "off:disk" },
	};
	FILE *f = open_out(dir, "throughput.dat"), *g;
	int nthr = 0, noff = 0;

	if (!f)
		return;
	for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		struct side sd = { cfgs[i][0], cfgs[i][1], "gbps_ratio3" };
		struct stat3 s = side_stat(&sd);

		if (s.n && ++nthr)
			fprintf(f, "%zu \"%s %s\" %g %g %g\n", i, cfgs[i][0], cfgs[i][1], s.med, s.min, s.max);
	}
	fclose(f);
	f = open_out(dir, "swapoff.dat");
	if (!f)
		return;
	for (int n = 1; n <= 32; n *= 2) {
		char m[32];
		struct side v = { "vanilla", "disk", m }, s = { "vswap", "disk", m };
		struct stat3 a, b;

		snprintf(m, sizeof(m), "swapoff_s_n%d", n);
		a = side_stat(&v);
		b = side_stat(&s);
		if ((a.n || b.n) && ++noff)
			fprintf(f, "%d %g %g %g %g %g %g\n", n, a.med, a.min, a.max, b.med, b.min, b.max);
	}
	fclose(f);
	g = open_out(dir, "plots.gp");
	if (!g)
		return;
	fprintf(g, "set terminal png size 900,500\n");
	if (nthr)
		fprintf(g,
		"set output 'throughput.png'\n"
		"set title 'Anonymous workload under memory.max (3:1 data): median, min-max'\n"
		"set ylabel 'GB/s'\nset style fill solid 0.5\nset boxwidth 0.6\n"
		"set xtics rotate by -30\nset yrange [0:*]\n"
		"plot 'throughput.dat' using 1:3:xtic(2) with boxes notitle, "
		"'' using 1:3:4:5 with yerrorbars notitle lc rgb 'black'\n");
	if (noff)
		fprintf(g,
		"set output 'swapoff.png'\n"
		"set title 'swapoff of pages on disk shared by N processes'\n"
		"set xlabel 'processes'\nset ylabel 'seconds'\nset logscale x 2\nset xtics norotate\n"
		"plot 'swapoff.dat' using 1:2:3:4 with yerrorlines title 'vanilla', "
		"'' using 1:5:6:7 with yerrorlines title 'vswap'\n");
	fclose(g);
}

int main(int argc, char **argv)
{
	int bad;

	if (argc < 3) {
		fprintf(stderr, "usage: report RAW.csv OUTDIR [INFO]\n");
		return 2;
	}
	if (load(argv[1]))
		return 2;
	md = open_out(argv[2], "results.md");
	csv = open_out(argv[2], "results.csv");
	if (!md || !csv)
		return 2;
	fprintf(md, "# vswap benchmark: vanilla 7.3.4 vs vswap\n\n");
	if (argc > 3)
		fprintf(md, "%s\n\n", argv[3]);
	fprintf(md, "%d rounds; each round boots both kernels, in alternating order. "
		"Values: median (min-max over rounds); ratio: vswap/vanilla per round, "
		"median (min-max). Under TCG, compare ratios, not absolute times.\n\n",
		max_round);
	fprintf(md, "| ID | measurement | baseline | vswap | ratio | goal | verdict |\n");
	fprintf(md, "|----|-------------|---------|-------|-------|------|---------|\n");
	fprintf(csv, "id,measurement,unit,baseline_med,baseline_min,baseline_max,vswap_med,vswap_min,"
		"vswap_max,ratio_med,ratio_min,ratio_max,rounds,goal,verdict\n");
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		emit(&table[i]);
	fprintf(md, "\nThe baseline is the vanilla kernel, except in two rows that compare "
		"vswap with itself: P4's flatness (baseline: 1 process) and P5 (baseline: "
		"the built-in default). P3 goals apply to the vswap value.\n\n"
		"## Failed runs and data integrity\n\n");
	bad = failures();
	if (!bad)
		fprintf(md, "No run failed, and every page of every run read back intact.\n");
	plots(argv[2]);
	fclose(md);
	fclose(csv);
	return 0;
}
