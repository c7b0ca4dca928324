# `make install`: vswapctl, the shipped policy objects, the systemd unit and
# its configuration, the bpftrace scripts and the man page. DESTDIR-aware;
# PREFIX /usr/local by default (a distribution package: PREFIX=/usr).
# Included by the top-level Makefile. The names are upper case on purpose:
# a variable on make's command line reaches every sub-make, and the
# kernel's own build has a "prefix" of its own.

PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
LIBDIR     ?= $(PREFIX)/lib
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
UNITDIR    ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)

SHIPPED_POLICIES := $(BB)/vswap_default.bpf.o $(BB)/vswap_direct.bpf.o $(BB)/vswap_tiered.bpf.o
BPFTRACE_SCRIPTS := $(wildcard tools/bpftrace/*.bt)
MAN8             := $(B)/man/vswapctl.8

.PHONY: install man

man: $(MAN8)

$(MAN8): Documentation/vswapctl.rst
	@mkdir -p $(dir $@)
	@echo "  MAN     $@"
	@rst2man --exit-status=warning $< > $@.tmp && mv -f $@.tmp $@

# What `make tools` built; install builds nothing else (under sudo, a
# kernel build would leave root-owned files in build/)
install: man
	@for f in $(VSWAPCTL) $(SHIPPED_POLICIES); do [ -e $$f ] || \
		{ echo "install: $$f is missing: run 'make tools' first" >&2; exit 1; }; done
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBDIR)/vswap $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSCONFDIR)/vswap $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DATADIR)/vswap/bpftrace
	install -m 0755 $(VSWAPCTL) $(DESTDIR)$(SBINDIR)/vswapctl
	install -m 0644 $(SHIPPED_POLICIES) $(DESTDIR)$(LIBDIR)/vswap/
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		tools/systemd/vswap-policy.service.in > $(DESTDIR)$(UNITDIR)/vswap-policy.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/vswap-policy.service
	@# An existing configuration is the administrator's: keep it
	[ -e $(DESTDIR)$(SYSCONFDIR)/vswap/policy.conf ] || \
		install -m 0644 tools/systemd/policy.conf $(DESTDIR)$(SYSCONFDIR)/vswap/policy.conf
	install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/vswapctl.8
	$(if $(BPFTRACE_SCRIPTS),install -m 0755 $(BPFTRACE_SCRIPTS) $(DESTDIR)$(DATADIR)/vswap/bpftrace/)
