// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_loadgen: a sampling profiler of the generator's CPUs.
 *
 * The guest kernel has no perf here, so the loader samples itself, the way
 * perf's cpu-clock event does: a pinned hard hrtimer on each generator CPU
 * fires every `profile_us`, takes the interrupted registers from
 * get_irq_regs() and the call chain from the ORC unwinder
 * (stack_trace_save() walks from the timer interrupt through the interrupt
 * frame into the interrupted context, which it reports as regs->ip; the
 * entries from there on are the interrupted chain).  Samples go into a
 * buffer allocated before the run; the timer allocates nothing.
 *
 * The same sampler profiles a user-space benchmark (afalg_bench through
 * AF_ALG) with a sampling run (lg_sample_run()): it samples one CPU for a
 * while, counts the samples of tasks of a given name as the benchmark's,
 * and tags each sample with the variant the benchmark last wrote to
 * /sys/kernel/debug/acrypto_loadgen/variant.
 *
 * Reading /sys/kernel/debug/acrypto_loadgen/profile aggregates the samples
 * of the last run by function: self (the interrupted function) and
 * inclusive (the function anywhere in the chain, once per sample) counts.
 * Under QEMU TCG an interrupt is taken at translation-block boundaries, so
 * a sample lands at the start of a block rather than on the exact
 * instruction: attribution by function is sound, by instruction it is not.
 */

#include <asm/irq_regs.h>
#include <linux/hardirq.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/delay.h>
#include <linux/math64.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "loadgen.h"

/* Frames from the timer callback up to the interrupt entry, and more. */
#define LG_PROF_STACK	64

static const char *const lg_ctx_names[__LG_CTX_MAX] = {
	[LG_CTX_THREAD] = "generator thread",
	[LG_CTX_SOFTIRQ] = "softirq",
	[LG_CTX_IDLE] = "idle (waiting)",
	[LG_CTX_OTHER] = "other task",
	[LG_CTX_USER] = "user space",
};

/*
 * The variant a user-space benchmark says it runs (external samplers);
 * LG_NO_VARIANT before it starts and after it ends: not sampled.
 */
static u8 lg_ext_variant = LG_NO_VARIANT;

/**
 * lg_prof_set_variant() - the variant a user-space benchmark runs now
 * @v: its index, or LG_NO_VARIANT
 *
 * Context: any; read by the timers of sampling runs.
 */
void lg_prof_set_variant(unsigned int v)
{
	WRITE_ONCE(lg_ext_variant, v);
}

/* Is the interrupted task the one profiled? */
static bool lg_prof_mine(const struct lg_prof *prof)
{
	if (prof->task)
		return current == prof->task;
	return prof->comm[0] && !strncmp(current->comm, prof->comm,
					 TASK_COMM_LEN);
}

static enum hrtimer_restart lg_prof_tick(struct hrtimer *timer)
{
	struct lg_prof *prof = container_of(timer, struct lg_prof, timer);
	struct pt_regs *regs = get_irq_regs();
	unsigned long entries[LG_PROF_STACK];
	struct lg_sample *sample;
	unsigned int n, i, j;
	u8 variant;

	hrtimer_forward_now(timer, prof->period);
	variant = prof->external ? READ_ONCE(lg_ext_variant) :
				   READ_ONCE(prof->variant);
	if (variant == LG_NO_VARIANT)
		return HRTIMER_RESTART;
	if (!regs || prof->n >= prof->max) {
		prof->dropped++;
		return HRTIMER_RESTART;
	}

	sample = &prof->samples[prof->n++];
	sample->variant = variant;
	if (user_mode(regs)) {
		/* Counted, with no call chain: user space is not ours. */
		sample->ctx = LG_CTX_USER;
		sample->n = 0;
		return HRTIMER_RESTART;
	}
	/*
	 * preempt_count keeps the softirq bits of the interrupted context;
	 * a section with BH disabled is not softirq work.
	 */
	if (in_serving_softirq())
		sample->ctx = LG_CTX_SOFTIRQ;
	else if (lg_prof_mine(prof))
		sample->ctx = LG_CTX_THREAD;
	else if (is_idle_task(current))
		sample->ctx = LG_CTX_IDLE;
	else
		sample->ctx = LG_CTX_OTHER;

	n = stack_trace_save(entries, ARRAY_SIZE(entries), 0);
	for (i = 0; i < n && entries[i] != instruction_pointer(regs); i++)
		;
	if (i == n) {
		/* The unwinder did not reach the interrupted frame. */
		sample->ip[0] = instruction_pointer(regs);
		sample->n = 1;
		return HRTIMER_RESTART;
	}
	for (j = 0; i < n && j < LG_PROF_DEPTH; i++, j++)
		sample->ip[j] = entries[i];
	sample->n = j;
	return HRTIMER_RESTART;
}

/**
 * lg_prof_init() - allocate a sampler for one thread's CPU
 * @prof: the sampler, zeroed
 * @task: the thread (may be set later, before the run)
 * @period_us: sampling period
 * @ms: run time, for the buffer size
 *
 * Context: process context, may sleep.
 *
 * Return: 0 or -ENOMEM.
 */
int lg_prof_init(struct lg_prof *prof, struct task_struct *task,
		 unsigned int period_us, unsigned int ms)
{
	/* The run, the drain at its end, and slack for a slow drain. */
	prof->max = (u64)ms * 1000 / period_us + 1024;
	prof->samples = vmalloc_array(prof->max, sizeof(*prof->samples));
	if (!prof->samples)
		return -ENOMEM;
	prof->task = task;
	prof->period = ns_to_ktime((u64)period_us * NSEC_PER_USEC);
	hrtimer_init(&prof->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	prof->timer.function = lg_prof_tick;
	return 0;
}

/* Start sampling this CPU; called by the thread on its own CPU. */
void lg_prof_start(struct lg_prof *prof)
{
	hrtimer_start(&prof->timer, prof->period, HRTIMER_MODE_REL_PINNED_HARD);
}

void lg_prof_stop(struct lg_prof *prof)
{
	hrtimer_cancel(&prof->timer);
}

void lg_prof_free(struct lg_prof *prof)
{
	vfree(prof->samples);
	prof->samples = NULL;
}

/* Aggregation, on read: functions by start address. */
struct lg_func {
	unsigned long start;
	unsigned int self;
	unsigned int incl;
	unsigned int owned;
	unsigned int last;	/* sample that last counted it inclusively */
	bool owner;		/* may own samples, see lg_func_is_owner() */
};

struct lg_addr {
	unsigned long addr;
	unsigned int func;	/* index + 1 into the function table */
};

#define LG_FUNCS	4096	/* powers of two */
#define LG_ADDRS	16384

struct lg_agg {
	struct lg_func funcs[LG_FUNCS];
	struct lg_addr addrs[LG_ADDRS];
	unsigned int nfuncs;
	unsigned int order[LG_FUNCS];
	char sym[KSYM_SYMBOL_LEN];
};

/*
 * Whether samples in helpers it calls are charged to this function in the
 * "by owner" table: functions of modules (the engine, its devices, AES-NI,
 * the SIMD wrapper, this generator) and the crypto API's skcipher entry
 * points and walker.  Kernel helpers (locks, list checks, BH and RCU,
 * retpoline thunks) are not: they are charged to their caller.
 */
static bool lg_func_is_owner(const char *sym)
{
	return strchr(sym, '[') || !strncmp(sym, "crypto_skcipher_", 16) ||
	       !strncmp(sym, "skcipher_walk", 13);
}

/* Index + 1 of the function holding @start, inserted if new; 0 if full. */
static unsigned int lg_agg_func(struct lg_agg *a, unsigned long start)
{
	unsigned int h = hash_long(start, 12), i;

	for (i = 0; i < LG_FUNCS; i++, h = (h + 1) & (LG_FUNCS - 1)) {
		struct lg_func *f = &a->funcs[h];

		if (f->start == start)
			return h + 1;
		if (!f->start) {
			f->start = start;
			f->owner = lg_func_is_owner(a->sym);
			a->order[a->nfuncs++] = h;
			return h + 1;
		}
	}
	return 0;
}

/*
 * The function @addr is in.  @ret: @addr is a return address, which may sit
 * just past the end of its caller (a call that does not return).
 */
static struct lg_func *lg_agg_lookup(struct lg_agg *a, unsigned long addr,
				     bool ret)
{
	unsigned long key = addr - ret, start = key, off;
	unsigned int h = hash_long(key, 14), i;
	char *plus;

	for (i = 0; i < LG_ADDRS; i++, h = (h + 1) & (LG_ADDRS - 1)) {
		struct lg_addr *e = &a->addrs[h];

		if (e->addr == key)
			return e->func ? &a->funcs[e->func - 1] : NULL;
		if (e->addr)
			continue;

		/* "name+0xoff/0xsize [module]" */
		sprint_symbol(a->sym, key);
		plus = strrchr(a->sym, '+');
		if (plus && sscanf(plus, "+%lx", &off) == 1 && off <= key)
			start = key - off;
		e->addr = key;
		e->func = lg_agg_func(a, start);
		return e->func ? &a->funcs[e->func - 1] : NULL;
	}
	return NULL;
}

static int lg_cmp_incl(const void *x, const void *y, const void *priv)
{
	const struct lg_agg *a = priv;
	const struct lg_func *f = &a->funcs[*(const unsigned int *)x];
	const struct lg_func *g = &a->funcs[*(const unsigned int *)y];

	return g->incl - f->incl ?: g->self - f->self;
}

static int lg_cmp_owned(const void *x, const void *y, const void *priv)
{
	const struct lg_agg *a = priv;
	const struct lg_func *f = &a->funcs[*(const unsigned int *)x];
	const struct lg_func *g = &a->funcs[*(const unsigned int *)y];

	return g->owned - f->owned ?: g->incl - f->incl;
}

static int lg_cmp_self(const void *x, const void *y, const void *priv)
{
	const struct lg_agg *a = priv;
	const struct lg_func *f = &a->funcs[*(const unsigned int *)x];
	const struct lg_func *g = &a->funcs[*(const unsigned int *)y];

	return g->self - f->self ?: g->incl - f->incl;
}

/* sort() has no context argument in 6.1: sort the indexes by hand. */
static void lg_agg_sort(struct lg_agg *a,
			int (*cmp)(const void *, const void *, const void *))
{
	unsigned int i, j, v;

	/* Insertion sort: a few hundred functions, on a debugfs read. */
	for (i = 1; i < a->nfuncs; i++) {
		v = a->order[i];
		for (j = i; j && cmp(&a->order[j - 1], &v, a) > 0; j--)
			a->order[j] = a->order[j - 1];
		a->order[j] = v;
	}
}

#define LG_PROF_TOP	40

/* @x as a percentage of @total, with one decimal, then the count. */
static void lg_seq_pct(struct seq_file *m, unsigned int x, unsigned int total)
{
	seq_printf(m, " %5u.%u %7u", x * 100 / total, x * 1000 / total % 10, x);
}

/*
 * @ns_op: nanoseconds of the run per request, to turn owned samples into
 * time per request (0: not shown).
 */
static void lg_agg_print(struct seq_file *m, struct lg_agg *a,
			 unsigned int total, u64 ns_op, const char *title)
{
	unsigned int i, shown = 0;

	seq_printf(m, "# %s\n# %7s %7s %7s %7s %7s %7s %7s  function\n", title,
		   "self%", "self", "incl%", "incl", "owned%", "owned",
		   "ns/op");
	for (i = 0; i < a->nfuncs && shown < LG_PROF_TOP; i++) {
		const struct lg_func *f = &a->funcs[a->order[i]];

		if (!f->self && !f->incl)
			continue;
		shown++;
		sprint_symbol_no_offset(a->sym, f->start);
		seq_putc(m, ' ');
		lg_seq_pct(m, f->self, total);
		lg_seq_pct(m, f->incl, total);
		lg_seq_pct(m, f->owned, total);
		seq_printf(m, " %7llu  %s\n", div_u64(ns_op * f->owned, total),
			   a->sym);
	}
}

/* The name of variant @v of a sampling run: the @v-th of names=a+b+c. */
static const char *lg_sample_name(const struct lg_run *run, unsigned int v,
				  char *buf, size_t len)
{
	const char *p = run->names, *end;
	unsigned int i;

	for (i = 0; i < v && p; i++) {
		p = strchr(p, '+');
		if (p)
			p++;
	}
	if (!p || !*p) {
		snprintf(buf, len, "%s/v%u", run->driver[0], v);
		return buf;
	}
	end = strchrnul(p, '+');
	snprintf(buf, len, "%.*s", (int)(end - p), p);
	return buf;
}

/* The profile of variant @v of @run. */
static void lg_prof_show_variant(struct seq_file *m, struct lg_run *run,
				 unsigned int v)
{
	unsigned int ctx[__LG_CTX_MAX] = { 0 };
	unsigned int i, k, total = 0, dropped = 0, id = 0;
	u64 ops = 0, ns = 0, ns_op = 0;
	char name[CRYPTO_MAX_ALG_NAME];
	struct lg_agg *a;

	a = vzalloc(sizeof(*a));
	if (!a)
		return;

	for (i = 0; i < run->p.threads; i++) {
		const struct lg_prof *prof = &run->threads[i].prof;

		dropped += prof->dropped;
		ops += run->threads[i].cnt[v].ops;
		ns += run->threads[i].cnt[v].ns;
		for (k = 0; k < prof->n; k++) {
			const struct lg_sample *s = &prof->samples[k];
			struct lg_func *f, *owner = NULL;
			unsigned int j;

			if (s->variant != v)
				continue;
			total++;
			id++;
			ctx[s->ctx]++;
			for (j = 0; j < s->n; j++) {
				f = lg_agg_lookup(a, s->ip[j], j > 0);
				if (!f)
					continue;
				if (!j)
					f->self++;
				if (f->last != id) {
					f->last = id;
					f->incl++;
				}
				if (!owner && f->owner)
					owner = f;
			}
			if (owner)
				owner->owned++;
		}
	}
	/* A sampled CPU: its time in the variant's slices, every context. */
	if (run->sampler)
		ns = (u64)total * run->p.profile_us * NSEC_PER_USEC;
	/* CPU time of the threads per request: sampled time per request. */
	if (ops)
		ns_op = div64_u64(ns, ops);

	if (run->sampler)
		seq_printf(m, "# profile: %s size=%u depth=%u threads=%u, every %u us: %u samples, %u dropped, %llu ns per request per thread\n",
			   lg_sample_name(run, v, name, sizeof(name)),
			   run->p.size, run->p.depth, 1, run->p.profile_us,
			   total, dropped, ns_op);
	else
		seq_printf(m, "# profile: %s size=%u depth=%u threads=%u, every %u us: %u samples, %u dropped, %llu ns per request per thread\n",
			   run->sets.ndev ? run->p.set[v] :
			   run->p.base[0] ? run->driver[v] : run->driver[0],
			   run->p.size, run->p.depth,
			   run->p.scale && !v ? 1 : run->p.threads,
			   run->p.profile_us, total, dropped, ns_op);
	if (!total)
		goto out;
	for (i = 0; i < __LG_CTX_MAX; i++) {
		seq_printf(m, "# context %-17s", lg_ctx_names[i]);
		lg_seq_pct(m, ctx[i], total);
		seq_putc(m, '\n');
	}

	seq_puts(m, "# self: samples in the function itself; incl: in it or what it calls; owned: in it or the kernel helpers it calls (locks, list checks, BH, RCU, thunks), see lg_func_is_owner(); ns/op: owned share of the time per request\n");
	lg_agg_sort(a, lg_cmp_owned);
	lg_agg_print(m, a, total, ns_op, "by owned samples");
	lg_agg_sort(a, lg_cmp_incl);
	lg_agg_print(m, a, total, ns_op, "by inclusive samples");
	lg_agg_sort(a, lg_cmp_self);
	lg_agg_print(m, a, total, ns_op, "by self samples");
out:
	vfree(a);
}

/**
 * lg_prof_show() - the profile of a run, by function
 * @m: the seq_file of the profile file
 * @run: the last run
 *
 * With two variants (base= or scale=1), one profile per variant, each
 * from the samples taken while the threads ran it: interleaved in time,
 * they saw the same host.
 */
void lg_prof_show(struct seq_file *m, struct lg_run *run)
{
	unsigned int v;

	if (!run->p.profile_us) {
		seq_puts(m, "# no profile: run with profile_us=N\n");
		return;
	}
	for (v = 0; v < run->nvariants; v++)
		lg_prof_show_variant(m, run, v);
}

/*
 * Sampling runs: the profile of a user-space benchmark.  A write of
 * "cpu=N profile_us=U ms=M comm=NAME size=S variants=V names=a+b+c" to
 * /sys/kernel/debug/acrypto_loadgen/sample samples CPU N every U
 * microseconds for M milliseconds; samples of tasks named NAME are the
 * benchmark's.  The benchmark says which variant it runs by writing its
 * index to .../variant; afterwards a write of "ops=a,b,c" there gives the
 * requests of each variant, for the time per request.
 */

static void lg_sample_start_on_cpu(void *arg)
{
	lg_prof_start(arg);
}

/**
 * lg_sample_create() - parse a sampling command and allocate its run
 * @buf: the command, modified
 *
 * Context: process context, may sleep.
 *
 * Return: the run, or an ERR_PTR(): -EINVAL, -ENOMEM.
 */
struct lg_run *lg_sample_create(char *buf)
{
	unsigned int cpu = 0, us = 250, ms = 1000, size = 0, nv = 1;
	char comm[TASK_COMM_LEN] = "", names[3 * CRYPTO_MAX_ALG_NAME] = "";
	struct lg_run *run;
	char *word, *val;
	int err = 0;

	while ((word = strsep(&buf, " \t\n")) && !err) {
		if (!*word)
			continue;
		val = strchr(word, '=');
		if (!val)
			return ERR_PTR(-EINVAL);
		*val++ = '\0';
		if (!strcmp(word, "cpu"))
			err = kstrtouint(val, 0, &cpu);
		else if (!strcmp(word, "profile_us"))
			err = kstrtouint(val, 0, &us);
		else if (!strcmp(word, "ms"))
			err = kstrtouint(val, 0, &ms);
		else if (!strcmp(word, "size"))
			err = kstrtouint(val, 0, &size);
		else if (!strcmp(word, "variants"))
			err = kstrtouint(val, 0, &nv);
		else if (!strcmp(word, "comm"))
			err = strscpy(comm, val, sizeof(comm)) < 0 ? -EINVAL : 0;
		else if (!strcmp(word, "names"))
			err = strscpy(names, val, sizeof(names)) < 0 ? -EINVAL : 0;
		else
			err = -EINVAL;
	}
	if (err)
		return ERR_PTR(err);
	if (!comm[0] || us < 50 || !ms || ms > LG_MAX_MS || !nv ||
	    nv > LG_MAX_VARIANTS || cpu >= nr_cpu_ids || !cpu_online(cpu))
		return ERR_PTR(-EINVAL);

	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return ERR_PTR(-ENOMEM);
	run->sampler = true;
	run->nvariants = nv;
	run->p.threads = 1;
	run->p.depth = 1;
	run->p.size = size;
	run->p.ms = ms;
	run->p.profile_us = us;
	strscpy(run->driver[0], comm, sizeof(run->driver[0]));
	strscpy(run->names, names, sizeof(run->names));
	run->threads[0].run = run;
	run->threads[0].cpu = cpu;
	err = lg_prof_init(&run->threads[0].prof, NULL, us, ms);
	if (err) {
		kfree(run);
		return ERR_PTR(err);
	}
	strscpy(run->threads[0].prof.comm, comm, TASK_COMM_LEN);
	run->threads[0].prof.external = true;
	return run;
}

/**
 * lg_sample_run() - sample the run's CPU for its time
 * @run: from lg_sample_create()
 *
 * Context: process context, sleeps for about @run->p.ms.
 *
 * Return: 0, or -EINTR when a signal cut the sampling short (the samples
 * taken are kept).
 */
int lg_sample_run(struct lg_run *run)
{
	struct lg_prof *prof = &run->threads[0].prof;
	int err = 0;

	lg_prof_set_variant(LG_NO_VARIANT);
	err = smp_call_function_single(run->threads[0].cpu,
				       lg_sample_start_on_cpu, prof, 1);
	if (err)
		return err;
	if (msleep_interruptible(run->p.ms))
		err = -EINTR;
	lg_prof_stop(prof);
	lg_prof_set_variant(LG_NO_VARIANT);
	return err;
}

/**
 * lg_sample_set_ops() - the requests of each variant of a sampling run
 * @run: a finished sampling run
 * @buf: "ops=a,b,c", modified
 *
 * Return: 0 or -EINVAL.
 */
int lg_sample_set_ops(struct lg_run *run, char *buf)
{
	unsigned int v = 0;
	char *num;

	if (!run->sampler || strncmp(buf, "ops=", 4))
		return -EINVAL;
	buf += 4;
	while ((num = strsep(&buf, ",\n")) && v < LG_MAX_VARIANTS) {
		u64 ops;

		if (!*num)
			continue;
		if (kstrtou64(num, 0, &ops))
			return -EINVAL;
		run->threads[0].cnt[v++].ops = ops;
	}
	return 0;
}
