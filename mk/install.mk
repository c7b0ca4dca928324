# `make install`: vswapctl, the shipped policy objects, the systemd unit and
# its configuration, the bpftrace scripts and the man page. DESTDIR-aware;
# prefix /usr/local by default (a distribution package: prefix=/usr).
# Included by the top-level Makefile.

prefix     ?= /usr/local
sbindir    ?= $(prefix)/sbin
libdir     ?= $(prefix)/lib
datadir    ?= $(prefix)/share
mandir     ?= $(datadir)/man
sysconfdir ?= $(if $(filter /usr,$(prefix)),/etc,$(prefix)/etc)
unitdir    ?= $(if $(filter /usr,$(prefix)),/lib/systemd/system,$(prefix)/lib/systemd/system)

SHIPPED_POLICIES := $(BB)/vswap_default.bpf.o $(BB)/vswap_direct.bpf.o $(BB)/vswap_tiered.bpf.o
BPFTRACE_SCRIPTS := $(wildcard tools/bpftrace/*.bt)
MAN8             := $(B)/man/vswapctl.8

.PHONY: install man

man: $(MAN8)

$(MAN8): Documentation/vswapctl.rst
	@mkdir -p $(dir $@)
	@echo "  MAN     $@"
	@rst2man --exit-status=warning $< > $@.tmp && mv -f $@.tmp $@

install: tools man
	install -d $(DESTDIR)$(sbindir) $(DESTDIR)$(libdir)/vswap $(DESTDIR)$(unitdir) \
		$(DESTDIR)$(sysconfdir)/vswap $(DESTDIR)$(mandir)/man8 $(DESTDIR)$(datadir)/vswap/bpftrace
	install -m 0755 $(VSWAPCTL) $(DESTDIR)$(sbindir)/vswapctl
	install -m 0644 $(SHIPPED_POLICIES) $(DESTDIR)$(libdir)/vswap/
	sed -e 's|@SBINDIR@|$(sbindir)|g' -e 's|@SYSCONFDIR@|$(sysconfdir)|g' \
		tools/systemd/vswap-policy.service.in > $(DESTDIR)$(unitdir)/vswap-policy.service
	chmod 0644 $(DESTDIR)$(unitdir)/vswap-policy.service
	@# An existing configuration is the administrator's: keep it
	[ -e $(DESTDIR)$(sysconfdir)/vswap/policy.conf ] || \
		install -m 0644 tools/systemd/policy.conf $(DESTDIR)$(sysconfdir)/vswap/policy.conf
	install -m 0644 $(MAN8) $(DESTDIR)$(mandir)/man8/vswapctl.8
	$(if $(BPFTRACE_SCRIPTS),install -m 0755 $(BPFTRACE_SCRIPTS) $(DESTDIR)$(datadir)/vswap/bpftrace/)
