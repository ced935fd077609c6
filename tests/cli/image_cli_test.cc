// Runs the built `ptmo` binary's image commands as a user would: scan-image, redact-image,
// eval-image and gen-image-data on a tiny generated set, and the bad inputs a user can hand
// them (truncated files, a decompression bomb, other formats, missing files and folders).
//
// OCR is the slow part, so the set is generated once for the suite, OCR runs with English
// only where Korean is not needed, and bad inputs are refused before any model loads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_runner.h"

namespace {

using ptmo::testing::CliResult;
using ptmo::testing::ReadWholeFile;
using ptmo::testing::RunPtmoArgs;
using ptmo::testing::ScratchDir;
using ptmo::testing::WriteWholeFile;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Big-endian 32-bit value, as PNG stores numbers.
std::string Be32(uint32_t v) {
  return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

// A PNG whose IHDR declares `width` x `height` (8-bit RGB) and that ends with IEND, but holds
// no pixel data: only a decoder that trusts the header would try to allocate the pixels.
std::string PngDeclaring(uint32_t width, uint32_t height) {
  std::string png = "\x89PNG\r\n\x1a\n";
  png += Be32(13) + "IHDR" + Be32(width) + Be32(height) + std::string("\x08\x02\x00\x00\x00", 5);
  png += Be32(0);  // CRC (not checked before the size is)
  png += Be32(0) + "IEND" + std::string("\xAE\x42\x60\x82", 4);
  return png;
}

// `jpeg` with an EXIF segment (APP1) naming the artist "Jane Roe" inserted after SOI: a
// little-endian TIFF header and one IFD entry, Exif.Image.Artist (tag 0x013B, ASCII).
std::string WithExifArtist(const std::string& jpeg) {
  const std::string artist("Jane Roe\0", 9);
  std::string tiff = std::string("II\x2A\x00", 4) + std::string("\x08\x00\x00\x00", 4);
  tiff += std::string("\x01\x00", 2);                               // one entry
  tiff += std::string("\x3B\x01", 2) + std::string("\x02\x00", 2);  // Artist, ASCII
  tiff += std::string(1, char(artist.size())) + std::string(3, '\0');
  tiff += std::string("\x1A\x00\x00\x00", 4);  // value at offset 26 (8 + 2 + 12 + 4)
  tiff += std::string(4, '\0');                // no next IFD
  tiff += artist;
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  const size_t len = payload.size() + 2;
  std::string app1 = std::string("\xFF\xE1", 2) + char(len >> 8) + char(len & 0xFF) + payload;
  return jpeg.substr(0, 2) + app1 + jpeg.substr(2);
}

class ImageCli : public ::testing::Test {
 protected:
  // One tiny labelled set for the whole suite: one image per kind, no 1-megapixel images.
  static void SetUpTestSuite() {
    dir_ = new ScratchDir("ptmo_image_cli");
    gen_ = new CliResult(RunPtmoArgs(
        {"gen-image-data", "--out", dir_->File("set"), "--per-kind", "1", "--mp1", "0"}));
  }
  static void TearDownTestSuite() {
    delete gen_;
    delete dir_;
    gen_ = nullptr;
    dir_ = nullptr;
  }

  static std::string SetFile(const std::string& name) { return dir_->File("set/" + name); }

  // The labels of the generated set, one JSON object per image.
  static std::vector<nlohmann::json> Labels() {
    std::vector<nlohmann::json> out;
    std::string text = ReadWholeFile(SetFile("labels.jsonl"));
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) nl = text.size();
      if (nl > start) out.push_back(nlohmann::json::parse(text.substr(start, nl - start)));
      start = nl + 1;
    }
    return out;
  }

  static nlohmann::json LabelOf(const std::string& kind) {
    for (const auto& l : Labels()) {
      if (l["kind"] == kind) return l;
    }
    ADD_FAILURE() << "no '" << kind << "' image in the generated set";
    return {};
  }

  // `scan-image --format json` of one file, parsed; fails the test on a non-zero exit.
  static nlohmann::json ScanJson(const std::string& file, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"scan-image", "--format", "json", "--no-ner"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(file);
    CliResult r = RunPtmoArgs(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (r.exit_code != 0) return nlohmann::json::object();
    return nlohmann::json::parse(r.out);
  }

  static ScratchDir* dir_;
  static CliResult* gen_;
};

ScratchDir* ImageCli::dir_ = nullptr;
CliResult* ImageCli::gen_ = nullptr;

TEST_F(ImageCli, GenImageDataWritesEveryKindWithLabels) {
  ASSERT_EQ(gen_->exit_code, 0) << gen_->err;
  EXPECT_TRUE(Contains(gen_->out, "labels.jsonl")) << gen_->out;
  std::vector<nlohmann::json> labels = Labels();
  std::vector<std::string> kinds;
  for (const auto& l : labels) {
    kinds.push_back(l["kind"]);
    EXPECT_TRUE(std::filesystem::exists(SetFile(l["file"]))) << l["file"];
    for (const char* key : {"level", "faces", "pii", "text_px"}) EXPECT_TRUE(l.contains(key));
  }
  for (const char* kind : {"text", "card", "passport", "kr_id", "noface"}) {
    EXPECT_EQ(std::count(kinds.begin(), kinds.end(), kind), 1) << kind;
  }
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "mp1"), 0);
}

TEST_F(ImageCli, ScanImageJsonFindsTheCardNumberWhereItWasDrawn) {
  nlohmann::json label = LabelOf("card");
  nlohmann::json j = ScanJson(SetFile(label["file"]), {"--lang", "eng", "--no-faces"});
  ASSERT_TRUE(j.contains("pii")) << j.dump();
  EXPECT_EQ(j["level"], "PRIVATE");
  EXPECT_EQ(j["format"], "png");
  std::string number;
  std::vector<int> want;
  for (const auto& p : label["pii"]) {
    if (p["type"] == "CREDIT_CARD") {
      number = p["text"];
      want = p["box"].get<std::vector<int>>();
    }
  }
  ASSERT_FALSE(number.empty());
  bool found = false;
  for (const auto& p : j["pii"]) {
    if (p["type"] != "CREDIT_CARD") continue;
    std::string digits, want_digits;
    for (char c : p["text"].get<std::string>())
      if (c >= '0' && c <= '9') digits += c;
    for (char c : number)
      if (c >= '0' && c <= '9') want_digits += c;
    EXPECT_EQ(digits, want_digits);
    ASSERT_FALSE(p["boxes"].empty());
    auto b = p["boxes"][0].get<std::vector<int>>();
    // The region overlaps the drawn number's box.
    int x1 = std::max(b[0], want[0]), x2 = std::min(b[0] + b[2], want[0] + want[2]);
    int y1 = std::max(b[1], want[1]), y2 = std::min(b[1] + b[3], want[1] + want[3]);
    EXPECT_TRUE(x2 > x1 && y2 > y1) << p.dump();
    found = true;
  }
  EXPECT_TRUE(found) << j.dump();
  bool card_document = false;
  for (const auto& d : j["documents"]) card_document |= d["kind"] == "CREDIT_CARD";
  EXPECT_TRUE(card_document);
}

TEST_F(ImageCli, ScanImageTableNamesFileLevelAndFindings) {
  CliResult r = RunPtmoArgs(
      {"scan-image", "--no-ner", "--no-faces", "--lang", "eng", SetFile(LabelOf("card")["file"])});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "level PRIVATE")) << r.out;
  EXPECT_TRUE(Contains(r.out, "CREDIT_CARD")) << r.out;
}

TEST_F(ImageCli, RedactImageDropsExifBlursTheFaceAndLowersTheRisk) {
  const std::string face =
      ReadWholeFile(std::string(PTMO_SOURCE_DIR) + "/data/vision/astronaut_face.jpg");
  ASSERT_FALSE(face.empty());
  ScratchDir tmp("ptmo_redact");
  const std::string in = tmp.File("face.jpg"), out = tmp.File("clean.jpg");
  WriteWholeFile(in, WithExifArtist(face));

  nlohmann::json before = ScanJson(in, {"--no-ocr"});
  ASSERT_FALSE(before["faces"].empty()) << before.dump();
  bool artist = false;
  for (const auto& m : before["metadata"]) artist |= m["category"] == "owner";
  EXPECT_TRUE(artist) << before["metadata"].dump();

  CliResult r = RunPtmoArgs({"redact-image", "--no-ocr", in, out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "1 face(s)")) << r.err;
  const std::string clean = ReadWholeFile(out);
  ASSERT_FALSE(clean.empty());
  EXPECT_FALSE(Contains(clean, "Exif"));
  EXPECT_FALSE(Contains(clean, "Jane Roe"));
  EXPECT_EQ(clean.substr(0, 3), "\xFF\xD8\xFF");

  nlohmann::json after = ScanJson(out, {"--no-ocr"});
  EXPECT_TRUE(after["faces"].empty()) << after["faces"].dump();
  EXPECT_TRUE(after["metadata"].empty()) << after["metadata"].dump();
  EXPECT_LT(after["score"].get<double>(), before["score"].get<double>());
  // Nothing but the output was written next to it (no temporary file left behind).
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 2u);
}

TEST_F(ImageCli, RedactImageBoxesTheCardNumberSoARescanFindsNone) {
  ScratchDir tmp("ptmo_redact");
  const std::string out = tmp.File("card.png");
  const std::string in = SetFile(LabelOf("card")["file"]);
  CliResult r = RunPtmoArgs({"redact-image", "--no-ner", "--no-faces", "--lang", "eng", in, out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadWholeFile(out), ReadWholeFile(in));
  nlohmann::json after = ScanJson(out, {"--lang", "eng", "--no-faces"});
  for (const auto& p : after["pii"]) EXPECT_NE(p["type"], "CREDIT_CARD") << p.dump();
  EXPECT_NE(after["level"], "PRIVATE") << after.dump();
}

TEST_F(ImageCli, EvalImageReportsRecallAndLevelsForTheSet) {
  CliResult r = RunPtmoArgs({"eval-image", "--data", dir_->File("set"), "--format", "json",
                             "--no-ner", "--lang", "eng", "--no-faces"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["images"].get<size_t>(), Labels().size());
  double recall = j["pii"]["recall_at_least_14px"];
  EXPECT_GT(recall, 0.0);  // the card number at least
  EXPECT_LE(recall, 1.0);
  double accuracy = j["level"]["accuracy"];
  EXPECT_GE(accuracy, 0.0);
  EXPECT_LE(accuracy, 1.0);
  EXPECT_TRUE(j.contains("time_ms"));
}

TEST_F(ImageCli, EvalImageOnAFolderWithoutLabelsFailsNamingIt) {
  ScratchDir tmp("ptmo_eval_empty");
  CliResult r = RunPtmoArgs({"eval-image", "--data", tmp.path(), "--no-ocr", "--no-faces"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.err, "labels.jsonl")) << r.err;
}

// Each bad input: scan-image exits non-zero with one line naming the file and the problem,
// without loading the models (so this is fast even though OCR is on).
struct BadInput {
  std::string name;
  std::string bytes;
  std::string problem;  // a word the message must hold
};

std::vector<BadInput> BadInputs(const std::string& png, const std::string& jpeg) {
  return {
      {"truncated.png", png.substr(0, png.size() / 2), "truncated"},
      {"truncated.jpg", jpeg.substr(0, jpeg.size() / 2), "truncated"},
      {"bomb.png", PngDeclaring(100000, 100000), "above the limit"},
      {"anim.gif", std::string("GIF89a\x01\x00\x01\x00\x00\x00\x00;", 13), "GIF"},
      {"doc.pdf", "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n", "PDF"},
      {"empty.png", "", "empty"},
      {"notes.jpg", "These are my notes, not a picture.\n", "not an image"},
  };
}

TEST_F(ImageCli, ScanImageRefusesEachBadInputNamingFileAndProblem) {
  ScratchDir tmp("ptmo_bad");
  const std::string png = ReadWholeFile(SetFile(LabelOf("card")["file"]));
  const std::string jpeg =
      ReadWholeFile(std::string(PTMO_SOURCE_DIR) + "/data/vision/astronaut_face.jpg");
  ASSERT_FALSE(png.empty());
  ASSERT_FALSE(jpeg.empty());
  for (const BadInput& bad : BadInputs(png, jpeg)) {
    const std::string path = tmp.File(bad.name);
    WriteWholeFile(path, bad.bytes);
    CliResult r = RunPtmoArgs({"scan-image", path});
    EXPECT_NE(r.exit_code, 0) << bad.name;
    EXPECT_EQ(r.err.rfind("ptmo: ", 0), 0u) << bad.name << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << bad.name << ": " << r.err;
    EXPECT_TRUE(Contains(r.err, path)) << bad.name << ": " << r.err;
    EXPECT_TRUE(Contains(r.err, bad.problem)) << bad.name << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << bad.name << ": " << r.out;
  }
}

TEST_F(ImageCli, ScanImageOfAMissingFileFailsNamingIt) {
  ScratchDir tmp("ptmo_bad");
  const std::string path = tmp.File("no_such_photo.jpg");
  CliResult r = RunPtmoArgs({"scan-image", path});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.err, path)) << r.err;
  EXPECT_TRUE(Contains(r.err, "does not exist")) << r.err;
}

TEST_F(ImageCli, ScanImageGoesOnPastABadFileButExitsNonZero) {
  ScratchDir tmp("ptmo_bad");
  const std::string bad = tmp.File("empty.jpg");
  WriteWholeFile(bad, "");
  CliResult r = RunPtmoArgs({"scan-image", "--format", "json", "--no-ocr", bad,
                             std::string(PTMO_SOURCE_DIR) + "/data/vision/astronaut_face.jpg"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.err, bad)) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_FALSE(j[0]["faces"].empty());
}

TEST_F(ImageCli, RedactImageIntoAMissingFolderFailsAndWritesNothing) {
  ScratchDir tmp("ptmo_redact_bad");
  const std::string out = tmp.File("no_such_folder/clean.jpg");
  CliResult r = RunPtmoArgs(
      {"redact-image", std::string(PTMO_SOURCE_DIR) + "/data/vision/astronaut_face.jpg", out});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.err, out)) << r.err;
  EXPECT_TRUE(Contains(r.err, "does not exist")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(tmp.File("no_such_folder")));
}

TEST_F(ImageCli, RedactImageOfABadInputLeavesAnExistingOutputUntouched) {
  ScratchDir tmp("ptmo_redact_bad");
  const std::string jpeg =
      ReadWholeFile(std::string(PTMO_SOURCE_DIR) + "/data/vision/astronaut_face.jpg");
  const std::string in = tmp.File("cut.jpg"), out = tmp.File("out.jpg");
  WriteWholeFile(in, jpeg.substr(0, jpeg.size() - 100));
  WriteWholeFile(out, "previous output");
  CliResult r = RunPtmoArgs({"redact-image", in, out});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.err, in)) << r.err;
  EXPECT_TRUE(Contains(r.err, "truncated")) << r.err;
  EXPECT_EQ(ReadWholeFile(out), "previous output");
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 2u);  // no temporary file left behind
}

TEST_F(ImageCli, RedactImageOfABombWritesNoOutput) {
  ScratchDir tmp("ptmo_redact_bad");
  const std::string in = tmp.File("bomb.png"), out = tmp.File("out.png");
  WriteWholeFile(in, PngDeclaring(100000, 100000));
  CliResult r = RunPtmoArgs({"redact-image", in, out});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.err, in)) << r.err;
  EXPECT_TRUE(Contains(r.err, "100000x100000")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(ImageCli, RedactImageWhoseAnalysisFailsWritesNoOutput) {
  // The header and end marker are intact, so the cheap checks pass and the models load; the
  // pixel data between them is garbage, so decoding (the analysis) fails.
  ScratchDir tmp("ptmo_redact_bad");
  std::string png = ReadWholeFile(SetFile(LabelOf("card")["file"]));
  ASSERT_GT(png.size(), 200u);
  for (size_t i = 60; i + 20 < png.size(); ++i) png[i] = char(0x5A);
  const std::string in = tmp.File("corrupt.png"), out = tmp.File("out.png");
  WriteWholeFile(in, png);
  CliResult r = RunPtmoArgs({"redact-image", "--no-ocr", "--no-faces", in, out});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.err, in)) << r.err;
  EXPECT_TRUE(Contains(r.err, "corrupt")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
