/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * acrypto_loadgen: an in-kernel skcipher load generator for benchmarks.
 *
 * A run allocates one transform by driver name (any skcipher: the engine's
 * acrypto-cbc-aes, the kernel's cbc-aes-aesni, ...), preallocates every
 * request and buffer, then starts one kthread per CPU that keeps `depth`
 * requests in flight with the crypto API backlog protocol for a fixed time.
 * The loop allocates nothing.  A sample of the outputs is checked against
 * a synchronous reference implementation of the same algorithm.
 *
 * Two or three variants can share a run, interleaved in time slices (A B B
 * A ... or A B C C B A ...), so that a subject and its baselines see the
 * same host: `base=` names a second transform (the baseline), `scale=1`
 * lets threads other than the first run only in every other slice (1
 * thread against all), `set0=` ... `set2=` put a different set of acrypto
 * devices in service for each variant (the mix against each device alone).
 *
 * See README.rst in this directory.
 */
#ifndef _ACRYPTO_LOADGEN_H
#define _ACRYPTO_LOADGEN_H

#include <crypto/skcipher.h>
#include <linux/hrtimer.h>
#include <linux/llist.h>
#include <linux/sched.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/wait.h>

#define LG_MAX_THREADS		16
#define LG_MAX_DEPTH		256
#define LG_MAX_SIZE		SZ_1M
#define LG_MAX_KEY		64
#define LG_MAX_IV		16
#define LG_MAX_MS		60000
#define LG_MAX_SLICES		4096
#define LG_MAX_VARIANTS		3
/* A sampling run's variant before and after its benchmark: not sampled */
#define LG_NO_VARIANT		0xff
/* acrypto devices a run may switch in and out of service (set0= ...) */
#define LG_MAX_DEVS		4
#define LG_DEV_NAME		32

/* Return addresses kept per profile sample, the interrupted one first. */
#define LG_PROF_DEPTH		20

/**
 * struct lg_params - what a run does, parsed from the `run` file
 * @alg: driver name (or cra_name) of the transform under test
 * @ref: synchronous reference for verification; default: @alg's cra_name
 *	allocated with mask CRYPTO_ALG_ASYNC
 * @size: bytes per request
 * @depth: requests each thread keeps in flight
 * @threads: kthreads, thread i bound to the i-th online CPU (modulo)
 * @ms: run time in milliseconds
 * @keylen: key bytes; 0 for the transform's smallest key size
 * @decrypt: decrypt instead of encrypt
 * @verify: check every @verify-th output of each slot (and the first); 0
 *	checks none
 * @profile_us: sample the CPUs of the threads every @profile_us
 *	microseconds (0: no profile)
 * @base: baseline transform, run in the other slices (variant 1)
 * @scale: variant 0 runs the first thread only, variant 1 all threads
 * @slice_ms: length of a slice; 0: one slice, variant 0 only
 * @set: for each variant, the acrypto devices in service while it runs,
 *	joined by '+' (empty: no device sets)
 */
struct lg_params {
	char alg[CRYPTO_MAX_ALG_NAME];
	char ref[CRYPTO_MAX_ALG_NAME];
	char base[CRYPTO_MAX_ALG_NAME];
	bool scale;
	unsigned int slice_ms;
	unsigned int size;
	unsigned int depth;
	unsigned int threads;
	unsigned int ms;
	unsigned int keylen;
	bool decrypt;
	unsigned int verify;
	unsigned int profile_us;
	char set[LG_MAX_VARIANTS][LG_MAX_DEVS * LG_DEV_NAME];
};

/**
 * struct lg_devsets - the device sets of a run's variants
 * @ndev: devices named in any set
 * @name: their names
 * @broken: their /sys/class/acrypto/<name>/broken files, open for writing
 * @member: for each variant, a bitmask of the devices in service
 * @cur: the variant whose set is in service now, or -1
 * @err: the first error of a write to a broken file
 */
struct lg_devsets {
	unsigned int ndev;
	char name[LG_MAX_DEVS][LG_DEV_NAME];
	struct file *broken[LG_MAX_DEVS];
	u32 member[LG_MAX_VARIANTS];
	int cur;
	int err;
};

/* Where a profile sample found the CPU. */
enum lg_ctx {
	LG_CTX_THREAD,		/* the generator thread, in task context */
	LG_CTX_SOFTIRQ,		/* softirq, on top of anything */
	LG_CTX_IDLE,		/* the idle task: the thread is waiting */
	LG_CTX_OTHER,		/* another task */
	LG_CTX_USER,		/* user space (of any task) */
	__LG_CTX_MAX,
};

/**
 * struct lg_sample - one profile sample
 * @n: entries in @ip
 * @ctx: enum lg_ctx
 * @variant: the variant the thread was running
 * @ip: the interrupted instruction, then the return addresses above it
 */
struct lg_sample {
	u8 n;
	u8 ctx;
	u8 variant;
	unsigned long ip[LG_PROF_DEPTH];
};

/**
 * struct lg_prof - the sampler of one thread's CPU
 * @timer: pinned hard hrtimer on that CPU
 * @period: sampling period
 * @task: the generator thread, to classify samples
 * @samples: preallocated, written only by @timer's callback
 * @max: room in @samples
 * @n: samples taken
 * @dropped: ticks with no room left or no interrupted registers
 * @variant: the variant the thread runs now (written by the thread, read
 *	by @timer on the same CPU)
 * @comm: without @task: samples of tasks of this name are the thread's
 *	(the sampler of a user-space benchmark, see lg_sample_run())
 * @external: take the variant from lg_prof_set_variant(), not @variant
 */
struct lg_prof {
	struct hrtimer timer;
	ktime_t period;
	struct task_struct *task;
	char comm[TASK_COMM_LEN];
	bool external;
	struct lg_sample *samples;
	unsigned int max;
	unsigned int n;
	unsigned int dropped;
	u8 variant;
};

struct lg_thread;

/**
 * struct lg_slot - one request per variant and its buffers, reused for the
 *	whole run
 * @req: the request of each variant's transform, allocated at set-up (the
 *	second only with a baseline)
 * @t: owning thread
 * @src: scatterlist over @in
 * @dst: scatterlist over @out
 * @in: input data
 * @out: output buffer
 * @expect: what @out must hold after every request (reference result)
 * @iv0: the IV every request of this slot starts from
 * @iv: the IV the request uses (and the transform may update)
 * @node: on the thread's list of completed slots
 * @err: result delivered by the completion callback
 * @uses: requests submitted from this slot
 * @checking: this request's output is checked
 */
struct lg_slot {
	struct skcipher_request *req[2];
	struct lg_thread *t;
	struct scatterlist src;
	struct scatterlist dst;
	u8 *in;
	u8 *out;
	u8 *expect;
	u8 iv0[LG_MAX_IV];
	u8 iv[LG_MAX_IV];
	struct llist_node node;
	int err;
	unsigned long uses;
	bool checking;
};

/**
 * struct lg_count - what a thread did in the slices of one variant
 * @ops: requests completed
 * @bytes: bytes processed
 * @sync: requests that completed in the submit call
 * @async: requests completed through the callback
 * @busy: submissions answered -EBUSY (backlogged)
 * @errors: requests that ended with an error
 * @checked: outputs checked
 * @mismatches: outputs that differed from the reference
 * @ns: time in those slices, from their start to their last completion
 */
struct lg_count {
	u64 ops;
	u64 bytes;
	u64 sync;
	u64 async;
	u64 busy;
	u64 errors;
	u64 checked;
	u64 mismatches;
	u64 ns;
};

/**
 * struct lg_thread - one generator thread and its counters
 * @run: the run
 * @idx: its number, 0 for the first
 * @task: the kthread
 * @cpu: CPU it is bound to
 * @slots: @depth slots
 * @free: indexes of slots not in flight, a stack
 * @nfree: entries on @free
 * @done: slots whose asynchronous completion arrived (callback side:
 *	llist_add from any context; thread side: llist_del_all)
 * @wq: the thread sleeps here while every slot is in flight
 * @prof: its CPU's sampler
 * @cnt: counters per variant
 * @last_err: the last error a request ended with
 * @max_inflight: most requests in flight at once
 * @slice_ops: requests completed in each slice
 * @slice_ns: length of each slice as this thread ran it (0: did not run)
 */
struct lg_thread {
	struct lg_run *run;
	unsigned int idx;
	struct task_struct *task;
	int cpu;
	struct lg_slot *slots;
	unsigned int *free;
	unsigned int nfree;
	struct llist_head done;
	wait_queue_head_t wq;
	struct lg_prof prof;

	struct lg_count cnt[LG_MAX_VARIANTS];
	int last_err;
	unsigned int max_inflight;
	u32 *slice_ops;
	u64 *slice_ns;
};

/**
 * struct lg_run - one measurement
 * @p: parameters
 * @tfm: transform under test (variant 0) and baseline (variant 1, or
 *	NULL), shared by the threads
 * @driver: their driver names
 * @reqsize: their request context sizes (what AF_ALG allocates, zeroed,
 *	for every request)
 * @nvariants: 1, 2 with a baseline or @p.scale, 2 or 3 with device sets
 * @nslices: slices of @slice_ns in the run
 * @slice_ns: length of a slice
 * @t0: start of the first slice (CLOCK_MONOTONIC ns)
 * @sets: the device sets of the variants (@sets.ndev is 0 without)
 * @groups: room for the ratios of each group of slices, for the report:
 *	LG_MAX_VARIANTS arrays of @nslices / 4 + 1 entries
 * @key: the key
 * @threads: @p.threads threads
 * @go: set when every thread may start
 * @start_wq: threads wait here for @go
 * @running: threads not finished yet
 * @finished: completed when @running drops to zero
 * @wall_ns: from @go to the last thread's end
 * @sampler: a sampling run of another task (lg_sample_run()): no transform,
 *	no generator thread; @threads[0].prof samples a CPU, @threads[0].cnt
 *	holds the requests of each variant as its benchmark reported them
 * @names: a sampling run's names of its variants, joined by '+'
 */
struct lg_run {
	struct lg_params p;
	struct crypto_skcipher *tfm[2];
	char driver[2][CRYPTO_MAX_ALG_NAME];
	unsigned int reqsize[2];
	unsigned int nvariants;
	unsigned int nslices;
	u64 slice_ns;
	u64 t0;
	struct lg_devsets sets;
	u32 *groups;
	u8 key[LG_MAX_KEY];
	struct lg_thread threads[LG_MAX_THREADS];
	bool go;
	wait_queue_head_t start_wq;
	atomic_t running;
	struct completion finished;
	u64 wall_ns;
	bool sampler;
	char names[3 * CRYPTO_MAX_ALG_NAME];
};

/* run.c APIs: */
int lg_params_parse(struct lg_params *p, char *buf);
struct lg_run *lg_run_create(const struct lg_params *p);
int lg_run_execute(struct lg_run *run);
void lg_run_release(struct lg_run *run);
void lg_run_destroy(struct lg_run *run);
int lg_run_report(const struct lg_run *run, char *buf, size_t len);

/* profile.c APIs: */
int lg_prof_init(struct lg_prof *prof, struct task_struct *task,
		 unsigned int period_us, unsigned int ms);
void lg_prof_start(struct lg_prof *prof);
void lg_prof_stop(struct lg_prof *prof);
void lg_prof_free(struct lg_prof *prof);
struct seq_file;
void lg_prof_show(struct seq_file *m, struct lg_run *run);
void lg_prof_set_variant(unsigned int v);
struct lg_run *lg_sample_create(char *buf);
int lg_sample_run(struct lg_run *run);
int lg_sample_set_ops(struct lg_run *run, char *buf);

#endif /* _ACRYPTO_LOADGEN_H */
