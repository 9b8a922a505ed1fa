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
#   make install         install the modules on a real 6.1 host
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

# The configuration symbols an in-tree build would get from Kconfig.
ACRYPTO_CONFIG := CONFIG_CRYPTO_ACRYPTO=m CONFIG_CRYPTO_ACRYPTO_SOFT=m
ACRYPTO_CONFIG += CONFIG_CRYPTO_DEV_VIRTIO_ACRYPTO=m
ACRYPTO_CONFIG += CONFIG_CRYPTO_ACRYPTO_TESTDEV=m
ACRYPTO_CONFIG += CONFIG_CRYPTO_ACRYPTO_SESSION_TEST=m
ACRYPTO_CONFIG += CONFIG_CRYPTO_ACRYPTO_FAULT_TEST=m
ACRYPTO_CONFIG += CONFIG_CRYPTO_ACRYPTO_CALLER_TEST=m
ACRYPTO_CONFIG += CONFIG_CRYPTO_ACRYPTO_LB_RR=m CONFIG_CRYPTO_ACRYPTO_LB_SIZE=m
ACRYPTO_CONFIG += CONFIG_CRYPTO_ACRYPTO_LB_FAILOVER=m CONFIG_CRYPTO_ACRYPTO_LB_ADAPTIVE=m
ACRYPTO_CONFIG += CONFIG_CRYPTO_ACRYPTO_LOADGEN=m

KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) $(ACRYPTO_CONFIG)

.PHONY: all modules modules-clean clean install check demo lint checkpatch bench check-debug

all: modules

modules:
	$(KMAKE) modules

install: modules
	$(KMAKE) modules_install
	depmod -a $(notdir $(patsubst %/build,%,$(KDIR)))

# What the module build left; `clean` also removes the guests' work
# directory (.vm/, images and logs).
modules-clean:
	$(KMAKE) clean

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
