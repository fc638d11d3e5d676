// Checked argument access for the Node-API entry points. Typed arrays are used in place (no
// copies); every accessor checks the argument's type and, for arrays, that it holds at least the
// elements the kernel will touch. The first failure throws a JavaScript TypeError naming the
// kernel and the argument, and `ok()` turns false so that the entry point returns without calling
// the kernel: a wrong call from TypeScript is an error, never a crash.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

namespace kerno {

class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* kernel) : info_(info), kernel_(kernel) {}

  bool ok() const { return ok_; }

  // A Float32Array (or, with nullable, null) of at least min_len elements.
  float* f32(int i, const char* what, std::size_t min_len = 0, bool nullable = false) {
    return static_cast<float*>(array(i, what, napi_float32_array, "Float32Array", min_len, nullable));
  }
  float* f32_or_null(int i, const char* what, std::size_t min_len = 0) { return f32(i, what, min_len, true); }
  int32_t* i32(int i, const char* what, std::size_t min_len = 0) {
    return static_cast<int32_t*>(array(i, what, napi_int32_array, "Int32Array", min_len, false));
  }
  uint8_t* u8(int i, const char* what, std::size_t min_len = 0) {
    return static_cast<uint8_t*>(array(i, what, napi_uint8_array, "Uint8Array", min_len, false));
  }

  // Elements of the typed array at i (0 when it is not one; the accessors report that).
  std::size_t len(int i) const {
    return i < static_cast<int>(info_.Length()) && info_[i].IsTypedArray() ? info_[i].As<Napi::TypedArray>().ElementLength() : 0;
  }

  // A number that is an integer in [lo, hi].
  int num(int i, const char* what, long lo = 0, long hi = INT32_MAX) {
    if (!ok_) return 0;
    if (i >= static_cast<int>(info_.Length()) || !info_[i].IsNumber()) return fail(what, "must be a number"), 0;
    const double v = info_[i].As<Napi::Number>().DoubleValue();
    if (!(v >= lo && v <= hi) || v != static_cast<double>(static_cast<long>(v))) {
      return fail(what, ("must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + std::to_string(v)).c_str()), 0;
    }
    return static_cast<int>(v);
  }
  // An op code: an integer below the table's size (the *_COUNT of opcodes.h).
  int code(int i, const char* what, int count) { return num(i, what, 0, count - 1); }
  double dbl(int i, const char* what) {
    if (!ok_) return 0;
    if (i >= static_cast<int>(info_.Length()) || !info_[i].IsNumber()) return fail(what, "must be a number"), 0;
    return info_[i].As<Napi::Number>().DoubleValue();
  }
  float f(int i, const char* what) { return static_cast<float>(dbl(i, what)); }
  bool flag(int i, const char* what) {
    if (!ok_) return false;
    if (i >= static_cast<int>(info_.Length()) || !info_[i].IsBoolean()) return fail(what, "must be a boolean"), false;
    return info_[i].As<Napi::Boolean>().Value();
  }
  // A condition the arguments must meet together (sizes that must agree, ...).
  void require(bool cond, const char* what, const char* message) {
    if (ok_ && !cond) fail(what, message);
  }

 private:
  void* array(int i, const char* what, napi_typedarray_type type, const char* type_name, std::size_t min_len, bool nullable) {
    if (!ok_) return nullptr;
    const bool present = i < static_cast<int>(info_.Length());
    if (nullable && (!present || info_[i].IsNull() || info_[i].IsUndefined())) return nullptr;
    if (!present || !info_[i].IsTypedArray() || info_[i].As<Napi::TypedArray>().TypedArrayType() != type) {
      fail(what, (std::string("must be a ") + type_name + (nullable ? " or null" : "")).c_str());
      return nullptr;
    }
    Napi::TypedArray t = info_[i].As<Napi::TypedArray>();
    if (t.ElementLength() < min_len) {
      fail(what, ("has " + std::to_string(t.ElementLength()) + " elements, needs at least " + std::to_string(min_len)).c_str());
      return nullptr;
    }
    return static_cast<uint8_t*>(t.ArrayBuffer().Data()) + t.ByteOffset();
  }

  void fail(const char* what, const char* message) {
    ok_ = false;
    Napi::TypeError::New(info_.Env(), std::string("native ") + kernel_ + ": argument '" + what + "' " + message).ThrowAsJavaScriptException();
  }

  const Napi::CallbackInfo& info_;
  const char* kernel_;
  bool ok_ = true;
};

}  // namespace kerno
