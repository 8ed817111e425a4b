#pragma once

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace klarna::logic {

/// The first byte in [from, end) that ends a run of plain string content: a quote or
/// a backslash, and with `raw_too` also a control character or a byte that is not
/// ASCII (which a validating reader must look at). Sixteen bytes at a time while
/// there are sixteen (most strings of a record are shorter than 32 bytes, so
/// memchr's call would cost more), then byte by byte. `end` when there is none.
template <bool raw_too>
inline const char* find_in_string(const char* from, const char* end) {
#ifdef __SSE2__
  while (end - from >= 16) {
    auto chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from));
    auto special = _mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8('"')),
                                _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\\')));
    if (raw_too) // signed: bytes from 0x80 are negative, so "< 0x20" finds them too
      special = _mm_or_si128(special, _mm_cmplt_epi8(chunk, _mm_set1_epi8(0x20)));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (mask != 0)
      return from + __builtin_ctz(mask);
    from += 16;
  }
#endif
  for (; from < end; ++from) {
    auto byte = static_cast<unsigned char>(*from);
    if (byte == '"' || byte == '\\' || (raw_too && (byte < 0x20 || byte >= 0x80)))
      return from;
  }
  return end;
}

} // namespace klarna::logic
