/*
 * bench.c -- the C baseline's benchmark driver: the same cases, sizes, repetitions and
 * output as `pagetable bench`, so the two can be compared line by line.
 *
 *   lpae-bench [--json] [--case NAME]... [--repetitions N] [--scaling]
 *              [--clock monotonic|thread-cpu] [--cold] [--clear-covered]
 *
 * --clock          what times the measured regions: CLOCK_MONOTONIC (default) or the
 *                  thread's CPU time (CLOCK_THREAD_CPUTIME_ID), which a noisy machine
 *                  disturbs less: time the thread waits for a CPU is not counted.
 * --cold           a new calloc'd arena for every repetition (tables land on memory never
 *                  touched before, so the first touch of each page faults), instead of one
 *                  arena per case reused after a warm-up, which is what both programs do by
 *                  default.
 * --clear-covered  clear every page of a fully covered last-level table on unmap, as the
 *                  Swift walker does, instead of only checking that each is a page.
 */
#define _POSIX_C_SOURCE 200809L

#include "lpae.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEMORY_BASE	0x80000000ull
#define MEMORY_SIZE	(64ull << 20)
#define INPUT_BITS	39
#define FIRST_IOVA	(1ull << 30)
#define BATCH_STRIDE	(1ull << 30)
#define MAPPING_BYTES	(1ull << 30)
#define LOOKUPS		1000000ull
#define SEED		0x0123456789abcdefull
#define MAX_REPETITIONS	1000
#define SINGLE_PAGES	4096	/* single-page operations per repetition, at most */
#define FRESH_BATCH	64	/* one-call maps on fresh ranges timed together */

struct options {
	int json;
	int repetitions;
	int scaling;
	int cold;
	int clear_covered;
	const char *only[16];
	int nonly;
};

struct sample {
	uint64_t ns;
	uint64_t ops;
	uint64_t tables;
	uint64_t table_bytes;
	int has_checksum;
	uint64_t checksum;
};

struct bench_case;
typedef void (*measure_fn)(const struct bench_case *, struct lpae_arena *, const struct options *,
			   struct sample *);

struct bench_case {
	const char *name;
	uint64_t bytes;		/* the range worked on */
	uint64_t pa_offset;	/* output address = MEMORY_BASE + pa_offset */
	unsigned leaf_shift;	/* operations are leaves of this size (map) */
	measure_fn measure;
	int batched;		/* time several operations together (the scaling run) */
};

/* Written once per translate repetition, so the lookups cannot be optimised away. */
volatile uint64_t bench_sink;

/* The clock of the measured regions (--clock). */
static clockid_t bench_clock = CLOCK_MONOTONIC;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(bench_clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* SplitMix64, the generator the Swift benchmark uses: the same addresses in the same order. */
static inline uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void die(const char *what)
{
	fprintf(stderr, "lpae-bench: %s\n", what);
	exit(1);
}

/* Operations timed together in one sample, as in Swift: 16 MiB worth, 1 to 64. */
static int batch_count(uint64_t bytes)
{
	uint64_t n = (16ull << 20) / bytes;

	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static void fresh_table(struct lpae_table *pt, struct lpae_arena *arena, const struct options *options)
{
	lpae_arena_reset(arena);
	if (lpae_init(pt, arena, INPUT_BITS) != LPAE_OK)
		die("cannot create a table");
	pt->clear_covered = options->clear_covered;
}

static __attribute__((noinline)) uint64_t timed_maps(struct lpae_table *pt, int count, uint64_t bytes, uint64_t pa)
{
	const uint64_t prot = lpae_prot_rw_cacheable();
	uint64_t start, elapsed, done;
	int k, failures = 0;

	start = now_ns();
	for (k = 0; k < count; k++)
		if (lpae_map(pt, FIRST_IOVA + (uint64_t)k * BATCH_STRIDE, pa, bytes, prot, &done) || done != bytes)
			failures++;
	elapsed = now_ns() - start;
	if (failures)
		die("a map failed");
	return elapsed;
}

static uint64_t timed_unmaps(struct lpae_table *pt, int count, uint64_t bytes)
{
	uint64_t start, elapsed, done;
	int k, failures = 0;

	start = now_ns();
	for (k = 0; k < count; k++)
		if (lpae_unmap(pt, FIRST_IOVA + (uint64_t)k * BATCH_STRIDE, bytes, &done) || done != bytes)
			failures++;
	elapsed = now_ns() - start;
	if (failures)
		die("an unmap failed");
	return elapsed;
}

static void measure_map(const struct bench_case *bc, struct lpae_arena *arena, const struct options *options,
			struct sample *s)
{
	const int count = bc->batched ? batch_count(bc->bytes) : 1;
	struct lpae_table pt;

	fresh_table(&pt, arena, options);
	s->ns = timed_maps(&pt, count, bc->bytes, MEMORY_BASE + bc->pa_offset);
	s->ops = (uint64_t)count * (bc->bytes >> bc->leaf_shift);
	s->tables = 1 + (pt.tables - 1) / count;
	s->table_bytes = s->tables * 4096;
	lpae_destroy(&pt);
}

static void measure_unmap(const struct bench_case *bc, struct lpae_arena *arena, const struct options *options,
			  struct sample *s)
{
	const int count = bc->batched ? batch_count(bc->bytes) : 1;
	struct lpae_table pt;

	fresh_table(&pt, arena, options);
	timed_maps(&pt, count, bc->bytes, MEMORY_BASE + bc->pa_offset);
	s->ns = timed_unmaps(&pt, count, bc->bytes);
	s->ops = (uint64_t)count * (bc->bytes >> 12);
	s->tables = pt.tables;
	s->table_bytes = pt.tables * 4096;
	lpae_destroy(&pt);
}

static void measure_translate(const struct bench_case *bc, struct lpae_arena *arena,
			      const struct options *options, struct sample *s)
{
	const uint64_t mask = bc->bytes - 1;
	uint64_t state = SEED, sum = 0, start, pa, i;
	struct lpae_table pt;

	fresh_table(&pt, arena, options);
	timed_maps(&pt, 1, bc->bytes, MEMORY_BASE + bc->pa_offset);
	start = now_ns();
	for (i = 0; i < LOOKUPS; i++) {
		const uint64_t iova = FIRST_IOVA + (next_random(&state) & mask);

		if (lpae_translate(&pt, iova, &pa))
			sum += pa;
	}
	s->ns = now_ns() - start;
	bench_sink = sum;
	s->ops = LOOKUPS;
	s->tables = pt.tables;
	s->table_bytes = pt.tables * 4096;
	s->has_checksum = 1;
	s->checksum = sum;
	lpae_destroy(&pt);
}

/*
 * Single-page cases on a populated table (the map-4k range): `count` pages at a fixed stride
 * inside it, one call per page. What differs is what runs before the clock starts.
 */
static uint64_t single_page_count(uint64_t bytes)
{
	const uint64_t pages = bytes >> 12;

	return pages / 4 < SINGLE_PAGES ? pages / 4 : SINGLE_PAGES;
}

enum single_kind { SINGLE_MAP, SINGLE_UNMAP, SINGLE_PAIR };

/* The timed loop: `count` one-page calls at FIRST_IOVA + i * stride (out of line, so profilers
 * see it as one function). */
static __attribute__((noinline)) uint64_t timed_single(struct lpae_table *pt, uint64_t count, uint64_t stride,
							uint64_t pa, enum single_kind kind)
{
	const uint64_t prot = lpae_prot_rw_cacheable();
	uint64_t start, elapsed, done, i;
	int failures = 0;

	start = now_ns();
	for (i = 0; i < count; i++) {
		const uint64_t iova = FIRST_IOVA + i * stride;

		if (kind != SINGLE_UNMAP && (lpae_map(pt, iova, pa + i * stride, 4096, prot, &done) || done != 4096))
			failures++;
		if (kind != SINGLE_MAP && (lpae_unmap(pt, iova, 4096, &done) || done != 4096))
			failures++;
	}
	elapsed = now_ns() - start;
	if (failures)
		die("a single-page operation failed");
	return elapsed;
}

static void measure_single(const struct bench_case *bc, struct lpae_arena *arena, const struct options *options,
			   struct sample *s, enum single_kind kind)
{
	const uint64_t count = single_page_count(bc->bytes), stride = bc->bytes / count;
	const uint64_t pa = MEMORY_BASE + bc->pa_offset;
	uint64_t done, i;
	struct lpae_table pt;
	int failures = 0;

	fresh_table(&pt, arena, options);
	timed_maps(&pt, 1, bc->bytes, pa);
	if (kind != SINGLE_UNMAP)	/* make the holes the timed maps fill */
		for (i = 0; i < count; i++)
			if (lpae_unmap(&pt, FIRST_IOVA + i * stride, 4096, &done))
				failures++;
	if (failures)
		die("making a hole failed");
	s->ns = timed_single(&pt, count, stride, pa, kind);
	s->ops = count;
	s->tables = pt.tables;
	s->table_bytes = pt.tables * 4096;
	lpae_destroy(&pt);
}

static void measure_map_one(const struct bench_case *bc, struct lpae_arena *arena, const struct options *options,
			    struct sample *s)
{
	measure_single(bc, arena, options, s, SINGLE_MAP);
}

static void measure_unmap_one(const struct bench_case *bc, struct lpae_arena *arena,
			      const struct options *options, struct sample *s)
{
	measure_single(bc, arena, options, s, SINGLE_UNMAP);
}

static void measure_map_unmap_one(const struct bench_case *bc, struct lpae_arena *arena,
				  const struct options *options, struct sample *s)
{
	measure_single(bc, arena, options, s, SINGLE_PAIR);
}

/* teardown-1g: drop a table holding the map-4k mapping (every table back to the arena). */
static void measure_teardown(const struct bench_case *bc, struct lpae_arena *arena,
			     const struct options *options, struct sample *s)
{
	struct lpae_table pt;
	uint64_t start;

	fresh_table(&pt, arena, options);
	timed_maps(&pt, 1, bc->bytes, MEMORY_BASE + bc->pa_offset);
	s->tables = pt.tables;
	s->table_bytes = pt.tables * 4096;
	start = now_ns();
	lpae_destroy(&pt);
	s->ns = now_ns() - start;
	s->ops = 1;
}

/* map-*-fresh: one call on a fresh table; FRESH_BATCH such calls (range k at (1 + k) GiB, each
 * starting from an empty top-level slot) are timed together and divided. */
static void measure_map_fresh(const struct bench_case *bc, struct lpae_arena *arena,
			      const struct options *options, struct sample *s)
{
	struct lpae_table pt;

	fresh_table(&pt, arena, options);
	s->ns = timed_maps(&pt, FRESH_BATCH, bc->bytes, MEMORY_BASE + bc->pa_offset);
	s->ops = FRESH_BATCH;
	s->tables = 1 + (pt.tables - 1) / FRESH_BATCH;
	s->table_bytes = s->tables * 4096;
	lpae_destroy(&pt);
}

static int compare_doubles(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void run_case(const struct bench_case *bc, const struct options *options)
{
	double per_op[MAX_REPETITIONS], median;
	struct lpae_arena arena;
	struct sample s;
	int r, n = options->repetitions;
	char size[32];

	if (lpae_arena_init(&arena, MEMORY_BASE, MEMORY_SIZE))
		die("cannot allocate table memory");
	memset(&s, 0, sizeof(s));
	bc->measure(bc, &arena, options, &s);	/* warm-up, not counted */
	for (r = 0; r < n; r++) {
		if (options->cold) {
			lpae_arena_destroy(&arena);
			if (lpae_arena_init(&arena, MEMORY_BASE, MEMORY_SIZE))
				die("cannot allocate table memory");
		}
		memset(&s, 0, sizeof(s));
		bc->measure(bc, &arena, options, &s);
		per_op[r] = (double)s.ns / (double)(s.ops ? s.ops : 1);
	}
	lpae_arena_destroy(&arena);
	qsort(per_op, (size_t)n, sizeof(per_op[0]), compare_doubles);
	median = n % 2 ? per_op[n / 2] : (per_op[n / 2 - 1] + per_op[n / 2]) / 2;

	if (options->json) {
		printf("{\"case\":\"%s\",\"format\":\"arm-lpae-64\",\"bytes\":%llu,\"ops\":%llu,"
		       "\"nsPerOp\":%.3f,\"minNsPerOp\":%.3f,\"repetitions\":%d,\"tables\":%llu,\"tableBytes\":%llu",
		       bc->name, (unsigned long long)bc->bytes, (unsigned long long)s.ops, median, per_op[0], n,
		       (unsigned long long)s.tables, (unsigned long long)s.table_bytes);
		if (s.has_checksum)
			printf(",\"checksum\":\"0x%llx\"", (unsigned long long)s.checksum);
		printf("}\n");
	} else {
		if (bc->bytes >= (1ull << 30))
			snprintf(size, sizeof(size), "%lluG", (unsigned long long)(bc->bytes >> 30));
		else if (bc->bytes >= (1ull << 20))
			snprintf(size, sizeof(size), "%lluM", (unsigned long long)(bc->bytes >> 20));
		else
			snprintf(size, sizeof(size), "%lluK", (unsigned long long)(bc->bytes >> 10));
		printf("%-16s %-12s %5s %8llu %9.3f %9.3f %6llu %11llu\n", bc->name, "arm-lpae-64", size,
		       (unsigned long long)s.ops, median, per_op[0], (unsigned long long)s.tables,
		       (unsigned long long)s.table_bytes);
	}
	fflush(stdout);
}

static int wanted(const struct options *options, const char *name)
{
	int i;

	if (options->nonly == 0)
		return 1;
	for (i = 0; i < options->nonly; i++)
		if (strcmp(options->only[i], name) == 0)
			return 1;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: lpae-bench [--json] [--case NAME]... [--repetitions N] [--scaling] "
			"[--clock monotonic|thread-cpu] [--cold] [--clear-covered]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct bench_case standard[] = {
		{ "map-4k", MAPPING_BYTES, 4096, 12, measure_map, 0 },
		{ "unmap-4k", MAPPING_BYTES, 4096, 12, measure_unmap, 0 },
		{ "translate", MAPPING_BYTES, 4096, 12, measure_translate, 0 },
		{ "map-2m", MAPPING_BYTES, 2ull << 20, 21, measure_map, 0 },
		{ "map-one-4k", MAPPING_BYTES, 4096, 12, measure_map_one, 0 },
		{ "unmap-one-4k", MAPPING_BYTES, 4096, 12, measure_unmap_one, 0 },
		{ "map-unmap-one-4k", MAPPING_BYTES, 4096, 12, measure_map_unmap_one, 0 },
		{ "teardown-1g", MAPPING_BYTES, 4096, 12, measure_teardown, 0 },
		{ "map-4k-fresh", 4ull << 10, 4096, 12, measure_map_fresh, 0 },
		{ "map-64k-fresh", 64ull << 10, 64ull << 10, 16, measure_map_fresh, 0 },
		{ "map-2m-fresh", 2ull << 20, 2ull << 20, 21, measure_map_fresh, 0 },
	};
	struct options options = { .repetitions = 7 };
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			options.json = 1;
		} else if (strcmp(argv[i], "--scaling") == 0) {
			options.scaling = 1;
		} else if (strcmp(argv[i], "--clock") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "thread-cpu") == 0)
				bench_clock = CLOCK_THREAD_CPUTIME_ID;
			else if (strcmp(argv[i], "monotonic") == 0)
				bench_clock = CLOCK_MONOTONIC;
			else
				usage();
		} else if (strcmp(argv[i], "--cold") == 0) {
			options.cold = 1;
		} else if (strcmp(argv[i], "--clear-covered") == 0) {
			options.clear_covered = 1;
		} else if (strcmp(argv[i], "--repetitions") == 0 && i + 1 < argc) {
			options.repetitions = atoi(argv[++i]);
			if (options.repetitions < 1 || options.repetitions > MAX_REPETITIONS)
				usage();
		} else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
			if (options.nonly == (int)(sizeof(options.only) / sizeof(options.only[0])))
				usage();
			options.only[options.nonly++] = argv[++i];
		} else {
			usage();
		}
	}

	if (!options.json)
		printf("%-16s %-12s %5s %8s %9s %9s %6s %11s\n", "case", "format", "size", "ops", "ns/op",
		       "min ns/op", "tables", "table bytes");
	if (options.scaling) {
		/* map-4k and unmap-4k from 4 KiB to 4 GiB in powers of four. */
		for (i = 0; i <= 10; i++) {
			const uint64_t bytes = 4096ull << (2 * i);
			const struct bench_case map = { "map-4k", bytes, 4096, 12, measure_map, 1 };
			const struct bench_case unmap = { "unmap-4k", bytes, 4096, 12, measure_unmap, 1 };

			if (wanted(&options, map.name))
				run_case(&map, &options);
			if (wanted(&options, unmap.name))
				run_case(&unmap, &options);
		}
	} else {
		for (i = 0; i < (int)(sizeof(standard) / sizeof(standard[0])); i++)
			if (wanted(&options, standard[i].name))
				run_case(&standard[i], &options);
	}
	return 0;
}
