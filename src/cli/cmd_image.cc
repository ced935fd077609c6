// `ptmo scan-image`, `ptmo redact-image`, `ptmo eval-image`, `ptmo gen-image-data`: the image
// privacy guard (faces, OCR'd PII, identity documents, QR codes, metadata) from the shell.
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/table.h"
#include "privacy/vision/image_analyzer.h"
#include "privacy/vision/image_dataset.h"
#include "privacy/vision/image_eval.h"
#include "privacy/vision/image_json.h"
#include "util/file.h"

namespace ptmo::cli {
namespace {

namespace vision = privacy::vision;

struct ImageFlags {
  AnalyzerFlags analyzer;
  size_t max_image_bytes = size_t(32) << 20;
  int64_t max_pixels = 40'000'000;
  std::string languages = "eng+kor";
  bool no_faces = false;
  bool no_ocr = false;
  bool no_codes = false;
  bool no_metadata = false;
  bool no_mrz_pass = false;
  vision::FaceDetectorOptions faces;
};

void AddImageFlags(CLI::App* cmd, ImageFlags* f) {
  AddAnalyzerFlags(cmd, &f->analyzer);
  cmd->add_option("--max-image-bytes", f->max_image_bytes, "Refuse image files larger than this")
      ->capture_default_str();
  cmd->add_option("--max-pixels", f->max_pixels,
                  "Refuse images whose header declares more pixels than this")
      ->capture_default_str();
  cmd->add_option("--lang", f->languages, "Tesseract languages, '+'-separated")
      ->capture_default_str();
  cmd->add_flag("--no-faces", f->no_faces, "Skip face detection");
  cmd->add_flag("--no-ocr", f->no_ocr, "Skip text recognition");
  cmd->add_flag("--no-codes", f->no_codes, "Skip QR code decoding");
  cmd->add_flag("--no-metadata", f->no_metadata, "Skip EXIF/XMP metadata");
  cmd->add_flag("--no-mrz-pass", f->no_mrz_pass, "Skip the MRZ-only second OCR pass");
  cmd->add_option("--face-method", f->faces.method, "Face detector: hog (dlib) or cascade (OpenCV)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, vision::FaceMethod>{{"hog", vision::FaceMethod::kHog},
                                                    {"cascade", vision::FaceMethod::kCascade}},
          CLI::ignore_case))
      ->default_str("hog");
  cmd->add_option("--face-hog-side", f->faces.hog_side,
                  "HOG: scale images to this longer side first (faces under 1/10 of it are missed)")
      ->capture_default_str();
  cmd->add_option("--face-hog-threshold", f->faces.hog_threshold,
                  "HOG detections scoring above this are faces (lower finds more)")
      ->capture_default_str();
  cmd->add_option("--face-cascade", f->faces.cascade_path, "Face cascade XML (Haar or LBP)")
      ->capture_default_str();
  cmd->add_option("--face-neighbors", f->faces.min_neighbors,
                  "Raw detections needed per face (first cascade)")
      ->capture_default_str();
  cmd->add_option("--face-cascade2", f->faces.second_cascade_path,
                  "A second face cascade whose faces are added (empty: none)")
      ->capture_default_str();
  cmd->add_option("--face-neighbors2", f->faces.second_min_neighbors,
                  "Raw detections needed per face (second cascade)")
      ->capture_default_str();
  cmd->add_option("--face-verify-cascade", f->faces.verify_cascade_path,
                  "Cascade that must also find each face (empty: no verification)")
      ->capture_default_str();
  cmd->add_option("--face-upscale-below", f->faces.upscale_below,
                  "Enlarge images whose longer side is below this before face detection")
      ->capture_default_str();
}

vision::ImageOptions Options(const ImageFlags& f) {
  vision::ImageOptions o;
  o.decode.max_bytes = f.max_image_bytes;
  o.decode.max_pixels = f.max_pixels;
  o.detect_faces = !f.no_faces;
  o.run_ocr = !f.no_ocr;
  o.decode_codes = !f.no_codes;
  o.read_metadata = !f.no_metadata;
  o.mrz_second_pass = !f.no_mrz_pass;
  o.semi_sensitive_at = f.analyzer.semi_at;
  o.private_at = f.analyzer.private_at;
  return o;
}

// The text analyzer and the image analyzer built on it.
struct Guards {
  std::unique_ptr<privacy::Analyzer> text;
  std::unique_ptr<vision::ImageAnalyzer> image;
};

Expected<Guards> MakeGuards(const ImageFlags& f) {
  Guards g;
  PTMO_ASSIGN_OR_RETURN(g.text, MakeAnalyzer(f.analyzer));
  vision::ImageAnalyzerConfig config;
  config.faces = f.faces;
  config.ocr.languages = f.languages;
  config.load_faces = !f.no_faces;
  config.load_ocr = !f.no_ocr;
  PTMO_ASSIGN_OR_RETURN(g.image, vision::ImageAnalyzer::Create(config, g.text.get()));
  return g;
}

std::string BoxText(const vision::Box& b) {
  return std::to_string(b.x) + "," + std::to_string(b.y) + " " + std::to_string(b.width) + "x" +
         std::to_string(b.height);
}

void PrintTable(const std::string& file, const vision::ImageAnalysis& a) {
  std::cout << file << ": " << a.format << " " << a.width << "x" << a.height << "  level "
            << privacy::LevelName(a.level) << "  score " << Fixed(a.score) << "  ("
            << Fixed(a.elapsed_ms, 0) << " ms)\n";
  Table t({"WHAT", "TYPE", "WHERE", "SCORE", "DETAIL"});
  for (const auto& f : a.faces) t.AddRow({"face", "FACE", BoxText(f.box), Fixed(f.confidence), ""});
  for (const auto& p : a.pii) {
    std::string where;
    for (const auto& b : p.boxes) where += (where.empty() ? "" : "; ") + BoxText(b);
    t.AddRow({std::string(vision::RegionSourceName(p.source)),
              std::string(privacy::EntityTypeName(p.type)), where, Fixed(p.score), p.text});
  }
  for (const auto& d : a.documents) {
    std::string why;
    for (const auto& r : d.reasons) why += (why.empty() ? "" : "; ") + r;
    t.AddRow({"document", d.kind, BoxText(d.box), d.validated ? "valid" : "layout", why});
  }
  for (const auto& c : a.codes) {
    t.AddRow({"code", c.kind, BoxText(c.box), Fixed(c.analysis.score), c.payload});
  }
  for (const auto& m : a.metadata) t.AddRow({"metadata", m.category, m.key, "", m.value});
  t.Print(std::cout, 60);
  for (const auto& m : a.modalities) {
    std::cout << "  " << m.modality << ": " << privacy::LevelName(m.level) << " " << Fixed(m.score)
              << (m.redactable ? " (redactable)" : " (not redactable)") << "\n";
  }
  for (const auto& r : a.reasons) std::cout << "  reason: " << r << "\n";
  for (const auto& n : a.notes) std::cout << "  note: " << n << "\n";
}

struct ScanImageFlags {
  ImageFlags image;
  std::vector<std::string> files;
  std::string format = "table";
};

// Reads `file` and runs every check that needs no decoding (format, declared size, a cut-off
// end), so that a bad input fails in milliseconds, before the models load. Errors name the
// file.
Expected<std::string> ReadImageFile(const std::string& file, const vision::ImageOptions& o) {
  PTMO_ASSIGN_OR_RETURN(std::string bytes, ReadFile(file, o.decode.max_bytes));
  auto header = vision::CheckImageBytes(bytes, o.decode);
  if (!header.ok())
    return Status(header.status().code(), "'" + file + "': " + header.status().message());
  return bytes;
}

int RunScanImage(const ScanImageFlags& f) {
  vision::ImageOptions options = Options(f.image);
  std::optional<Guards> guards;  // loaded at the first file that passes the cheap checks
  nlohmann::json all = nlohmann::json::array();
  int rc = 0;
  for (const std::string& file : f.files) {
    auto bytes = ReadImageFile(file, options);
    if (!bytes.ok()) {
      rc = Fail(bytes.status());
      continue;
    }
    if (!guards) {
      auto made = MakeGuards(f.image);
      if (!made.ok()) return Fail(made.status());
      guards = std::move(made).value();
    }
    auto a = guards->image->AnalyzeImage(*bytes, options);
    if (!a.ok()) {
      rc = Fail("'" + file + "': " + a.status().message());
      continue;
    }
    if (f.format == "json") {
      nlohmann::json j = vision::ImageAnalysisToJson(*a);
      j["file"] = file;
      all.push_back(j);
    } else {
      PrintTable(file, *a);
    }
  }
  if (f.format == "json")
    std::cout << (f.files.size() == 1 && !all.empty() ? all[0] : all).dump() << "\n";
  return rc;
}

struct RedactImageFlags {
  ImageFlags image;
  std::string in, out;
  std::string faces = "blur";
  bool keep_text = false;
};

// Fails (naming OUT) unless OUT's folder exists and OUT is not a folder, so that a typo in
// the output path is reported before the slow analysis.
Status CheckOutputPath(const std::string& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p(out);
  fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec)) {
    return NotFound("output '" + out + "': folder '" + dir.string() + "' does not exist");
  }
  if (fs::is_directory(p, ec)) {
    return InvalidArgument("output '" + out + "' is a folder, expected a file name");
  }
  return Status::Ok();
}

int RunRedactImage(const RedactImageFlags& f) {
  vision::ImageOptions options = Options(f.image);
  auto bytes = ReadImageFile(f.in, options);
  if (!bytes.ok()) return Fail(bytes.status());
  if (Status st = CheckOutputPath(f.out); !st.ok()) return Fail(st);
  auto guards = MakeGuards(f.image);
  if (!guards.ok()) return Fail(guards.status());
  auto a = guards->image->AnalyzeImage(*bytes, options);
  if (!a.ok()) return Fail("'" + f.in + "': " + a.status().message());
  vision::RedactOptions ro;
  ro.faces = f.faces == "box" ? vision::RedactOptions::FaceStyle::kBox
                              : vision::RedactOptions::FaceStyle::kBlur;
  ro.redact_text = !f.keep_text;
  std::string ext = f.out.substr(f.out.find_last_of('.') + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == "jpg" || ext == "jpeg") ro.format = vision::ImageFormat::kJpeg;
  if (ext == "png") ro.format = vision::ImageFormat::kPng;
  if (ext == "webp") ro.format = vision::ImageFormat::kWebp;
  auto out = guards->image->RedactImage(*bytes, *a, ro, options.decode);
  if (!out.ok()) return Fail("'" + f.in + "': " + out.status().message());
  Status st = WriteFileAtomic(f.out, *out, 0600);
  if (!st.ok()) return Fail("output '" + f.out + "': " + st.message());
  size_t regions = a->pii.size() + a->documents.size();
  std::cerr << "redacted " << a->faces.size() << " face(s), " << (f.keep_text ? 0 : regions)
            << " text region(s), " << a->metadata.size() << " metadata field(s) -> " << f.out
            << "\n";
  return 0;
}

struct EvalImageFlags {
  ImageFlags image;
  std::string data;
  std::string format = "table";
};

int RunEvalImage(const EvalImageFlags& f) {
  auto guards = MakeGuards(f.image);
  if (!guards.ok()) return Fail(guards.status());
  auto r = vision::EvaluateImageSet(*guards->image, f.data, Options(f.image));
  if (!r.ok()) return Fail(r.status());
  nlohmann::json j = vision::ReportToJson(*r);
  if (f.format == "json") {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "images " << r->images << "\n";
  std::cout << "faces: recall " << j["faces"]["recall"] << " (" << r->faces.found << "/"
            << r->faces.expected << "), false faces per no-face image "
            << j["faces"]["false_faces_per_noface_image"] << " (" << r->noface_images
            << " images), per face image " << j["faces"]["false_faces_per_face_image"] << "\n";
  std::cout << "OCR-PII: recall at >= 14 px " << j["pii"]["recall_at_least_14px"] << ", precision "
            << j["pii"]["precision"] << " (" << r->detections << " detections)\n";
  Table t({"GROUP", "KEY", "FOUND", "LABELLED", "RECALL"});
  for (const auto& [px, c] : r->pii_by_px)
    t.AddRow({"text px", std::to_string(px), std::to_string(c.found), std::to_string(c.expected),
              Fixed(c.expected ? double(c.found) / c.expected : 0)});
  for (const auto& [k, c] : r->pii_by_type)
    t.AddRow({"type", k, std::to_string(c.found), std::to_string(c.expected),
              Fixed(c.expected ? double(c.found) / c.expected : 0)});
  for (const auto& [k, c] : r->pii_by_kind)
    t.AddRow({"kind", k, std::to_string(c.found), std::to_string(c.expected),
              Fixed(c.expected ? double(c.found) / c.expected : 0)});
  t.Print(std::cout);
  std::cout << "level accuracy " << j["level"]["accuracy"] << "  confusion "
            << j["level"]["confusion"].dump() << "\n";
  std::cout << "time ms: all p50 " << j["time_ms"]["all_p50"] << " p99 " << j["time_ms"]["all_p99"]
            << "; 1-megapixel p50 " << j["time_ms"]["mp1_p50"] << " p99 " << j["time_ms"]["mp1_p99"]
            << "\n";
  for (const auto& fl : r->failures) std::cout << "failed: " << fl << "\n";
  return 0;
}

struct GenFlags {
  vision::DatasetOptions o;
};

int RunGen(const GenFlags& f) {
  std::vector<std::string> notes;
  auto labels = vision::GenerateImageDataset(f.o, &notes);
  if (!labels.ok()) return Fail(labels.status());
  std::cout << "wrote " << labels->size() << " images and labels.jsonl to " << f.o.out_dir << "\n";
  for (const auto& n : notes) std::cout << "note: " << n << "\n";
  return 0;
}

}  // namespace

void RegisterImage(CLI::App& app, int* exit_code) {
  {
    auto flags = std::make_shared<ScanImageFlags>();
    CLI::App* cmd = app.add_subcommand(
        "scan-image",
        "Measure images' sensitivity: faces, OCR'd PII, ID documents, QR codes, metadata");
    cmd->add_option("files", flags->files, "JPEG, PNG or WebP files")->required();
    AddImageFlags(cmd, &flags->image);
    cmd->add_option("--format,-f", flags->format, "Output format")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
    cmd->callback([flags, exit_code] { *exit_code = RunScanImage(*flags); });
  }
  {
    auto flags = std::make_shared<RedactImageFlags>();
    CLI::App* cmd = app.add_subcommand(
        "redact-image",
        "Blur faces, box PII text and drop all metadata; OUT is written atomically");
    cmd->add_option("in", flags->in, "Input image")->required();
    cmd->add_option("out", flags->out, "Output image (.jpg, .png or .webp; else IN's format)")
        ->required();
    cmd->add_option("--faces", flags->faces, "How faces are hidden")
        ->check(CLI::IsMember({"blur", "box"}))
        ->capture_default_str();
    cmd->add_flag("--keep-text", flags->keep_text, "Do not box PII text (faces and metadata only)");
    AddImageFlags(cmd, &flags->image);
    cmd->callback([flags, exit_code] { *exit_code = RunRedactImage(*flags); });
  }
  {
    auto flags = std::make_shared<EvalImageFlags>();
    CLI::App* cmd = app.add_subcommand(
        "eval-image", "Score the image guard on a labelled set made by gen-image-data");
    cmd->add_option("--data", flags->data, "Folder with labels.jsonl and the images")->required();
    AddImageFlags(cmd, &flags->image);
    cmd->add_option("--format,-f", flags->format, "Output format")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
    cmd->callback([flags, exit_code] { *exit_code = RunEvalImage(*flags); });
  }
  {
    auto flags = std::make_shared<GenFlags>();
    CLI::App* cmd = app.add_subcommand(
        "gen-image-data",
        "Make a labelled image set: rendered PII text, ID/card layouts, faces, no-face images");
    cmd->add_option("--out", flags->o.out_dir, "Output folder")->required();
    cmd->add_option("--per-kind", flags->o.per_kind, "Images per kind")->capture_default_str();
    cmd->add_option("--seed", flags->o.seed, "Random seed")->capture_default_str();
    cmd->add_option("--lfw-npy", flags->o.lfw_npy,
                    "scikit-image's lfw_subset.npy (default: python3-skimage's copy)");
    cmd->add_option("--mp1", flags->o.mp1_images, "1-megapixel timing images")
        ->capture_default_str();
    cmd->callback([flags, exit_code] { *exit_code = RunGen(*flags); });
  }
}

}  // namespace ptmo::cli
