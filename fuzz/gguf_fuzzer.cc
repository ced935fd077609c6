// libFuzzer target: the GGUF reader (engine/gguf_reader.h) on arbitrary bytes, then whatever
// is built on a file it accepts: every typed getter, the model configuration and weight
// mapping (Model::FromGguf) and the tokenizer (Tokenizer::FromGguf, then a short encode and
// decode).
//
// Checked on every input, besides "no crash, no sanitizer report":
//  - a file the reader accepts has every tensor inside the data section, aligned to the file's
//    alignment, with the byte count its type and shape imply, and no two tensors overlapping;
//  - metadata and tensor lookups by name find the entry they were listed with;
//  - the reader's rejections are kInvalidArgument or kNotFound with a message naming the file;
//    the tokenizer's and the model's have a message.
//
// Build (clang only; see docs/engine.md):
//   CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DPTMO_FUZZ=ON \
//     -DPTMO_BUILD_TESTS=OFF -DPTMO_BUILD_BENCH=OFF -DPTMO_SANITIZE=ON \
//     -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link
//   ninja -C build/fuzz gguf_fuzzer
//   build/fuzz/gguf_fuzzer -max_total_time=60 -max_len=65536 fuzz/corpus/gguf
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/model.h"
#include "engine/tokenizer.h"
#include "tensor/dtype.h"

namespace {

using ptmo::engine::GgufFile;
using ptmo::engine::GgufType;

#define FUZZ_CHECK(cond, what)                                       \
  do {                                                               \
    if (!(cond)) {                                                   \
      std::fprintf(stderr, "gguf_fuzzer: check failed: %s\n", what); \
      std::abort();                                                  \
    }                                                                \
  } while (0)

constexpr char kName[] = "fuzz.gguf";

void CheckRejection(const ptmo::Status& status) {
  FUZZ_CHECK(!status.ok(), "error status expected");
  FUZZ_CHECK(status.code() == ptmo::StatusCode::kInvalidArgument ||
                 status.code() == ptmo::StatusCode::kNotFound,
             "rejections are kInvalidArgument or kNotFound");
  FUZZ_CHECK(status.message().find(kName) != std::string::npos, "rejection messages name the file");
}

// Every getter on every key: the typed ones must fail cleanly on the wrong type.
void ExerciseMetadata(const GgufFile& f) {
  for (const auto& m : f.metadata()) {
    FUZZ_CHECK(f.FindMetadata(m.key) == &m, "metadata lookup finds the listed entry");
    (void)f.GetU8(m.key);
    (void)f.GetI8(m.key);
    (void)f.GetU16(m.key);
    (void)f.GetI16(m.key);
    (void)f.GetU32(m.key);
    (void)f.GetI32(m.key);
    (void)f.GetU64(m.key);
    (void)f.GetI64(m.key);
    (void)f.GetF32(m.key);
    (void)f.GetF64(m.key);
    (void)f.GetBool(m.key);
    (void)f.GetString(m.key);
    (void)f.GetInteger(m.key);
    (void)f.GetArray<uint8_t>(m.key);
    (void)f.GetArray<int32_t>(m.key);
    (void)f.GetArray<uint64_t>(m.key);
    (void)f.GetArray<float>(m.key);
    (void)f.GetArray<double>(m.key);
    (void)f.GetArray<bool>(m.key);
    (void)f.GetStringArray(m.key);
  }
  auto missing = f.GetU32("fuzz.no.such.key");
  FUZZ_CHECK(!missing.ok() && missing.status().code() == ptmo::StatusCode::kNotFound,
             "an absent key is kNotFound");
}

void CheckTensors(const GgufFile& f) {
  std::vector<std::pair<size_t, size_t>> ranges;
  for (const auto& t : f.tensors()) {
    FUZZ_CHECK(f.FindTensor(t.name) == &t, "tensor lookup finds the listed entry");
    const uint8_t* data = t.data;
    FUZZ_CHECK(data >= f.base() + f.data_offset(), "tensor data starts in the data section");
    const size_t begin = static_cast<size_t>(data - f.base());
    FUZZ_CHECK((begin - f.data_offset()) % f.alignment() == 0, "tensor offset is aligned");
    FUZZ_CHECK(t.size_bytes <= f.file_size() - begin, "tensor data ends inside the file");
    auto bytes = ptmo::tensor::TensorBytes(t.type, t.dims());
    FUZZ_CHECK(bytes.ok() && *bytes == t.size_bytes, "tensor byte count follows type and shape");
    if (t.size_bytes > 0) ranges.emplace_back(begin, begin + t.size_bytes);
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) {
    FUZZ_CHECK(ranges[i - 1].second <= ranges[i].first, "tensors do not overlap");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The reader needs block alignment for tensor data, as a mapped file gives; copy the input
  // into 8-byte aligned storage like the page-aligned mapping.
  std::vector<uint64_t> storage((size + 7) / 8);
  if (size > 0) std::memcpy(storage.data(), data, size);
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(storage.data()), size);

  auto file = GgufFile::FromBuffer(kName, bytes);
  if (!file.ok()) {
    CheckRejection(file.status());
    return 0;
  }
  FUZZ_CHECK(file->file_size() == size, "file size is the input size");
  ExerciseMetadata(*file);
  CheckTensors(*file);

  if (auto tok = ptmo::engine::Tokenizer::FromGguf(*file); tok.ok()) {
    const auto ids =
        (*tok)->Encode("Hello <s> wörld\n", {.add_special = true, .parse_special = true});
    (void)(*tok)->Decode(ids);
  } else {
    FUZZ_CHECK(!tok.status().message().empty(), "tokenizer errors say what is wrong");
  }
  auto model = ptmo::engine::Model::FromGguf(std::move(file).value());
  if (!model.ok()) {
    FUZZ_CHECK(!model.status().message().empty(), "model errors say what is wrong");
  }
  return 0;
}
