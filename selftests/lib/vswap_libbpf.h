/* SPDX-License-Identifier: GPL-2.0 */
/* For the selftests that use libbpf: its messages as TAP comments. */
#ifndef VSWAP_LIBBPF_H
#define VSWAP_LIBBPF_H

#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>

/* For libbpf_set_print(): warnings and errors, not debug output */
static inline int vswap_libbpf_print(enum libbpf_print_level level, const char *fmt,
				     va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	fprintf(stdout, "# libbpf: ");
	return vfprintf(stdout, fmt, ap);
}

#endif
