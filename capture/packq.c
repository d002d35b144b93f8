/* capture/packq.c - see packq.h.  The slot states are the only shared
 * words: written with release, read with acquire, a slot taken with one
 * compare-and-swap, so exactly one CPU packs each block. */
#include "capture/packq.h"
#include "boot/console.h"
#include "boot/timer.h"
#include "boot/x86.h"

enum { SLOT_FREE, SLOT_READY, SLOT_TAKEN, SLOT_DONE };

struct slot {
	uint32_t state;
	struct packq_job job;
};

static struct {
	struct slot slot[PACKQ_SLOTS_MAX];
	unsigned nslots;
	unsigned head, tail;               /* given, taken back (main only) */
	uint32_t stop;                     /* helpers: stop taking slots */
	int usable;                        /* helpers running; 0 once one was given up */
	packq_pack_fn pack;
	void *main_state;
	uint8_t *main_packed;              /* main's own output buffer for rescues */
	void *helper_state[PACKQ_SLOTS_MAX];
	uint64_t packed_by[PACKQ_SLOTS_MAX + 1]; /* [0] main, [1 + t] helper t */
	struct packq_job rescued;
	unsigned helpers;
	struct packq_ops ops;
	uint32_t napping[PACKQ_SLOTS_MAX];  /* helper t may be in ops.nap */
	uint32_t doorbell[PACKQ_SLOTS_MAX]; /* helper t: there may be work */
} q;

/* A look at the slots again, without PAUSE: under a hypervisor a PAUSE
 * loop exits to it (QEMU's TCG takes its global lock at every PAUSE, the
 * lock its disk emulation needs; KVM's pause-loop exiting does the same
 * by design), and the waits here are short and bounded (PACKQ_SPINS,
 * PACKQ_WAIT_MS). */
static void look_again(void) { __asm__ volatile("" ::: "memory"); }

static uint32_t load_state(struct slot *s) { return __atomic_load_n(&s->state, __ATOMIC_ACQUIRE); }
static void store_state(struct slot *s, uint32_t v) { __atomic_store_n(&s->state, v, __ATOMIC_RELEASE); }
static int take(struct slot *s)
{
	uint32_t want = SLOT_READY;
	return __atomic_compare_exchange_n(&s->state, &want, SLOT_TAKEN, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

unsigned packq_fit(uint64_t bytes, unsigned helpers, uint32_t block_bytes, uint32_t state_bytes)
{
	uint64_t states = (uint64_t)helpers * state_bytes;
	if (helpers >= PACKQ_SLOTS_MAX || bytes < states)
		return 0;
	uint64_t n = (bytes - states) / block_bytes;
	if (n > PACKQ_SLOTS_MAX)
		n = PACKQ_SLOTS_MAX;
	return n < 2 ? 0 : (unsigned)n;
}

void packq_init(void *mem, uint64_t bytes, unsigned helpers, uint32_t block_bytes, uint32_t state_bytes,
		packq_pack_fn pack, void *main_state, uint8_t *main_packed)
{
	uint8_t *m = mem;
	unsigned n = packq_fit(bytes, helpers, block_bytes, state_bytes);
	q.nslots = n;
	q.head = q.tail = 0;
	q.stop = 0;
	q.pack = pack;
	q.main_state = main_state;
	q.main_packed = main_packed;
	for (unsigned t = 0; t <= PACKQ_SLOTS_MAX; t++)
		q.packed_by[t] = 0;
	for (unsigned t = 0; t < helpers; t++, m += state_bytes)
		q.helper_state[t] = m;
	for (unsigned i = 0; i < n; i++) {
		q.slot[i].state = SLOT_FREE;
		q.slot[i].job = (struct packq_job){ .packed = m };
		m += block_bytes;
	}
	q.usable = 0; /* until packq_set_helpers */
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

void *packq_helper_state(unsigned t) { return t < PACKQ_SLOTS_MAX ? q.helper_state[t] : 0; }
int packq_usable(void) { return q.usable; }
void packq_set_helpers(unsigned n, const struct packq_ops *ops)
{
	q.helpers = n < PACKQ_SLOTS_MAX ? n : PACKQ_SLOTS_MAX;
	q.ops = ops ? *ops : (struct packq_ops){ 0, 0 };
	if (q.nslots)
		q.usable = (int)n;
	if (!n)
		packq_stop();
}

/* Main: READY slots are visible (the fence orders them before the loads
 * of napping, as the helper's fence orders its napping store before its
 * look at the slots: one of the two sees the other's store). */
static void wake_nappers(void)
{
	if (!q.ops.wake)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned t = 0; t < q.helpers; t++)
		if (__atomic_load_n(&q.napping[t], __ATOMIC_RELAXED)) {
			__atomic_store_n(&q.doorbell[t], 1, __ATOMIC_RELEASE);
			q.ops.wake(t);
		}
}
unsigned packq_pending(void) { return q.head - q.tail; }
uint64_t packq_packed_by(int ticket) { return ticket < PACKQ_SLOTS_MAX ? q.packed_by[ticket + 1] : 0; }

struct packq_job *packq_free(void)
{
	if (!q.usable || q.head - q.tail == q.nslots)
		return 0;
	return &q.slot[q.head % q.nslots].job;
}

void packq_give(struct packq_job *j)
{
	struct slot *s = &q.slot[q.head % q.nslots];
	(void)j; /* it is this slot's job: packq_free gave it */
	store_state(s, SLOT_READY);
	q.head++;
	wake_nappers();
}

/* Main packs one READY slot, if there is one that no helper took. */
static int main_packs_one(void)
{
	for (unsigned i = q.tail; i != q.head; i++) {
		struct slot *s = &q.slot[i % q.nslots];
		if (load_state(s) == SLOT_READY && take(s)) {
			q.pack(q.main_state, &s->job);
			q.packed_by[0]++;
			store_state(s, SLOT_DONE);
			return 1;
		}
	}
	return 0;
}

/* A helper kept a slot too long: stop them all and never use the ring
 * again.  Main packs that job into its own buffer (the helper may still
 * write the slot's). */
static struct packq_job *give_up(struct slot *s, unsigned ms)
{
	if (q.usable)
		cc_log("helper CPUs: a block was not packed within %u ms; packing the rest on this CPU alone", ms);
	q.usable = 0;
	__atomic_store_n(&q.stop, 1, __ATOMIC_RELEASE);
	q.rescued = s->job;
	q.rescued.packed = q.main_packed;
	q.pack(q.main_state, &q.rescued);
	q.packed_by[0]++;
	return &q.rescued;
}

struct packq_job *packq_oldest(void)
{
	struct slot *s = &q.slot[q.tail % q.nslots];
	struct deadline d = deadline_ms(PACKQ_WAIT_MS);
	for (;;) {
		uint32_t st = load_state(s);
		if (st == SLOT_DONE)
			return &s->job;
		if (st == SLOT_READY && take(s)) {
			q.pack(q.main_state, &s->job);
			q.packed_by[0]++;
			store_state(s, SLOT_DONE);
			return &s->job;
		}
		if (!q.usable || deadline_passed(&d)) /* given up, or a helper is stuck with it */
			return give_up(s, PACKQ_WAIT_MS);
		if (!main_packs_one())
			look_again();
	}
}

void packq_done(void)
{
	store_state(&q.slot[q.tail % q.nslots], SLOT_FREE);
	q.tail++;
}

static int any_ready(void)
{
	for (unsigned i = 0; i < q.nslots; i++)
		if (load_state(&q.slot[i]) == SLOT_READY)
			return 1;
	return 0;
}

void packq_helper_run(unsigned ticket)
{
	void *state = q.helper_state[ticket];
	unsigned empty = 0;
	while (!__atomic_load_n(&q.stop, __ATOMIC_ACQUIRE)) {
		int did = 0;
		for (unsigned i = 0; i < q.nslots; i++) {
			struct slot *s = &q.slot[i];
			if (load_state(s) == SLOT_READY && take(s)) {
				q.pack(state, &s->job);
				__atomic_add_fetch(&q.packed_by[1 + ticket], 1, __ATOMIC_RELAXED);
				store_state(s, SLOT_DONE);
				did = 1;
			}
		}
		if (did || !q.ops.nap || ++empty < PACKQ_SPINS) {
			if (!did)
				look_again();
			else
				empty = 0;
			continue;
		}
		/* nothing for a while: nap until main gives a block (wake_nappers) */
		__atomic_store_n(&q.doorbell[ticket], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&q.napping[ticket], 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (!any_ready() && !__atomic_load_n(&q.stop, __ATOMIC_ACQUIRE))
			q.ops.nap(&q.doorbell[ticket]);
		__atomic_store_n(&q.napping[ticket], 0, __ATOMIC_RELAXED);
		empty = 0;
	}
}

void packq_stop(void)
{
	__atomic_store_n(&q.stop, 1, __ATOMIC_RELEASE);
	wake_nappers(); /* a napping helper sees stop and returns */
}
