#include "privacy/vision/image_dataset.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "privacy/vision/image_decode.h"
#include "privacy/vision/mrz.h"
#include "privacy/vision/text_render.h"
#include "util/file.h"

namespace ptmo::privacy::vision {
namespace {

using Rng = std::mt19937_64;

int Uniform(Rng& rng, int lo, int hi) {  // inclusive
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}
template <typename T>
const T& Pick(Rng& rng, const std::vector<T>& v) {
  return v[size_t(Uniform(rng, 0, int(v.size()) - 1))];
}

const std::vector<std::string> kFirst = {"John",  "Mary",   "David", "Sarah",   "James",
                                         "Linda", "Robert", "Emily", "Michael", "Susan"};
const std::vector<std::string> kLast = {"Smith",  "Johnson",  "Brown",  "Miller", "Wilson",
                                        "Taylor", "Anderson", "Thomas", "Moore",  "Clark"};
const std::vector<std::string> kFiller = {
    "Thanks for the update on the project timeline.",
    "Please review the attached slides before Friday.",
    "The quarterly meeting moved to the large room.",
    "Lunch will be served after the keynote.",
    "Remember to water the plants this weekend.",
    "회의는 다음 주 화요일 오후에 열립니다.",
    "자료를 검토하고 의견을 보내 주세요.",
};

std::string Digits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(char('0' + Uniform(rng, 0, 9)));
  return s;
}

std::string LuhnComplete(const std::string& partial) {
  int sum = 0;
  // Double every second digit counting from the right of the full number (check included).
  for (size_t i = 0; i < partial.size(); ++i) {
    int d = partial[partial.size() - 1 - i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return partial + char('0' + (10 - sum % 10) % 10);
}

std::string CardNumber(Rng& rng) {
  std::string n = LuhnComplete("4" + Digits(rng, 14));
  return n.substr(0, 4) + " " + n.substr(4, 4) + " " + n.substr(8, 4) + " " + n.substr(12, 4);
}

std::string Ssn(Rng& rng) {
  int area = Uniform(rng, 101, 665);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%03d-%02d-%04d", area, Uniform(rng, 10, 99),
                Uniform(rng, 1000, 9999));
  return buf;
}

std::string UsPhone(Rng& rng) {
  static const std::vector<std::string> kAreas = {"212", "415", "617", "312", "206", "503"};
  return "(" + Pick(rng, kAreas) + ") " + std::to_string(Uniform(rng, 201, 989)) + "-" +
         Digits(rng, 4);
}

std::string KrPhone(Rng& rng) {
  return "010-" + std::to_string(Uniform(rng, 2000, 9899)) + "-" + Digits(rng, 4);
}

std::string Email(Rng& rng, const std::string& first, const std::string& last) {
  static const std::vector<std::string> kDomains = {"example.com", "mail.example.org",
                                                    "company.co.kr", "example.net"};
  std::string f = first, l = last;
  std::transform(f.begin(), f.end(), f.begin(), ::tolower);
  std::transform(l.begin(), l.end(), l.begin(), ::tolower);
  return f + "." + l + "@" + Pick(rng, kDomains);
}

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::toupper);
  return s;
}

// A background: plain, vertical gradient, or soft texture.
cv::Mat Background(Rng& rng, int w, int h, bool light) {
  cv::Mat img(h, w, CV_8UC3);
  int base = light ? Uniform(rng, 215, 255) : Uniform(rng, 30, 90);
  cv::Scalar tint(base - Uniform(rng, 0, 20), base - Uniform(rng, 0, 20), base);
  img.setTo(tint);
  int style = Uniform(rng, 0, 2);
  if (style == 1) {
    for (int y = 0; y < h; ++y) {
      double t = double(y) / h * (light ? -25 : 25);
      img.row(y) += cv::Scalar(t, t, t);
    }
  } else if (style == 2) {
    cv::Mat noise(h / 8 + 1, w / 8 + 1, CV_8UC3);
    cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(30));
    cv::Mat big;
    cv::resize(noise, big, img.size(), 0, 0, cv::INTER_CUBIC);
    if (light) {
      img -= big;
    } else {
      img += big;
    }
  }
  return img;
}

Box RotateBox(const Box& b, const cv::Mat& m) {
  std::vector<cv::Point2f> pts = {{float(b.x), float(b.y)},
                                  {float(b.x + b.width), float(b.y)},
                                  {float(b.x), float(b.y + b.height)},
                                  {float(b.x + b.width), float(b.y + b.height)}};
  cv::transform(pts, pts, m);
  float x1 = pts[0].x, y1 = pts[0].y, x2 = x1, y2 = y1;
  for (auto& p : pts) {
    x1 = std::min(x1, p.x);
    y1 = std::min(y1, p.y);
    x2 = std::max(x2, p.x);
    y2 = std::max(y2, p.y);
  }
  return {int(x1), int(y1), int(std::ceil(x2 - x1)), int(std::ceil(y2 - y1))};
}

// Rotation about the centre and Gaussian noise, updating the label's boxes.
void Distort(Rng& rng, cv::Mat* img, ImageLabel* label) {
  if (label->rotation != 0) {
    cv::Point2f c(img->cols / 2.0f, img->rows / 2.0f);
    cv::Mat m = cv::getRotationMatrix2D(c, label->rotation, 1.0);
    cv::Mat out;
    cv::warpAffine(*img, out, m, img->size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    *img = out;
    for (PiiLabel& p : label->pii) p.box = RotateBox(p.box, m);
    for (Box& f : label->faces) f = RotateBox(f, m);
  }
  if (label->noise > 0) {
    cv::Mat noise(img->size(), CV_16SC3);
    cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(label->noise));
    cv::Mat tmp;
    img->convertTo(tmp, CV_16SC3);
    tmp += noise;
    tmp.convertTo(*img, CV_8UC3);
  }
  (void)rng;
}

struct Fonts {
  std::unique_ptr<TextRenderer> sans, mono, serif;
};

// Draws "label value" and records the value's box as a PII label of `type`.
int LabeledLine(const TextRenderer& font, cv::Mat& img, int x, int y, int px,
                const std::string& label, const std::string& value, EntityType type,
                const cv::Scalar& color, ImageLabel* out) {
  Box a = font.Draw(img, label, x, y, px, color);
  Box b = font.Draw(img, value, a.x + a.width, y, px, color);
  out->pii.push_back({type, value, b});
  return b.height;
}

ImageLabel MakeText(Rng& rng, const Fonts& f, int px, cv::Mat* img) {
  ImageLabel l;
  l.kind = "text";
  l.text_px = px;
  std::string first = Pick(rng, kFirst), last = Pick(rng, kLast);
  int n_lines = 5;
  int w = std::max(360, px * 30), h = int(n_lines * px * 1.7) + 2 * px;
  bool light = Uniform(rng, 0, 4) != 0;
  *img = Background(rng, w, h, light);
  cv::Scalar ink = light ? cv::Scalar(Uniform(rng, 0, 60), Uniform(rng, 0, 60), Uniform(rng, 0, 60))
                         : cv::Scalar(240, 240, 240);
  std::vector<int> kinds = {0, 1, 2, 3, 4, 5, 6, 7};
  std::shuffle(kinds.begin(), kinds.end(), rng);
  int y = px;
  for (int i = 0; i < n_lines; ++i) {
    int x = px;
    switch (kinds[size_t(i)]) {
      case 0:
        LabeledLine(*f.sans, *img, x, y, px, "Email: ", Email(rng, first, last), EntityType::kEmail,
                    ink, &l);
        break;
      case 1:
        LabeledLine(*f.sans, *img, x, y, px, "Phone: ", UsPhone(rng), EntityType::kPhone, ink, &l);
        break;
      case 2:
        LabeledLine(*f.sans, *img, x, y, px, "Card number: ", CardNumber(rng),
                    EntityType::kCreditCard, ink, &l);
        break;
      case 3:
        LabeledLine(*f.sans, *img, x, y, px, "SSN: ", Ssn(rng), EntityType::kUsSsn, ink, &l);
        break;
      case 4:
        LabeledLine(*f.sans, *img, x, y, px, "연락처: ", KrPhone(rng), EntityType::kPhone, ink, &l);
        break;
      case 5:
        LabeledLine(*f.sans, *img, x, y, px, "주민등록번호: ", MakeKrRrn(rng()), EntityType::kKrRrn,
                    ink, &l);
        break;
      case 6:
        LabeledLine(*f.sans, *img, x, y, px, "Name: ", first + " " + last, EntityType::kPerson, ink,
                    &l);
        break;
      default: f.sans->Draw(*img, Pick(rng, kFiller), x, y, px, ink); break;
    }
    y += int(px * 1.7);
  }
  l.level = Level::kSemiSensitive;
  for (const PiiLabel& p : l.pii) {
    if (p.type == EntityType::kCreditCard || p.type == EntityType::kUsSsn ||
        p.type == EntityType::kKrRrn)
      l.level = Level::kPrivate;
  }
  return l;
}

ImageLabel MakeCard(Rng& rng, const Fonts& f, int px, cv::Mat* img) {
  ImageLabel l;
  l.kind = "card";
  l.text_px = px;
  int w = px * 22, h = int(w * 0.63);
  *img = Background(rng, w, h, Uniform(rng, 0, 1) == 0);
  bool light = cv::mean(*img)[0] > 128;
  cv::Scalar ink = light ? cv::Scalar(20, 20, 20) : cv::Scalar(235, 235, 235);
  f.sans->Draw(*img, Pick(rng, std::vector<std::string>{"EXAMPLE BANK", "SAMPLE CREDIT UNION"}), px,
               px, px, ink);
  std::string number = CardNumber(rng);
  Box b = f.mono->Draw(*img, number, px, h / 2 - px / 2, int(px * 1.3), ink);
  l.pii.push_back({EntityType::kCreditCard, number, b});
  f.sans->Draw(*img,
               "VALID THRU " + std::to_string(Uniform(rng, 10, 12)) + "/" +
                   std::to_string(Uniform(rng, 26, 31)),
               px, h / 2 + px, int(px * 0.8), ink);
  std::string name = Upper(Pick(rng, kFirst) + " " + Pick(rng, kLast));
  Box nb = f.sans->Draw(*img, name, px, h - 2 * px, px, ink);
  l.pii.push_back({EntityType::kPerson, name, nb});
  l.level = Level::kPrivate;
  return l;
}

ImageLabel MakePassport(Rng& rng, const Fonts& f, int px, cv::Mat* img) {
  ImageLabel l;
  l.kind = "passport";
  l.text_px = px;
  int mono_w = int(px * 0.62 * 44) + 2 * px;
  int w = std::max(mono_w, px * 26), h = px * 16;
  *img = Background(rng, w, h, true);
  cv::Scalar ink(30, 30, 30);
  std::string first = Pick(rng, kFirst), last = Pick(rng, kLast);
  f.sans->Draw(*img, "PASSPORT  여권", px, px / 2, px, ink);
  f.sans->Draw(*img, "Surname / 성  " + Upper(last), px, int(px * 2.5), px, ink);
  f.sans->Draw(*img, "Given names / 이름  " + Upper(first), px, int(px * 4), px, ink);
  std::string number = "M" + Digits(rng, 8);
  f.sans->Draw(*img, "Passport No. " + number, px, int(px * 5.5), px, ink);
  std::string dob = "8" + Digits(rng, 1) + "0" + std::to_string(Uniform(rng, 1, 9)) + "1" +
                    std::to_string(Uniform(rng, 0, 9));
  auto lines = BuildTd3("KOR", last, first, number, "KOR", dob, Uniform(rng, 0, 1) ? 'M' : 'F',
                        "3" + Digits(rng, 1) + "0612", "");
  int y = h - int(px * 4.2);
  Box a = f.mono->Draw(*img, lines[0], px, y, px, ink);
  Box b = f.mono->Draw(*img, lines[1], px, y + int(px * 1.6), px, ink);
  l.pii.push_back({EntityType::kPassport, lines[0] + "\n" + lines[1], Union(a, b)});
  l.level = Level::kPrivate;
  return l;
}

ImageLabel MakeKrId(Rng& rng, const Fonts& f, int px, cv::Mat* img) {
  ImageLabel l;
  l.kind = "kr_id";
  l.text_px = px;
  int w = px * 24, h = int(w * 0.63);
  *img = Background(rng, w, h, true);
  cv::Scalar ink(30, 30, 30);
  f.sans->Draw(*img, "주민등록증", px * 2, px, int(px * 1.4), ink);
  f.sans->Draw(*img, Pick(rng, std::vector<std::string>{"홍길동", "김민수", "이서연", "박지훈"}),
               px * 2, int(px * 3.5), px, ink);
  std::string rrn = MakeKrRrn(rng());
  Box b = f.sans->Draw(*img, rrn, px * 2, int(px * 5.2), px, ink);
  l.pii.push_back({EntityType::kKrRrn, rrn, b});
  f.sans->Draw(*img, "서울특별시 종로구 세종대로 " + std::to_string(Uniform(rng, 1, 300)), px * 2,
               int(px * 7), int(px * 0.8), ink);
  l.level = Level::kPrivate;
  return l;
}

Status WriteSample(const std::string& dir, const std::string& name, const cv::Mat& img, bool jpeg,
                   ImageLabel* l, std::ofstream& labels);

nlohmann::json ToJson(const ImageLabel& l) {
  auto box = [](const Box& b) { return nlohmann::json::array({b.x, b.y, b.width, b.height}); };
  nlohmann::json faces = nlohmann::json::array(), pii = nlohmann::json::array();
  for (const Box& f : l.faces) faces.push_back(box(f));
  for (const PiiLabel& p : l.pii) {
    pii.push_back({{"type", EntityTypeName(p.type)}, {"text", p.text}, {"box", box(p.box)}});
  }
  return {{"file", l.file},         {"kind", l.kind},   {"text_px", l.text_px},
          {"rotation", l.rotation}, {"noise", l.noise}, {"level", LevelName(l.level)},
          {"faces", faces},         {"pii", pii}};
}

Status WriteSample(const std::string& dir, const std::string& name, const cv::Mat& img, bool jpeg,
                   ImageLabel* l, std::ofstream& labels) {
  l->file = name + (jpeg ? ".jpg" : ".png");
  PTMO_ASSIGN_OR_RETURN(std::string bytes,
                        EncodeImage(img, jpeg ? ImageFormat::kJpeg : ImageFormat::kPng, 92));
  PTMO_RETURN_IF_ERROR(WriteFileAtomic(dir + "/" + l->file, bytes));
  labels << ToJson(*l).dump() << "\n";
  return Status::Ok();
}

std::string DefaultLfwPath() {
  const char* debian = "/usr/lib/python3/dist-packages/skimage/data/lfw_subset.npy";
  return std::ifstream(debian).good() ? debian : "";
}

// Places `n` patches (upscaled to random sizes) on a background without overlap; returns
// their boxes.
std::vector<Box> PlacePatches(Rng& rng, cv::Mat* img, const std::vector<cv::Mat>& patches) {
  std::vector<Box> boxes;
  for (const cv::Mat& p : patches) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      int size = Uniform(rng, 64, std::min(160, std::min(img->cols, img->rows) - 8));
      Box b{Uniform(rng, 0, img->cols - size), Uniform(rng, 0, img->rows - size), size, size};
      bool clash = false;
      for (const Box& o : boxes)
        clash |= IntersectionOverUnion(o, b) > 0 || Union(o, b).area() < o.area() + b.area();
      if (clash) continue;
      cv::Mat big, color;
      cv::resize(p, big, cv::Size(size, size), 0, 0, cv::INTER_CUBIC);
      cv::cvtColor(big, color, cv::COLOR_GRAY2BGR);
      color.copyTo((*img)(cv::Rect(b.x, b.y, b.width, b.height)));
      boxes.push_back(b);
      break;
    }
  }
  return boxes;
}

}  // namespace

std::string MakeKrRrn(uint64_t v) {
  static constexpr int kW[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
  char birth[8];
  std::snprintf(birth, sizeof birth, "%02d%02d%02d", int(60 + v % 40), int(1 + (v / 40) % 12),
                int(1 + (v / 480) % 28));
  std::string d = std::string(birth) + char('1' + (v / 13440) % 2);
  uint64_t r = v / 26880;
  for (int i = 0; i < 5; ++i, r /= 10) d.push_back(char('0' + r % 10));
  int sum = 0;
  for (int i = 0; i < 12; ++i) sum += (d[size_t(i)] - '0') * kW[i];
  d.push_back(char('0' + (11 - sum % 11) % 10));
  return d.substr(0, 6) + "-" + d.substr(6);
}

Expected<std::vector<std::vector<uint8_t>>> LoadNpyGrayImages(const std::string& path, int* h,
                                                              int* w) {
  PTMO_ASSIGN_OR_RETURN(std::string raw, ReadFile(path, size_t(64) << 20));
  if (raw.size() < 10 || raw.compare(0, 6, "\x93NUMPY") != 0) {
    return DataLoss("'" + path + "' is not a .npy file");
  }
  size_t hlen = uint8_t(raw[8]) | (size_t(uint8_t(raw[9])) << 8);
  std::string header = raw.substr(10, hlen);
  if (header.find("'<f8'") == std::string::npos || header.find("True") != std::string::npos) {
    return DataLoss("'" + path + "': expected little-endian float64 in C order");
  }
  size_t open = header.find("'shape': (");
  if (open == std::string::npos) return DataLoss("'" + path + "': no shape");
  long n = 0, hh = 0, ww = 0;
  if (std::sscanf(header.c_str() + open + 10, "%ld, %ld, %ld", &n, &hh, &ww) != 3 || n <= 0 ||
      hh <= 0 || ww <= 0) {
    return DataLoss("'" + path + "': expected a 3-D shape");
  }
  size_t need = size_t(n * hh * ww) * 8;
  if (raw.size() < 10 + hlen + need) return DataLoss("'" + path + "' is truncated");
  const char* p = raw.data() + 10 + hlen;
  std::vector<std::vector<uint8_t>> out(size_t(n), std::vector<uint8_t>(size_t(hh * ww)));
  for (long i = 0; i < n; ++i) {
    for (long j = 0; j < hh * ww; ++j) {
      double v;
      std::memcpy(&v, p + 8 * (i * hh * ww + j), 8);
      out[size_t(i)][size_t(j)] = cv::saturate_cast<uint8_t>(v * 255.0);
    }
  }
  *h = int(hh);
  *w = int(ww);
  return out;
}

Expected<std::vector<ImageLabel>> GenerateImageDataset(const DatasetOptions& o,
                                                       std::vector<std::string>* notes) {
  ::mkdir(o.out_dir.c_str(), 0755);
  Fonts f;
  PTMO_ASSIGN_OR_RETURN(f.sans, TextRenderer::Create(kDejaVuSans, {kNanumGothic}));
  PTMO_ASSIGN_OR_RETURN(f.mono, TextRenderer::Create(kDejaVuSansMono, {kNanumGothic}));
  Rng rng(o.seed);
  std::ofstream labels(o.out_dir + "/labels.jsonl", std::ios::trunc);
  if (!labels) return Internal("cannot write '" + o.out_dir + "/labels.jsonl'");
  std::vector<ImageLabel> all;
  const std::vector<int> sizes = {10, 14, 18, 24, 32};
  const std::vector<double> rotations = {0, 0, 2, -4};
  const std::vector<double> noises = {0, 6, 14};
  using Maker = ImageLabel (*)(Rng&, const Fonts&, int, cv::Mat*);
  const std::vector<std::pair<std::string, Maker>> makers = {
      {"text", MakeText}, {"card", MakeCard}, {"passport", MakePassport}, {"kr_id", MakeKrId}};
  for (const auto& [name, make] : makers) {
    for (int i = 0; i < o.per_kind; ++i) {
      int px = sizes[size_t(i) % sizes.size()];
      if (name != "text" && px < 14) px = 14 + 2 * (i % 4);  // documents are photographed close
      cv::Mat img;
      ImageLabel l = make(rng, f, px, &img);
      l.rotation = rotations[size_t(i / int(sizes.size())) % rotations.size()];
      l.noise = noises[size_t(i) % noises.size()];
      Distort(rng, &img, &l);
      PTMO_RETURN_IF_ERROR(
          WriteSample(o.out_dir, name + "_" + std::to_string(i), img, i % 2 == 1, &l, labels));
      all.push_back(std::move(l));
    }
  }

  // Faces: the LFW subset shipped by python3-skimage (tightly cropped 25x25 frontal faces).
  std::string lfw = o.lfw_npy.empty() ? DefaultLfwPath() : o.lfw_npy;
  std::vector<cv::Mat> faces, nonfaces;
  if (lfw.empty()) {
    notes->push_back(
        "no face source: install python3-skimage (its lfw_subset.npy holds 100 LFW faces) "
        "or pass --lfw-npy; the face set is empty");
  } else {
    int h = 0, w = 0;
    PTMO_ASSIGN_OR_RETURN(auto arrays, LoadNpyGrayImages(lfw, &h, &w));
    for (size_t i = 0; i < arrays.size(); ++i) {
      cv::Mat m(h, w, CV_8UC1, arrays[i].data());
      (i < arrays.size() / 2 ? faces : nonfaces).push_back(m.clone());
    }
    notes->push_back("faces from '" + lfw + "' (" + std::to_string(faces.size()) + " faces, " +
                     std::to_string(nonfaces.size()) + " non-face patches)");
  }
  for (int i = 0; i < o.per_kind && !faces.empty(); ++i) {
    cv::Mat img = Background(rng, 480, 360, Uniform(rng, 0, 1) == 0);
    std::vector<cv::Mat> chosen = {faces[size_t(2 * i) % faces.size()]};
    if (i % 3 == 0) chosen.push_back(faces[size_t(2 * i + 1) % faces.size()]);
    ImageLabel l;
    l.kind = "face";
    l.faces = PlacePatches(rng, &img, chosen);
    l.noise = noises[size_t(i) % noises.size()];
    l.level = Level::kSemiSensitive;
    Distort(rng, &img, &l);
    PTMO_RETURN_IF_ERROR(
        WriteSample(o.out_dir, "face_" + std::to_string(i), img, i % 2 == 0, &l, labels));
    all.push_back(std::move(l));
  }
  // No faces, no PII: backgrounds with shapes, LFW non-face patches, and plain text.
  for (int i = 0; i < o.per_kind; ++i) {
    cv::Mat img = Background(rng, 480, 360, Uniform(rng, 0, 1) == 0);
    for (int k = 0; k < 6; ++k) {
      cv::Scalar c(Uniform(rng, 0, 255), Uniform(rng, 0, 255), Uniform(rng, 0, 255));
      cv::Point p(Uniform(rng, 0, 479), Uniform(rng, 0, 359));
      if (k % 2 == 0) {
        cv::circle(img, p, Uniform(rng, 10, 60), c, -1, cv::LINE_AA);
      } else {
        cv::rectangle(img, p, p + cv::Point(Uniform(rng, 20, 120), Uniform(rng, 20, 80)), c, -1);
      }
    }
    if (!nonfaces.empty()) {
      PlacePatches(rng, &img,
                   {nonfaces[size_t(2 * i) % nonfaces.size()],
                    nonfaces[size_t(2 * i + 1) % nonfaces.size()]});
    }
    if (i % 2 == 0) f.sans->Draw(img, Pick(rng, kFiller), 10, 320, 18, cv::Scalar(20, 20, 20));
    ImageLabel l;
    l.kind = "noface";
    l.noise = noises[size_t(i) % noises.size()];
    l.level = Level::kPublic;
    Distort(rng, &img, &l);
    PTMO_RETURN_IF_ERROR(
        WriteSample(o.out_dir, "noface_" + std::to_string(i), img, i % 2 == 1, &l, labels));
    all.push_back(std::move(l));
  }
  // 1-megapixel mixed images for timing: a document block, a face, shapes.
  for (int i = 0; i < o.mp1_images; ++i) {
    cv::Mat img = Background(rng, 1024, 1024, true);
    cv::Mat part;
    ImageLabel l = MakeText(rng, f, 24, &part);
    part.copyTo(img(cv::Rect(40, 40, part.cols, part.rows)));
    for (PiiLabel& p : l.pii) {
      p.box.x += 40;
      p.box.y += 40;
    }
    if (!faces.empty()) {
      cv::Mat big, color;
      cv::resize(faces[size_t(i) % faces.size()], big, cv::Size(200, 200), 0, 0, cv::INTER_CUBIC);
      cv::cvtColor(big, color, cv::COLOR_GRAY2BGR);
      color.copyTo(img(cv::Rect(700, 700, 200, 200)));
      l.faces.push_back({700, 700, 200, 200});
    }
    l.kind = "mp1";
    PTMO_RETURN_IF_ERROR(WriteSample(o.out_dir, "mp1_" + std::to_string(i), img, true, &l, labels));
    all.push_back(std::move(l));
  }
  if (!labels.flush()) return Internal("cannot write '" + o.out_dir + "/labels.jsonl'");
  return all;
}

Expected<std::vector<ImageLabel>> ReadImageLabels(const std::string& dir) {
  std::string path = dir + "/labels.jsonl";
  PTMO_ASSIGN_OR_RETURN(std::string data, ReadFile(path, size_t(64) << 20));
  std::vector<ImageLabel> out;
  size_t start = 0, line_no = 0;
  auto box = [](const nlohmann::json& j) {
    return Box{j.at(0).get<int>(), j.at(1).get<int>(), j.at(2).get<int>(), j.at(3).get<int>()};
  };
  while (start < data.size()) {
    size_t nl = data.find('\n', start);
    if (nl == std::string::npos) nl = data.size();
    std::string line = data.substr(start, nl - start);
    start = nl + 1;
    ++line_no;
    if (line.empty()) continue;
    try {
      auto j = nlohmann::json::parse(line);
      ImageLabel l;
      l.file = j.at("file").get<std::string>();
      l.kind = j.at("kind").get<std::string>();
      l.text_px = j.value("text_px", 0);
      l.rotation = j.value("rotation", 0.0);
      l.noise = j.value("noise", 0.0);
      auto level = ParseLevel(j.at("level").get<std::string>());
      if (!level) return DataLoss(path + ":" + std::to_string(line_no) + ": unknown level");
      l.level = *level;
      for (const auto& f : j.at("faces")) l.faces.push_back(box(f));
      for (const auto& p : j.at("pii")) {
        auto type = ParseEntityType(p.at("type").get<std::string>());
        if (!type) return DataLoss(path + ":" + std::to_string(line_no) + ": unknown type");
        l.pii.push_back({*type, p.at("text").get<std::string>(), box(p.at("box"))});
      }
      out.push_back(std::move(l));
    } catch (const nlohmann::json::exception& e) {
      return DataLoss(path + ":" + std::to_string(line_no) + ": " + e.what());
    }
  }
  return out;
}

}  // namespace ptmo::privacy::vision
