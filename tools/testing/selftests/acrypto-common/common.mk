# SPDX-License-Identifier: GPL-2.0
#
# What every acrypto selftest suite's Makefile includes: the kernel's
# kselftest lib.mk (from Debian's linux-source-6.1, extracted by
# tools/testing/linux-source.sh), the compiler flags of the suites, and
# the C helper library of this directory.  A suite names its files the
# kselftest way, then includes this:
#
#   TEST_PROGS              := run.sh        what kselftest's runner runs
#   TEST_PROGS_EXTENDED     := lib-x.sh      scripts run.sh runs or sources
#   TEST_GEN_PROGS_EXTENDED := prog          programs run.sh runs (prog.c)
#   TEST_FILES              := data          other files it needs
#   LDLIBS                  += -lkcapi
#   include ../acrypto-common/common.mk
#
#   $(OUTPUT)/prog: more.c                   more sources of one program
#   $(OUTPUT)/other: ../suite/other.c        a program from another suite
#   	$(LINK_PROG)
#
# lib.mk's targets: all (into OUTPUT, default this directory), install
# (INSTALL_PATH: the programs, the scripts, settings and config, as the
# guest gets them), emit_tests, clean.  Every program is linked with the
# library's objects, built under $(OUTPUT)/acrypto-common/.

COMMON_DIR      := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
KSFT_DIR        ?= $(shell $(COMMON_DIR)/../../linux-source.sh kselftest)
ifeq ($(wildcard $(KSFT_DIR)/lib.mk),)
$(error no kselftest lib.mk (tools/testing/linux-source.sh kselftest))
endif

CFLAGS          += -O2 -Wall -Wextra -Werror -std=gnu11 -I$(COMMON_DIR) \
		   -I$(KSFT_DIR)
COMMON_SRCS     := $(addprefix $(COMMON_DIR)/,tap.c errno_name.c afalg.c hex.c)
COMMON_HEADERS  := $(wildcard $(COMMON_DIR)/*.h)
LOCAL_HDRS      += $(COMMON_HEADERS)

include $(KSFT_DIR)/lib.mk

COMMON_OBJS     := $(patsubst $(COMMON_DIR)/%.c,$(OUTPUT)/acrypto-common/%.o, \
			      $(COMMON_SRCS))
EXTRA_CLEAN     += $(OUTPUT)/acrypto-common

# lib.mk's rule links every prerequisite but the headers.
LINK_PROG        = $(LINK.c) $(filter-out $(LOCAL_HDRS),$^) $(LDLIBS) -o $@

$(TEST_GEN_PROGS) $(TEST_GEN_PROGS_EXTENDED): $(COMMON_OBJS)

$(OUTPUT)/acrypto-common/%.o: $(COMMON_DIR)/%.c $(COMMON_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# kmod's modprobe (busybox's ignores soft dependencies), for a suite that
# lists kmod in TEST_GEN_FILES: kmod acts as modprobe when called by that
# name.
KMOD := $(firstword $(wildcard /usr/bin/kmod /bin/kmod))
$(OUTPUT)/kmod: $(KMOD)
	@[ -n "$(KMOD)" ] || { echo "kmod not found; run setup-host.sh" >&2; exit 1; }
	install -D -m 0755 $(KMOD) $@/kmod
	ln -sf kmod $@/modprobe

.DELETE_ON_ERROR:
