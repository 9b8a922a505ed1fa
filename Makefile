# SPDX-License-Identifier: GPL-2.0
#
# acrypto: out-of-tree build of the modules, tests and demonstration.
#
#   make                 build every module against KDIR
#   make check           run the test suite in a QEMU guest
#   make demo            boot a guest and show the engine at work
#   make lint            checkpatch --strict, sparse (C=2) and W=1
#   make install         install the modules on a real 6.1 host
#   make clean
#
# KDIR defaults to the newest installed Debian 6.1 headers; when none are
# installed the set-up step installs linux-headers-amd64.

SHELL := /bin/bash
SETUP := tools/testing/vm/setup-host.sh

KDIR ?= $(lastword $(sort $(wildcard /lib/modules/6.1.*-amd64/build)))
ifeq ($(KDIR),)
KDIR = $(shell bash $(SETUP) >&2 && \
	 ls -d /lib/modules/6.1.*-amd64/build | sort -V | tail -n1)
endif

# The configuration symbols an in-tree build would get from Kconfig.
ACRYPTO_CONFIG := CONFIG_CRYPTO_ACRYPTO=m CONFIG_CRYPTO_ACRYPTO_SOFT=m

KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) $(ACRYPTO_CONFIG)

.PHONY: all modules clean install check demo lint checkpatch sparse

all: modules

modules:
	$(KMAKE) modules

install: modules
	$(KMAKE) modules_install
	depmod -a $(notdir $(patsubst %/build,%,$(KDIR)))

clean:
	$(KMAKE) clean
	$(MAKE) -C tools/testing/selftests/acrypto clean
	rm -rf .vm

check:
	tools/testing/run-tests.sh --kdir "$(KDIR)"

demo:
	tools/testing/demo.sh --kdir "$(KDIR)"

lint: checkpatch sparse
	$(KMAKE) W=1 clean
	$(KMAKE) W=1 modules 2>&1 | tee .w1.log; ! grep -q 'warning:' .w1.log

checkpatch:
	tools/testing/checkpatch.sh

sparse:
	$(KMAKE) clean
	$(KMAKE) C=2 modules
