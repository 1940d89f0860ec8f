/*
 * perm.c -- the exploration order: a bijection of 0..n-1 computed one
 * position at a time, in constant memory.  The random order is a balanced
 * Feistel network over the smallest even number of bits 2k with 4^k >= n,
 * keyed from the seed by splitmix64; values that land at or above n are
 * encrypted again (cycle walking) until they fall below n.  Because the
 * domain is less than four times n, that takes under four rounds of the
 * network on average.
 */
#include "config.h"

#include "perm.h"

/* Next output of the splitmix64 generator at *state. */
static uint64_t
perm_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The Feistel round function: a 64-bit mix of half and key, masked. */
static uint64_t
perm_round(const struct perm *p, uint64_t half, uint64_t key)
{
	uint64_t z = half ^ key;

	z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdULL;
	z = (z ^ (z >> 33)) * 0xc4ceb9fe1a85ec53ULL;
	z ^= z >> 33;
	return z & p->half_mask;
}

/* Encrypt x, a number of 2 * half_bits bits, with the Feistel network. */
static uint64_t
perm_encrypt(const struct perm *p, uint64_t x)
{
	uint64_t left = x >> p->half_bits, right = x & p->half_mask, t;
	int i;

	for (i = 0; i < PERM_ROUNDS; i++) {
		t = left ^ perm_round(p, right, p->keys[i]);
		left = right;
		right = t;
	}
	return (left << p->half_bits) | right;
}

/* Set up the order of 0..n-1. */
void
perm_init(struct perm *p, uint64_t n, uint64_t seed, bool sequential)
{
	uint64_t state = seed;
	int i;

	p->n = n;
	p->sequential = sequential || n <= 1;
	p->half_bits = 0;
	p->half_mask = 0;
	for (i = 0; i < PERM_ROUNDS; i++)
		p->keys[i] = 0;
	if (p->sequential)
		return;
	p->half_bits = 1;
	while (p->half_bits < 32 && (1ULL << (2 * p->half_bits)) < n)
		p->half_bits++;
	p->half_mask = (1ULL << p->half_bits) - 1;
	for (i = 0; i < PERM_ROUNDS; i++)
		p->keys[i] = perm_splitmix64(&state);
}

/*
 * The element at position pos.  Cycle walking stays a bijection of 0..n-1
 * because the network is a bijection of the whole domain: following the
 * cycle of pos until it returns below n pairs each pos with a distinct
 * element.  A pos outside 0..n-1 (a caller's bug) is returned as it is
 * rather than walked forever.
 */
uint64_t
perm_at(const struct perm *p, uint64_t pos)
{
	uint64_t x;

	if (p->sequential || pos >= p->n)
		return pos;
	x = pos;
	do
		x = perm_encrypt(p, x);
	while (x >= p->n);
	return x;
}
