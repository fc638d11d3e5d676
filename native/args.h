// Argument helpers for the Node-API entry points: typed arrays are used in place (no copies).
#pragma once
#include <napi.h>

#include <cstdint>

namespace kerno {

inline float* f32(const Napi::CallbackInfo& info, int i) {
  Napi::TypedArray t = info[i].As<Napi::TypedArray>();
  return reinterpret_cast<float*>(static_cast<uint8_t*>(t.ArrayBuffer().Data()) + t.ByteOffset());
}

// A Float32Array argument that may be null.
inline float* f32_or_null(const Napi::CallbackInfo& info, int i) {
  return info[i].IsNull() || info[i].IsUndefined() ? nullptr : f32(info, i);
}

inline int32_t* i32(const Napi::CallbackInfo& info, int i) {
  Napi::TypedArray t = info[i].As<Napi::TypedArray>();
  return reinterpret_cast<int32_t*>(static_cast<uint8_t*>(t.ArrayBuffer().Data()) + t.ByteOffset());
}

inline uint8_t* u8(const Napi::CallbackInfo& info, int i) {
  Napi::TypedArray t = info[i].As<Napi::TypedArray>();
  return static_cast<uint8_t*>(t.ArrayBuffer().Data()) + t.ByteOffset();
}

inline std::size_t len(const Napi::CallbackInfo& info, int i) { return info[i].As<Napi::TypedArray>().ElementLength(); }

inline int num(const Napi::CallbackInfo& info, int i) { return info[i].As<Napi::Number>().Int32Value(); }
inline double dbl(const Napi::CallbackInfo& info, int i) { return info[i].As<Napi::Number>().DoubleValue(); }
inline bool flag(const Napi::CallbackInfo& info, int i) { return info[i].As<Napi::Boolean>().Value(); }

}  // namespace kerno
