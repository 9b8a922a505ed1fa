// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto: trace events - their definitions (trace.h), and what the events
 * compute only when enabled: how a device was chosen, and the state word
 * each device had when it last changed.
 */

#include <linux/atomic.h>
#include <linux/sched/clock.h>
#include <linux/ktime.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/**
 * acrypto_trace_path() - how @dev came to be chosen for the step of @s
 * @s: a session just placed by the engine's selection
 * @dev: the device chosen
 *
 * The engine asks, in this order, the binding, the key's sole usable
 * device and the balancer, and asks the balancer only when the first two
 * do not apply; the balancer never picks the sole device then.
 *
 * Caller holds rcu_read_lock().
 *
 * Return: enum acrypto_trace_path.
 */
unsigned int acrypto_trace_path(const struct acrypto_session *s,
				const struct acrypto_device *dev)
{
	if (s->bind)
		return ACRYPTO_PATH_BOUND;
	if (acrypto_key_sole(s->key) == dev)
		return ACRYPTO_PATH_SOLE;
	return ACRYPTO_PATH_BALANCER;
}

/**
 * acrypto_trace_balancer() - the balancer that chose @dev for @s
 * @s: a session just placed by the engine's selection
 * @dev: the device chosen
 *
 * Caller holds rcu_read_lock().
 *
 * Return: the current balancer's name, or "-" when no balancer was asked.
 */
const char *acrypto_trace_balancer(const struct acrypto_session *s,
				   const struct acrypto_device *dev)
{
	if (acrypto_trace_path(s, dev) != ACRYPTO_PATH_BALANCER)
		return "-";
	return acrypto_lb_current_name();
}

/**
 * acrypto_trace_latency() - nanoseconds since @start
 * @start: local_clock() when @sync, else ktime_get_ns(); 0 when not taken
 * @sync: the step ran in its submitter's call, on this CPU
 *
 * Return: the time since @start, or 0 when there is no @start.
 */
u64 acrypto_trace_latency(u64 start, bool sync)
{
	if (!start)
		return 0;
	return (sync ? local_clock() : ktime_get_ns()) - start;
}

/*
 * The state word each registered device had at its last change, by device
 * index; NULL before the first.  Read and replaced with xchg(), so each
 * change is reported once whoever sees it.
 */
static const char *acrypto_trace_states[ACRYPTO_MAX_DEVICES];

/**
 * acrypto_trace_device_state() - a device's state may have changed
 * @dev: a registered device
 *
 * Emits acrypto_device_state if its state word is not the one it had last
 * time.  Called where the engine changes the state (and notifies sysfs).
 *
 * Context: any.
 */
void acrypto_trace_device_state(struct acrypto_device *dev)
{
	const char *now = acrypto_device_state_word(READ_ONCE(dev->state));
	const char *old;

	if (WARN_ON_ONCE(dev->index < 0 || dev->index >= ACRYPTO_MAX_DEVICES))
		return;
	old = xchg(&acrypto_trace_states[dev->index], now);
	if (old != now)
		trace_acrypto_device_state(dev, old ?: "none", now);
}

/**
 * acrypto_trace_device_new() - a device just got its index
 * @dev: the device, registering
 *
 * Its previous state is "none", whatever the last device with its index
 * had.
 *
 * Context: process context.
 */
void acrypto_trace_device_new(struct acrypto_device *dev)
{
	if (WARN_ON_ONCE(dev->index < 0 || dev->index >= ACRYPTO_MAX_DEVICES))
		return;
	WRITE_ONCE(acrypto_trace_states[dev->index], NULL);
	acrypto_trace_device_state(dev);
}
