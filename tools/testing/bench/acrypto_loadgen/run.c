// SPDX-License-Identifier: GPL-2.0-only
/*
 * acrypto_loadgen: a run - set-up, the generator threads, the report.
 *
 * Everything a run touches is allocated by lg_run_create() in process
 * context: the transforms, one request per transform and three buffers per
 * slot (input, output, expected output), the per-slice counters, the
 * profile buffers.  The threads' loop only re-arms requests and submits
 * them, so any allocation seen while it runs belongs to the transform under
 * test.
 *
 * The crypto API backlog protocol, as a dm-crypt-like caller sees it: a
 * request may complete synchronously (0 or an error from the submit call),
 * be accepted (-EINPROGRESS) or be backlogged (-EBUSY, with
 * CRYPTO_TFM_REQ_MAY_BACKLOG); a backlogged request's callback is called
 * with -EINPROGRESS when it leaves the backlog, then with its result.  Both
 * -EINPROGRESS and -EBUSY count as in flight; the thread sleeps only when
 * every one of its slots is in flight.
 *
 * Time is cut into slices of slice_ms, shared by all threads (slice k is
 * [t0 + k * slice, t0 + (k + 1) * slice)).  Each slice runs one variant, in
 * the order A B B A A B B A ... (two variants) or A B C C B A ... (three),
 * so that a linear drift of the host cancels over each group of four (six)
 * slices: variant 1 is the baseline transform (base=), or, with scale=1,
 * all threads instead of the first one alone; with device sets (set0= ...)
 * every variant uses the one transform, and the run puts the variant's set
 * of acrypto devices in service before each of its slices, through the
 * administrator's /sys/class/acrypto/<dev>/broken.  A thread stops
 * submitting at the end of a slice and waits for what it has in flight
 * before the next, so no request crosses a slice boundary.
 */

#include <crypto/internal/skcipher.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "loadgen.h"

/*
 * Completion callback (6.1 signature), any context up to softirq.  The
 * -EINPROGRESS call only says a backlogged request started: the request is
 * still in flight.
 */
static void lg_slot_done(struct crypto_async_request *areq, int err)
{
	struct lg_slot *s = areq->data;
	struct lg_thread *t = s->t;

	if (err == -EINPROGRESS)
		return;
	s->err = err;
	llist_add(&s->node, &t->done);
	/* Pairs with the barrier in wait_event()'s prepare_to_wait(). */
	if (wq_has_sleeper(&t->wq))
		wake_up(&t->wq);
}

/* Prepare a slot for its next request: fresh IV, poisoned output if checked. */
static void lg_slot_arm(const struct lg_run *run, struct lg_slot *s)
{
	unsigned int verify = run->p.verify;

	memcpy(s->iv, s->iv0, sizeof(s->iv));
	s->checking = verify && !(s->uses % verify);
	if (s->checking)
		memset(s->out, 0x5a, run->p.size);
	s->uses++;
}

/* A request of @s ended with @err: count it, check it, free the slot. */
static void lg_slot_finish(struct lg_thread *t, struct lg_count *c,
			   struct lg_slot *s, int err)
{
	unsigned int size = t->run->p.size;

	if (unlikely(err)) {
		c->errors++;
		t->last_err = err;
	} else {
		c->ops++;
		c->bytes += size;
		if (s->checking) {
			c->checked++;
			if (memcmp(s->out, s->expect, size))
				c->mismatches++;
		}
	}
	t->free[t->nfree++] = s - t->slots;
}

/* Slices in a group: every variant twice, mirrored. */
static unsigned int lg_group_len(const struct lg_run *run)
{
	return 2 * run->nvariants;
}

/* Variant of slice @k: A B B A, ... or A B C C B A, ... */
static unsigned int lg_variant(const struct lg_run *run, unsigned int k)
{
	unsigned int g = lg_group_len(run), i;

	if (run->nvariants < 2)
		return 0;
	i = k % g;
	return i < run->nvariants ? i : g - 1 - i;
}

/* Take the completed slots off @t's list: count, check and free them. */
static unsigned int lg_reap(struct lg_thread *t, struct lg_count *c,
			    struct llist_node *list)
{
	struct lg_slot *s, *tmp;
	unsigned int n = 0;

	llist_for_each_entry_safe(s, tmp, list, node) {
		n++;
		c->async++;
		lg_slot_finish(t, c, s, s->err);
	}
	return n;
}

/*
 * One slice of variant @v: keep the slots busy until @end, then wait for
 * what is in flight.  Returns the requests completed.  Nothing in here
 * allocates.
 */
static u64 lg_slice(struct lg_thread *t, unsigned int v, u64 end)
{
	struct lg_run *run = t->run;
	struct lg_count *c = &t->cnt[v];
	/* With scale=1 or device sets every variant uses the one transform. */
	unsigned int r = v < 2 && run->tfm[v] ? v : 0;
	/* Look at the clock every 16 small requests, every large one. */
	unsigned int mask = run->p.size >= 4096 ? 0 : 15;
	unsigned int inflight = 0, n = 0;
	u64 ops0 = c->ops;
	struct llist_node *list;
	struct lg_slot *s;
	bool stop = false;
	int err;

	while (!stop || inflight) {
		/* Fill every free slot. */
		while (!stop && t->nfree) {
			s = &t->slots[t->free[--t->nfree]];
			lg_slot_arm(run, s);
			err = run->p.decrypt ? crypto_skcipher_decrypt(s->req[r]) :
					       crypto_skcipher_encrypt(s->req[r]);
			if (err == -EINPROGRESS || err == -EBUSY) {
				if (err == -EBUSY)
					c->busy++;
				if (++inflight > t->max_inflight)
					t->max_inflight = inflight;
			} else {
				c->sync++;
				lg_slot_finish(t, c, s, err);
			}
			if (!(++n & mask)) {
				if (ktime_get_ns() >= end)
					stop = true;
				cond_resched();
			}
			/*
			 * A slot a device has finished is free to refill now:
			 * while a synchronous device keeps a slot free, do not
			 * leave an asynchronous one without work.
			 */
			if (inflight && !llist_empty(&t->done))
				inflight -= lg_reap(t, c, llist_del_all(&t->done));
		}

		/* Reap completions; sleep only when nothing can be submitted. */
		if (inflight) {
			list = llist_del_all(&t->done);
			if (!list && (stop || !t->nfree)) {
				wait_event(t->wq, !llist_empty(&t->done));
				list = llist_del_all(&t->done);
			}
			inflight -= lg_reap(t, c, list);
		}
		if (!stop && ktime_get_ns() >= end)
			stop = true;
	}
	return c->ops - ops0;
}

/* Sleep until @until (CLOCK_MONOTONIC ns). */
static void lg_sleep_until(u64 until)
{
	ktime_t kt = ns_to_ktime(until);

	while (ktime_get_ns() < until) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule_hrtimeout(&kt, HRTIMER_MODE_ABS);
	}
}

/* Put @v's set of devices in service, the others out (thread 0 only). */
static void lg_sets_apply(struct lg_run *run, unsigned int v)
{
	struct lg_devsets *ds = &run->sets;
	unsigned int pass, i;

	if (!ds->ndev || ds->cur == v)
		return;
	/* In service first, so that the engine never sees no device. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < ds->ndev; i++) {
			bool in = ds->member[v] & BIT(i);
			loff_t pos = 0;
			ssize_t n;

			if (in != !pass)
				continue;
			n = kernel_write(ds->broken[i], in ? "0" : "1", 1, &pos);
			if (n != 1 && !ds->err)
				ds->err = n < 0 ? n : -EIO;
		}
	}
	ds->cur = v;
}

/* The measured loop, slice by slice. */
static void lg_thread_loop(struct lg_thread *t)
{
	struct lg_run *run = t->run;
	unsigned int k, v;
	u64 start, end;

	if (t->prof.samples)
		lg_prof_start(&t->prof);

	for (k = 0; k < run->nslices; k++) {
		u64 from = run->t0 + k * run->slice_ns;
		u64 to = from + run->slice_ns;

		v = lg_variant(run, k);
		/* With scale=1, variant 0 is the first thread alone. */
		if (run->p.scale && !v && t->idx)
			continue;
		lg_sleep_until(from);
		/* Outside the slice's clock: the switch is not the run's. */
		if (!t->idx)
			lg_sets_apply(run, v);
		WRITE_ONCE(t->prof.variant, v);
		start = ktime_get_ns();
		/*
		 * One thread with device sets keeps no grid: each slice
		 * submits for a whole slice from its start, however long the
		 * last one took to drain (a slow device with a deep queue).
		 */
		if (run->sets.ndev)
			to = start + run->slice_ns;
		/* A slow drain ate this slice: leave it out. */
		if (start >= to)
			continue;
		t->slice_ops[k] = lg_slice(t, v, to);
		end = ktime_get_ns();
		t->slice_ns[k] = end - start;
		t->cnt[v].ns += end - start;
	}

	if (t->prof.samples)
		lg_prof_stop(&t->prof);
}

static int lg_thread_fn(void *arg)
{
	struct lg_thread *t = arg;
	struct lg_run *run = t->run;

	wait_event(run->start_wq, READ_ONCE(run->go) || kthread_should_stop());
	if (!kthread_should_stop())
		lg_thread_loop(t);
	if (atomic_dec_and_test(&run->running))
		complete(&run->finished);

	/* Stay until lg_run_execute() reaps us with kthread_stop(). */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* The @i-th online CPU, wrapping around. */
static int lg_nth_online_cpu(unsigned int i)
{
	unsigned int n = i % num_online_cpus();
	int cpu;

	for_each_online_cpu(cpu)
		if (!n--)
			return cpu;
	return cpumask_first(cpu_online_mask);
}

static int lg_parse_name(char *dst, const char *val)
{
	return strscpy(dst, val, CRYPTO_MAX_ALG_NAME) < 0 ? -EINVAL : 0;
}

/* "a=b c=d ..." into @p; unknown keys and bad numbers are errors. */
int lg_params_parse(struct lg_params *p, char *buf)
{
	char *word, *val;
	int err = 0;

	memset(p, 0, sizeof(*p));
	p->size = 4096;
	p->depth = 1;
	p->threads = 1;
	p->ms = 1000;
	p->verify = 64;

	while ((word = strsep(&buf, " \t\n")) && !err) {
		if (!*word)
			continue;
		val = strchr(word, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(word, "alg"))
			err = lg_parse_name(p->alg, val);
		else if (!strcmp(word, "ref"))
			err = lg_parse_name(p->ref, val);
		else if (!strcmp(word, "base"))
			err = lg_parse_name(p->base, val);
		else if (!strcmp(word, "scale"))
			err = kstrtobool(val, &p->scale);
		else if (!strcmp(word, "slice_ms"))
			err = kstrtouint(val, 0, &p->slice_ms);
		else if (!strcmp(word, "size"))
			err = kstrtouint(val, 0, &p->size);
		else if (!strcmp(word, "depth"))
			err = kstrtouint(val, 0, &p->depth);
		else if (!strcmp(word, "threads"))
			err = kstrtouint(val, 0, &p->threads);
		else if (!strcmp(word, "ms"))
			err = kstrtouint(val, 0, &p->ms);
		else if (!strcmp(word, "keylen"))
			err = kstrtouint(val, 0, &p->keylen);
		else if (!strcmp(word, "op"))
			err = !strcmp(val, "dec") ? (p->decrypt = true, 0) :
			      !strcmp(val, "enc") ? 0 : -EINVAL;
		else if (!strcmp(word, "verify"))
			err = kstrtouint(val, 0, &p->verify);
		else if (!strcmp(word, "profile_us"))
			err = kstrtouint(val, 0, &p->profile_us);
		else if (!strncmp(word, "set", 3) && word[3] >= '0' &&
			 word[3] < '0' + LG_MAX_VARIANTS && !word[4])
			err = strscpy(p->set[word[3] - '0'], val,
				      sizeof(p->set[0])) < 0 ? -EINVAL : 0;
		else
			err = -EINVAL;
	}
	if (err)
		return err;
	if (!p->alg[0] || !p->size || p->size > LG_MAX_SIZE ||
	    !p->depth || p->depth > LG_MAX_DEPTH ||
	    !p->threads || p->threads > LG_MAX_THREADS ||
	    !p->ms || p->ms > LG_MAX_MS || p->keylen > LG_MAX_KEY ||
	    (p->profile_us && p->profile_us < 50))
		return -EINVAL;
	/* Two variants need slices, at least two groups of four. */
	if ((p->base[0] || p->scale) &&
	    (!p->slice_ms || p->ms / p->slice_ms < 8))
		return -EINVAL;
	if ((p->base[0] && p->scale) || (p->scale && p->threads < 2) ||
	    (p->slice_ms && p->ms / p->slice_ms > LG_MAX_SLICES))
		return -EINVAL;
	/*
	 * Device sets: set0 and set1 at least, one thread (it switches the
	 * sets between its slices), no other kind of variant, six slices a
	 * group of three.
	 */
	if (p->set[0][0] || p->set[1][0] || p->set[2][0]) {
		if (!p->set[0][0] || !p->set[1][0] || p->base[0] || p->scale ||
		    p->threads != 1 || !p->slice_ms ||
		    p->ms / p->slice_ms < 4 * LG_MAX_VARIANTS)
			return -EINVAL;
	}
	return 0;
}

/* Variants of a run with device sets: set0, set1 and maybe set2. */
static unsigned int lg_sets_count(const struct lg_params *p)
{
	return p->set[2][0] ? 3 : p->set[0][0] ? 2 : 0;
}

/* Index of device @name in @ds, added if new; -1 if @ds is full. */
static int lg_sets_dev(struct lg_devsets *ds, const char *name)
{
	unsigned int i;

	for (i = 0; i < ds->ndev; i++)
		if (!strcmp(ds->name[i], name))
			return i;
	if (ds->ndev == LG_MAX_DEVS)
		return -1;
	strscpy(ds->name[ds->ndev], name, LG_DEV_NAME);
	return ds->ndev++;
}

/*
 * Parse the device sets and open the devices' broken files (in the caller's
 * file system view, at set-up: the thread only writes them).
 */
static int lg_sets_setup(struct lg_run *run)
{
	struct lg_devsets *ds = &run->sets;
	char path[64 + LG_DEV_NAME];
	unsigned int v, i;

	ds->cur = -1;
	for (v = 0; v < run->nvariants; v++) {
		char buf[sizeof(run->p.set[0])], *list = buf, *name;

		strscpy(buf, run->p.set[v], sizeof(buf));
		while ((name = strsep(&list, "+"))) {
			int idx;

			if (!*name || strlen(name) >= LG_DEV_NAME ||
			    strchr(name, '/') || name[0] == '.')
				return -EINVAL;
			idx = lg_sets_dev(ds, name);
			if (idx < 0)
				return -E2BIG;
			ds->member[v] |= BIT(idx);
		}
	}
	for (i = 0; i < ds->ndev; i++) {
		struct file *f;

		snprintf(path, sizeof(path), "/sys/class/acrypto/%s/broken",
			 ds->name[i]);
		f = filp_open(path, O_WRONLY, 0);
		if (IS_ERR(f))
			return PTR_ERR(f);
		ds->broken[i] = f;
	}
	return 0;
}

/* After the run: every device of the sets in service again. */
static void lg_sets_restore(struct lg_run *run)
{
	struct lg_devsets *ds = &run->sets;
	unsigned int i;

	for (i = 0; i < ds->ndev; i++) {
		loff_t pos = 0;

		if (ds->broken[i])
			kernel_write(ds->broken[i], "0", 1, &pos);
	}
	ds->cur = -1;
}

static void lg_sets_close(struct lg_run *run)
{
	struct lg_devsets *ds = &run->sets;
	unsigned int i;

	for (i = 0; i < ds->ndev; i++) {
		if (ds->broken[i])
			filp_close(ds->broken[i], NULL);
		ds->broken[i] = NULL;
	}
}

/* Fill @s's expected output with the synchronous reference. */
static int lg_slot_expect(struct crypto_skcipher *ref, const struct lg_run *run,
			  struct lg_slot *s)
{
	struct skcipher_request *req;
	struct scatterlist src, dst;
	u8 iv[LG_MAX_IV];
	int err;

	req = skcipher_request_alloc(ref, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	memcpy(iv, s->iv0, sizeof(iv));
	sg_init_one(&src, s->in, run->p.size);
	sg_init_one(&dst, s->expect, run->p.size);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &src, &dst, run->p.size, iv);
	err = run->p.decrypt ? crypto_skcipher_decrypt(req) :
			       crypto_skcipher_encrypt(req);
	skcipher_request_free(req);
	return err;
}

/* Free a thread's slots: requests and buffers. */
static void lg_thread_release(struct lg_thread *t, unsigned int depth)
{
	unsigned int i;

	if (t->slots) {
		for (i = 0; i < depth; i++) {
			struct lg_slot *s = &t->slots[i];

			skcipher_request_free(s->req[0]);
			skcipher_request_free(s->req[1]);
			kfree(s->in);
			kfree(s->out);
			kfree(s->expect);
		}
	}
	kfree(t->slots);
	t->slots = NULL;
	kfree(t->free);
	t->free = NULL;
}

static void lg_thread_free(struct lg_thread *t, unsigned int depth)
{
	lg_thread_release(t, depth);
	kfree(t->slice_ops);
	kfree(t->slice_ns);
	lg_prof_free(&t->prof);
}

static int lg_thread_setup(struct lg_run *run, struct lg_thread *t,
			   struct crypto_skcipher *ref, unsigned int idx)
{
	unsigned int i, v, size = run->p.size, depth = run->p.depth;
	int err;

	t->run = run;
	t->idx = idx;
	t->cpu = lg_nth_online_cpu(idx);
	init_llist_head(&t->done);
	init_waitqueue_head(&t->wq);
	t->slots = kcalloc(depth, sizeof(*t->slots), GFP_KERNEL);
	t->free = kcalloc(depth, sizeof(*t->free), GFP_KERNEL);
	t->slice_ops = kcalloc(run->nslices, sizeof(*t->slice_ops), GFP_KERNEL);
	t->slice_ns = kcalloc(run->nslices, sizeof(*t->slice_ns), GFP_KERNEL);
	if (!t->slots || !t->free || !t->slice_ops || !t->slice_ns)
		return -ENOMEM;

	for (i = 0; i < depth; i++) {
		struct lg_slot *s = &t->slots[i];

		s->t = t;
		s->in = kmalloc(size, GFP_KERNEL);
		s->out = kmalloc(size, GFP_KERNEL);
		s->expect = kmalloc(size, GFP_KERNEL);
		if (!s->in || !s->out || !s->expect)
			return -ENOMEM;
		get_random_bytes(s->in, size);
		get_random_bytes(s->iv0, sizeof(s->iv0));
		err = lg_slot_expect(ref, run, s);
		if (err)
			return err;
		sg_init_one(&s->src, s->in, size);
		sg_init_one(&s->dst, s->out, size);

		/* Same data, key and IV for both variants: same result. */
		for (v = 0; v < 2 && run->tfm[v]; v++) {
			s->req[v] = skcipher_request_alloc(run->tfm[v],
							   GFP_KERNEL);
			if (!s->req[v])
				return -ENOMEM;
			skcipher_request_set_callback(s->req[v],
						      CRYPTO_TFM_REQ_MAY_BACKLOG,
						      lg_slot_done, s);
			skcipher_request_set_crypt(s->req[v], &s->src, &s->dst,
						   size, s->iv);
		}
		t->free[t->nfree++] = i;
	}
	return 0;
}

/* Allocate and key variant @v's transform @name. */
static int lg_tfm_setup(struct lg_run *run, unsigned int v, const char *name)
{
	struct crypto_skcipher *tfm;

	tfm = crypto_alloc_skcipher(name, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	run->tfm[v] = tfm;
	run->reqsize[v] = crypto_skcipher_reqsize(tfm);
	strscpy(run->driver[v], crypto_skcipher_driver_name(tfm),
		sizeof(run->driver[v]));
	if (!run->p.keylen)
		run->p.keylen = crypto_skcipher_min_keysize(tfm);
	if (run->p.keylen > LG_MAX_KEY ||
	    crypto_skcipher_ivsize(tfm) > LG_MAX_IV)
		return -EINVAL;
	if (!v)
		get_random_bytes(run->key, run->p.keylen);
	return crypto_skcipher_setkey(tfm, run->key, run->p.keylen);
}

/**
 * lg_run_create() - allocate everything a run needs
 * @p: parsed parameters
 *
 * Context: process context, may sleep.
 *
 * Return: the run, or an ERR_PTR(): -ENOENT for an unknown algorithm,
 * -EINVAL for a key or IV it does not take, -ENOMEM.
 */
struct lg_run *lg_run_create(const struct lg_params *p)
{
	struct crypto_skcipher *ref = NULL;
	struct lg_run *run;
	const char *refname;
	unsigned int i;
	int err;

	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return ERR_PTR(-ENOMEM);
	run->p = *p;
	init_waitqueue_head(&run->start_wq);
	init_completion(&run->finished);
	run->nvariants = p->base[0] || p->scale ? 2 : 1;
	if (lg_sets_count(p))
		run->nvariants = lg_sets_count(p);
	if (p->slice_ms) {
		run->nslices = p->ms / p->slice_ms;
		run->slice_ns = (u64)p->slice_ms * NSEC_PER_MSEC;
	} else {
		run->nslices = 1;
		run->slice_ns = (u64)p->ms * NSEC_PER_MSEC;
	}

	run->groups = kcalloc(LG_MAX_VARIANTS * (run->nslices / 4 + 1),
			      sizeof(*run->groups), GFP_KERNEL);
	if (!run->groups) {
		err = -ENOMEM;
		goto err_free;
	}

	err = lg_tfm_setup(run, 0, p->alg);
	if (!err && p->base[0])
		err = lg_tfm_setup(run, 1, p->base);
	if (!err && lg_sets_count(p))
		err = lg_sets_setup(run);
	if (err)
		goto err_free;

	/* An independent, synchronous implementation for the expected data. */
	refname = p->ref[0] ? p->ref :
		  crypto_skcipher_alg(run->tfm[0])->base.cra_name;
	ref = crypto_alloc_skcipher(refname, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(ref)) {
		err = PTR_ERR(ref);
		ref = NULL;
		goto err_free;
	}
	err = crypto_skcipher_setkey(ref, run->key, run->p.keylen);
	if (err)
		goto err_free;

	for (i = 0; i < p->threads; i++) {
		struct lg_thread *t = &run->threads[i];

		err = lg_thread_setup(run, t, ref, i);
		if (err)
			goto err_free;
		if (p->profile_us) {
			err = lg_prof_init(&t->prof, NULL, p->profile_us,
					   p->ms);
			if (err)
				goto err_free;
		}
	}
	crypto_free_skcipher(ref);
	return run;

err_free:
	crypto_free_skcipher(ref);
	lg_run_destroy(run);
	return ERR_PTR(err);
}

/**
 * lg_run_execute() - run the threads for the run's time and wait for them
 * @run: from lg_run_create()
 *
 * Context: process context, sleeps for about @run->p.ms.
 *
 * Return: 0, or an errno if a thread could not be started.
 */
int lg_run_execute(struct lg_run *run)
{
	unsigned int i, started = 0;
	int err = 0;

	for (i = 0; i < run->p.threads; i++) {
		struct lg_thread *t = &run->threads[i];

		t->task = kthread_create(lg_thread_fn, t, "acrypto_lg/%u", i);
		if (IS_ERR(t->task)) {
			err = PTR_ERR(t->task);
			t->task = NULL;
			break;
		}
		kthread_bind(t->task, t->cpu);
		t->prof.task = t->task;
		started++;
	}
	if (err)
		goto out_stop;

	atomic_set(&run->running, started);
	for (i = 0; i < started; i++)
		wake_up_process(run->threads[i].task);
	/* A little ahead, so that every thread is there for slice 0. */
	run->t0 = ktime_get_ns() + 2 * NSEC_PER_MSEC;
	WRITE_ONCE(run->go, true);
	wake_up_all(&run->start_wq);
	wait_for_completion(&run->finished);
	run->wall_ns = ktime_get_ns() - run->t0;
	lg_sets_restore(run);

out_stop:
	for (i = 0; i < started; i++)
		kthread_stop(run->threads[i].task);
	return err;
}

/**
 * lg_run_release() - free what only the run itself needed
 * @run: an executed run
 *
 * The transforms (and so the references on their modules: a driver under
 * test can be unloaded after its run), the requests and the buffers go;
 * the counters and the profile samples stay for the report.
 */
void lg_run_release(struct lg_run *run)
{
	unsigned int i;

	for (i = 0; i < run->p.threads; i++)
		lg_thread_release(&run->threads[i], run->p.depth);
	crypto_free_skcipher(run->tfm[1]);
	run->tfm[1] = NULL;
	crypto_free_skcipher(run->tfm[0]);
	run->tfm[0] = NULL;
	lg_sets_close(run);
}

/**
 * lg_run_destroy() - free a run
 * @run: from lg_run_create(), not executing; may be NULL
 */
void lg_run_destroy(struct lg_run *run)
{
	unsigned int i;

	if (!run)
		return;
	for (i = 0; i < run->p.threads; i++)
		lg_thread_free(&run->threads[i], run->p.depth);
	crypto_free_skcipher(run->tfm[1]);
	crypto_free_skcipher(run->tfm[0]);
	lg_sets_close(run);
	kfree(run->groups);
	kfree(run);
}

static int lg_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* Requests per second, from @ops in @ns. */
static u64 lg_rate(u64 ops, u64 ns)
{
	return ns ? mul_u64_u64_div_u64(ops, NSEC_PER_SEC, ns) : 0;
}

/*
 * Ratio of variant @num to variant @den, in thousandths, for each group of
 * slices (A B B A, or A B C C B A); the groups' ratios go to @out, sorted.
 * Returns their number.
 */
static unsigned int lg_group_ratios(const struct lg_run *run, unsigned int num,
				    unsigned int den, u32 *out)
{
	unsigned int g, k, i, n = 0, glen = lg_group_len(run);

	for (g = 0; g + 1 <= run->nslices / glen; g++) {
		u64 ops[LG_MAX_VARIANTS] = { }, ns[LG_MAX_VARIANTS] = { };
		u64 rnum, rden;

		for (k = glen * g; k < glen * g + glen; k++) {
			unsigned int v = lg_variant(run, k);

			/* The first thread's clock; every thread's requests. */
			ns[v] += run->threads[0].slice_ns[k];
			for (i = 0; i < run->p.threads; i++)
				ops[v] += run->threads[i].slice_ops[k];
		}
		rnum = lg_rate(ops[num], ns[num]);
		rden = lg_rate(ops[den], ns[den]);
		if (!rnum || !rden)
			continue;
		out[n++] = div64_u64(rnum * 1000, rden);
	}
	sort(out, n, sizeof(*out), lg_cmp_u32, NULL);
	return n;
}

/* " KEY_median=x KEY_min=y KEY_max=z" of @n sorted ratios in thousandths. */
static int lg_print_spread(char *buf, size_t len, const char *key,
			   const u32 *r, unsigned int n)
{
	u32 med = n ? r[n / 2] : 0, lo = n ? r[0] : 0, hi = n ? r[n - 1] : 0;

	return scnprintf(buf, len, " %s_median=%u.%03u %s_min=%u.%03u %s_max=%u.%03u",
			 key, med / 1000, med % 1000, key, lo / 1000, lo % 1000,
			 key, hi / 1000, hi % 1000);
}

/* @x thousandths as "x.yyy" */
static int lg_print_milli(char *buf, size_t len, const char *key, u64 x)
{
	return scnprintf(buf, len, " %s=%llu.%03llu", key, x / 1000, x % 1000);
}

/**
 * lg_run_report() - one line of key=value pairs about a finished run
 * @run: the run
 * @buf: output
 * @len: room in @buf
 *
 * Rates are the requests of every thread over the first thread's time in
 * the slices of the variant.  With two variants, the line also has the
 * baseline's (or all threads') rate and the ratio, overall and as the
 * median over the groups of slices.  With device sets, the baseline is
 * the set (1 or 2) with the higher rate over the whole run, and the line
 * also has every variant's figures and the ratio to each set.
 *
 * Return: characters written, as scnprintf().
 */
int lg_run_report(const struct lg_run *run, char *buf, size_t len)
{
	struct lg_count sum[LG_MAX_VARIANTS] = { }, all = { };
	unsigned int i, v, max_inflight = 0, ngroups, best = 1;
	unsigned int nv = run->nvariants;
	u64 ops_s[LG_MAX_VARIANTS] = { }, kbps;
	u32 *groups = run->groups;
	int last_err = 0, n;

	for (i = 0; i < run->p.threads; i++) {
		const struct lg_thread *t = &run->threads[i];

		for (v = 0; v < LG_MAX_VARIANTS; v++) {
			sum[v].ops += t->cnt[v].ops;
			sum[v].bytes += t->cnt[v].bytes;
			all.sync += t->cnt[v].sync;
			all.async += t->cnt[v].async;
			all.busy += t->cnt[v].busy;
			all.errors += t->cnt[v].errors;
			all.checked += t->cnt[v].checked;
			all.mismatches += t->cnt[v].mismatches;
		}
		max_inflight = max(max_inflight, t->max_inflight);
		if (t->last_err)
			last_err = t->last_err;
	}
	for (v = 0; v < LG_MAX_VARIANTS; v++)
		ops_s[v] = lg_rate(sum[v].ops, run->threads[0].cnt[v].ns);
	kbps = lg_rate(sum[0].bytes, run->threads[0].cnt[0].ns) / 1000;

	n = scnprintf(buf, len,
		      "driver=%s alg=%s size=%u depth=%u threads=%u ms=%u keylen=%u reqsize=%u op=%s ops=%llu ns=%llu ops_s=%llu MBps=%llu.%03llu sync=%llu async=%llu busy=%llu errors=%llu last_err=%d checked=%llu mismatches=%llu max_inflight=%u",
		      run->driver[0], run->p.alg, run->p.size, run->p.depth,
		      run->p.threads, run->p.ms, run->p.keylen, run->reqsize[0],
		      run->p.decrypt ? "dec" : "enc", sum[0].ops,
		      run->threads[0].cnt[0].ns, ops_s[0], kbps / 1000,
		      kbps % 1000, all.sync, all.async, all.busy, all.errors,
		      last_err, all.checked, all.mismatches, max_inflight);

	if (nv >= 2) {
		const char *kind = run->p.scale ? "scale" :
				   run->sets.ndev ? "sets" : "base";
		unsigned int num = 0, den;
		u64 ratio;

		if (run->sets.ndev && nv == 3 && ops_s[2] > ops_s[1])
			best = 2;
		den = best;
		if (run->p.scale)
			swap(num, den);
		ratio = ops_s[den] ? div64_u64(ops_s[num] * 1000, ops_s[den]) : 0;
		ngroups = lg_group_ratios(run, num, den, groups);
		n += scnprintf(buf + n, len - n,
			       " variant=%s base_driver=%s base_reqsize=%u base_ops=%llu base_ns=%llu base_ops_s=%llu",
			       kind, run->p.base[0] ? run->driver[1] :
			       run->driver[0], run->reqsize[!!run->p.base[0]],
			       sum[best].ops,
			       run->threads[0].cnt[best].ns, ops_s[best]);
		n += lg_print_milli(buf + n, len - n, "ratio", ratio);
		n += scnprintf(buf + n, len - n, " groups=%u", ngroups);
		n += lg_print_spread(buf + n, len - n, "ratio", groups,
				     ngroups);
	}
	if (run->sets.ndev) {
		u32 *more = groups + run->nslices / 4 + 1;

		n += scnprintf(buf + n, len - n, " best=%u sets_err=%d", best,
			       run->sets.err);
		for (v = 0; v < nv; v++) {
			char key[8];

			n += scnprintf(buf + n, len - n,
				       " set%u=%s v%u_ops=%llu v%u_ns=%llu v%u_ops_s=%llu",
				       v, run->p.set[v], v, sum[v].ops, v,
				       run->threads[0].cnt[v].ns, v, ops_s[v]);
			if (!v)
				continue;
			/* The ratio of the mix to this set alone. */
			snprintf(key, sizeof(key), "r%u", v);
			ngroups = lg_group_ratios(run, 0, v, more);
			n += lg_print_spread(buf + n, len - n, key, more,
					     ngroups);
		}
	}

	n += scnprintf(buf + n, len - n, " per_thread=");
	for (i = 0; i < run->p.threads; i++)
		n += scnprintf(buf + n, len - n, "%s%llu", i ? "," : "",
			       run->threads[i].cnt[0].ops +
			       run->threads[i].cnt[1].ops +
			       run->threads[i].cnt[2].ops);
	n += scnprintf(buf + n, len - n, "\n");
	return n;
}
