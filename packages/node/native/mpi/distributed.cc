// The optional MPI part of kerno (kerno_mpi.node, built only where Open MPI's or MPICH's headers
// are found): initialization, and collectives on typed arrays with a deadline. Every collective
// is started non-blocking and polled, so a rank that died or hung turns into an error naming the
// operation and the wait instead of a hang. Calls come from the JavaScript thread only
// (MPI_THREAD_FUNNELED); kernels' worker threads never touch MPI.
#include <dlfcn.h>
#include <mpi.h>
#include <napi.h>

#include <chrono>
#include <string>
#include <thread>

namespace {

using Info = Napi::CallbackInfo;
bool initialized = false;

Napi::Value Fail(Napi::Env env, const std::string& message) {
  Napi::Error::New(env, "kerno distributed: " + message).ThrowAsJavaScriptException();
  return env.Undefined();
}

// Open MPI loads its transports as plugins that need libmpi's symbols; Node opens addons with
// RTLD_LOCAL, so libmpi is reopened with RTLD_GLOBAL before MPI_Init.
void PromoteLibmpi() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&MPI_Init), &info) && info.dli_fname) dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
}

Napi::Value Init(const Info& info) {
  Napi::Env env = info.Env();
  if (!initialized) {
    PromoteLibmpi();
    int provided = 0;
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return Fail(env, "MPI_Init_thread failed");
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    initialized = true;
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm local;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &local);
  int local_rank = 0, local_size = 1;
  MPI_Comm_rank(local, &local_rank);
  MPI_Comm_size(local, &local_size);
  MPI_Comm_free(&local);
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(version, &len);
  Napi::Object o = Napi::Object::New(env);
  o.Set("rank", rank);
  o.Set("size", size);
  o.Set("localRank", local_rank);
  o.Set("localSize", local_size);
  o.Set("library", std::string(version, len > 0 ? len - (version[len - 1] == '\n' ? 1 : 0) : 0));
  return o;
}

// Waits for `request` until `timeout_ms` (polling with a short sleep once the first millisecond
// has passed, so a waiting rank does not steal the core a slower rank computes on).
bool WaitFor(MPI_Request* request, double timeout_ms, int* code) {
  const auto start = std::chrono::steady_clock::now();
  int done = 0;
  for (long spins = 0;; spins++) {
    *code = MPI_Test(request, &done, MPI_STATUS_IGNORE);
    if (*code != MPI_SUCCESS || done) return true;
    const double waited = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (waited > timeout_ms) return false;
    if (waited > 1.0) std::this_thread::sleep_for(std::chrono::microseconds(waited > 100 ? 500 : 20));
  }
}

std::string ErrorText(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, text, &len);
  return std::string(text, len);
}

// Finishes a started collective: undefined, or an exception naming `what` and the wait.
Napi::Value Finish(Napi::Env env, MPI_Request* request, int started, double timeout_ms, const std::string& what) {
  if (started != MPI_SUCCESS) return Fail(env, what + ": " + ErrorText(started));
  int code = MPI_SUCCESS;
  if (!WaitFor(request, timeout_ms, &code)) {
    return Fail(env, what + " timed out after " + std::to_string(static_cast<long>(timeout_ms / 1000)) +
                         " s waiting for the other ranks (one of them died, hung, or is running different code)");
  }
  if (code != MPI_SUCCESS) return Fail(env, what + ": " + ErrorText(code));
  return env.Undefined();
}

bool Ready(const Info& info, int args) {
  Napi::Env env = info.Env();
  if (!initialized) return Fail(env, "call initDistributed() first"), false;
  if (static_cast<int>(info.Length()) < args) return Fail(env, "missing arguments"), false;
  return true;
}

// (array: Float32Array | Float64Array, timeoutMs, what): element-wise sum over all ranks, in place.
Napi::Value AllreduceSum(const Info& info) {
  Napi::Env env = info.Env();
  if (!Ready(info, 3)) return env.Undefined();
  if (!info[0].IsTypedArray()) return Fail(env, "allreduce: expected a Float32Array or Float64Array");
  Napi::TypedArray t = info[0].As<Napi::TypedArray>();
  MPI_Datatype type;
  if (t.TypedArrayType() == napi_float32_array) type = MPI_FLOAT;
  else if (t.TypedArrayType() == napi_float64_array) type = MPI_DOUBLE;
  else return Fail(env, "allreduce: expected a Float32Array or Float64Array");
  void* data = static_cast<uint8_t*>(t.ArrayBuffer().Data()) + t.ByteOffset();
  MPI_Request request;
  int started = MPI_Iallreduce(MPI_IN_PLACE, data, static_cast<int>(t.ElementLength()), type, MPI_SUM, MPI_COMM_WORLD, &request);
  return Finish(env, &request, started, info[1].As<Napi::Number>().DoubleValue(), info[2].As<Napi::String>().Utf8Value());
}

// (array: Float32Array | Float64Array | Int32Array, root, timeoutMs, what): root's values everywhere.
Napi::Value Broadcast(const Info& info) {
  Napi::Env env = info.Env();
  if (!Ready(info, 4)) return env.Undefined();
  if (!info[0].IsTypedArray()) return Fail(env, "broadcast: expected a typed array");
  Napi::TypedArray t = info[0].As<Napi::TypedArray>();
  void* data = static_cast<uint8_t*>(t.ArrayBuffer().Data()) + t.ByteOffset();
  MPI_Request request;
  int started = MPI_Ibcast(data, static_cast<int>(t.ByteLength()), MPI_BYTE, info[1].As<Napi::Number>().Int32Value(), MPI_COMM_WORLD, &request);
  return Finish(env, &request, started, info[2].As<Napi::Number>().DoubleValue(), info[3].As<Napi::String>().Utf8Value());
}

// (timeoutMs, what)
Napi::Value Barrier(const Info& info) {
  Napi::Env env = info.Env();
  if (!Ready(info, 2)) return env.Undefined();
  MPI_Request request;
  int started = MPI_Ibarrier(MPI_COMM_WORLD, &request);
  return Finish(env, &request, started, info[0].As<Napi::Number>().DoubleValue(), info[1].As<Napi::String>().Utf8Value());
}

// Ends the whole job (every rank), as MPI_Abort does: used after an error, so that no rank waits.
Napi::Value Abort(const Info& info) {
  if (initialized) MPI_Abort(MPI_COMM_WORLD, info.Length() > 0 ? info[0].As<Napi::Number>().Int32Value() : 1);
  return info.Env().Undefined();
}

Napi::Value Finalize(const Info& info) {
  if (initialized) {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  }
  return info.Env().Undefined();
}

Napi::Object Setup(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init));
  exports.Set("allreduceSum", Napi::Function::New(env, AllreduceSum));
  exports.Set("broadcast", Napi::Function::New(env, Broadcast));
  exports.Set("barrier", Napi::Function::New(env, Barrier));
  exports.Set("abort", Napi::Function::New(env, Abort));
  exports.Set("finalize", Napi::Function::New(env, Finalize));
  return exports;
}

}  // namespace

NODE_API_MODULE(kerno_mpi, Setup)
