/* loader/pagepipe.h - ps_walk's decoding walk (loader/pagestream.h) on
 * several threads, for the pass of `crashcap save` that writes: its result
 * is the one ps_walk gives, sooner.
 *
 * Verifying a chunk's LZ4 frame (its block checksums over the compressed
 * bytes, its content checksum over the pages, both XXH32) and decoding it
 * take longer than writing its pages; one thread that does both in turn
 * leaves the disk, or the other cores, idle half the time.  Each chunk's
 * frame stands alone, so:
 *
 *   - a reader thread walks the stream with a skimming ps_walk that keeps
 *     the frames (keep_frames): every record read and checked as ps_walk
 *     checks it, each frame read once, whole, into a free slot;
 *   - decoder threads take the slots in stream order and decode each frame
 *     into the slot's pages with ps_decode_kept: every checksum verified
 *     (save runs pp_decoders() of them: one per CPU it may run on);
 *   - the calling thread hands the chunks to the visitor in stream order,
 *     as ps_walk would, and counts them into ps (ps_count_chunk), then
 *     frees the slot for the reader.
 *
 * Memory is bounded: decoders + 2 slots, each with a frame buffer and a
 * buffer for a chunk's pages, and the reader's frame buffer; each grows to
 * the chunks it gets, at most PS_FRAME_BUF of a whole chunk (4.07 MiB) and
 * 4 MiB.  With 2 decoders 36 MiB at most, with PP_DECODERS_MAX 53 MiB.  The first problem in
 * stream order wins, as in ps_walk: a slot whose frame did not decode
 * carries its error to the calling thread, which stops there; the reader's
 * own error (a record, the shape of a frame, the END record) comes after
 * its last chunk.  When the calling thread stops (a problem, or the
 * visitor says stop), it tells every thread to stop, wakes them all and
 * joins them: a thread waiting for a slot or for work wakes and ends, one
 * reading or decoding ends after that one read or frame.  The threads do
 * not take signals (they are blocked in them): SIGINT and the like reach
 * the calling thread, whose visitor sees the flag (save's `interrupted`).
 *
 * If the threads or the slots cannot be had, pp_walk is ps_walk: the same
 * result on one thread. */
#ifndef LOADER_PAGEPIPE_H
#define LOADER_PAGEPIPE_H

#include <stdint.h>
#include "loader/pagestream.h"

#define PP_DECODERS_MAX 4

/* As ps_walk(ps, v, max_chunks) for a decoding walk (ps->skim 0): the same
 * chunks handed to v in the same order with the same pages, the same
 * return, and afterwards the same counts, END record and first error in
 * ps.  ps is open (ps_open).  decoders: how many decoder threads (at most
 * PP_DECODERS_MAX; 0: ps_walk itself). */
int pp_walk(struct pagestream *ps, const struct ps_visitor *v, uint64_t max_chunks, unsigned decoders);

/* The decoder threads pp_walk starts: one per CPU in this process's
 * affinity mask, 1 to PP_DECODERS_MAX. */
unsigned pp_decoders(void);

#endif
