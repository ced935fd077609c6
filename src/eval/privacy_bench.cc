#include "eval/privacy_bench.h"

#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <functional>
#include <thread>

namespace ptmo::eval {
namespace {

// Ordinary prompt text: most of what a privacy guard sees has nothing to find.
constexpr const char* kEnglish[] = {
    "Can you help me rewrite this paragraph so it sounds less formal? ",
    "I'm trying to understand why my unit tests pass locally but fail in CI. ",
    "The report needs a short summary of the quarterly numbers and three recommendations. ",
    "What is the difference between a mutex and a semaphore in practice? ",
    "Please make the tone friendlier but keep it under two hundred words. ",
    "We moved the release to next sprint because the migration script was not ready. ",
    "Explain how a B-tree keeps itself balanced when keys are inserted. ",
    "My sourdough came out dense again, maybe the kitchen is too cold for the starter. ",
    "Give me a list of five questions to ask at the end of a job interview. ",
    "The dashboard shows p95 latency going up every evening around eight. ",
    "Translate the following sentence into French and German, keeping it casual. ",
    "I think the bug is in the retry loop: it never resets the backoff timer. ",
    "Summarize the main arguments for and against remote work for small teams. ",
    "Could you suggest a vegetarian lunch that keeps well in the fridge for two days? ",
    "Our onboarding guide is out of date; what sections should a good one have? ",
    "Write a short story opening about a lighthouse keeper who finds a map. ",
    "How do I profile a Python script to find which function is slow? ",
    "Thanks for the quick reply yesterday, the workaround fixed the build. ",
    "List the pros and cons of renting versus buying in a rising market. ",
    "The meeting ran long, so we'll continue the design review on Thursday. ",
    "Why does my regular expression match too much when I use a greedy star? ",
    "Plan a three day itinerary with museums in the morning and walks after lunch. ",
    "I need a cover letter paragraph that highlights teamwork and data analysis. ",
    "What are good habits for reviewing pull requests without slowing the team down? ",
};

constexpr const char* kKorean[] = {
    "이 문단을 좀 더 자연스럽게 바꿔 줄 수 있을까요? ",
    "다음 주 회의 안건을 세 가지로 정리해 주세요. ",
    "파이썬에서 리스트 컴프리헨션을 쓰는 이유가 궁금해요. ",
    "보고서 결론 부분을 간결하게 요약해 줘. ",
    "오늘 저녁 메뉴로 간단한 요리 추천해 줄래? ",
    "서버 로그를 보면 새벽마다 응답 시간이 길어져요. ",
    "영어 이메일을 정중한 표현으로 다듬어 주세요. ",
    "테스트가 가끔씩만 실패하는데 원인을 찾는 방법이 있을까요? ",
};

constexpr const char* kCode[] = {
    "for (size_t i = 0; i < items.size(); ++i) total += items[i].price;\n",
    "def load(path):\n    with open(path) as f:\n        return json.load(f)\n",
    "2024-05-14T08:31:02Z INFO request id=7f3a status=200 duration_ms=41\n",
    "SELECT name, COUNT(*) FROM orders GROUP BY name HAVING COUNT(*) > 3;\n",
    "const result = await fetch(url, { method: 'POST', body: JSON.stringify(data) });\n",
};

// Sentences carrying personal data or secrets (all values invented; checksums valid).
constexpr const char* kPii[] = {
    "Please send the contract to jonathan.reyes@meridian-legal.com before noon. ",
    "You can reach me on (415) 555-0172 or on my cell +44 7911 123456. ",
    "My card 4377 5945 8079 8691 was charged twice, can you draft a dispute? ",
    "Wire the deposit to IBAN DE59 3482 6905 9298 1884 71 with reference 2231. ",
    "For the tax form my SSN is 575-41-5021 and I moved last spring. ",
    "export AWS_ACCESS_KEY_ID=AKIAK4KF5EVGYMIGS53Y in the deploy script fails. ",
    "I pushed 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 to a public repo by mistake. ",
    "The VPN server at 203.0.113.77 rejects my laptop with MAC 3C:22:FB:91:0A:7E. ",
    "My landlord Margaret Ellison lives at 48 Cedar Hollow Road in Burlington. ",
    "Send the ETH to 0x1103F1878805563DfEC53FFeCfd8cCE3AfB61A1B tonight. ",
    "password: Wint3r-is-C0ming! and the user is admin. ",
    "김민준 팀장님 연락처는 010-4821-7730입니다. ",
    "제 주민등록번호는 920611-2312183이고 연말정산 서류를 준비 중이에요. ",
    "신한은행 계좌 110-234-567890으로 월세를 보내 주세요. ",
};

// splitmix64: a tiny PRNG with the same output everywhere.
struct Rng {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  double Unit() { return static_cast<double>(Next() >> 11) / 9007199254740992.0; }
};

// CPU time consumed so far by the calling thread.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <size_t N>
const char* Pick(Rng& rng, const char* const (&pool)[N]) {
  return pool[rng.Below(N)];
}

// Cuts `s` to at most `n` bytes without splitting a UTF-8 sequence, then pads with spaces.
void FitToSize(std::string& s, size_t n) {
  if (s.size() > n) {
    size_t cut = n;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s.resize(cut);
  }
  s.append(n - s.size(), ' ');
}

}  // namespace

std::vector<std::string> BuildBenchCorpus(const BenchCorpusOptions& options) {
  Rng rng{options.seed};
  std::vector<std::string> corpus;
  corpus.reserve(options.prompts);
  for (size_t p = 0; p < options.prompts; ++p) {
    bool korean = rng.Unit() < options.korean_fraction;
    size_t pii = rng.Unit() < options.pii_fraction ? 1 + rng.Below(3) : 0;
    std::string prompt;
    prompt.reserve(options.prompt_bytes + 256);
    // Insert the PII sentences at random points of the prompt, not all at the start.
    while (prompt.size() < options.prompt_bytes) {
      double r = rng.Unit();
      if (pii > 0 && r < 0.25) {
        prompt += Pick(rng, kPii);
        --pii;
      } else if (r < 0.35) {
        prompt += Pick(rng, kCode);
      } else if (korean) {
        prompt += Pick(rng, kKorean);
      } else {
        prompt += Pick(rng, kEnglish);
      }
    }
    FitToSize(prompt, options.prompt_bytes);
    corpus.push_back(std::move(prompt));
  }
  return corpus;
}

double Percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  double rank = std::ceil(q * static_cast<double>(values.size()));
  size_t idx = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return values[std::min(idx, values.size() - 1)];
}

namespace {

// What one thread measured.
struct ThreadRecord {
  std::vector<double> pass_seconds, pass_cpu_seconds;  // throughput phase, per pass
  std::vector<double> call_ms, call_cpu_ms;            // latency phase, per call
};

// Runs `threads` copies of `work(record)` at once (or inline for one thread).
void RunThreads(int threads, std::vector<ThreadRecord>& records,
                const std::function<void(ThreadRecord&)>& work) {
  if (threads == 1) {
    work(records[0]);
    return;
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work, std::ref(records[size_t(t)]));
  for (std::thread& th : pool) th.join();
}

template <typename Member>
std::vector<double> Gather(const std::vector<ThreadRecord>& records, Member member) {
  std::vector<double> all;
  for (const ThreadRecord& r : records)
    all.insert(all.end(), (r.*member).begin(), (r.*member).end());
  return all;
}

}  // namespace

BenchStats TimeScenario(const std::vector<std::string>& corpus, int iterations, int threads,
                        const std::function<void(std::string_view)>& scan) {
  using Clock = std::chrono::steady_clock;
  for (const std::string& prompt : corpus) scan(prompt);  // warm-up: caches, lazy init

  threads = std::max(threads, 1);
  iterations = std::max(iterations, 1);
  std::vector<ThreadRecord> records(static_cast<size_t>(threads));

  // Throughput phase: whole passes timed, nothing inside the loop but the scan (per-call
  // clock reads would cost more than the baselines themselves).
  auto start = Clock::now();
  RunThreads(threads, records, [&](ThreadRecord& rec) {
    for (int it = 0; it < iterations; ++it) {
      auto wall = Clock::now();
      double cpu = ThreadCpuSeconds();
      for (const std::string& prompt : corpus) scan(prompt);
      rec.pass_cpu_seconds.push_back(ThreadCpuSeconds() - cpu);
      rec.pass_seconds.push_back(std::chrono::duration<double>(Clock::now() - wall).count());
    }
  });
  double throughput_wall = std::chrono::duration<double>(Clock::now() - start).count();

  // Latency phase: the same passes again, each call timed in wall-clock and CPU time.
  RunThreads(threads, records, [&](ThreadRecord& rec) {
    rec.call_ms.reserve(corpus.size() * static_cast<size_t>(iterations));
    rec.call_cpu_ms.reserve(rec.call_ms.capacity());
    for (int it = 0; it < iterations; ++it) {
      for (const std::string& prompt : corpus) {
        double cpu = ThreadCpuSeconds();
        auto wall = Clock::now();
        scan(prompt);
        rec.call_ms.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - wall).count());
        rec.call_cpu_ms.push_back((ThreadCpuSeconds() - cpu) * 1e3);
      }
    }
  });

  size_t corpus_bytes = 0;
  for (const std::string& prompt : corpus) corpus_bytes += prompt.size();
  BenchStats stats;
  stats.wall_seconds = throughput_wall;
  stats.pass_bytes = corpus_bytes * static_cast<size_t>(threads);
  stats.bytes = stats.pass_bytes * static_cast<size_t>(iterations);
  stats.median_pass_seconds = Percentile(Gather(records, &ThreadRecord::pass_seconds), 0.5);
  stats.median_pass_cpu_seconds = Percentile(Gather(records, &ThreadRecord::pass_cpu_seconds), 0.5);
  std::vector<double> calls = Gather(records, &ThreadRecord::call_ms);
  std::vector<double> cpu_calls = Gather(records, &ThreadRecord::call_cpu_ms);
  stats.calls = calls.size();
  stats.p50_ms = Percentile(calls, 0.50);
  stats.p99_ms = Percentile(calls, 0.99);
  stats.max_ms = calls.empty() ? 0.0 : *std::max_element(calls.begin(), calls.end());
  stats.p50_cpu_ms = Percentile(cpu_calls, 0.50);
  stats.p99_cpu_ms = Percentile(cpu_calls, 0.99);
  return stats;
}

size_t CountNewlines(std::string_view text) {
  size_t n = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const void* hit = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (hit == nullptr) break;
    ++n;
    p = static_cast<const char*>(hit) + 1;
  }
  return n;
}

size_t CountTrivialPatternMatches(std::string_view text) {
  static const RE2 kPattern("(\\d{3}-\\d{4})");
  re2::StringPiece input(text.data(), text.size());
  size_t n = 0;
  while (RE2::FindAndConsume(&input, kPattern)) ++n;
  return n;
}

}  // namespace ptmo::eval
