# SPDX-License-Identifier: GPL-2.0
#
# acrypto: out-of-tree build of the modules, tests and demonstration.
#
#   make                 build every module against KDIR
#   make check           run the test suite in a QEMU guest
#   make check-debug     the same in a debug kernel (KASAN, lockdep, kmemleak, ...)
#   make demo            boot a guest and show the engine at work
#   make bench           benchmarks as ratios (Documentation/crypto/benchmarks.rst)
#   make lint            checkpatch --strict, W=1 and sparse (C=2), as TAP
#   make install         install the product on a real 6.1 host: the modules
#                        (not the test modules), then depmod, and
#                        install-tools
#   make install-tools   acryptostat, its man page, the modprobe.d files
#   make product         build the product modules only (dkms.conf's MAKE)
#   make clean
#
# KDIR defaults to the newest installed Debian 6.1 headers; when none are
# installed the set-up step installs linux-headers-amd64.

SHELL := /bin/bash
SETUP := tools/testing/vm/setup-host.sh

NEWEST_KDIR = $(shell ls -d /lib/modules/6.1.*-amd64/build 2>/dev/null | \
		       sort -V | tail -n 1)
KDIR ?= $(NEWEST_KDIR)
ifeq ($(KDIR),)
KDIR := $(shell bash $(SETUP) >&2)$(NEWEST_KDIR)
endif

# The configuration symbols an in-tree build would get from Kconfig.  The
# product is what `make install` and DKMS (dkms.conf) build and install: the
# engine, the soft device, the balancers and the virtio driver.
PRODUCT_CONFIG := CONFIG_CRYPTO_ACRYPTO=m CONFIG_CRYPTO_ACRYPTO_SOFT=m
PRODUCT_CONFIG += CONFIG_CRYPTO_DEV_VIRTIO_ACRYPTO=m
PRODUCT_CONFIG += CONFIG_CRYPTO_ACRYPTO_LB_RR=m CONFIG_CRYPTO_ACRYPTO_LB_SIZE=m
PRODUCT_CONFIG += CONFIG_CRYPTO_ACRYPTO_LB_FAILOVER=m CONFIG_CRYPTO_ACRYPTO_LB_ADAPTIVE=m
# `make` builds the test modules too.
ACRYPTO_CONFIG := $(PRODUCT_CONFIG)
# The test modules (the Kbuild's one rule for them).
ACRYPTO_CONFIG += CONFIG_ACRYPTO_TEST_MODULES=m

KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) $(ACRYPTO_CONFIG)
PMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) $(PRODUCT_CONFIG)
# The release the modules are installed for.  Debian's headers say the
# upstream version (6.1.N) in include/config/kernel.release, which kbuild's
# modules_install would use; their directory says the package's
# (6.1.0-N-amd64), which is where the kernel looks.
KDIR_REL = $(patsubst /lib/modules/%/build,%,$(filter /lib/modules/%/build,$(KDIR:/=)))
KVER ?= $(or $(KDIR_REL),$(shell $(MAKE) -s -C $(KDIR) kernelrelease))

# Where `make install` puts the user-space part.  DESTDIR stages it (a
# package build); INSTALL_MOD_PATH stages the modules (kbuild's own name).
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/acrypto
SYSCONFDIR ?= /etc

.PHONY: all modules product modules-clean clean install install-modules install-tools
.PHONY: check demo lint checkpatch bench check-debug

all: modules

modules:
	+$(KMAKE) modules

# The product modules only.  modules_install installs what modules.order
# lists, which this build rewrites: test modules a previous `make` left in
# the tree are not installed.
product:
	+$(PMAKE) modules

install: install-modules install-tools

# Debian's kernel signs modules with a key its headers do not ship: kbuild's
# attempt would only print errors.  DKMS signs with its own key (MOK).
install-modules: product
	+$(PMAKE) KERNELRELEASE=$(KVER) CONFIG_MODULE_SIG_ALL= modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KVER)

# The status tool, its man page, and the modprobe.d files: acrypto.conf
# (the boot-time options, commented) goes to /etc/modprobe.d unless one is
# there already; acrypto-virtio.conf (virtio_acrypto instead of the
# kernel's virtio_crypto) is opt-in: copied to DATADIR, for the
# administrator to copy to /etc/modprobe.d.
install-tools:
	install -D -m 0755 tools/acrypto/acryptostat $(DESTDIR)$(SBINDIR)/acryptostat
	install -D -m 0644 tools/acrypto/acryptostat.8 $(DESTDIR)$(MANDIR)/man8/acryptostat.8
	install -D -m 0644 etc/modprobe.d/acrypto-virtio.conf \
		$(DESTDIR)$(DATADIR)/acrypto-virtio.conf
	install -D -m 0644 etc/modprobe.d/acrypto.conf \
		$(DESTDIR)$(DATADIR)/acrypto.conf
	[ -e $(DESTDIR)$(SYSCONFDIR)/modprobe.d/acrypto.conf ] || \
		install -D -m 0644 etc/modprobe.d/acrypto.conf \
			$(DESTDIR)$(SYSCONFDIR)/modprobe.d/acrypto.conf

# What the module build left; `clean` also removes the guests' work
# directory (.vm/, images and logs).
modules-clean:
	+$(KMAKE) clean

clean: modules-clean
	rm -rf .vm

check:
	tools/testing/run-tests.sh --kdir "$(KDIR)"

# DEBUG_SUITES="a b": only these suites in the debug kernel (.ci/run's
# selection; Documentation/crypto/debug-kernel.rst).
check-debug:
	tools/testing/debug-kernel/check-debug.sh $(addprefix --suite ,$(DEBUG_SUITES))

bench:
	tools/testing/bench/bench.sh --kdir "$(KDIR)"

demo:
	tools/testing/demo.sh --kdir "$(KDIR)"

lint:
	tools/testing/lint.sh --kdir "$(KDIR)"

checkpatch:
	tools/testing/checkpatch.sh
