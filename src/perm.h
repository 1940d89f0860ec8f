/*
 * perm.h -- exploration order: a seeded pseudo-random bijection of
 * 0..n-1 (a small Feistel network with cycle walking) or the identity.
 * Constant memory whatever n; ClusterLab's random order makes partial
 * results representative of the whole space.
 */
#ifndef LABRAT_PERM_H
#define LABRAT_PERM_H

#include <stdbool.h>
#include <stdint.h>

#define PERM_ROUNDS 6

struct perm {
	uint64_t n;
	bool sequential;
	unsigned half_bits;
	uint64_t half_mask;
	uint64_t keys[PERM_ROUNDS];
};

/* Order 0..n-1 (n >= 1): sequential, or pseudo-random from seed (the same
 * seed always gives the same order). */
void perm_init(struct perm *p, uint64_t n, uint64_t seed, bool sequential);
/* The element at position pos (pos < n); distinct positions give distinct
 * elements. */
uint64_t perm_at(const struct perm *p, uint64_t pos);

#endif
