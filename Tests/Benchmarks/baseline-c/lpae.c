/*
 * lpae.c -- the C baseline: ARM LPAE, 4 KiB granule, stage 1. See lpae.h for the rules.
 */
#include "lpae.h"

#include <stdlib.h>
#include <string.h>

#define GRANULE_SHIFT	12
#define TABLE_BYTES	4096u
#define TABLE_ENTRIES	512u
#define BITS_PER_LEVEL	9
#define OUTPUT_BITS	48

/* Descriptor bits (VMSAv8-64 long descriptors). */
#define DESC_VALID	(1ull << 0)
#define DESC_TYPE	(1ull << 1)	/* table (levels > 0) or page (level 0); clear: block */
#define DESC_ADDR	0x0000fffffffff000ull
#define DESC_ATTRINDX(n) ((uint64_t)(n) << 2)
#define DESC_AP_EL0	(1ull << 6)
#define DESC_SH_INNER	(3ull << 8)
#define DESC_AF		(1ull << 10)
#define DESC_NG		(1ull << 11)
#define DESC_PXN	(1ull << 53)
#define DESC_UXN	(1ull << 54)

/* MAIR index of normal write-back memory, as the Swift format uses. */
#define ATTRINDX_WRITE_BACK 1

/* The deepest level (counted from pages) that may hold blocks: 1 GiB blocks at ARM's L1. */
#define LEAF_LEVELS	3

uint64_t lpae_prot_rw_cacheable(void)
{
	/* Read-write for EL0 and EL1, never executable, normal write-back, inner shareable. */
	return DESC_AF | DESC_NG | DESC_AP_EL0 | DESC_UXN | DESC_PXN | DESC_SH_INNER |
	       DESC_ATTRINDX(ATTRINDX_WRITE_BACK);
}

static inline unsigned level_shift(unsigned level)
{
	return GRANULE_SHIFT + BITS_PER_LEVEL * level;
}

/* Entries of a table of `level`: 512, except a top table that resolves fewer bits. */
static inline unsigned level_entries(const struct lpae_table *pt, unsigned level)
{
	if (level + 1 < pt->levels)
		return TABLE_ENTRIES;
	return 1u << (pt->ias - level_shift(level));
}

/*
 * Whether a descriptor at `level` is something (a table, a page or a block) rather than a
 * hole. Encodings the hardware faults on count as holes: 0b01 at level 0, and blocks at a
 * level that has none. The answer is (desc & mask) == mask with the mask below.
 */
static inline uint64_t present_mask(unsigned level)
{
	return (level > 0 && level < LEAF_LEVELS) ? DESC_VALID : DESC_VALID | DESC_TYPE;
}

static inline int is_table(uint64_t desc, unsigned level)
{
	return level > 0 && (desc & (DESC_VALID | DESC_TYPE)) == (DESC_VALID | DESC_TYPE);
}

/* ---- Arena: a bump pointer over calloc'd memory, plus a free list threaded through free tables. */

int lpae_arena_init(struct lpae_arena *arena, uint64_t base, uint64_t size)
{
	if ((base | size) & (TABLE_BYTES - 1) || size == 0)
		return -1;
	arena->host = calloc(1, size);
	if (!arena->host)
		return -1;
	arena->base = base;
	arena->size = size;
	lpae_arena_reset(arena);
	return 0;
}

void lpae_arena_reset(struct lpae_arena *arena)
{
	arena->bump = 0;
	arena->free_head = LPAE_NONE;
	arena->live = 0;
}

void lpae_arena_destroy(struct lpae_arena *arena)
{
	free(arena->host);
	arena->host = NULL;
}

static inline uint64_t *table_at(const struct lpae_arena *arena, uint64_t pa)
{
	return (uint64_t *)(arena->host + (pa - arena->base));
}

/* A zeroed table, or LPAE_NONE. */
static uint64_t table_alloc(struct lpae_arena *arena)
{
	uint64_t pa;

	if (arena->free_head != LPAE_NONE) {
		pa = arena->free_head;
		arena->free_head = *table_at(arena, pa);
	} else if (arena->size - arena->bump >= TABLE_BYTES) {
		pa = arena->base + arena->bump;
		arena->bump += TABLE_BYTES;
	} else {
		return LPAE_NONE;
	}
	memset(table_at(arena, pa), 0, TABLE_BYTES);
	arena->live++;
	return pa;
}

static void table_free(struct lpae_arena *arena, uint64_t pa)
{
	*table_at(arena, pa) = arena->free_head;
	arena->free_head = pa;
	arena->live--;
}

/* ---- Gathering one operation's changes. */

static void gather_reset(struct lpae_gather *gather)
{
	gather->start = UINT64_MAX;
	gather->end = 0;
	gather->nfrees = 0;
}

static inline void gather_range(struct lpae_gather *gather, uint64_t start, uint64_t end)
{
	if (start < gather->start)
		gather->start = start;
	if (end > gather->end)
		gather->end = end;
}

/* Remembers an unlinked table, to be freed after the invalidation. */
static void gather_table(struct lpae_table *pt, uint64_t table, uint64_t start, uint64_t end)
{
	struct lpae_gather *gather = &pt->gather;

	if (gather->nfrees == gather->cap) {
		size_t cap = gather->cap ? gather->cap * 2 : 64;
		uint64_t *grown = realloc(gather->frees, cap * sizeof(*grown));

		/* Freeing now could let a live walker read a reused table: without host memory to
		 * defer the free there is no safe way on. */
		if (!grown)
			abort();
		gather->frees = grown;
		gather->cap = cap;
	}
	gather->frees[gather->nfrees++] = table;
	gather_range(gather, start, end);
}

/*
 * The end of every operation: a live table would invalidate the gathered range here (tables
 * built offline, as in the benchmark, need nothing), then the unlinked tables are freed.
 */
static void sync(struct lpae_table *pt)
{
	struct lpae_gather *gather = &pt->gather;
	size_t i;

	for (i = 0; i < gather->nfrees; i++)
		table_free(pt->arena, gather->frees[i]);
	pt->tables -= gather->nfrees;
	gather_reset(gather);
}

static int table_is_empty(const struct lpae_table *pt, uint64_t table, unsigned level)
{
	const uint64_t *entry = table_at(pt->arena, table);
	const uint64_t mask = present_mask(level);
	unsigned i, n = level_entries(pt, level);

	for (i = 0; i < n; i++)
		if ((entry[i] & mask) == mask)
			return 0;
	return 1;
}

/* ---- Setup and teardown. */

int lpae_init(struct lpae_table *pt, struct lpae_arena *arena, unsigned ias)
{
	if (ias < 30 || ias > 48)
		return LPAE_OUT_OF_RANGE;
	memset(pt, 0, sizeof(*pt));
	pt->arena = arena;
	pt->ias = ias;
	pt->levels = (ias - GRANULE_SHIFT + BITS_PER_LEVEL - 1) / BITS_PER_LEVEL;
	gather_reset(&pt->gather);
	pt->root = table_alloc(arena);
	if (pt->root == LPAE_NONE)
		return LPAE_OUT_OF_MEMORY;
	pt->tables = 1;
	return LPAE_OK;
}

static void free_tree(struct lpae_table *pt, uint64_t table, unsigned level)
{
	if (level > 0) {
		const uint64_t *entry = table_at(pt->arena, table);
		unsigned i, n = level_entries(pt, level);

		for (i = 0; i < n; i++)
			if (is_table(entry[i], level))
				free_tree(pt, entry[i] & DESC_ADDR, level - 1);
	}
	table_free(pt->arena, table);
}

void lpae_destroy(struct lpae_table *pt)
{
	sync(pt);
	free_tree(pt, pt->root, pt->levels - 1);
	free(pt->gather.frees);
	memset(pt, 0, sizeof(*pt));
}

/* ---- Map. */

struct map_cursor {
	uint64_t iova;		/* next input address to map */
	uint64_t pa;		/* its output address */
	uint64_t end;
	uint64_t prot;
};

static int map_level(struct lpae_table *pt, uint64_t table, unsigned level, struct map_cursor *c)
{
	uint64_t *entry = table_at(pt->arena, table);
	const unsigned shift = level_shift(level);
	const uint64_t item = 1ull << shift;
	const unsigned entries = level_entries(pt, level);
	unsigned i = (unsigned)(c->iova >> shift) & (entries - 1);

	while (i < entries && c->iova < c->end) {
		const uint64_t left = c->end - c->iova;
		uint64_t child, item_start;
		int fresh = 0, err;

		if (level < LEAF_LEVELS && ((c->iova | c->pa) & (item - 1)) == 0 && left >= item) {
			/* A run of leaves of this size, to the end of the range or of the table. */
			const uint64_t mask = present_mask(level);
			const uint64_t want = left >> shift;
			const unsigned stop = want < entries - i ? i + (unsigned)want : entries;
			uint64_t desc = c->prot | c->pa | (level == 0 ? DESC_VALID | DESC_TYPE : DESC_VALID);
			unsigned j;

			for (j = i; j < stop; j++) {
				if ((entry[j] & mask) == mask)
					break;
				entry[j] = desc;
				desc += item;	/* the next output address, in place */
			}
			c->iova += (uint64_t)(j - i) << shift;
			c->pa += (uint64_t)(j - i) << shift;
			if (j < stop)
				return LPAE_ALREADY_MAPPED;
			i = stop;
			continue;
		}

		/* Go down a level, through the table there or a new one. */
		if (level == 0)
			return LPAE_ALREADY_MAPPED;	/* unreachable: every page fits at level 0 */
		if (is_table(entry[i], level)) {
			child = entry[i] & DESC_ADDR;
		} else if ((entry[i] & present_mask(level)) == present_mask(level)) {
			return LPAE_ALREADY_MAPPED;	/* a block */
		} else {
			child = table_alloc(pt->arena);
			if (child == LPAE_NONE)
				return LPAE_OUT_OF_MEMORY;
			pt->tables++;
			entry[i] = child | DESC_VALID | DESC_TYPE;
			fresh = 1;
		}
		item_start = c->iova & ~(item - 1);
		err = map_level(pt, child, level - 1, c);
		if (err) {
			/* A table made for the failed part goes again: no trace beyond the prefix. */
			if (fresh && table_is_empty(pt, child, level - 1)) {
				entry[i] = 0;
				gather_table(pt, child, item_start, item_start + item);
			}
			return err;
		}
		i++;
	}
	return LPAE_OK;
}

static int check_range(uint64_t start, uint64_t size, unsigned bits)
{
	if (size == 0 || ((start | size) & ((1ull << GRANULE_SHIFT) - 1)))
		return LPAE_MISALIGNED;
	if (start + size < start || start + size > (1ull << bits))
		return LPAE_OUT_OF_RANGE;
	return LPAE_OK;
}

int lpae_map(struct lpae_table *pt, uint64_t iova, uint64_t pa, uint64_t size, uint64_t prot, uint64_t *done)
{
	struct map_cursor c = { iova, pa, iova + size, prot };
	int err;

	*done = 0;
	err = check_range(iova, size, pt->ias);
	if (!err)
		err = check_range(pa, size, OUTPUT_BITS);
	if (err)
		return err;
	err = map_level(pt, pt->root, pt->levels - 1, &c);
	sync(pt);
	*done = c.iova - iova;
	return err;
}

/* ---- Unmap. */

struct unmap_cursor {
	uint64_t iova;		/* next input address to unmap */
	uint64_t end;
};

/*
 * A last-level table the range covers entirely. If all its entries are pages, the caller
 * unlinks and frees it whole: its entries are not cleared one by one, since a table is zeroed
 * when it is next allocated. Otherwise the pages before the first hole are removed and the
 * hole is reported.
 */
static int unmap_covered_pages(struct lpae_table *pt, uint64_t table, struct unmap_cursor *c)
{
	uint64_t *entry = table_at(pt->arena, table);
	const uint64_t page = DESC_VALID | DESC_TYPE;
	unsigned j = 0;

	while (j < TABLE_ENTRIES && (entry[j] & page) == page)
		j++;
	if (j < TABLE_ENTRIES)
		memset(entry, 0, (size_t)j * sizeof(*entry));
	gather_range(&pt->gather, c->iova, c->iova + ((uint64_t)j << GRANULE_SHIFT));
	c->iova += (uint64_t)j << GRANULE_SHIFT;
	return j < TABLE_ENTRIES ? LPAE_NOT_MAPPED : LPAE_OK;
}

static int unmap_level(struct lpae_table *pt, uint64_t table, unsigned level, struct unmap_cursor *c)
{
	uint64_t *entry = table_at(pt->arena, table);
	const unsigned shift = level_shift(level);
	const uint64_t item = 1ull << shift;
	const unsigned entries = level_entries(pt, level);
	unsigned i = (unsigned)(c->iova >> shift) & (entries - 1);

	while (i < entries && c->iova < c->end) {
		const uint64_t desc = entry[i];

		if (is_table(desc, level)) {
			const uint64_t child = desc & DESC_ADDR;
			const uint64_t start = c->iova;
			const uint64_t item_start = start & ~(item - 1);
			const int covered = start == item_start && c->end - start >= item;
			int err;

			if (covered && level == 1 && !pt->clear_covered)
				err = unmap_covered_pages(pt, child, c);
			else
				err = unmap_level(pt, child, level - 1, c);
			if (c->iova != start && ((covered && !err) || table_is_empty(pt, child, level - 1))) {
				entry[i] = 0;
				gather_table(pt, child, item_start, item_start + item);
			}
			if (err)
				return err;
			i++;
		} else if (level == 0) {
			/* A run of pages, to the end of the range or of the table, or a hole. */
			const uint64_t page = DESC_VALID | DESC_TYPE;
			const uint64_t want = (c->end - c->iova) >> shift;
			const unsigned stop = want < entries - i ? i + (unsigned)want : entries;
			unsigned j = i;

			while (j < stop && (entry[j] & page) == page)
				entry[j++] = 0;
			gather_range(&pt->gather, c->iova, c->iova + ((uint64_t)(j - i) << shift));
			c->iova += (uint64_t)(j - i) << shift;
			if (j < stop)
				return LPAE_NOT_MAPPED;
			i = j;
		} else if ((desc & present_mask(level)) == present_mask(level)) {
			/* A block: removed whole, never split. */
			if (c->iova & (item - 1) || c->end - c->iova < item)
				return LPAE_PARTIAL_LEAF;
			entry[i] = 0;
			gather_range(&pt->gather, c->iova, c->iova + item);
			c->iova += item;
			i++;
		} else {
			return LPAE_NOT_MAPPED;
		}
	}
	return LPAE_OK;
}

int lpae_unmap(struct lpae_table *pt, uint64_t iova, uint64_t size, uint64_t *done)
{
	struct unmap_cursor c = { iova, iova + size };
	int err;

	*done = 0;
	err = check_range(iova, size, pt->ias);
	if (err)
		return err;
	err = unmap_level(pt, pt->root, pt->levels - 1, &c);
	sync(pt);
	*done = c.iova - iova;
	return err;
}

/* ---- Translate: the hardware's walk, unrolled per level count with constant shifts. */

/* One step of the walk at `level`: 1 and *pa set if the step ends in a leaf; 0 and *next set to
 * the next table if it points at one; -1 for a hole. Inlined with a constant level. */
static inline int walk_step(uint64_t desc, unsigned level, uint64_t iova, uint64_t *next, uint64_t *pa)
{
	if (!(desc & DESC_VALID))
		return -1;
	if (desc & DESC_TYPE) {
		if (level == 0) {
			*pa = (desc & DESC_ADDR) | (iova & ((1ull << GRANULE_SHIFT) - 1));
			return 1;
		}
		*next = desc & DESC_ADDR;
		return 0;
	}
	if (level == 0 || level >= LEAF_LEVELS)
		return -1;	/* reserved encoding, or a block where there are none */
	{
		const uint64_t offset = (1ull << level_shift(level)) - 1;

		*pa = (desc & DESC_ADDR & ~offset) | (iova & offset);
	}
	return 1;
}

#define INDEX(iova, level) (((iova) >> level_shift(level)) & (TABLE_ENTRIES - 1))

int lpae_translate(const struct lpae_table *pt, uint64_t iova, uint64_t *pa)
{
	const uint8_t *host = pt->arena->host;
	const uint64_t bias = pt->arena->base;
	uint64_t table = pt->root, next = 0;
	int step;

	if (iova >> pt->ias)
		return 0;
#define STEP(level)									\
	do {										\
		const uint64_t desc = ((const uint64_t *)(host + (table - bias)))[INDEX(iova, level)]; \
		step = walk_step(desc, (level), iova, &next, pa);			\
		if (step)								\
			return step > 0;						\
		table = next;								\
	} while (0)
	switch (pt->levels) {
	case 4:
		STEP(3);
		/* fall through */
	case 3:
		STEP(2);
		/* fall through */
	case 2:
		STEP(1);
		/* fall through */
	default:
		STEP(0);
	}
#undef STEP
	return 0;
}
