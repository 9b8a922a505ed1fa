# SPDX-License-Identifier: GPL-2.0
#
# acrypto-common: the C helper library and vector set shared by every
# selftest suite and by tools/testing/bench/afalg_bench.c.  A suite's
# Makefile includes this after setting OUT and CFLAGS, and links the
# objects into its programs:
#
#   include $(SRC_DIR)/../acrypto-common/common.mk
#
#   $(OUT)/prog: $(SRC_DIR)/prog.c $(COMMON_OBJS) $(COMMON_HEADERS) | $(OUT)
#	$(CC) $(CPPFLAGS) $(COMMON_CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ \
#		$< $(COMMON_OBJS) $(LDLIBS)
#
# The objects are built under $(OUT)/acrypto-common/, so that builds for
# different places share nothing and the source tree stays clean.  This
# directory has no run-host.sh: tools/testing/run-tests.sh does not take it
# for a suite.

COMMON_DIR      := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
COMMON_CPPFLAGS := -I$(COMMON_DIR)
COMMON_SRCS     := $(addprefix $(COMMON_DIR)/,tap.c errno_name.c afalg.c hex.c)
COMMON_HEADERS  := $(wildcard $(COMMON_DIR)/*.h)
COMMON_OBJS     := $(patsubst $(COMMON_DIR)/%.c,$(OUT)/acrypto-common/%.o, \
			      $(COMMON_SRCS))

$(OUT)/acrypto-common/%.o: $(COMMON_DIR)/%.c $(COMMON_HEADERS) \
			   $(COMMON_DIR)/common.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(COMMON_CPPFLAGS) $(CFLAGS) -c -o $@ $<
