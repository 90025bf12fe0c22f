/*
 * selftest.c -- checks that the C baseline keeps the rules it is measured under (exact
 * outcomes, largest leaves, empty tables freed), so the comparison is like for like.
 */
#include "lpae.h"

#include <stdio.h>
#include <stdlib.h>

#define BASE 0x80000000ull
#define KiB(n) ((uint64_t)(n) << 10)
#define MiB(n) ((uint64_t)(n) << 20)
#define GiB(n) ((uint64_t)(n) << 30)

static int failures;

static void expect(int ok, const char *what, int line)
{
	if (!ok) {
		fprintf(stderr, "selftest:%d: %s\n", line, what);
		failures++;
	}
}
#define EXPECT(cond) expect((cond), #cond, __LINE__)

int main(void)
{
	const uint64_t prot = lpae_prot_rw_cacheable();
	struct lpae_arena arena, tiny;
	struct lpae_table pt;
	uint64_t done, pa;

	if (lpae_arena_init(&arena, BASE, MiB(64)) || lpae_init(&pt, &arena, 39))
		return 1;

	/* Largest leaf: 2 MiB-aligned both sides gives one block under one new table. */
	EXPECT(lpae_map(&pt, MiB(2), MiB(2), MiB(2), prot, &done) == LPAE_OK && done == MiB(2));
	EXPECT(pt.tables == 2);
	EXPECT(lpae_translate(&pt, MiB(3) + 5, &pa) && pa == MiB(3) + 5);
	/* Never overwrites; never splits a block. */
	EXPECT(lpae_map(&pt, MiB(3), 0, KiB(4), prot, &done) == LPAE_ALREADY_MAPPED && done == 0);
	EXPECT(lpae_unmap(&pt, MiB(2), MiB(1), &done) == LPAE_PARTIAL_LEAF && done == 0);
	EXPECT(lpae_unmap(&pt, MiB(2), MiB(2), &done) == LPAE_OK && done == MiB(2));
	EXPECT(pt.tables == 1 && !lpae_translate(&pt, MiB(2), &pa));

	/* A hole stops unmap after exactly the bytes before it. */
	EXPECT(lpae_map(&pt, 0, KiB(4), KiB(4), prot, &done) == LPAE_OK);
	EXPECT(lpae_map(&pt, KiB(8), KiB(12), KiB(4), prot, &done) == LPAE_OK);
	EXPECT(lpae_unmap(&pt, 0, KiB(12), &done) == LPAE_NOT_MAPPED && done == KiB(4));
	EXPECT(lpae_translate(&pt, KiB(8), &pa) && pa == KiB(12));
	EXPECT(lpae_unmap(&pt, KiB(8), KiB(4), &done) == LPAE_OK && pt.tables == 1);

	/* The benchmark's range: 1 GiB of pages in 512 last-level tables, all freed by one unmap. */
	EXPECT(lpae_map(&pt, GiB(1), BASE + KiB(4), GiB(1), prot, &done) == LPAE_OK && done == GiB(1));
	EXPECT(pt.tables == 514);
	EXPECT(lpae_translate(&pt, GiB(1) + MiB(7) + 3, &pa) && pa == BASE + KiB(4) + MiB(7) + 3);
	/* A hole inside a fully covered table: the pages before it go, the table stays. */
	EXPECT(lpae_unmap(&pt, GiB(1) + MiB(4) + KiB(8), KiB(4), &done) == LPAE_OK);
	EXPECT(lpae_unmap(&pt, GiB(1) + MiB(4), MiB(2), &done) == LPAE_NOT_MAPPED && done == KiB(8));
	EXPECT(!lpae_translate(&pt, GiB(1) + MiB(4), &pa) && lpae_translate(&pt, GiB(1) + MiB(4) + KiB(12), &pa));
	EXPECT(lpae_unmap(&pt, GiB(1) + MiB(4) + KiB(12), MiB(2) - KiB(12), &done) == LPAE_OK);
	EXPECT(lpae_unmap(&pt, GiB(1), MiB(4), &done) == LPAE_OK);
	EXPECT(lpae_unmap(&pt, GiB(1) + MiB(6), GiB(1) - MiB(6), &done) == LPAE_OK && done == GiB(1) - MiB(6));
	EXPECT(pt.tables == 1 && arena.live == 1);

	/* Validation happens before anything is touched. */
	EXPECT(lpae_map(&pt, 1, 0, KiB(4), prot, &done) == LPAE_MISALIGNED && done == 0);
	EXPECT(lpae_map(&pt, GiB(512) - KiB(4), 0, KiB(8), prot, &done) == LPAE_OUT_OF_RANGE);
	lpae_destroy(&pt);

	/* Out of memory: room for the top table and one more; the table made for the failed map
	 * is freed again and nothing is mapped. */
	if (lpae_arena_init(&tiny, BASE, KiB(8)) || lpae_init(&pt, &tiny, 39))
		return 1;
	EXPECT(lpae_map(&pt, 0, 0, KiB(4), prot, &done) == LPAE_OUT_OF_MEMORY && done == 0);
	EXPECT(pt.tables == 1 && tiny.live == 1);
	lpae_destroy(&pt);

	/* The unrolled translate at four levels (ias 48) and two (ias 30): pages and blocks. */
	if (lpae_init(&pt, &arena, 48))
		return 1;
	EXPECT(lpae_map(&pt, GiB(300) + KiB(4), BASE + KiB(8), KiB(4), prot, &done) == LPAE_OK);
	EXPECT(lpae_map(&pt, GiB(301), GiB(2), GiB(1), prot, &done) == LPAE_OK && pt.tables == 4);
	EXPECT(lpae_translate(&pt, GiB(300) + KiB(4) + 9, &pa) && pa == BASE + KiB(8) + 9);
	EXPECT(lpae_translate(&pt, GiB(301) + MiB(5), &pa) && pa == GiB(2) + MiB(5));
	EXPECT(!lpae_translate(&pt, GiB(300), &pa) && !lpae_translate(&pt, 1ull << 48, &pa));
	lpae_destroy(&pt);
	if (lpae_init(&pt, &arena, 30))
		return 1;
	EXPECT(lpae_map(&pt, MiB(4), MiB(2), MiB(2), prot, &done) == LPAE_OK);
	EXPECT(lpae_translate(&pt, MiB(5) + 1, &pa) && pa == MiB(3) + 1 && !lpae_translate(&pt, MiB(6), &pa));
	lpae_destroy(&pt);

	lpae_arena_destroy(&tiny);
	lpae_arena_destroy(&arena);
	if (failures)
		return 1;
	printf("selftest: all checks passed\n");
	return 0;
}
