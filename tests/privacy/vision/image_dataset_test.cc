#include "privacy/vision/image_dataset.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

#include "privacy/validators/kr_rrn.h"
#include "privacy/vision/image_analyzer.h"
#include "util/file.h"

namespace ptmo::privacy::vision {
namespace {

TEST(MakeKrRrn, ProducesNumbersTheValidatorAccepts) {
  for (uint64_t v : {uint64_t(0), uint64_t(12345), uint64_t(987654321), uint64_t(1) << 40}) {
    std::string rrn = MakeKrRrn(v);
    ASSERT_EQ(rrn.size(), 14u);
    std::string digits = rrn.substr(0, 6) + rrn.substr(7);
    EXPECT_EQ(validators::ValidateKrRrn(digits).check, validators::RrnCheck::kChecksumValid) << rrn;
  }
}

TEST(LoadNpyGrayImages, ReadsFloat64Stacks) {
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2, 3), }";
  header.resize(118, ' ');
  header += "\n";
  std::string npy = std::string("\x93NUMPY\x01\x00", 8);
  npy.push_back(char(header.size() & 0xFF));
  npy.push_back(char(header.size() >> 8));
  npy += header;
  for (int i = 0; i < 12; ++i) {
    double v = i / 11.0;
    char b[8];
    std::memcpy(b, &v, 8);
    npy.append(b, 8);
  }
  std::string path = "/tmp/ptmo_npy_test_" + std::to_string(getpid()) + ".npy";
  ASSERT_TRUE(WriteFileAtomic(path, npy).ok());
  int h = 0, w = 0;
  auto imgs = LoadNpyGrayImages(path, &h, &w);
  ASSERT_TRUE(imgs.ok()) << imgs.status().ToString();
  EXPECT_EQ(imgs->size(), 2u);
  EXPECT_EQ(h, 2);
  EXPECT_EQ(w, 3);
  EXPECT_EQ((*imgs)[0][0], 0);
  EXPECT_EQ((*imgs)[1][5], 255);
  ASSERT_TRUE(WriteFileAtomic(path, npy.substr(0, 100)).ok());
  EXPECT_EQ(LoadNpyGrayImages(path, &h, &w).status().code(), StatusCode::kDataLoss);
  std::remove(path.c_str());
}

TEST(GenerateImageDataset, WritesImagesAndLabelsThatReadBack) {
  DatasetOptions o;
  o.out_dir = "/tmp/ptmo_imgset_test_" + std::to_string(getpid());
  o.per_kind = 2;
  o.mp1_images = 0;
  o.lfw_npy = "/nonexistent.npy";
  std::vector<std::string> notes;
  auto labels = GenerateImageDataset(o, &notes);
  // A missing face source is an error only when named explicitly.
  ASSERT_FALSE(labels.ok());
  o.lfw_npy = "";
  labels = GenerateImageDataset(o, &notes);
  ASSERT_TRUE(labels.ok()) << labels.status().ToString();
  auto back = ReadImageLabels(o.out_dir);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), labels->size());
  int with_pii = 0;
  for (const ImageLabel& l : *back) {
    auto bytes = ReadFile(o.out_dir + "/" + l.file);
    ASSERT_TRUE(bytes.ok()) << l.file;
    auto header = ReadImageHeader(*bytes);
    ASSERT_TRUE(header.ok());
    for (const PiiLabel& p : l.pii) {
      EXPECT_FALSE(p.text.empty());
      EXPECT_GT(p.box.width, 0);
    }
    with_pii += !l.pii.empty();
  }
  EXPECT_GE(with_pii, 8);  // text, card, passport, kr_id: 2 each
  std::system(("rm -rf " + o.out_dir).c_str());
}

}  // namespace
}  // namespace ptmo::privacy::vision
