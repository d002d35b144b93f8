/* capture/packq.h - LZ4 blocks packed by several CPUs and taken back in
 * the order they were given (docs/smp.md).
 *
 * The payload's own CPU (main) gives blocks to a ring of slots; helper
 * CPUs (boot/smp.h) and main itself take READY slots, pack them (the
 * caller's pack function: compress, checksum) and mark them DONE; main
 * takes them back oldest first and emits them.  A slot goes FREE -> READY
 * (main) -> TAKEN (whoever packs it) -> DONE -> FREE (main, once emitted).
 *
 * A helper that does not finish a slot within PACKQ_WAIT_MS is given up:
 * main packs that slot and every one still pending itself, tells the
 * helpers to stop, and the ring is never used again (packq_usable() is 0),
 * so a late helper's writes land in memory nobody reads. */
#ifndef CAPTURE_PACKQ_H
#define CAPTURE_PACKQ_H
#include <stdint.h>

#define PACKQ_SLOTS_MAX 8
#define PACKQ_WAIT_MS   2000

struct packq_job {
	/* given */
	const uint8_t *src;       /* the content, in place: it must not change until packed */
	uint32_t n;               /* bytes of content */
	int accel;                /* lz4's acceleration for this block */
	uint8_t *packed;          /* the slot's output buffer (block_bytes) */
	/* results of pack() */
	const uint8_t *data;      /* what to emit: packed, or src when stored */
	uint32_t size_word;       /* the frame's block size word */
	uint32_t checksum;        /* XXH32 of data as emitted */
};

/* Packs j with the lz4 state a CPU owns. */
typedef void (*packq_pack_fn)(void *lz4_state, struct packq_job *j);

/* How an idle helper waits and is woken (the payload: HLT and an NMI,
 * boot/smp.h), so that a helper with nothing to pack does not take the
 * machine's time (under a hypervisor, a host CPU).  nap returns when
 * *doorbell is set or after wake(ticket); it may return early.  No ops:
 * helpers spin. */
struct packq_ops {
	void (*nap)(const volatile uint32_t *doorbell);
	void (*wake)(unsigned ticket);
};
#define PACKQ_SPINS 20000 /* empty looks at the slots before a helper naps */

struct packq_layout {
	unsigned slots;           /* 2..PACKQ_SLOTS_MAX */
	uint64_t bytes;           /* of the memory given to packq_init */
};
/* How many slots fit: each takes block_bytes (its output); each helper
 * also one state of state_bytes.  0 when fewer than 2 slots fit. */
unsigned packq_fit(uint64_t bytes, unsigned helpers, uint32_t block_bytes, uint32_t state_bytes);
/* Lay the ring and the helpers' states out in [mem, mem + bytes), as
 * packq_fit allows, and make the queue usable. */
void packq_init(void *mem, uint64_t bytes, unsigned helpers, uint32_t block_bytes, uint32_t state_bytes,
		packq_pack_fn pack, void *main_state, uint8_t *main_packed);
/* The state helper ticket t packs with (packq_init gave it memory). */
void *packq_helper_state(unsigned t);
/* How many helpers did start (after packq_init, before the first
 * block), and how they nap (0: they spin): 0 makes the ring unusable. */
void packq_set_helpers(unsigned n, const struct packq_ops *ops);
/* How many helpers are running: packq_init's count, then 0 for good
 * once one has been given up.  Nothing else uses the ring then. */
int packq_usable(void);
/* The next free slot's job, or 0 when every slot is pending (take the
 * oldest back first). */
struct packq_job *packq_free(void);
/* Hand that job (src, n, accel set) to whoever packs first. */
void packq_give(struct packq_job *j);
/* Slots given and not yet taken back. */
unsigned packq_pending(void);
/* The oldest pending job, packed (by a helper, or here while waiting);
 * then packq_done.  Bounded by PACKQ_WAIT_MS per job. */
struct packq_job *packq_oldest(void);
void packq_done(void);
/* What each helper ticket packed so far, and main. */
uint64_t packq_packed_by(int ticket); /* -1: main */
/* A helper's loop: pack READY slots until told to stop, then return
 * (the payload's helper then halts: capture/helpers.c). */
void packq_helper_run(unsigned ticket);
/* Tell the helpers to stop (the end of the dump). */
void packq_stop(void);

#endif
