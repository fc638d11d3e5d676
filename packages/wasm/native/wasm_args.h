// Checked argument access for the WebAssembly entry points: the interface of native/args.h (the
// Node-API one) over a call's argument slots, which src/call.ts writes into the module's memory.
// Every accessor checks the argument's kind and, for arrays, that it holds at least the elements
// the kernel will touch; the first failure records a message naming the kernel and the argument,
// and `ok()` turns false so that the entry point returns without calling the kernel.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace kerno {

// One argument: a typed array (its elements in the module's memory at ptr), a number, a boolean
// or null. 24 bytes, as src/call.ts lays them out.
struct Slot {
  int32_t kind;
  int32_t len;
  uint32_t ptr;
  int32_t unused;
  double num;
};
enum SlotKind : int32_t { kNull = 0, kNumber = 1, kBool = 2, kF32 = 3, kI32 = 4, kU8 = 5 };

// One call: its slots, and where a failed check leaves its message.
struct Call {
  const Slot* slots;
  int n;
  std::string* error;
};

class Args {
 public:
  Args(const Call& call, const char* kernel) : call_(call), kernel_(kernel) {}

  bool ok() const { return ok_; }

  float* f32(int i, const char* what, std::size_t min_len = 0, bool nullable = false) {
    return static_cast<float*>(array(i, what, kF32, "Float32Array", min_len, nullable));
  }
  int32_t* i32(int i, const char* what, std::size_t min_len = 0) { return static_cast<int32_t*>(array(i, what, kI32, "Int32Array", min_len, false)); }
  uint8_t* u8(int i, const char* what, std::size_t min_len = 0) { return static_cast<uint8_t*>(array(i, what, kU8, "Uint8Array", min_len, false)); }

  std::size_t len(int i) const {
    if (i >= call_.n) return 0;
    const Slot& s = call_.slots[i];
    return s.kind >= kF32 ? static_cast<std::size_t>(s.len) : 0;
  }

  int num(int i, const char* what, long lo = 0, long hi = INT32_MAX) {
    if (!ok_) return 0;
    if (i >= call_.n || call_.slots[i].kind != kNumber) return fail(what, "must be a number"), 0;
    const double v = call_.slots[i].num;
    if (!(v >= lo && v <= hi) || v != std::floor(v)) {
      return fail(what, ("must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + std::to_string(v)).c_str()), 0;
    }
    return static_cast<int>(v);
  }
  int code(int i, const char* what, int count) { return num(i, what, 0, count - 1); }
  double dbl(int i, const char* what) {
    if (!ok_) return 0;
    if (i >= call_.n || call_.slots[i].kind != kNumber) return fail(what, "must be a number"), 0;
    return call_.slots[i].num;
  }
  float f(int i, const char* what) { return static_cast<float>(dbl(i, what)); }
  bool flag(int i, const char* what) {
    if (!ok_) return false;
    if (i >= call_.n || call_.slots[i].kind != kBool) return fail(what, "must be a boolean"), false;
    return call_.slots[i].num != 0;
  }
  void require(bool cond, const char* what, const char* message) {
    if (ok_ && !cond) fail(what, message);
  }

 private:
  void* array(int i, const char* what, SlotKind kind, const char* type_name, std::size_t min_len, bool nullable) {
    if (!ok_) return nullptr;
    const bool present = i < call_.n;
    if (nullable && (!present || call_.slots[i].kind == kNull)) return nullptr;
    if (!present || call_.slots[i].kind != kind) {
      fail(what, (std::string("must be a ") + type_name + (nullable ? " or null" : "")).c_str());
      return nullptr;
    }
    const Slot& s = call_.slots[i];
    if (static_cast<std::size_t>(s.len) < min_len) {
      fail(what, ("has " + std::to_string(s.len) + " elements, needs at least " + std::to_string(min_len)).c_str());
      return nullptr;
    }
    return reinterpret_cast<void*>(static_cast<uintptr_t>(s.ptr));
  }

  void fail(const char* what, const char* message) {
    ok_ = false;
    *call_.error = std::string("wasm ") + kernel_ + ": argument '" + what + "' " + message;
  }

  const Call& call_;
  const char* kernel_;
  bool ok_ = true;
};

}  // namespace kerno
