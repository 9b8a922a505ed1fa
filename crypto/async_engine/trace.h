/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acrypto: trace events of the request life cycle.
 *
 * Ordinary trace events of the system "acrypto": tracefs
 * (/sys/kernel/tracing/events/acrypto/), perf (perf record -e
 * 'acrypto:*') and bpftrace (tracepoint:acrypto:*).  A session is named by
 * its address (the request context it lives in), hashed in text output as
 * every %p is; the events of one request share it.  The life of a request:
 *
 *   acrypto_submit          the crypto API hands a request to the engine
 *   acrypto_select          a device is chosen for a step: the sole-device
 *                           path, a bound device, or the current balancer
 *   acrypto_start           the step goes to the device's ->process() or,
 *                           on the synchronous fast path, ->process_sync()
 *   acrypto_backlog_in/out  the step waits for a full device, and leaves
 *                           its backlog (fed to it, moved, or drained)
 *   acrypto_complete        the device finished the step: result, latency
 *   acrypto_retry           the step leaves a device for another one:
 *                           after a device error, a decline, a refusal, a
 *                           device going out of service, or taken over by a
 *                           device with room (steal)
 *   acrypto_fallback        no usable device: the kernel's own code did it
 *   acrypto_done            the result goes back to the caller
 *
 * and, for devices, acrypto_device_state: the state word of
 * /sys/class/acrypto/<dev>/state changed.  See
 * Documentation/crypto/tracing.rst.
 *
 * Disabled events cost a patched-out jump each; their arguments are only
 * looked at when an event is enabled (TP_fast_assign).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM acrypto

#if !defined(_ACRYPTO_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _ACRYPTO_TRACE_H

#include <linux/jiffies.h>
#include <linux/sched/clock.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>

#include "internal.h"

#ifndef _ACRYPTO_TRACE_TYPES
#define _ACRYPTO_TRACE_TYPES

/* How acrypto_select's device was chosen. */
enum acrypto_trace_path {
	ACRYPTO_PATH_BALANCER,	/* the current balancer's choice */
	ACRYPTO_PATH_SOLE,	/* the only usable device for the key */
	ACRYPTO_PATH_BOUND,	/* acrypto_session_bind() */
};

/* Why acrypto_retry's step left its device. */
enum acrypto_trace_retry {
	ACRYPTO_RETRY_ERROR,	/* a device error (-EIO, -ETIMEDOUT, ...) */
	ACRYPTO_RETRY_DECLINE,	/* the device declined it (-EOPNOTSUPP) */
	ACRYPTO_RETRY_REFUSED,	/* dying, or too much of its transform waits */
	ACRYPTO_RETRY_DRAIN,	/* the device left service or is going away */
	ACRYPTO_RETRY_STEAL,	/* a device with room took it over */
};

/* trace.c APIs: what the events compute when they are enabled */
unsigned int acrypto_trace_path(const struct acrypto_session *s,
				const struct acrypto_device *dev);
const char *acrypto_trace_balancer(const struct acrypto_session *s,
				   const struct acrypto_device *dev);
u64 acrypto_trace_latency(u64 start, bool sync);
void acrypto_trace_device_new(struct acrypto_device *dev);
void acrypto_trace_device_state(struct acrypto_device *dev);

#endif /* _ACRYPTO_TRACE_TYPES */

TRACE_DEFINE_ENUM(ACRYPTO_ALG_AES);
TRACE_DEFINE_ENUM(ACRYPTO_ALG_SHA1);
TRACE_DEFINE_ENUM(ACRYPTO_ALG_SHA256);
TRACE_DEFINE_ENUM(ACRYPTO_MODE_ECB);
TRACE_DEFINE_ENUM(ACRYPTO_MODE_CBC);
TRACE_DEFINE_ENUM(ACRYPTO_MODE_CTR);
TRACE_DEFINE_ENUM(ACRYPTO_MODE_XTS);
TRACE_DEFINE_ENUM(ACRYPTO_MODE_GCM);
TRACE_DEFINE_ENUM(ACRYPTO_MODE_RFC4106);
TRACE_DEFINE_ENUM(ACRYPTO_MODE_HASH);
TRACE_DEFINE_ENUM(ACRYPTO_MODE_HMAC);
TRACE_DEFINE_ENUM(ACRYPTO_OP_ENCRYPT);
TRACE_DEFINE_ENUM(ACRYPTO_OP_DECRYPT);
TRACE_DEFINE_ENUM(ACRYPTO_OP_HASH_UPDATE);
TRACE_DEFINE_ENUM(ACRYPTO_OP_HASH_FINAL);
TRACE_DEFINE_ENUM(ACRYPTO_OP_HASH_DIGEST);
TRACE_DEFINE_ENUM(ACRYPTO_PATH_BALANCER);
TRACE_DEFINE_ENUM(ACRYPTO_PATH_SOLE);
TRACE_DEFINE_ENUM(ACRYPTO_PATH_BOUND);
TRACE_DEFINE_ENUM(ACRYPTO_RETRY_ERROR);
TRACE_DEFINE_ENUM(ACRYPTO_RETRY_DECLINE);
TRACE_DEFINE_ENUM(ACRYPTO_RETRY_REFUSED);
TRACE_DEFINE_ENUM(ACRYPTO_RETRY_DRAIN);
TRACE_DEFINE_ENUM(ACRYPTO_RETRY_STEAL);

#define acrypto_show_alg(alg)						\
	__print_symbolic(alg,						\
			 { ACRYPTO_ALG_AES, "aes" },			\
			 { ACRYPTO_ALG_SHA1, "sha1" },			\
			 { ACRYPTO_ALG_SHA256, "sha256" })

#define acrypto_show_mode(mode)						\
	__print_symbolic(mode,						\
			 { ACRYPTO_MODE_ECB, "ecb" },			\
			 { ACRYPTO_MODE_CBC, "cbc" },			\
			 { ACRYPTO_MODE_CTR, "ctr" },			\
			 { ACRYPTO_MODE_XTS, "xts" },			\
			 { ACRYPTO_MODE_GCM, "gcm" },			\
			 { ACRYPTO_MODE_RFC4106, "rfc4106" },		\
			 { ACRYPTO_MODE_HASH, "hash" },			\
			 { ACRYPTO_MODE_HMAC, "hmac" })

#define acrypto_show_op(op)						\
	__print_symbolic(op,						\
			 { ACRYPTO_OP_ENCRYPT, "encrypt" },		\
			 { ACRYPTO_OP_DECRYPT, "decrypt" },		\
			 { ACRYPTO_OP_HASH_UPDATE, "update" },		\
			 { ACRYPTO_OP_HASH_FINAL, "final" },		\
			 { ACRYPTO_OP_HASH_DIGEST, "digest" })

#define acrypto_show_path(path)						\
	__print_symbolic(path,						\
			 { ACRYPTO_PATH_BALANCER, "balancer" },		\
			 { ACRYPTO_PATH_SOLE, "sole" },			\
			 { ACRYPTO_PATH_BOUND, "bound" })

#define acrypto_show_reason(reason)					\
	__print_symbolic(reason,					\
			 { ACRYPTO_RETRY_ERROR, "error" },		\
			 { ACRYPTO_RETRY_DECLINE, "decline" },		\
			 { ACRYPTO_RETRY_REFUSED, "refused" },		\
			 { ACRYPTO_RETRY_DRAIN, "drain" },		\
			 { ACRYPTO_RETRY_STEAL, "steal" })

/* The step of @s as the events show it: its position and what it does. */
#define ACRYPTO_TRACE_STEP_ASSIGN(s)					\
	do {								\
		const struct acrypto_session *_s = (s);			\
		const struct acrypto_hop *_hop = acrypto_session_hop(_s);	\
									\
		__entry->session = _s;					\
		__entry->step = _s->route.pos;				\
		__entry->op = _hop->op;					\
		__entry->alg = _hop->alg;				\
		__entry->mode = _hop->mode;				\
		__entry->len = _s->len + _s->assoclen;			\
	} while (0)

/* The format of those fields, followed by the event's own. */
#define ACRYPTO_TRACE_STEP_FMT	"session=%p step=%u %s-%s %s len=%u "

/* acrypto_session_submit(): a request enters the engine. */
TRACE_EVENT(acrypto_submit,
	    TP_PROTO(const struct acrypto_session *s),
	    TP_ARGS(s),
	    TP_STRUCT__entry(__field(const void *, session)
			     __field(u8, step)
			     __field(u8, op)
			     __field(u8, alg)
			     __field(u8, mode)
			     __field(u32, len)
			     __field(u8, steps)
			     __field(u8, prio)
			     __field(u32, flags)),
	    TP_fast_assign(ACRYPTO_TRACE_STEP_ASSIGN(s);
			   __entry->steps = s->route.len;
			   __entry->prio = s->priority;
			   __entry->flags = s->req_flags;),
	    TP_printk(ACRYPTO_TRACE_STEP_FMT "steps=%u prio=%u flags=0x%x",
		      __entry->session,
		      __entry->step, acrypto_show_mode(__entry->mode),
		      acrypto_show_alg(__entry->alg),
		      acrypto_show_op(__entry->op), __entry->len,
		      __entry->steps, __entry->prio, __entry->flags)
);

/* A device is chosen for the current step of @s. */
TRACE_EVENT(acrypto_select,
	    TP_PROTO(const struct acrypto_session *s,
		     const struct acrypto_device *dev),
	    TP_ARGS(s, dev),
	    TP_STRUCT__entry(__field(const void *, session)
			     __field(u8, step)
			     __field(u8, op)
			     __field(u8, alg)
			     __field(u8, mode)
			     __field(u32, len)
			     __string(dev, dev->name)
			     __field(u8, path)
			     __string(balancer, acrypto_trace_balancer(s, dev))),
	    TP_fast_assign(ACRYPTO_TRACE_STEP_ASSIGN(s);
			   __assign_str(dev, dev->name);
			   __entry->path = acrypto_trace_path(s, dev);
			   __assign_str(balancer, acrypto_trace_balancer(s, dev));),
	    TP_printk(ACRYPTO_TRACE_STEP_FMT "dev=%s path=%s balancer=%s",
		      __entry->session,
		      __entry->step, acrypto_show_mode(__entry->mode),
		      acrypto_show_alg(__entry->alg),
		      acrypto_show_op(__entry->op), __entry->len,
		      __get_str(dev), acrypto_show_path(__entry->path),
		      __get_str(balancer))
);

/*
 * The step goes to @dev: ->process(), or ->process_sync() when @sync.  A
 * device that is full (-ENOSPC) is followed by acrypto_backlog_in.
 */
TRACE_EVENT(acrypto_start,
	    TP_PROTO(const struct acrypto_session *s,
		     const struct acrypto_device *dev, bool sync),
	    TP_ARGS(s, dev, sync),
	    TP_STRUCT__entry(__field(const void *, session)
			     __field(u8, step)
			     __field(u8, op)
			     __field(u8, alg)
			     __field(u8, mode)
			     __field(u32, len)
			     __string(dev, dev->name)
			     __field(bool, sync)),
	    TP_fast_assign(ACRYPTO_TRACE_STEP_ASSIGN(s);
			   __assign_str(dev, dev->name);
			   __entry->sync = sync;),
	    TP_printk(ACRYPTO_TRACE_STEP_FMT "dev=%s%s",
		      __entry->session,
		      __entry->step, acrypto_show_mode(__entry->mode),
		      acrypto_show_alg(__entry->alg),
		      acrypto_show_op(__entry->op), __entry->len,
		      __get_str(dev), __entry->sync ? " sync" : "")
);

/*
 * @dev finished the current step of @s with @err.  @start is when it got
 * the step, if the engine timed it (a cost sample, a balancer that
 * measures): local_clock() for a synchronous step, ktime_get_ns()
 * otherwise; 0 when not timed, and latency_ns is then 0.
 */
TRACE_EVENT(acrypto_complete,
	    TP_PROTO(const struct acrypto_session *s,
		     const struct acrypto_device *dev, int err, u64 start,
		     bool sync),
	    TP_ARGS(s, dev, err, start, sync),
	    TP_STRUCT__entry(__field(const void *, session)
			     __field(u8, step)
			     __field(u8, op)
			     __field(u8, alg)
			     __field(u8, mode)
			     __field(u32, len)
			     __string(dev, dev->name)
			     __field(int, err)
			     __field(u64, latency_ns)),
	    TP_fast_assign(ACRYPTO_TRACE_STEP_ASSIGN(s);
			   __assign_str(dev, dev->name);
			   __entry->err = err;
			   __entry->latency_ns = acrypto_trace_latency(start, sync);),
	    TP_printk(ACRYPTO_TRACE_STEP_FMT "dev=%s err=%d latency_ns=%llu",
		      __entry->session,
		      __entry->step, acrypto_show_mode(__entry->mode),
		      acrypto_show_alg(__entry->alg),
		      acrypto_show_op(__entry->op), __entry->len,
		      __get_str(dev), __entry->err, __entry->latency_ns)
);

/*
 * The current step of @s leaves @from for another device: @to when known
 * (a steal), else the balancer's next choice (the next acrypto_select of
 * the session).
 */
TRACE_EVENT(acrypto_retry,
	    TP_PROTO(const struct acrypto_session *s,
		     const struct acrypto_device *from,
		     const struct acrypto_device *to, unsigned int reason,
		     int err),
	    TP_ARGS(s, from, to, reason, err),
	    TP_STRUCT__entry(__field(const void *, session)
			     __field(u8, step)
			     __field(u8, op)
			     __field(u8, alg)
			     __field(u8, mode)
			     __field(u32, len)
			     __string(from, from->name)
			     __string(to, to ? to->name : "-")
			     __field(u8, reason)
			     __field(u8, retries)
			     __field(int, err)),
	    TP_fast_assign(ACRYPTO_TRACE_STEP_ASSIGN(s);
			   __assign_str(from, from->name);
			   __assign_str(to, to ? to->name : "-");
			   __entry->reason = reason;
			   __entry->retries = s->retries;
			   __entry->err = err;),
	    TP_printk(ACRYPTO_TRACE_STEP_FMT "from=%s to=%s reason=%s err=%d retries=%u",
		      __entry->session,
		      __entry->step, acrypto_show_mode(__entry->mode),
		      acrypto_show_alg(__entry->alg),
		      acrypto_show_op(__entry->op), __entry->len,
		      __get_str(from), __get_str(to),
		      acrypto_show_reason(__entry->reason), __entry->err,
		      __entry->retries)
);

/* @s waits on the backlog of the full device @dev. */
TRACE_EVENT(acrypto_backlog_in,
	    TP_PROTO(const struct acrypto_device *dev,
		     const struct acrypto_session *s),
	    TP_ARGS(dev, s),
	    TP_STRUCT__entry(__field(const void *, session)
			     __field(u8, step)
			     __field(u8, op)
			     __field(u8, alg)
			     __field(u8, mode)
			     __field(u32, len)
			     __string(dev, dev->name)
			     __field(u8, prio)
			     __field(unsigned int, backlog)),
	    TP_fast_assign(ACRYPTO_TRACE_STEP_ASSIGN(s);
			   __assign_str(dev, dev->name);
			   __entry->prio = s->priority;
			   __entry->backlog = dev->backlog_len;),
	    TP_printk(ACRYPTO_TRACE_STEP_FMT "dev=%s prio=%u backlog=%u",
		      __entry->session,
		      __entry->step, acrypto_show_mode(__entry->mode),
		      acrypto_show_alg(__entry->alg),
		      acrypto_show_op(__entry->op), __entry->len,
		      __get_str(dev), __entry->prio, __entry->backlog)
);

/* @s leaves @dev's backlog after waiting waited_us (in jiffies). */
TRACE_EVENT(acrypto_backlog_out,
	    TP_PROTO(const struct acrypto_device *dev,
		     const struct acrypto_session *s),
	    TP_ARGS(dev, s),
	    TP_STRUCT__entry(__field(const void *, session)
			     __field(u8, step)
			     __field(u8, op)
			     __field(u8, alg)
			     __field(u8, mode)
			     __field(u32, len)
			     __string(dev, dev->name)
			     __field(u8, prio)
			     __field(unsigned int, backlog)
			     __field(unsigned int, waited_us)),
	    TP_fast_assign(ACRYPTO_TRACE_STEP_ASSIGN(s);
			   __assign_str(dev, dev->name);
			   __entry->prio = s->priority;
			   __entry->backlog = dev->backlog_len;
			   __entry->waited_us = jiffies_to_usecs(jiffies - s->queued);),
	    TP_printk(ACRYPTO_TRACE_STEP_FMT "dev=%s prio=%u backlog=%u waited_us=%u",
		      __entry->session,
		      __entry->step, acrypto_show_mode(__entry->mode),
		      acrypto_show_alg(__entry->alg),
		      acrypto_show_op(__entry->op), __entry->len,
		      __get_str(dev), __entry->prio, __entry->backlog,
		      __entry->waited_us)
);

/* No usable device: the kernel's own implementation @driver did the step. */
TRACE_EVENT(acrypto_fallback,
	    TP_PROTO(const struct acrypto_session *s, const char *driver,
		     int err),
	    TP_ARGS(s, driver, err),
	    TP_STRUCT__entry(__field(const void *, session)
			     __field(u8, step)
			     __field(u8, op)
			     __field(u8, alg)
			     __field(u8, mode)
			     __field(u32, len)
			     __string(driver, driver)
			     __field(int, err)),
	    TP_fast_assign(ACRYPTO_TRACE_STEP_ASSIGN(s);
			   __assign_str(driver, driver);
			   __entry->err = err;),
	    TP_printk(ACRYPTO_TRACE_STEP_FMT "driver=%s err=%d",
		      __entry->session,
		      __entry->step, acrypto_show_mode(__entry->mode),
		      acrypto_show_alg(__entry->alg),
		      acrypto_show_op(__entry->op), __entry->len,
		      __get_str(driver), __entry->err)
);

/* The result @err of @s goes back to its caller. */
TRACE_EVENT(acrypto_done,
	    TP_PROTO(const struct acrypto_session *s, int err),
	    TP_ARGS(s, err),
	    TP_STRUCT__entry(__field(const void *, session)
			     __field(int, err)),
	    TP_fast_assign(__entry->session = s;
			   __entry->err = err;),
	    TP_printk("session=%p err=%d", __entry->session, __entry->err)
);

/* The state word of @dev (its sysfs "state") went from @old to @new. */
TRACE_EVENT(acrypto_device_state,
	    TP_PROTO(const struct acrypto_device *dev, const char *old,
		     const char *new),
	    TP_ARGS(dev, old, new),
	    TP_STRUCT__entry(__string(dev, dev->name)
			     __string(old, old)
			     __string(new, new)
			     __field(unsigned long, state)),
	    TP_fast_assign(__assign_str(dev, dev->name);
			   __assign_str(old, old);
			   __assign_str(new, new);
			   __entry->state = READ_ONCE(dev->state);),
	    TP_printk("dev=%s old=%s new=%s state=0x%lx", __get_str(dev),
		      __get_str(old), __get_str(new), __entry->state)
);

#endif /* _ACRYPTO_TRACE_H */

/* Out of tree: define_trace.h finds this file through -I$(src). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
