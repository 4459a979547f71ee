/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AES-128 as the keyed hash of IPv4 flow keys, where the CPU has AES
 * instructions (x86-64 with AES-NI). An IPv4 key's 14 bytes fit one 16-byte
 * block, so its hash is one block cipher call: ten AES rounds, eleven
 * instructions in all, where SipHash-1-3 took about 75 (issue 7).
 *
 * The security argument. AES-128 under a secret key is a pseudorandom
 * permutation; on distinct inputs, at any number of flows a table sees, it
 * is indistinguishable from a random function (the PRP/PRF switching bound,
 * q^2 / 2^129 for q keys), and so is any part of its output. The index takes
 * its buckets and tags from 64 bits of it: without the key, an attacker can
 * neither predict nor aim a tuple's buckets, exactly as with SipHash (a PRF
 * too). Distinct IPv4 keys are distinct blocks (the 14 bytes in a fixed
 * layout, two zero bytes). IPv6 and zone keys keep SipHash-1-3 (longer
 * than a block); a collision across the two functions is a chance one. The
 * AES key is not the caller's key itself but two SipHash-1-3 values of it
 * on fixed labels (hash_aes.c), so no key is shared between two primitives.
 * No hash value leaves the library (flowinfo.c copies none), and AES-NI's
 * time does not depend on its data, unlike table-based AES.
 *
 * Which function an engine uses is decided once, at init, from the CPU
 * (tcpstate__aes_usable()), and never changes: every hash of an engine's
 * keys goes through tcpstate__ft_hash_words() (flowtable.h).
 */
#ifndef TCPSTATE_HASH_AES_H
#define TCPSTATE_HASH_AES_H

#include <stdint.h>

/* Whether the library can use AES at all: x86-64 with a compiler that
 * builds functions for AES-NI on request. This also decides the flow
 * table's layout, so it must not depend on per-file options (-maes, -Os),
 * only on the target. */
#if defined(__x86_64__) && defined(__GNUC__)
#define TCPSTATE_AES_HASH 1
#else
#define TCPSTATE_AES_HASH 0
#endif

#if TCPSTATE_AES_HASH
/* The expanded key: the eleven round keys of AES-128 (FIPS-197 §5.2). */
struct tcpstate_aeskey {
    _Alignas(16) uint8_t rk[11][16];
};

/* 1 if this CPU runs AES-NI (CPUID), else 0. */
int tcpstate__aes_usable(void);

/* The round keys of AES-128 under the 16-byte key `key`, as it is: the
 * engine passes a key derived from the caller's (tcpstate__aes_derive());
 * tests pass FIPS-197's. Call only if tcpstate__aes_usable(). */
void tcpstate__aes_expand(struct tcpstate_aeskey *k, const uint8_t key[16]);

/* The AES key of an engine whose caller gave `hash_key` (see above). */
void tcpstate__aes_derive(uint8_t aes_key[16], const uint8_t hash_key[16]);

/* The low 64 bits (bytes 0-7, little-endian) of the AES-128 encryption of
 * the block whose bytes 0-7 are w0 and bytes 8-15 are w1 (little-endian),
 * out of line: for files built without AES instructions enabled. */
uint64_t tcpstate__aes_hash_call(const struct tcpstate_aeskey *k, uint64_t w0, uint64_t w1);

#if defined(__AES__) && !defined(__OPTIMIZE_SIZE__)
#include <wmmintrin.h>

/* The same, inline, where the file is built with AES instructions enabled
 * (CMakeLists.txt adds -maes on x86-64): FIPS-197 §5.1, AddRoundKey, nine
 * full rounds, the last without MixColumns. */
static inline uint64_t tcpstate__aes_hash(const struct tcpstate_aeskey *k, uint64_t w0, uint64_t w1)
{
#define TCPSTATE_AES_RK_(i) _mm_load_si128((const __m128i *)(const void *)k->rk[i])
    __m128i x = _mm_xor_si128(_mm_set_epi64x((long long)w1, (long long)w0), TCPSTATE_AES_RK_(0));
    x = _mm_aesenc_si128(x, TCPSTATE_AES_RK_(1));
    x = _mm_aesenc_si128(x, TCPSTATE_AES_RK_(2));
    x = _mm_aesenc_si128(x, TCPSTATE_AES_RK_(3));
    x = _mm_aesenc_si128(x, TCPSTATE_AES_RK_(4));
    x = _mm_aesenc_si128(x, TCPSTATE_AES_RK_(5));
    x = _mm_aesenc_si128(x, TCPSTATE_AES_RK_(6));
    x = _mm_aesenc_si128(x, TCPSTATE_AES_RK_(7));
    x = _mm_aesenc_si128(x, TCPSTATE_AES_RK_(8));
    x = _mm_aesenc_si128(x, TCPSTATE_AES_RK_(9));
    x = _mm_aesenclast_si128(x, TCPSTATE_AES_RK_(10));
#undef TCPSTATE_AES_RK_
    return (uint64_t)_mm_cvtsi128_si64(x);
}
#else
static inline uint64_t tcpstate__aes_hash(const struct tcpstate_aeskey *k, uint64_t w0, uint64_t w1)
{
    return tcpstate__aes_hash_call(k, w0, w1);
}
#endif
#endif /* TCPSTATE_AES_HASH */

#endif
