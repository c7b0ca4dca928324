/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-cgroup settings of the default vswap policy (vswap_default.bpf.c),
 * shared with vswapctl. The settings live in a hash map keyed by cgroup id
 * (the cgroup directory's inode number), pinned by name (VSWAP_CFG_PIN when
 * vswapctl loads the policy; a loader that keeps libbpf's default pin root
 * gets /sys/fs/bpf/vswap_cfg). A cgroup
 * with no entry takes its nearest configured ancestor's; with none, the
 * kernel's built-in default applies.
 */
#ifndef __VSWAP_DEFAULT_H
#define __VSWAP_DEFAULT_H

/* Where vswapctl pins the policy it loads (its link, and this map) */
#define VSWAP_PIN_DIR		"/sys/fs/bpf/vswap"
#define VSWAP_CFG_PIN		VSWAP_PIN_DIR "/vswap_cfg"
#define VSWAP_CFG_MAX_CGROUPS	4096

/* struct vswap_cgroup_cfg.mode */
enum vswap_cfg_mode {
	VSWAP_CFG_MODE_AUTO	= 0,	/* the kernel's default: virtual */
	VSWAP_CFG_MODE_VIRTUAL	= 1,
	VSWAP_CFG_MODE_DIRECT	= 2,	/* physical slots, as without vswap */
};

/* struct vswap_cgroup_cfg.backend */
enum vswap_cfg_backend {
	VSWAP_CFG_BACKEND_AUTO		= 0,	/* zswap, then disk */
	VSWAP_CFG_BACKEND_ZSWAP		= 1,
	VSWAP_CFG_BACKEND_DISK		= 2,	/* disk_type, or any device */
	VSWAP_CFG_BACKEND_MEMORY	= 3,	/* keep pages in memory */
};

struct vswap_cgroup_cfg {
	__u8	mode;		/* enum vswap_cfg_mode */
	__u8	backend;	/* enum vswap_cfg_backend */
	__s16	disk_type;	/* swap device for the disk backend, -1 any */
	__u32	demote_after_s;	/* demote zswap pages older than this; 0 never */
	__u32	zswap_cap_pct;	/* most of the cgroup's swap in zswap; 0 no cap */
	__u32	flags;		/* none defined, must be 0 */
};

#endif /* __VSWAP_DEFAULT_H */
