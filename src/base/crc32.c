// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CRC-32/IEEE.  The table code reads 8 bytes per step ("slice-by-8", about
 * 4 instructions a byte, as fast as liblzma's own); on x86-64 CPUs with
 * PCLMULQDQ the folding method of Intel's white paper "Fast CRC Computation
 * for Generic Polynomials Using PCLMULQDQ" does 64 bytes in ~20
 * instructions.  That difference is why xz modules are checked here rather
 * than by liblzma.
 */
#include <pthread.h>
#include <string.h>

#include "base/crc32.h"

#define CRC32_POLY 0xedb88320u	/* x^32 + x^26 + ... + 1, bit-reflected */

/* crc_table[t][b]: the CRC state change of byte b followed by t zero bytes. */
static uint32_t crc_table[8][256];
static bool crc_clmul_ok;
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t b = 0; b < 256; b++) {
		uint32_t c = b;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (c & 1 ? CRC32_POLY : 0);
		crc_table[0][b] = c;
	}
	for (int t = 1; t < 8; t++)
		for (int b = 0; b < 256; b++) {
			uint32_t c = crc_table[t - 1][b];

			crc_table[t][b] = (c >> 8) ^ crc_table[0][c & 0xff];
		}
#if defined(__x86_64__)
	crc_clmul_ok = __builtin_cpu_supports("pclmul") &&
		       __builtin_cpu_supports("sse4.1");
#endif
}

static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* @state is the running register (already inverted); any length, alignment. */
static uint32_t crc_slice8(uint32_t state, const uint8_t *p, size_t len)
{
	for (; len >= 8; p += 8, len -= 8) {
		uint64_t v = load_le64(p) ^ state;

		state = crc_table[7][v & 0xff] ^ crc_table[6][(v >> 8) & 0xff] ^
			crc_table[5][(v >> 16) & 0xff] ^ crc_table[4][(v >> 24) & 0xff] ^
			crc_table[3][(v >> 32) & 0xff] ^ crc_table[2][(v >> 40) & 0xff] ^
			crc_table[1][(v >> 48) & 0xff] ^ crc_table[0][v >> 56];
	}
	for (; len; p++, len--)
		state = (state >> 8) ^ crc_table[0][(state ^ *p) & 0xff];
	return state;
}

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * Only these functions are compiled for PCLMULQDQ and SSE4.1: the rest of
 * the library stays generic, and they run only when the CPU says it can.
 *
 * How the registers are read: a 16-byte little-endian load holds 128
 * message bits, bit 0 the first (the highest power of x).  Multiplying a
 * 64-bit half by a constant K = reflect32(x^D mod P) << 1 yields the half
 * times x^(D - 32) if it was the low half, x^(D + 32) if the high half, in
 * the same frame; so with D = 512 +- 32 a register moves 512 bits ahead
 * (four registers in flight), with D = 128 +- 32 one register ahead.
 * Everything stays congruent modulo P, and the published constants are
 * these values (they were recomputed from P to check them).
 */
#define CLMUL_TARGET __attribute__((target("pclmul,sse4.1")))

CLMUL_TARGET
static inline __m128i fold(__m128i x, __m128i k, __m128i next)
{
	__m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
	__m128i hi = _mm_clmulepi64_si128(x, k, 0x11);

	return _mm_xor_si128(_mm_xor_si128(lo, hi), next);
}

CLMUL_TARGET
static inline __m128i load128(const uint8_t *p)
{
	return _mm_loadu_si128((const __m128i *)p);
}

/* @len is a multiple of 16, at least 64. */
CLMUL_TARGET
static uint32_t crc_clmul(uint32_t state, const uint8_t *p, size_t len)
{
	const __m128i k512 = _mm_set_epi64x(0x1c6e41596, 0x154442bd4);	/* D = 480, 544 */
	const __m128i k128 = _mm_set_epi64x(0x0ccaa009e, 0x1751997d0);	/* D = 96, 160 */
	const __m128i k64 = _mm_set_epi64x(0, 0x163cd6124);		/* D = 64 */
	/* Barrett: floor(x^64 / P) and P itself, both reflected on 33 bits */
	const __m128i barrett = _mm_set_epi64x(0x1db710641, 0x1f7011641);
	const __m128i low32 = _mm_set_epi32(0, 0, 0, -1);
	__m128i x0, x1, x2, x3, x, q;

	/* the running state is xored into the first 32 message bits */
	x0 = _mm_xor_si128(load128(p), _mm_cvtsi32_si128((int)state));
	x1 = load128(p + 16);
	x2 = load128(p + 32);
	x3 = load128(p + 48);
	for (p += 64, len -= 64; len >= 64; p += 64, len -= 64) {
		x0 = fold(x0, k512, load128(p));
		x1 = fold(x1, k512, load128(p + 16));
		x2 = fold(x2, k512, load128(p + 32));
		x3 = fold(x3, k512, load128(p + 48));
	}
	x = fold(x0, k128, x1);
	x = fold(x, k128, x2);
	x = fold(x, k128, x3);
	for (; len >= 16; p += 16, len -= 16)
		x = fold(x, k128, load128(p));

	/*
	 * The CRC register is now (message in x) * x^32 mod P.  Fold the low
	 * half onto the high one (128 -> 96 bits, the result times x^64),
	 * then the first 32 bits onto the rest (96 -> 64 bits, times x^96):
	 * what is left, read as a 64-bit polynomial, is congruent to the
	 * register, and a Barrett reduction gives the remainder.
	 */
	x = _mm_xor_si128(_mm_clmulepi64_si128(x, k128, 0x10), _mm_srli_si128(x, 8));
	x = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x, low32), k64, 0x00),
			  _mm_srli_si128(x, 4));
	/* quotient = top 32 bits of (top 32 bits of x) * floor(x^64 / P) */
	q = _mm_clmulepi64_si128(_mm_and_si128(x, low32), barrett, 0x00);
	q = _mm_clmulepi64_si128(_mm_and_si128(q, low32), barrett, 0x10);
	/* x - quotient * P leaves the remainder in bits 32..63 */
	return (uint32_t)_mm_extract_epi32(_mm_xor_si128(x, q), 1);
}
#endif

uint32_t mt_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t state = ~crc;

	pthread_once(&crc_once, crc_init);
#if defined(__x86_64__)
	if (crc_clmul_ok && len >= 64) {
		size_t n = len & ~(size_t)15;

		state = crc_clmul(state, p, n);
		p += n;
		len -= n;
	}
#endif
	return ~crc_slice8(state, p, len);
}

uint32_t mt_crc32_table(uint32_t crc, const void *buf, size_t len)
{
	pthread_once(&crc_once, crc_init);
	return ~crc_slice8(~crc, buf, len);
}

bool mt_crc32_is_fast(void)
{
	pthread_once(&crc_once, crc_init);
	return crc_clmul_ok;
}
