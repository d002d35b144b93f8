/* capture/notes.c - see notes.h. */
#include "capture/notes.h"
#include "capture/elf.h"
#include "boot/string.h"

/* 64-bit: a corrupt size near 4 GiB must not wrap to a small length */
static uint64_t align4(uint64_t v) { return (v + 3) & ~3ull; }

static int append(struct notes *n, const void *src, size_t len)
{
	if (len > n->cap - n->len) {
		n->dropped++;
		return -1;
	}
	memcpy(n->buf + n->len, src, len);
	n->len += len;
	n->count++;
	return 0;
}

void notes_walk(struct notes *n, uint64_t paddr, uint64_t size)
{
	uint64_t off = 0;
	while (off + sizeof(Elf64_Nhdr) <= size) {
		const Elf64_Nhdr *h = (const Elf64_Nhdr *)(paddr + off);
		if (h->n_namesz == 0)
			break;
		uint64_t len = sizeof(*h) + align4(h->n_namesz) + align4(h->n_descsz);
		if (len > size - off)
			break; /* torn note: keep what came before */
		append(n, h, len);
		off += len;
	}
}

int notes_add(struct notes *n, const char *name, uint32_t type, const void *desc, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	size_t len = sizeof(Elf64_Nhdr) + align4(namesz) + align4(descsz);
	if (len > n->cap - n->len) {
		n->dropped++;
		return -1;
	}
	uint8_t *p = n->buf + n->len;
	memset(p, 0, len);
	Elf64_Nhdr h = { namesz, descsz, type };
	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), name, namesz);
	memcpy(p + sizeof(h) + align4(namesz), desc, descsz);
	n->len += len;
	n->count++;
	return 0;
}

void notes_collect(struct notes *n, const struct cc_params *p)
{
	/* CPU notes first, as /proc/vmcore orders them, but they may not take
	 * VMCOREINFO's room: without it crash and makedumpfile need a vmlinux. */
	size_t cap = n->cap;
	size_t reserve = p->vmcoreinfo_paddr ? p->vmcoreinfo_size : 0;
	if (reserve < cap)
		n->cap = cap - reserve;
	for (uint32_t i = 0; i < p->nr_note_bufs && i < CC_MAX_NOTE_BUFS; i++)
		notes_walk(n, p->note_bufs[i].paddr, p->note_bufs[i].size);
	n->cap = cap;
	if (p->vmcoreinfo_paddr)
		notes_walk(n, p->vmcoreinfo_paddr, p->vmcoreinfo_size);
}
