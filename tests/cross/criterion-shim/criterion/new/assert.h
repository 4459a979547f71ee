/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The comparison criteria of Criterion's "new" assertion API, as plain C
 * expressions for the shim (see ../criterion.h): eq(type, a, b) and friends,
 * with the type tags the suites use, and not().
 */
#ifndef TCPSTATE_CRITERION_SHIM_NEW_ASSERT_H
#define TCPSTATE_CRITERION_SHIM_NEW_ASSERT_H

#include <string.h>

#include "../criterion.h"

/* Each operand is converted to the tag's type, as Criterion does. */
#define CRS_T_int   int
#define CRS_T_i8    int8_t
#define CRS_T_i16   int16_t
#define CRS_T_i32   int32_t
#define CRS_T_i64   int64_t
#define CRS_T_u8    uint8_t
#define CRS_T_u16   uint16_t
#define CRS_T_u32   uint32_t
#define CRS_T_u64   uint64_t
#define CRS_T_dbl   double
#define CRS_T_flt   float
#define CRS_T_sz    size_t
#define CRS_T_ptr   const void *
#define CRS_T_chr   char
#define CRS_T_uint  unsigned
#define CRS_T_long  long
#define CRS_T_ulong unsigned long

/* Strings compare by content. */
#define CRS_CMP_str(op, a, b) (strcmp((a), (b)) op 0)
#define CRS_CMP_(t, op, a, b) ((CRS_T_##t)(a)op(CRS_T_##t)(b))

#define CRS_CMP(t, op, a, b)    CRS_CMP_##t(op, a, b)
#define CRS_CMP_int(op, a, b)   CRS_CMP_(int, op, a, b)
#define CRS_CMP_i8(op, a, b)    CRS_CMP_(i8, op, a, b)
#define CRS_CMP_i16(op, a, b)   CRS_CMP_(i16, op, a, b)
#define CRS_CMP_i32(op, a, b)   CRS_CMP_(i32, op, a, b)
#define CRS_CMP_i64(op, a, b)   CRS_CMP_(i64, op, a, b)
#define CRS_CMP_u8(op, a, b)    CRS_CMP_(u8, op, a, b)
#define CRS_CMP_u16(op, a, b)   CRS_CMP_(u16, op, a, b)
#define CRS_CMP_u32(op, a, b)   CRS_CMP_(u32, op, a, b)
#define CRS_CMP_u64(op, a, b)   CRS_CMP_(u64, op, a, b)
#define CRS_CMP_sz(op, a, b)    CRS_CMP_(sz, op, a, b)
#define CRS_CMP_dbl(op, a, b)   CRS_CMP_(dbl, op, a, b)
#define CRS_CMP_flt(op, a, b)   CRS_CMP_(flt, op, a, b)
#define CRS_CMP_ptr(op, a, b)   CRS_CMP_(ptr, op, a, b)
#define CRS_CMP_chr(op, a, b)   CRS_CMP_(chr, op, a, b)
#define CRS_CMP_uint(op, a, b)  CRS_CMP_(uint, op, a, b)
#define CRS_CMP_long(op, a, b)  CRS_CMP_(long, op, a, b)
#define CRS_CMP_ulong(op, a, b) CRS_CMP_(ulong, op, a, b)

#define eq(t, a, b) CRS_CMP(t, ==, a, b)
#define ne(t, a, b) CRS_CMP(t, !=, a, b)
#define lt(t, a, b) CRS_CMP(t, <, a, b)
#define le(t, a, b) CRS_CMP(t, <=, a, b)
#define gt(t, a, b) CRS_CMP(t, >, a, b)
#define ge(t, a, b) CRS_CMP(t, >=, a, b)
#define not(x) (!(x))
#define zero(t, a) CRS_CMP(t, ==, a, 0)

#endif
