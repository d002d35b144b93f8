# loader/dist/dist.mk - make install and make deb, included by the top-level
# Makefile.  docs/service.md says what goes where and why.
#
#   make install [PREFIX=/usr/local] [DESTDIR=]   the command, the boot-time
#       save, the systemd units and generator, /etc/crashcap.conf (never
#       overwritten), the man page crashcap(8), bash completion
#   make deb     build/crashcap_VERSION_amd64.deb: make install into a staged
#       tree under build/deb/root with PREFIX=/usr, then dpkg-deb --build
#
# The payload and the purgatory are built into the command (loader/images.c).
# capture.efi (the payload as a kexec_file_load image, unsigned) is also
# installed as a file, $(LIBEXECDIR)/capture.efi, for users to sign with
# their own key and load with --image (docs/secure-boot.md).  hangcap.efi,
# when built (gnu-efi), goes beside it: `crashcap hangcap install` copies
# it from there to the ESP (docs/hangcap.md).

PREFIX     ?= /usr/local
DESTDIR    ?=
SYSCONFDIR := /etc
SBINDIR    := $(PREFIX)/sbin
LIBEXECDIR := $(PREFIX)/lib/crashcap
UNITDIR    := $(PREFIX)/lib/systemd/system
GENDIR     := $(PREFIX)/lib/systemd/system-generators
MANDIR     := $(PREFIX)/share/man
COMPLDIR   := $(PREFIX)/share/bash-completion/completions
DOCDIR     := $(PREFIX)/share/doc/crashcap

# 0.1.0, plus the commit count and hash when built from git: every commit
# makes a newer Debian version.  -1: Debian revision 1 of that version (the
# changelog is then changelog.Debian.gz; a version without a revision is a
# native package, whose changelog Debian names changelog.gz).
VERSION ?= $(shell n=$$(git rev-list --count HEAD 2>/dev/null) && h=$$(git rev-parse --short=8 HEAD) && \
	echo 0.1.0+$$n.g$$h-1 || echo 0.1.0-1)
DEB      := $(B)/crashcap_$(VERSION)_amd64.deb
# changelog.Debian: one entry, for the commit it was built from, dated by
# that commit (the same tree gives the same file)
DEB_FROM ?= $(shell git rev-parse --short=8 HEAD 2>/dev/null | sed 's/^/commit /' | grep . || echo 'a tree outside git')
DEB_DATE ?= $(shell d=$$(git log -1 --format=%ct 2>/dev/null) || d=$${SOURCE_DATE_EPOCH:-0}; LC_ALL=C date -u -R -d @$$d)
DEB_ROOT := $(B)/deb/root
DIST     := loader/dist

DIST_SED := sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
	-e 's|@VERSION@|$(VERSION)|g' -e 's|@SAVE_DIR@|/var/crash|g'

install: $(B)/crashcap $(B)/capture.efi
	@echo "  INSTALL $(DESTDIR)$(PREFIX) (PREFIX=$(PREFIX))"
	$(Q)install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(GENDIR) \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(COMPLDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)
	$(Q)install -m 0755 $(B)/crashcap $(DESTDIR)$(SBINDIR)/crashcap
	$(Q)install -m 0644 $(B)/capture.efi $(DESTDIR)$(LIBEXECDIR)/capture.efi
	$(Q)if [ -e $(B)/hangcap.efi ]; then install -m 0644 $(B)/hangcap.efi $(DESTDIR)$(LIBEXECDIR)/hangcap.efi; \
		else echo "  SKIP    hangcap.efi (not built: gnu-efi missing)"; fi
	$(Q)$(DIST_SED) $(DIST)/crashcap-save.in >$(DESTDIR)$(LIBEXECDIR)/crashcap-save
	$(Q)chmod 0755 $(DESTDIR)$(LIBEXECDIR)/crashcap-save
	$(Q)$(DIST_SED) $(DIST)/crashcap-generator.in >$(DESTDIR)$(GENDIR)/crashcap-generator
	$(Q)chmod 0755 $(DESTDIR)$(GENDIR)/crashcap-generator
	$(Q)for u in crashcap.service crashcap-save.service; do \
		$(DIST_SED) $(DIST)/$$u.in >$(DESTDIR)$(UNITDIR)/$$u && chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	$(Q)$(DIST_SED) $(DIST)/crashcap.8 | gzip -9n >$(DESTDIR)$(MANDIR)/man8/crashcap.8.gz
	$(Q)chmod 0644 $(DESTDIR)$(MANDIR)/man8/crashcap.8.gz
	$(Q)install -m 0644 $(DIST)/crashcap.bash-completion $(DESTDIR)$(COMPLDIR)/crashcap
	$(Q)install -m 0644 docs/service.md $(DESTDIR)$(DOCDIR)/service.md
	$(Q)if [ -e $(DESTDIR)$(SYSCONFDIR)/crashcap.conf ]; then \
		echo "  KEEP    $(DESTDIR)$(SYSCONFDIR)/crashcap.conf (exists; the new default is in $(DIST)/crashcap.conf)"; \
	else install -m 0644 $(DIST)/crashcap.conf $(DESTDIR)$(SYSCONFDIR)/crashcap.conf; fi

deb: $(B)/crashcap
	$(Q)command -v dpkg-deb >/dev/null || { echo "make deb: no dpkg-deb (package dpkg)"; exit 1; }
	$(Q)rm -rf $(B)/deb
	$(Q)$(MAKE) install PREFIX=/usr DESTDIR=$(abspath $(DEB_ROOT))
	$(Q)strip --strip-unneeded $(DEB_ROOT)/usr/sbin/crashcap
	$(Q)install -m 0644 $(DIST)/debian/copyright $(DEB_ROOT)/usr/share/doc/crashcap/copyright
	$(Q)printf 'crashcap (%s) unstable; urgency=medium\n\n  * Built with make deb from %s.\n\n -- %s  %s\n' \
		'$(VERSION)' "$(DEB_FROM)" "$$(sed -n 's/^Maintainer: //p' $(DIST)/debian/control.in)" "$(DEB_DATE)" | \
		gzip -9n >$(DEB_ROOT)/usr/share/doc/crashcap/changelog.Debian.gz
	$(Q)chmod 0644 $(DEB_ROOT)/usr/share/doc/crashcap/changelog.Debian.gz
	$(Q)install -d -m 0755 $(DEB_ROOT)/DEBIAN
	$(Q)install -m 0755 $(DIST)/debian/postinst $(DIST)/debian/prerm $(DIST)/debian/postrm $(DEB_ROOT)/DEBIAN/
	$(Q)install -m 0644 $(DIST)/debian/conffiles $(DEB_ROOT)/DEBIAN/conffiles
	$(Q)size=$$(du -sk --apparent-size --exclude=DEBIAN $(DEB_ROOT) | cut -f1) && \
		$(DIST_SED) -e "s|@INSTALLED_SIZE@|$$size|" $(DIST)/debian/control.in >$(DEB_ROOT)/DEBIAN/control
	$(Q)cd $(DEB_ROOT) && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' | sed 's|^\./||' | LC_ALL=C sort | \
		xargs md5sum >DEBIAN/md5sums && chmod 0644 DEBIAN/md5sums
	$(Q)dpkg-deb --root-owner-group -Zxz --build $(DEB_ROOT) $(DEB) >/dev/null
	@echo "  DEB     $(DEB) ($$(stat -c %s $(DEB)) bytes)"

.PHONY: install deb
