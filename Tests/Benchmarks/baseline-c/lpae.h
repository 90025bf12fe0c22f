/*
 * lpae.h -- the C baseline of the page-table benchmarks.
 *
 * A small, plain ARM VMSAv8-64 long-descriptor (LPAE) page table: 4 KiB granule, stage 1,
 * input-address size 30..48 bits. It does the same work as the Swift walker measured by
 * `pagetable bench`, with the same rules:
 *
 *   - tables come from an arena (a bump pointer plus a free list) and are zeroed on
 *     allocation, on demand, while mapping;
 *   - map uses the largest legal leaf at each position (4 KiB page, 2 MiB or 1 GiB block) and
 *     checks every slot is empty before writing it;
 *   - unmap removes a range in one call, front to back; tables it empties are unlinked and
 *     their memory is freed only at the end of the call (deferred freeing, after the point
 *     where a live table would have its TLB invalidated);
 *   - both report exactly how many bytes they did and why they stopped.
 *
 * Levels are numbered as in the Swift walker: 0 holds pages, levels - 1 is the top table.
 */
#ifndef LPAE_BASELINE_H
#define LPAE_BASELINE_H

#include <stddef.h>
#include <stdint.h>

/* Why an operation stopped. */
enum lpae_status {
	LPAE_OK = 0,
	LPAE_ALREADY_MAPPED,	/* map met an occupied slot */
	LPAE_NOT_MAPPED,	/* unmap met a hole */
	LPAE_PARTIAL_LEAF,	/* unmap would cut a block */
	LPAE_MISALIGNED,
	LPAE_OUT_OF_RANGE,
	LPAE_OUT_OF_MEMORY,
};

/* Simulated physical memory for tables: [base, base + size) backed by host memory. */
struct lpae_arena {
	uint8_t *host;
	uint64_t base;
	uint64_t size;
	uint64_t bump;		/* offset of the first never-allocated byte */
	uint64_t free_head;	/* physical address of the first free table, or LPAE_NONE */
	uint64_t live;		/* tables handed out and not freed */
};

#define LPAE_NONE UINT64_MAX

/* One operation's gathered changes: the hull of what a live table would invalidate, and the
 * tables to free once it has. */
struct lpae_gather {
	uint64_t start, end;
	uint64_t *frees;
	size_t nfrees, cap;
};

struct lpae_table {
	struct lpae_arena *arena;
	uint64_t root;		/* physical address of the top table */
	unsigned levels;	/* 1 .. 4 */
	unsigned ias;		/* input-address bits */
	uint64_t tables;	/* live tables, top included */
	int clear_covered;	/* experiment: clear each page of a fully covered last-level
				 * table before freeing it, as the Swift walker does */
	struct lpae_gather gather;
};

/* Read-write, cacheable, inner-shareable stage-1 leaf attributes (no type bits, no address). */
uint64_t lpae_prot_rw_cacheable(void);

int lpae_arena_init(struct lpae_arena *arena, uint64_t base, uint64_t size);
void lpae_arena_reset(struct lpae_arena *arena);	/* forget every table */
void lpae_arena_destroy(struct lpae_arena *arena);

int lpae_init(struct lpae_table *pt, struct lpae_arena *arena, unsigned ias);
void lpae_destroy(struct lpae_table *pt);	/* frees every table */

/* Each returns a status and stores in *done how many bytes from the start were done. */
int lpae_map(struct lpae_table *pt, uint64_t iova, uint64_t pa, uint64_t size, uint64_t prot, uint64_t *done);
int lpae_unmap(struct lpae_table *pt, uint64_t iova, uint64_t size, uint64_t *done);

/* 1 and *pa set if iova is mapped, else 0. */
int lpae_translate(const struct lpae_table *pt, uint64_t iova, uint64_t *pa);

#endif
