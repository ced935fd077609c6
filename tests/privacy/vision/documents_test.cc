#include "privacy/vision/documents.h"

#include <gtest/gtest.h>

#include <sstream>

namespace ptmo::privacy::vision {
namespace {

// An OcrResult as Tesseract would give it: `lines` of space-separated words, each word 10 px
// per character wide and lines 20 px apart.
OcrResult FakeOcr(const std::vector<std::string>& lines) {
  OcrResult r;
  for (size_t li = 0; li < lines.size(); ++li) {
    if (li > 0) r.text.push_back('\n');
    std::istringstream in(lines[li]);
    std::string w;
    int x = 0;
    bool first = true;
    while (in >> w) {
      if (!first) r.text.push_back(' ');
      first = false;
      OcrWord ow;
      ow.text = w;
      ow.box = {x, int(li) * 20, int(w.size()) * 10, 16};
      ow.begin = r.text.size();
      r.text += w;
      ow.end = r.text.size();
      x += int(w.size()) * 10 + 10;
      if (r.line_boxes.size() <= li) r.line_boxes.resize(li + 1);
      r.line_boxes[li] = Union(r.line_boxes[li], ow.box);
      r.words.push_back(ow);
      r.word_line.push_back(li);
    }
  }
  return r;
}

std::vector<std::string> Names(const std::vector<PiiRegion>& regions) {
  std::vector<std::string> out;
  for (const PiiRegion& r : regions) {
    if (r.type == EntityType::kPerson) out.push_back(r.text);
  }
  return out;
}

TEST(FindLayoutNames, TakesTheValueAfterNameLabels) {
  OcrResult ocr = FakeOcr({"PASSPORT 여권", "Surname / 성 CLARK", "Given names / 이름 ROBERT",
                           "Passport No. M00123991", "성명 홍길동", "Name: Sarah Miller"});
  std::vector<PiiRegion> regions;
  FindLayoutNames(ocr, Analysis{}, /*card=*/false, &regions);
  EXPECT_EQ(Names(regions),
            (std::vector<std::string>{"CLARK", "ROBERT", "홍길동", "Sarah Miller"}));
  ASSERT_FALSE(regions.empty());
  EXPECT_EQ(regions[0].recognizer, "ocr_name_label");
  ASSERT_EQ(regions[0].boxes.size(), 1u);
  EXPECT_EQ(regions[0].boxes[0].y, 20);  // the second line, not the label's
}

TEST(FindLayoutNames, IgnoresLabelsWithoutANameAfterThem) {
  OcrResult ocr = FakeOcr({"Name:", "Name 12345", "Username: admin42", "File name report.pdf"});
  std::vector<PiiRegion> regions;
  FindLayoutNames(ocr, Analysis{}, false, &regions);
  EXPECT_TRUE(Names(regions).empty());
}

TEST(FindLayoutNames, FindsTheCardholderOnlyOnAPaymentCard) {
  OcrResult ocr =
      FakeOcr({"SAMPLE CREDIT UNION", "4539 1488 0343 6467", "VALID THRU 11/29", "JOHN SMITH"});
  std::vector<PiiRegion> regions;
  FindLayoutNames(ocr, Analysis{}, /*card=*/true, &regions);
  EXPECT_EQ(Names(regions), (std::vector<std::string>{"JOHN SMITH"}));
  EXPECT_EQ(regions[0].recognizer, "ocr_cardholder");
  regions.clear();
  FindLayoutNames(ocr, Analysis{}, /*card=*/false, &regions);
  EXPECT_TRUE(regions.empty());
}

TEST(FindLayoutNames, LeavesNamesTheTextGuardFoundAlone) {
  OcrResult ocr = FakeOcr({"Name: Sarah Miller"});
  Analysis text;
  Span s;
  s.type = EntityType::kPerson;
  s.begin = ocr.text.find("Sarah");
  s.end = ocr.text.size();
  text.spans.push_back(s);
  std::vector<PiiRegion> regions;
  FindLayoutNames(ocr, text, false, &regions);
  EXPECT_TRUE(regions.empty());
}

TEST(MrzBand, CoversTheMrzLinesWithAMargin) {
  OcrResult ocr =
      FakeOcr({"PASSPORT", "Surname CLARK", "Given ROBERT", "Passport No. M001",
               "P<KORCLARK<<ROBERT<<<<<<<<<<<<<<", "M001239911K0R8008183M3806122<<<<92"});
  int line_px = 0;
  Box band = MrzBand(ocr, 600, 140, &line_px);
  EXPECT_EQ(line_px, 16);
  EXPECT_EQ(band.x, 0);
  EXPECT_EQ(band.width, 600);
  EXPECT_LE(band.y, 80);                      // the first MRZ line starts at 80
  EXPECT_GE(band.y + band.height, 100 + 16);  // the second ends at 116
  EXPECT_GT(band.y, 20);                      // the names above are left out
}

TEST(MrzBand, FallsBackToTheBottomOfAPassportAndIsEmptyOtherwise) {
  int line_px = 0;
  Box band = MrzBand(FakeOcr({"PASSPORT", "Surname CLARK"}), 500, 200, &line_px);
  EXPECT_EQ(band.y, 120);
  EXPECT_EQ(band.height, 80);
  EXPECT_TRUE(MrzBand(FakeOcr({"Lunch at noon", "see you"}), 500, 200, &line_px).empty());
}

}  // namespace
}  // namespace ptmo::privacy::vision

namespace ptmo::privacy::vision {
namespace {

TEST(RecognizeMrzDocuments, CoversTheNameLineAboveALoneValidatedSecondLine) {
  // OCR lost the names line; the region must still cover where it is (redaction).
  OcrResult ocr = FakeOcr({"PASSPORT", "", "", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"});
  std::vector<PiiRegion> regions;
  auto docs = RecognizeMrzDocuments(ocr, &regions);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_TRUE(docs[0].validated);
  ASSERT_EQ(regions.size(), 1u);
  ASSERT_EQ(regions[0].boxes.size(), 2u);
  const Box& second = ocr.line_boxes.back();
  const Box& names = regions[0].boxes[0];
  EXPECT_LT(names.y, second.y - second.height);  // reaches at least a line above
  EXPECT_EQ(names.y + names.height, second.y);
  EXPECT_EQ(docs[0].box.y, names.y);
}

}  // namespace
}  // namespace ptmo::privacy::vision
