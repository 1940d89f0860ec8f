/*
 * check_perm.c -- the perm suite: the random order is a bijection of
 * 0..n-1 for every n from 1 to 2000 and for awkward sizes (powers of four
 * and their neighbours, primes), stays below n near 2^62, depends on the
 * seed and only on it; the sequential order is the identity.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "perm.h"
#include "util.h"

/* Check that perm_at is a bijection of 0..n-1 for seed. */
static void
check_bijection(uint64_t n, uint64_t seed)
{
	unsigned char *seen = calloc(n, 1);
	struct perm p;
	uint64_t i, x;

	ck_assert_ptr_nonnull(seen);
	perm_init(&p, n, seed, false);
	/* Plain tests in the loop: each ck_assert is a write to Check's
	 * pipe, too slow for millions of checks. */
	for (i = 0; i < n; i++) {
		x = perm_at(&p, i);
		if (x >= n)
			ck_abort_msg("n=%llu: perm_at(%llu) = %llu",
			    (unsigned long long)n, (unsigned long long)i,
			    (unsigned long long)x);
		if (seen[x])
			ck_abort_msg("n=%llu: %llu reached twice",
			    (unsigned long long)n, (unsigned long long)x);
		seen[x] = 1;
	}
	free(seen);
}

START_TEST(test_small_sizes)
{
	uint64_t n;

	for (n = 1; n <= 2000; n++)
		check_bijection(n, 42);
	for (n = 1; n <= 64; n++)
		check_bijection(n, n * 7919);
}
END_TEST

START_TEST(test_awkward_sizes)
{
	static const uint64_t primes[] = { 2003, 4093, 8191, 16381, 32749,
		65521, 65537, 69997 };
	unsigned char *composite;
	uint64_t n, i, j, k;

	for (n = 4; n <= 262144; n *= 4) {
		check_bijection(n - 1, 1);
		check_bijection(n, 2);
		check_bijection(n + 1, 3);
	}
	for (i = 0; i < UTIL_ARRLEN(primes); i++)
		check_bijection(primes[i], 0xdeadbeef);
	/* Every 128th prime below 70000. */
	composite = calloc(70000, 1);
	ck_assert_ptr_nonnull(composite);
	for (i = 2, k = 0; i < 70000; i++) {
		if (composite[i])
			continue;
		for (j = i * i; j < 70000; j += i)
			composite[j] = 1;
		if (k++ % 128 == 0)
			check_bijection(i, i);
	}
	free(composite);
}
END_TEST

/* Compare two uint64_t for qsort. */
static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

START_TEST(test_huge_sizes)
{
	static const uint64_t sizes[] = { (1ULL << 62) - 1, 1ULL << 62,
		(1ULL << 62) + 1, (uint64_t)INT64_MAX, 1ULL << 32,
		(1ULL << 32) + 1 };
	enum { SAMPLES = 3000 };
	uint64_t *out = calloc(SAMPLES, sizeof *out), pos;
	struct perm p;
	size_t i, j;

	ck_assert_ptr_nonnull(out);
	for (i = 0; i < UTIL_ARRLEN(sizes); i++) {
		perm_init(&p, sizes[i], 12345, false);
		for (j = 0; j < SAMPLES; j++) {
			/* The start, the end and scattered positions. */
			pos = j < 1000 ? j : j < 2000 ? sizes[i] - 1 -
			    (j - 1000) : 1001 + (j - 2000) * (sizes[i] / 1000);
			out[j] = perm_at(&p, pos);
			ck_assert_msg(out[j] < sizes[i], "n=%llu: perm_at(%llu)"
			    " = %llu", (unsigned long long)sizes[i],
			    (unsigned long long)pos,
			    (unsigned long long)out[j]);
		}
		qsort(out, SAMPLES, sizeof *out, cmp_u64);
		for (j = 1; j < SAMPLES; j++)
			ck_assert(out[j] != out[j - 1]);
		/* A random order leaves the first positions' elements
		 * spread over the whole range. */
		ck_assert(out[SAMPLES - 1] > sizes[i] / 2);
	}
	free(out);
}
END_TEST

START_TEST(test_sequential)
{
	static const uint64_t sizes[] = { 1, 2, 3, 1000, 1ULL << 62,
		(uint64_t)INT64_MAX };
	struct perm p;
	uint64_t k;
	size_t i;

	for (i = 0; i < UTIL_ARRLEN(sizes); i++) {
		perm_init(&p, sizes[i], 99, true);
		for (k = 0; k < 1000 && k < sizes[i]; k++)
			ck_assert_uint_eq(perm_at(&p, k), k);
		ck_assert_uint_eq(perm_at(&p, sizes[i] - 1), sizes[i] - 1);
	}
	perm_init(&p, 1, 5, false);
	ck_assert_uint_eq(perm_at(&p, 0), 0);
}
END_TEST

START_TEST(test_seeds)
{
	enum { N = 1000 };
	struct perm a, b, c;
	size_t same_ab = 0, same_ac = 0, fixed = 0, early = 0;
	uint64_t i, x;

	perm_init(&a, N, 1, false);
	perm_init(&b, N, 2, false);
	perm_init(&c, N, 1, false);
	for (i = 0; i < N; i++) {
		x = perm_at(&a, i);
		same_ab += x == perm_at(&b, i);
		same_ac += x == perm_at(&c, i);
		fixed += x == i;
		early += i < 100 && x < 100;
	}
	ck_assert_uint_eq(same_ac, N);
	/* Two random orders agree at about one position in N. */
	ck_assert_msg(same_ab < 20, "seeds 1 and 2 agree at %zu", same_ab);
	ck_assert_msg(fixed < 20, "%zu fixed points", fixed);
	/* About 10 of the first 100 positions land in 0..99. */
	ck_assert_msg(early < 40, "%zu of the first 100 in 0..99", early);
	/* The seed is all the state: a fresh init gives the same order. */
	perm_init(&b, N, 1, false);
	for (i = 0; i < N; i++)
		ck_assert_uint_eq(perm_at(&a, i), perm_at(&b, i));
}
END_TEST

Suite *
suite_perm(void)
{
	Suite *s = suite_create("perm");
	TCase *tc;

	tc = tcase_create("bijection");
	tcase_add_test(tc, test_small_sizes);
	tcase_add_test(tc, test_awkward_sizes);
	tcase_add_test(tc, test_huge_sizes);
	suite_add_tcase(s, tc);

	tc = tcase_create("order");
	tcase_add_test(tc, test_sequential);
	tcase_add_test(tc, test_seeds);
	suite_add_tcase(s, tc);
	return s;
}
