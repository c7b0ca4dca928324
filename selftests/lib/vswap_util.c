// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the vswap selftests; see vswap_util.h. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "vswap_util.h"

int write_file(const char *path, const char *val)
{
	size_t len = strlen(val);
	int fd, err = 0;
	ssize_t n;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		ksft_print_msg("open %s: %s\n", path, strerror(errno));
		return err;
	}
	n = write(fd, val, len);
	if (n < 0) {
		err = -errno;
		ksft_print_msg("write '%s' to %s: %s\n", val, path, strerror(errno));
	} else if ((size_t)n != len) {
		err = -EIO;
		ksft_print_msg("short write to %s\n", path);
	}
	close(fd);
	return err;
}

int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		ksft_print_msg("open %s: %s\n", path, strerror(errno));
		return err;
	}
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int err = -errno;

		ksft_print_msg("read %s: %s\n", path, strerror(errno));
		close(fd);
		return err;
	}
	buf[n] = '\0';
	close(fd);
	return (int)n;
}

static struct {
	char path[256];
	char val[32];
} thp_saved[8];
static int thp_nsaved;

/*
 * A test leaves the guest as it found it: what thp_set(),
 * zswap_set_enabled() and vswap_set_enabled() changed is put back when
 * the test exits (ksft_exit_fail_msg() included) - by the process that
 * changed it, not by a child that calls exit().
 */
static pid_t restore_pid;
static void restore_at_exit(void);

static void restore_register(void)
{
	if (restore_pid)
		return;
	restore_pid = getpid();
	atexit(restore_at_exit);
}

int thp_set(const char *path, const char *val)
{
	char buf[256], *l, *r;

	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -ENOENT;
	/* "always [madvise] never": the bracketed word is the setting */
	l = strchr(buf, '[');
	r = l ? strchr(l, ']') : NULL;
	if (r && thp_nsaved < (int)(sizeof(thp_saved) / sizeof(thp_saved[0]))) {
		restore_register();
		*r = '\0';
		snprintf(thp_saved[thp_nsaved].path, sizeof(thp_saved[0].path), "%s", path);
		snprintf(thp_saved[thp_nsaved].val, sizeof(thp_saved[0].val), "%s", l + 1);
		thp_nsaved++;
	}
	return write_file(path, val);
}

long long thp_stat(const char *name)
{
	static const char *const sizes[] = { "2048kB", "64kB" };
	char path[256], buf[64];
	long long sum = 0;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(path, sizeof(path), THP_SYSFS "/hugepages-%s/stats/%s",
			 sizes[i], name);
		if (read_file(path, buf, sizeof(buf)) > 0)
			sum += atoll(buf);
	}
	return sum;
}

void thp_restore(void)
{
	while (thp_nsaved > 0) {
		thp_nsaved--;
		write_file(thp_saved[thp_nsaved].path, thp_saved[thp_nsaved].val);
	}
}

static void cg_path(char *out, size_t len, const char *cg, const char *file)
{
	if (file)
		snprintf(out, len, "%s/%s/%s", CGROUP_ROOT, cg, file);
	else
		snprintf(out, len, "%s/%s", CGROUP_ROOT, cg);
}

int cg_create(const char *cg)
{
	char path[PATH_MAX], ctl[256];

	/* The memory controller must be delegated to our children. */
	if (read_file(CGROUP_ROOT "/cgroup.subtree_control", ctl, sizeof(ctl)) < 0)
		return -1;
	if (!strstr(ctl, "memory") &&
	    write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory") < 0)
		return -1;
	cg_path(path, sizeof(path), cg, NULL);
	if (mkdir(path, 0755) && errno != EEXIST) {
		ksft_print_msg("mkdir %s: %s\n", path, strerror(errno));
		return -errno;
	}
	return 0;
}

int cg_destroy(const char *cg)
{
	char path[PATH_MAX];
	int i;

	cg_path(path, sizeof(path), cg, "cgroup.kill");
	if (access(path, F_OK) == 0)
		write_file(path, "1");
	cg_path(path, sizeof(path), cg, NULL);
	/* Killed tasks take a moment to leave the cgroup. */
	for (i = 0; i < 200; i++) {
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		usleep(10000);
	}
	ksft_print_msg("rmdir %s: %s\n", path, strerror(errno));
	return -errno;
}

int cg_write(const char *cg, const char *file, const char *val)
{
	char path[PATH_MAX];

	cg_path(path, sizeof(path), cg, file);
	return write_file(path, val);
}

int cg_reclaim(const char *cg, const char *amount)
{
	char path[PATH_MAX];
	int fd, err = 0;

	cg_path(path, sizeof(path), cg, "memory.reclaim");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, amount, strlen(amount)) < 0)
		err = -errno;
	close(fd);
	return err;
}

int cg_read(const char *cg, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];

	cg_path(path, sizeof(path), cg, file);
	return read_file(path, buf, len);
}

long long cg_read_ll(const char *cg, const char *file)
{
	char buf[64];

	if (cg_read(cg, file, buf, sizeof(buf)) < 0)
		return -1;
	if (!strncmp(buf, "max", 3))
		return LLONG_MAX;
	return strtoll(buf, NULL, 10);
}

long long keyed_value(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, klen) && (p[klen] == ' ' || p[klen] == ':'))
			return strtoll(p + klen + 1 + strspn(p + klen + 1, " :\t"), NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

long long cg_stat(const char *cg, const char *key)
{
	static char buf[16384];

	if (cg_read(cg, "memory.stat", buf, sizeof(buf)) < 0)
		return -1;
	return keyed_value(buf, key);
}

int cg_enter(const char *cg, pid_t pid)
{
	char val[32];

	snprintf(val, sizeof(val), "%d", (int)pid);
	return cg_write(cg, "cgroup.procs", val);
}

uint64_t cg_id(const char *cg)
{
	char path[PATH_MAX];
	struct stat st;

	cg_path(path, sizeof(path), cg, NULL);
	if (stat(path, &st)) {
		ksft_print_msg("stat %s: %s\n", path, strerror(errno));
		return 0;
	}
	return st.st_ino;
}

long long vmstat(const char *key)
{
	static char buf[65536];

	if (read_file("/proc/vmstat", buf, sizeof(buf)) < 0)
		return -1;
	return keyed_value(buf, key);
}

long long meminfo_kb(const char *key)
{
	static char buf[16384];

	if (read_file("/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	return keyed_value(buf, key);
}

#define ZSWAP_ENABLED "/sys/module/zswap/parameters/enabled"
static int zswap_saved = -1;

int zswap_set_enabled(bool on)
{
	char buf[8];

	if (zswap_saved < 0 && read_file(ZSWAP_ENABLED, buf, sizeof(buf)) > 0) {
		zswap_saved = buf[0] == 'Y';
		restore_register();
	}
	return write_file(ZSWAP_ENABLED, on ? "Y" : "N");
}

void zswap_restore(void)
{
	if (zswap_saved >= 0)
		write_file(ZSWAP_ENABLED, zswap_saved ? "Y" : "N");
}

static int vswap_saved = -1;

static void restore_at_exit(void)
{
	if (getpid() != restore_pid)
		return;
	thp_restore();
	zswap_restore();
	if (vswap_saved >= 0)
		write_file("/sys/kernel/mm/vswap/enabled", vswap_saved ? "1" : "0");
}

void *shared_result(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		ksft_exit_fail_msg("mmap of %zu shared bytes: %s\n", size, strerror(errno));
	return p;
}

int time_scale(void)
{
	static int scale;
	const char *env;
	char *end;
	long v;

	if (scale)
		return scale;
	scale = 1;
	env = getenv("VSWAP_TIME_SCALE");
	if (env && *env) {
		errno = 0;
		v = strtol(env, &end, 10);
		if (errno || *end || v < 1 || v > 20)
			ksft_exit_fail_msg("VSWAP_TIME_SCALE=%s: want an integer from 1 to 20\n", env);
		scale = v;
	}
	return scale;
}

const char *scratch_dir(void)
{
	const char *dir = getenv("VSWAP_SCRATCH");

	return dir && *dir ? dir : NULL;
}

int swapfile_add(const char *path, size_t size)
{
	char cmd[PATH_MAX + 64];
	int fd, err;

	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		ksft_print_msg("create %s: %s\n", path, strerror(errno));
		return err;
	}
	err = posix_fallocate(fd, 0, size);
	close(fd);
	if (err) {
		ksft_print_msg("fallocate %s (%zu bytes): %s\n", path, size, strerror(err));
		return -err;
	}
	snprintf(cmd, sizeof(cmd), "mkswap -q '%s' >/dev/null", path);
	if (system(cmd)) {
		ksft_print_msg("mkswap %s failed\n", path);
		return -EIO;
	}
	if (swapon(path, 0)) {
		err = -errno;
		ksft_print_msg("swapon %s: %s\n", path, strerror(errno));
		unlink(path);
		return err;
	}
	return 0;
}

int swapfile_remove(const char *path)
{
	int err = 0;

	if (swapoff(path)) {
		err = -errno;
		ksft_print_msg("swapoff %s: %s\n", path, strerror(errno));
	}
	unlink(path);
	return err;
}

static inline uint64_t mix64(uint64_t x)
{
	/* splitmix64 finalizer */
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * A compressible page: a 64-byte header unique to (index, seed), then a
 * period of 80 words derived from the header.  Any page mix-up,
 * stale page or zero page fails the check.
 */
void pattern_fill(void *page, uint64_t index, uint64_t seed)
{
	uint64_t *w = page, h = mix64(index ^ mix64(seed));
	size_t i;

	w[0] = index;
	w[1] = seed;
	w[2] = h;
	for (i = 3; i < 8; i++)
		w[i] = mix64(h + i);
	for (i = 8; i < PAGE_SZ / 8; i++)
		w[i] = w[3 + i % 5] ^ (i % 16);
}

bool pattern_check(const void *page, uint64_t index, uint64_t seed)
{
	uint64_t buf[PAGE_SZ / 8];

	pattern_fill(buf, index, seed);
	return !memcmp(buf, page, PAGE_SZ);
}

void random_fill(void *page, uint64_t index, uint64_t seed)
{
	uint64_t *w = page, s = mix64(index ^ mix64(~seed));
	size_t i;

	for (i = 0; i < PAGE_SZ / 8; i++)
		w[i] = mix64(s + i);
}

bool random_check(const void *page, uint64_t index, uint64_t seed)
{
	uint64_t buf[PAGE_SZ / 8];

	random_fill(buf, index, seed);
	return !memcmp(buf, page, PAGE_SZ);
}

void fill_range(void *buf, size_t npages, uint64_t seed, bool random)
{
	size_t i;

	for (i = 0; i < npages; i++) {
		void *p = (char *)buf + i * PAGE_SZ;

		if (random)
			random_fill(p, i, seed);
		else
			pattern_fill(p, i, seed);
	}
}

size_t check_range(const void *buf, size_t npages, uint64_t seed, bool random)
{
	size_t i, bad = 0;

	for (i = 0; i < npages; i++) {
		const void *p = (const char *)buf + i * PAGE_SZ;
		bool ok = random ? random_check(p, i, seed) : pattern_check(p, i, seed);

		if (!ok && bad++ < 5)
			ksft_print_msg("page %zu: content mismatch (first word %#llx)\n",
				       i, (unsigned long long)*(const uint64_t *)p);
	}
	return bad;
}

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

char *map_fill(size_t npages, uint64_t seed, bool random)
{
	char *buf = mmap(NULL, npages * PAGE_SZ, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED) {
		ksft_print_msg("mmap %zu pages: %s\n", npages, strerror(errno));
		return NULL;
	}
	madvise(buf, npages * PAGE_SZ, MADV_NOHUGEPAGE);
	fill_range(buf, npages, seed, random);
	return buf;
}

unsigned long long parse_size(const char *s)
{
	unsigned long long size;
	char *end;

	errno = 0;
	size = strtoull(s, &end, 10);
	if (errno || end == s)
		return 0;
	switch (*end) {
	case 'G': case 'g':
		size <<= 30;
		end++;
		break;
	case 'M': case 'm':
		size <<= 20;
		end++;
		break;
	case 'K': case 'k':
		size <<= 10;
		end++;
		break;
	}
	return *end ? 0 : size;
}

char *map_fill_pageout(size_t npages, uint64_t seed, bool random)
{
	char *buf = map_fill(npages, seed, random);

	if (!buf)
		return NULL;
	if (madvise(buf, npages * PAGE_SZ, MADV_PAGEOUT))
		ksft_print_msg("MADV_PAGEOUT: %s\n", strerror(errno));
	return buf;
}

int pagemap_read(const void *addr, size_t npages, uint64_t *out)
{
	off_t off = (uintptr_t)addr / PAGE_SZ * sizeof(uint64_t);
	size_t len = npages * sizeof(uint64_t);
	ssize_t n;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ksft_print_msg("open /proc/self/pagemap: %s\n", strerror(errno));
		return -1;
	}
	n = pread(fd, out, len, off);
	close(fd);
	if (n != (ssize_t)len) {
		ksft_print_msg("read /proc/self/pagemap: %s\n", n < 0 ? strerror(errno) : "short read");
		return -1;
	}
	return 0;
}

void pin_to_one_cpu(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		ksft_print_msg("sched_setaffinity: %s\n", strerror(errno));
}

pid_t cg_spawn(const char *cg, int (*fn)(void *), void *arg)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		ksft_print_msg("fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (cg && cg_enter(cg, getpid()))
			_exit(125);
		pin_to_one_cpu();
		_exit(fn(arg));
	}
	return pid;
}

int run_in_cgroup(const char *cg, int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	pid = cg_spawn(cg, fn, arg);
	if (pid < 0)
		return -1;
	if (waitpid(pid, &status, 0) < 0) {
		ksft_print_msg("waitpid: %s\n", strerror(errno));
		return -1;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

long long vswap_stat(const char *key)
{
	char buf[4096];

	if (read_file("/sys/kernel/mm/vswap/stat", buf, sizeof(buf)) < 0)
		return -1;
	return keyed_value(buf, key);
}

int vswap_set_enabled(bool on)
{
	char buf[8];

	if (vswap_saved < 0 && read_file("/sys/kernel/mm/vswap/enabled", buf, sizeof(buf)) > 0) {
		vswap_saved = buf[0] == '1';
		restore_register();
	}
	return write_file("/sys/kernel/mm/vswap/enabled", on ? "1" : "0");
}

void swapoff_all(void)
{
	if (system("swapoff -a 2>/dev/null"))
		ksft_print_msg("swapoff -a failed\n");
}

long long cg_keyed(const char *cg, const char *file, const char *key)
{
	char buf[4096];

	if (cg_read(cg, file, buf, sizeof(buf)) < 0)
		return -1;
	return keyed_value(buf, key);
}

long long cg_event(const char *cg, const char *key)
{
	return cg_keyed(cg, "memory.events", key);
}

void vswap_test_setup(const char *cg)
{
	swapoff_all();
	if (zswap_set_enabled(true) || vswap_set_enabled(true))
		ksft_exit_fail_msg("cannot enable zswap and vswap\n");
	if (cg && cg_create(cg))
		ksft_exit_fail_msg("cannot create cgroup %s\n", cg);
}

static const char *const audit_keys[] = {
	"slots", "zswap", "zero", "phys", "cached", "poisoned", "clusters",
};
#define AUDIT_NKEYS	(sizeof(audit_keys) / sizeof(audit_keys[0]))

static int audit_read(const char *path, long long *val, long long *unbacked)
{
	char key[64];
	long long v;
	size_t i;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	for (i = 0; i < AUDIT_NKEYS; i++)
		val[i] = -1;
	while (fscanf(f, "%63s %lld", key, &v) == 2) {
		for (i = 0; i < AUDIT_NKEYS; i++)
			if (!strcmp(key, audit_keys[i]))
				val[i] = v;
		if (unbacked && !strcmp(key, "unbacked"))
			*unbacked = v;
	}
	fclose(f);
	return 0;
}

int vswap_audit(int tries, char *why, size_t len)
{
	long long st[AUDIT_NKEYS], au[AUDIT_NKEYS], unbacked = -1;
	size_t i, n = 0;
	bool bad = true;
	int t;

	why[0] = '\0';
	for (t = 0; t < tries && bad; t++) {
		if (t)
			usleep(250000);
		if (audit_read("/sys/kernel/mm/vswap/stat", st, NULL) ||
		    audit_read("/sys/kernel/debug/vswap/audit", au, &unbacked)) {
			snprintf(why, len, "cannot read /sys/kernel/mm/vswap/stat or debugfs vswap/audit: %s",
				 strerror(errno));
			return -1;
		}
		bad = unbacked != 0;
		for (i = 0; i < AUDIT_NKEYS; i++)
			bad |= st[i] != au[i] || st[i] < 0;
	}
	if (!bad) {
		snprintf(why, len, "slots %lld, zswap %lld, zero %lld, phys %lld, cached %lld, clusters %lld",
			 st[0], st[1], st[2], st[3], st[4], st[6]);
		return 0;
	}
	for (i = 0; i < AUDIT_NKEYS && n < len; i++)
		if (st[i] != au[i])
			n += snprintf(why + n, len - n, "%s %lld in stat, %lld by the walk; ",
				      audit_keys[i], st[i], au[i]);
	if (unbacked && n < len)
		snprintf(why + n, len - n, "%lld slots out of memory with no backend", unbacked);
	return 1;
}

long long block_reads(const char *dev)
{
	char path[128], buf[256];

	snprintf(path, sizeof(path), "/sys/block/%s/stat", dev);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	return atoll(buf);
}

long long swaps_used(const char *path, int *line)
{
	char buf[8192], *l, *save = NULL;
	long long size, used;
	char name[4096];
	int n = -1;

	if (read_file("/proc/swaps", buf, sizeof(buf)) < 0)
		return -1;
	for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save), n++) {
		if (n < 0)
			continue;	/* the header */
		if (sscanf(l, "%4095s %*s %lld %lld", name, &size, &used) == 3 &&
		    !strcmp(name, path)) {
			if (line)
				*line = n;
			return used;
		}
	}
	return -1;
}

void policy_read(const char *file, char *buf, size_t len)
{
	char path[256];
	char *nl;

	snprintf(path, sizeof(path), VSWAP_POLICY_DIR "%s", file);
	if (read_file(path, buf, len) < 0) {
		snprintf(buf, len, "(unreadable)");
		return;
	}
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
}

bool policy_is(const char *file, const char *want)
{
	char buf[256];

	policy_read(file, buf, sizeof(buf));
	if (strcmp(buf, want)) {
		ksft_print_msg("policy/%s: \"%s\", want \"%s\"\n", file, buf, want);
		return false;
	}
	return true;
}

long long policy_ll(const char *file)
{
	char buf[64];

	policy_read(file, buf, sizeof(buf));
	return atoll(buf);
}

bool policy_wait_state(const char *want, int secs)
{
	char buf[64];
	int i;

	for (i = 0; i < secs * 10; i++) {
		policy_read("state", buf, sizeof(buf));
		if (!strcmp(buf, want))
			return true;
		usleep(100000);
	}
	ksft_print_msg("policy/state: \"%s\" after %ds, want \"%s\"\n", buf, secs, want);
	return false;
}

long long zswap_debugfs(const char *name)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), "/sys/kernel/debug/zswap/%s", name);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return atoll(buf);
}

long long read_vswap_stat(const void *key)
{
	return vswap_stat(key);
}

long long read_meminfo_kb(const void *key)
{
	return meminfo_kb(key);
}

long long read_zswap_debugfs(const void *name)
{
	return zswap_debugfs(name);
}

long long read_swaps_used(const void *path)
{
	return swaps_used(path, NULL);
}

long long read_cg_counter(const void *arg)
{
	const struct cg_counter *c = arg;

	return c->file ? cg_read_ll(c->cg, c->file) : cg_stat(c->cg, c->key);
}

bool wait_for_value(const char *what, long long (*read)(const void *arg), const void *arg,
		    enum wait_cmp cmp, long long want, int tries, const char *reclaim_cg,
		    long long *last)
{
	const char *rel = cmp == WAIT_LE ? "<= " : "";
	long long v = -1;
	bool ok = false;
	int n;

	tries *= time_scale();
	for (n = 1; n <= tries; n++) {
		v = read(arg);
		/* a counter that cannot be read (-1) is never right */
		ok = v >= 0 && (cmp == WAIT_LE ? v <= want : v == want);
		if (ok || n == tries)
			break;
		if (reclaim_cg && n % 2 == 0)
			cg_reclaim(reclaim_cg, "1M");
		usleep(WAIT_GAP_MS * 1000);
	}
	if (last)
		*last = v;
	if (ok)
		ksft_print_msg("idle: %s %lld (want %s%lld) after %d reading%s\n",
			       what, v, rel, want, n, n == 1 ? "" : "s");
	else
		ksft_print_msg("idle: %s still %lld after %d readings %d ms apart, want %s%lld\n",
			       what, v, tries, WAIT_GAP_MS, rel, want);
	return ok;
}
