// SPDX-License-Identifier: GPL-2.0
/* Reading the kernel's swap, zswap and memcg state from procfs/sysfs. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysinfo.h"

int read_text(const char *path, char *buf, size_t len)
{
	size_t off = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (off + 1 < len) {
		ssize_t n = read(fd, buf + off, len - 1 - off);

		if (n < 0) {
			err = -errno;
			close(fd);
			return err;
		}
		if (n == 0)
			break;
		off += n;
	}
	close(fd);
	buf[off] = '\0';
	return (int)off;
}

bool keyed_get(const char *text, const char *key, long long *val)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, klen) && (p[klen] == ' ' || p[klen] == ':' || p[klen] == '\t')) {
			const char *v = p + klen;
			char *end;

			v += strspn(v, " :\t");
			errno = 0;
			*val = strtoll(v, &end, 10);
			return end != v && !errno;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

int parse_proc_swaps(const char *text, struct swap_dev *devs, int max)
{
	const char *line = text;
	int n = 0;

	if (strncmp(text, "Filename", 8))
		return -EINVAL;
	line = strchr(line, '\n');
	while (line && *++line) {
		struct swap_dev d;
		char fmt[64];

		memset(&d, 0, sizeof(d));
		snprintf(fmt, sizeof(fmt), "%%%ds %%15s %%lld %%lld %%d", SWAP_PATH_MAX - 1);
		if (sscanf(line, fmt, d.path, d.type, &d.size_kb, &d.used_kb, &d.prio) != 5)
			return -EINVAL;
		if (n < max)
			devs[n] = d;
		n++;
		line = strchr(line, '\n');
	}
	return n < max ? n : max;
}

int parse_size(const char *s, unsigned long long *bytes)
{
	unsigned long long v, mult = 1;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (toupper((unsigned char)*end)) {
	case 'T': mult <<= 10; /* fall through */
	case 'G': mult <<= 10; /* fall through */
	case 'M': mult <<= 10; /* fall through */
	case 'K': mult <<= 10; end++; break;
	case '\0': break;
	default: return -EINVAL;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || (v && mult > ~0ULL / v))
		return -EINVAL;
	*bytes = v * mult;
	return 0;
}
