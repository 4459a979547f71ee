/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AES-128 for the flow hash (hash_aes.h says why and why it is safe): the
 * CPU check, the key schedule, and the hash for files built without AES
 * instructions. Built for AES-NI function by function (the target
 * attribute), so the file needs no option and the rest of the library none
 * either; only CPUs that tcpstate__aes_usable() accepts run it.
 */
#include "hash_aes.h"

#if TCPSTATE_AES_HASH
#include <cpuid.h>
#include <wmmintrin.h>

#include "hash.h"

#define AES_TARGET __attribute__((target("aes,sse2")))

int tcpstate__aes_usable(void)
{
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d) == 0) {
        return 0;
    }
    return (c & bit_AES) != 0; /* CPUID.01H:ECX.AES[bit 25] */
}

void tcpstate__aes_derive(uint8_t aes_key[16], const uint8_t hash_key[16])
{
    /* Two labels no other use of the caller's key hashes (those are flow
     * keys of 14, 38 or 42 bytes, a shard hash's own labelled input, a
     * fragment key): the AES key is a PRF of the caller's, not the key. */
    static const char label[2][16] = {"tcpstate aes k0", "tcpstate aes k1"};
    for (unsigned half = 0; half < 2; half++) {
        uint64_t v = tcpstate__siphash13(hash_key, label[half], sizeof label[half]);
        for (unsigned i = 0; i < 8; i++) {
            aes_key[8 * half + i] = (uint8_t)(v >> (8u * i));
        }
    }
}

/* One step of the key expansion (FIPS-197 §5.2): the previous round key's
 * words each XORed with all before them, then with SubWord(RotWord(w3)) ^
 * Rcon, which aeskeygenassist gives in its top word. */
AES_TARGET static __m128i expand_step(__m128i prev, __m128i assist)
{
    __m128i k = prev;
    k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
    k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
    k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
    return _mm_xor_si128(k, _mm_shuffle_epi32(assist, 0xff));
}

/* aeskeygenassist takes Rcon as an immediate: one expansion per round. */
#define EXPAND(i, rcon) rk[i] = expand_step(rk[(i)-1], _mm_aeskeygenassist_si128(rk[(i)-1], (rcon)))

AES_TARGET void tcpstate__aes_expand(struct tcpstate_aeskey *k, const uint8_t key[16])
{
    __m128i rk[11];
    rk[0] = _mm_loadu_si128((const __m128i *)(const void *)key);
    EXPAND(1, 0x01);
    EXPAND(2, 0x02);
    EXPAND(3, 0x04);
    EXPAND(4, 0x08);
    EXPAND(5, 0x10);
    EXPAND(6, 0x20);
    EXPAND(7, 0x40);
    EXPAND(8, 0x80);
    EXPAND(9, 0x1b);
    EXPAND(10, 0x36);
    for (unsigned i = 0; i < 11; i++) {
        _mm_store_si128((__m128i *)(void *)k->rk[i], rk[i]);
    }
}

AES_TARGET uint64_t tcpstate__aes_hash_call(const struct tcpstate_aeskey *k, uint64_t w0,
                                            uint64_t w1)
{
    __m128i x = _mm_set_epi64x((long long)w1, (long long)w0);
    x = _mm_xor_si128(x, _mm_load_si128((const __m128i *)(const void *)k->rk[0]));
    for (unsigned i = 1; i < 10; i++) {
        x = _mm_aesenc_si128(x, _mm_load_si128((const __m128i *)(const void *)k->rk[i]));
    }
    x = _mm_aesenclast_si128(x, _mm_load_si128((const __m128i *)(const void *)k->rk[10]));
    return (uint64_t)_mm_cvtsi128_si64(x);
}
#else
/* No AES here: SipHash-1-3 hashes every key (hash.h). ISO C wants a
 * declaration in every file. */
typedef int tcpstate__no_aes_hash;
#endif
