#include "offload/gateway.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "privacy/budget/privacy_cost.h"

namespace ptmo::offload {
namespace {

using nlohmann::json;
using privacy::Level;

int64_t UnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t UnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One piece of text in a request that would be sent: a message's content, a string inside a
// message's extra fields (tool-call arguments) or the pass-through fields (tool definitions),
// or a completion prompt.
struct TextSlot {
  std::string* text;
  bool is_content;  // a message content or the prompt (decomposed on the hybrid route)
  std::string where;
};

void CollectJsonStrings(json& j, const std::string& where, std::vector<TextSlot>* out) {
  if (j.is_string()) {
    out->push_back({&j.get_ref<std::string&>(), false, where});
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) {
      CollectJsonStrings(j[i], where + "[" + std::to_string(i) + "]", out);
    }
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      CollectJsonStrings(it.value(), where + "." + it.key(), out);
    }
  }
}

// Every text of `r`, in a fixed order (so two copies of a request yield matching slots).
std::vector<TextSlot> TextSlots(backend::Request& r) {
  std::vector<TextSlot> slots;
  if (r.prompt) slots.push_back({&*r.prompt, true, "prompt"});
  for (size_t i = 0; i < r.messages.size(); ++i) {
    std::string where = "messages[" + std::to_string(i) + "]";
    slots.push_back({&r.messages[i].content, true, where + ".content"});
    CollectJsonStrings(r.messages[i].extra, where, &slots);
  }
  CollectJsonStrings(r.passthrough, "request", &slots);
  return slots;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty() && !p.empty()) out += sep;
    out += p;
  }
  return out;
}

}  // namespace

// The state of one request as it moves through the pipeline.
struct Gateway::Call {
  Call(const ServiceRequest& request, const backend::DeltaCallback& delta,
       const backend::CancelToken* token)
      : in(request), on_delta(delta), cancel(token), original(request.request) {}
  const ServiceRequest& in;
  const backend::DeltaCallback& on_delta;
  const backend::CancelToken* cancel;
  backend::Request original;    // the request as the caller sent it
  Route route = Route::kLocal;  // decided; RunRemote may fall back to kLocal
  int64_t now = 0;              // Unix seconds, for the ledger
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  PrivacyReport report;
  std::vector<privacy::Analysis> analyses;  // one per TextSlot of the original request
  std::vector<ImageVerdict> images;         // one per image part, in request order
  std::string policy_reason;
  bool delivered_text = false;  // some text already reached the caller
  // For the audit log: each cloud attempt's destination and the exact body sent.
  Route decided = Route::kLocal;
  std::string destination;
  std::vector<std::pair<std::string, std::string>> sent;
  std::string status = "ok";
  double cost_usd = 0.0;
  // Write-ahead audit: a failed completion of an attempt's "sending" record (the answer is
  // then not returned: see Handle).
  Status audit_error = Status::Ok();
};

Gateway::Gateway(GatewayOptions options, GatewayParts parts)
    : options_(std::move(options)), parts_(std::move(parts)), vaults_(options_.vaults) {
  if (parts_.images) image_gate_ = std::make_unique<ImageGate>(parts_.images, options_.images);
}

Expected<std::unique_ptr<Gateway>> Gateway::Create(GatewayOptions options, GatewayParts parts) {
  if (!parts.analyzer) return InvalidArgument("gateway: no privacy analyzer");
  if (!parts.local) return InvalidArgument("gateway: no local backend");
  if (!parts.ledger) return InvalidArgument("gateway: no privacy budget ledger");
  if (!parts.audit) return InvalidArgument("gateway: no audit log");
  if (!parts.policy) return InvalidArgument("gateway: no routing policy");
  for (const auto& c : parts.clouds) {
    if (!c) return InvalidArgument("gateway: a cloud backend is null");
  }
  if (options.model_id.empty()) return InvalidArgument("gateway: model id is empty");
  if (options.images.max_image_bytes == 0) {
    return InvalidArgument("gateway: max_image_bytes must be positive");
  }
  if (options.mask_mode == privacy::MaskMode::kRedact) {
    // Redaction is not restorable: answers would keep "[REDACTED_...]"; allowed, but it
    // must be asked for explicitly, which it was.
  }
  return std::unique_ptr<Gateway>(new Gateway(std::move(options), std::move(parts)));
}

std::vector<std::string> Gateway::models() const {
  std::vector<std::string> ids = {options_.model_id};
  for (const std::string& id : parts_.local->models()) ids.push_back(id);
  return ids;
}

Expected<ServiceResponse> Gateway::Handle(const ServiceRequest& in,
                                          const backend::DeltaCallback& on_delta,
                                          const backend::CancelToken* cancel) {
  Call call(in, on_delta, cancel);
  PrivacyReport& report = call.report;
  report.policy = parts_.policy->name() + "@" + parts_.policy->version();
  if (in.user_id.empty()) return InvalidArgument("gateway: request without a user id");
  if (in.request_id.empty()) return InvalidArgument("gateway: request without a request id");
  // 0. Images first: a bad one refuses the request before anything is analysed or sent.
  bool has_images = std::any_of(in.request.messages.begin(), in.request.messages.end(),
                                [](const backend::Message& m) { return !m.images.empty(); });
  if (has_images) {
    if (!image_gate_) {
      return InvalidArgument(
          "gateway: this gateway was started without the image privacy guard; send text only");
    }
    PTMO_ASSIGN_OR_RETURN(call.images, image_gate_->Inspect(in.request));
  }

  // 1. Analyze every text of the request. Fail closed: any error means local.
  std::vector<TextSlot> slots = TextSlots(call.original);
  bool analysis_failed = false;
  Level level = Level::kPublic;
  double score = 0.0;
  for (const TextSlot& slot : slots) {
    Expected<privacy::Analysis> a = parts_.analyzer->Analyze(*slot.text);
    if (!a.ok()) {
      analysis_failed = true;
      report.reasons.push_back("analysis of " + slot.where + " failed (" + a.status().message() +
                               "): answered locally");
      call.analyses.emplace_back();
      continue;
    }
    if (a->level > level || (a->level == level && a->score > score)) {
      // The reasons reported are those of the most sensitive text.
      if (a->level > level) {
        report.reasons.erase(
            std::remove_if(report.reasons.begin(), report.reasons.end(),
                           [](const std::string& r) { return r.rfind("analysis of", 0) != 0; }),
            report.reasons.end());
      }
      level = a->level;
      score = std::max(score, a->score);
      for (const std::string& r : a->reasons) {
        if (std::find(report.reasons.begin(), report.reasons.end(), r) == report.reasons.end())
          report.reasons.push_back(r);
      }
    }
    call.analyses.push_back(std::move(*a));
  }
  // The request is as sensitive as its most sensitive text or image.
  for (const ImageVerdict& v : call.images) {
    level = std::max(level, v.level);
    score = std::max(score, v.score);
    if (v.level == Level::kPublic) continue;
    for (const std::string& r : v.reasons) report.reasons.push_back(v.param + ": " + r);
  }
  if (analysis_failed) level = Level::kPrivate;
  report.level = std::string(privacy::LevelName(level));
  report.score = analysis_failed ? 1.0 : score;

  // 2. Decide.
  call.now = UnixSeconds();
  Expected<privacy::BudgetState> budget = parts_.ledger->State(in.user_id, call.now);
  if (!budget.ok()) return budget.status();
  report.budget_remaining = budget->remaining;
  RouteContext context;
  context.level = level;
  context.score = report.score;
  context.budget_remaining_fraction =
      budget->epsilon > 0 ? std::clamp(budget->remaining / budget->epsilon, 0.0, 1.0) : 0.0;
  context.images = static_cast<int>(call.images.size());
  for (const ImageVerdict& v : call.images) context.image_scores.push_back(v.score);
  {
    std::lock_guard lock(last_route_mu_);
    auto it = last_route_.find(in.user_id);
    if (it != last_route_.end()) context.previous_route = it->second;
  }
  RouteDecision decision = parts_.policy->Decide(context);
  Route route = decision.route;
  call.policy_reason = decision.reason;
  auto force_local = [&](const std::string& why) {
    if (route != Route::kLocal) report.fallback = why;
    route = Route::kLocal;
  };
  bool named_local_model = false;
  for (const std::string& id : parts_.local->models()) {
    if (!in.request.model.empty() && in.request.model == id) named_local_model = true;
  }
  if (named_local_model) force_local("the request named the local model");
  // Backends answer with their own model: the id the caller named is the gateway's.
  call.original.model.clear();
  if (analysis_failed) force_local("privacy analysis failed (fail closed)");
  if (parts_.clouds.empty()) force_local("no cloud backend configured");
  if (route != Route::kLocal && budget->exhausted) {
    force_local("privacy budget exhausted until " + std::to_string(budget->window_end));
  }
  if (!call.images.empty() &&
      std::all_of(call.images.begin(), call.images.end(),
                  [](const ImageVerdict& v) { return v.action == ImageAction::kWithheld; })) {
    // The question is about images that may not leave: only the device may answer.
    force_local("every image must stay on the device");
  }
  if (route != Route::kLocal && decision.image_mask) {
    // The policy's choice of images only narrows what the gate allows; after the check
    // above, so a text-only cloud call stays possible.
    for (ImageVerdict& v : call.images) {
      if (v.action == ImageAction::kWithheld || v.index >= 32 ||
          (*decision.image_mask >> v.index) & 1u)
        continue;
      v.action = ImageAction::kWithheld;
      v.bytes.clear();
      v.data_url.clear();
      v.sha256.clear();
      v.cost = 0.0;
      v.reasons.push_back("the policy chose not to upload it");
    }
  }
  if (route == Route::kCloud && level == Level::kPrivate) {
    route = Route::kHybrid;
    call.policy_reason += "; PRIVATE text never leaves whole: hybrid";
  }
  report.reasons.insert(report.reasons.begin(), call.policy_reason);

  // 3. Execute.
  call.route = route;
  call.decided = route;
  Expected<backend::Result> result = route == Route::kLocal ? RunLocal(call) : RunRemote(call);
  report.route = std::string(RouteName(call.route));
  for (const ImageVerdict& v : call.images) {
    bool uploaded = !call.sent.empty() && v.action != ImageAction::kWithheld;
    report.images.push_back(
        {v.index, v.param, std::string(privacy::LevelName(v.level)),
         std::string(ImageActionName(uploaded ? v.action : ImageAction::kWithheld))});
  }
  if (!call.images.empty() && call.route == Route::kLocal) {
    report.reasons.push_back(
        "images withheld: the local model is text-only and answered without them");
  }
  {
    std::lock_guard lock(last_route_mu_);
    if (last_route_.size() > 100000) last_route_.clear();  // bounded: a hint, not state
    last_route_[in.user_id] = static_cast<int>(call.route);
  }
  if (!result.ok() && call.status == "ok") call.status = "error: " + result.status().message();

  // 4. Account: a row for a request that sent nothing (cloud attempts wrote theirs first).
  Status audited = WriteAudit(call);
  if (!audited.ok()) {
    // The answer is not returned without its audit record: an unaudited upload would break
    // the log's guarantee.
    return Status(StatusCode::kInternal, "gateway: audit log write failed: " + audited.message());
  }
  if (!result.ok()) return result.status();
  return ServiceResponse{std::move(*result), report};
}

Expected<backend::Result> Gateway::RunLocal(Call& call) {
  call.route = Route::kLocal;
  backend::DeltaCallback deliver;
  if (call.on_delta) {
    deliver = [&call](std::string_view d) {
      call.delivered_text = true;
      return call.on_delta(d);
    };
  }
  return parts_.local->Generate(call.original, deliver, call.cancel);
}

// What a remote call sends, built step by step by RunRemote's helpers. Built in place (the
// slots point into `request`, so it must not move).
struct Gateway::Outgoing {
  explicit Outgoing(const backend::Request& original) : request(original) {}
  Outgoing(const Outgoing&) = delete;
  Outgoing& operator=(const Outgoing&) = delete;

  backend::Request request;  // the copy that is rewritten and sent
  std::vector<TextSlot> slots;
  // Per slot, the analysis that describes the slot's text before masking: the caller's
  // analysis, or `reanalyzed[i]` when decomposition changed the text.
  std::vector<const privacy::Analysis*> analyses;
  std::vector<privacy::Analysis> reanalyzed;
  size_t kept_private = 0;  // PRIVATE parts the hybrid route kept on the device
  // After masking: every slot's text joined by newlines, and where surrogates are in it.
  std::string text;
  std::vector<privacy::ByteRange> surrogates;
  bool rewritten = false;  // some slot's text differs from what the caller sent
  // The one analysis that already describes exactly `text`, when there is one (see Charge).
  const privacy::Analysis* text_analysis = nullptr;
  const std::string* text_slot = nullptr;
  size_t non_empty_slots = 0;
};

Expected<backend::Result> Gateway::RunRemote(Call& call) {
  const bool hybrid = call.route == Route::kHybrid;
  std::string conversation = call.in.conversation_id;
  if (conversation.empty()) {
    conversation = DeriveConversationId(call.original.messages, call.original.prompt.value_or(""));
  }
  std::shared_ptr<privacy::Vault> vault = vaults_.Get(call.in.user_id, conversation);

  // Each step either succeeds or sets report.fallback, and the request is answered locally.
  Outgoing out(call.original);
  ApplyImageVerdicts(call.images, &out.request);  // redacted copies in, withheld images out
  out.slots = TextSlots(out.request);
  out.analyses.resize(out.slots.size());
  out.reanalyzed.resize(out.slots.size());
  for (size_t i = 0; i < out.slots.size(); ++i) out.analyses[i] = &call.analyses[i];
  if (hybrid && !KeepPrivatePartsLocal(call, out)) return RunLocal(call);
  if (!MaskOutgoing(call, *vault, out) || !ChargeOutgoing(call, out)) return RunLocal(call);

  // Hybrid with parts kept back: the local model answers the original request meanwhile.
  // (A hybrid request that lost nothing to decomposition is answered by the masked cloud
  // call alone.)
  const bool with_local_part = hybrid && out.kept_private > 0;
  std::future<Expected<backend::Result>> local;
  if (with_local_part) {
    local = std::async(std::launch::async, [this, &call] {
      return parts_.local->Generate(call.original, {}, call.cancel);
    });
  }

  Expected<backend::Result> cloud = SendToClouds(call, *vault, out.request);
  if (!cloud.ok()) {
    call.status = "error: " + cloud.status().message();
    if (call.delivered_text || (call.cancel && call.cancel->cancelled())) {
      if (local.valid()) local.wait();
      return cloud.status();
    }
    call.report.fallback = "cloud '" + call.destination + "' failed (" + cloud.status().message() +
                           "): answered locally";
    call.route = Route::kLocal;
    if (local.valid()) {
      Expected<backend::Result> l = local.get();
      if (l.ok() && call.on_delta && !l->text.empty()) call.on_delta(l->text);
      return l;
    }
    return RunLocal(call);
  }
  backend::Result answer = RestoreAnswer(*vault, std::move(*cloud));
  if (!with_local_part) return answer;

  // Aggregate: cloud answer, separator, local answer.
  Expected<backend::Result> l = local.get();
  if (!l.ok()) {
    call.report.fallback = "local part failed (" + l.status().message() + "): cloud answer only";
    return answer;
  }
  std::string addition = options_.hybrid_separator + l->text;
  if (call.on_delta && !l->text.empty()) call.on_delta(addition);
  answer.text += addition;
  answer.message = json{{"role", "assistant"}, {"content", answer.text}};
  answer.usage.prompt_tokens += l->usage.prompt_tokens;
  answer.usage.completion_tokens += l->usage.completion_tokens;
  return answer;
}

bool Gateway::KeepPrivatePartsLocal(Call& call, Outgoing& out) {
  for (size_t i = 0; i < out.slots.size(); ++i) {
    TextSlot& slot = out.slots[i];
    if (!slot.is_content || call.analyses[i].level != Level::kPrivate) continue;
    Expected<std::vector<privacy::Part>> parts =
        privacy::Decompose(*parts_.analyzer, *slot.text, options_.decompose);
    if (!parts.ok()) {
      call.report.fallback = "decomposition failed (" + parts.status().message() + ")";
      return false;
    }
    std::vector<std::string> keep;
    for (const privacy::Part& p : *parts) {
      if (p.analysis.level == Level::kPrivate) {
        ++out.kept_private;
      } else {
        keep.push_back(p.text);
      }
    }
    *slot.text = Join(keep, " ");
    Expected<privacy::Analysis> again = parts_.analyzer->Analyze(*slot.text);
    if (!again.ok()) {
      call.report.fallback = "analysis failed after decomposition (fail closed)";
      return false;
    }
    out.reanalyzed[i] = std::move(*again);
    out.analyses[i] = &out.reanalyzed[i];
  }
  bool anything_left = false;
  for (const TextSlot& slot : out.slots) {
    if (slot.is_content && !slot.text->empty() && slot.where != "prompt") anything_left = true;
    if (slot.where == "prompt" && !slot.text->empty()) anything_left = true;
  }
  for (const backend::Message& m : out.request.messages) anything_left |= !m.images.empty();
  if (!anything_left) {
    call.report.fallback = "every part is PRIVATE: nothing to send";
    return false;
  }
  call.report.reasons.push_back(std::to_string(out.kept_private) +
                                " PRIVATE part(s) kept on the device");
  return true;
}

bool Gateway::MaskOutgoing(Call& call, privacy::Vault& vault, Outgoing& out) {
  out.rewritten = out.kept_private > 0;
  for (size_t i = 0; i < out.slots.size(); ++i) {
    TextSlot& slot = out.slots[i];
    Expected<privacy::MaskResult> masked =
        vault.Mask(*slot.text, out.analyses[i]->spans, options_.mask_mode);
    if (!masked.ok()) {
      call.report.fallback =
          "masking " + slot.where + " failed (" + masked.status().message() + "): answered locally";
      return false;
    }
    *slot.text = std::move(masked->text);
    call.report.masked_spans += masked->replacements.size();
    if (!masked->replacements.empty() || out.analyses[i] != &call.analyses[i]) {
      out.rewritten = true;
    }
    if (!slot.text->empty()) {
      ++out.non_empty_slots;
      out.text_analysis = out.analyses[i];
      out.text_slot = slot.text;
    }
    if (!out.text.empty()) out.text += "\n";
    size_t base = out.text.size();
    if (options_.mask_mode == privacy::MaskMode::kSurrogate) {
      for (const privacy::Replacement& r : masked->replacements) {
        out.surrogates.push_back({base + r.masked_begin, base + r.masked_end});
      }
    }
    out.text += *slot.text;
  }
  return true;
}

bool Gateway::ChargeOutgoing(Call& call, const Outgoing& out) {
  // Charge the budget for exactly this text before it leaves. The cost is a function of the
  // Analyzer's analysis of `out.text` (privacy_cost.h). When nothing was masked or removed
  // and a single text is sent, `out.text` is that text byte for byte, so its first analysis
  // is that analysis (the Analyzer is deterministic) and a second run is skipped; otherwise
  // the sent text is analyzed again, since masking changes what the recognizers and the
  // topic model see.
  PrivacyReport& report = call.report;
  const bool reuse = !out.rewritten && out.non_empty_slots == 1 && out.text_analysis != nullptr &&
                     out.surrogates.empty() && out.text == *out.text_slot;
  Expected<privacy::PrivacyCost> cost =
      reuse ? Expected<privacy::PrivacyCost>(privacy::ComputePrivacyCost(
                  out.text, *out.text_analysis,
                  privacy::SensitivityClassifier(parts_.analyzer->options().classifier)))
            : privacy::MeasurePrivacyCost(*parts_.analyzer, out.text, out.surrogates);
  if (!cost.ok()) {
    report.fallback = "privacy cost of the masked text unknown (" + cost.status().message() +
                      "): answered locally";
    return false;
  }
  cost->cost = CombinedPrivacyCost(cost->cost, call.images);  // uploaded images add their risk
  Expected<privacy::ChargeOutcome> charge =
      parts_.ledger->Charge(call.in.user_id, call.in.request_id, cost->cost, call.now);
  if (!charge.ok()) {
    report.fallback =
        "privacy budget ledger unavailable (" + charge.status().message() + "): answered locally";
    return false;
  }
  report.budget_remaining = charge->state.remaining;
  if (charge->decision != privacy::ChargeDecision::kCharged) {
    report.fallback = "privacy budget: this request costs " + std::to_string(cost->cost) +
                      ", only " + std::to_string(charge->state.remaining) +
                      " remains in the window: answered locally";
    return false;
  }
  report.privacy_cost = charge->charged;
  return true;
}

Expected<backend::Result> Gateway::SendToClouds(Call& call, privacy::Vault& vault,
                                                const backend::Request& sent) {
  // Write-ahead audit: each attempt's record (status "sending", the exact body) is committed
  // before the body leaves, and completed when the attempt ends, so a process killed
  // mid-call still leaves the record of what was sent.
  Expected<backend::Result> cloud = Status(StatusCode::kUnavailable, "no cloud backend");
  for (const std::shared_ptr<backend::Backend>& backend : parts_.clouds) {
    call.destination = backend->name();
    call.sent.emplace_back(call.destination,
                           backend->WireBody(sent, static_cast<bool>(call.on_delta)));
    Expected<int64_t> audit_id = AppendSending(call);
    if (!audit_id.ok()) {
      // Nothing is sent without its record: this attempt never happened.
      call.sent.pop_back();
      cloud = Status(audit_id.status().code(), "audit log write failed, nothing was sent (" +
                                                   audit_id.status().message() + ")");
      break;
    }
    call.report.bytes_sent += call.sent.back().second.size();
    privacy::StreamRestorer restorer = vault.NewStreamRestorer();
    backend::DeltaCallback deliver;
    if (call.on_delta) {
      deliver = [&](std::string_view d) {
        std::string shown = restorer.Feed(d);
        if (shown.empty()) return !(call.cancel && call.cancel->cancelled());
        call.delivered_text = true;
        return call.on_delta(shown);
      };
    }
    cloud = backend->Generate(sent, deliver, call.cancel);
    CompleteAttempt(call, *audit_id, cloud);
    if (cloud.ok()) {
      std::string tail = restorer.Finish();
      if (call.on_delta && !tail.empty()) {
        call.delivered_text = true;
        call.on_delta(tail);
      }
      break;
    }
    if (call.delivered_text || (call.cancel && call.cancel->cancelled())) break;
  }
  call.report.cloud_backend = call.destination;
  return cloud;
}

void Gateway::CompleteAttempt(Call& call, int64_t audit_id,
                              const Expected<backend::Result>& result) {
  privacy::AuditCompletion done;
  if (result.ok()) {
    done.status = result->finish_reason == "cancelled" ? "cancelled" : "ok";
    done.response = result->text;  // as received (pseudonyms not yet restored)
    if (options_.cloud_usd_per_1k_prompt_tokens > 0 ||
        options_.cloud_usd_per_1k_completion_tokens > 0) {
      done.cost_usd =
          result->usage.prompt_tokens / 1000.0 * options_.cloud_usd_per_1k_prompt_tokens +
          result->usage.completion_tokens / 1000.0 * options_.cloud_usd_per_1k_completion_tokens;
    }
    call.cost_usd = done.cost_usd;
  } else {
    done.status = (call.cancel && call.cancel->cancelled()) ? "cancelled"
                                                            : "error: " + result.status().message();
  }
  done.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - call.start)
          .count();
  Status st = parts_.audit->Complete(audit_id, done);
  if (!st.ok() && call.audit_error.ok()) call.audit_error = st;
}

// Restores pseudonyms in the whole answer, tool-call arguments included.
backend::Result Gateway::RestoreAnswer(const privacy::Vault& vault, backend::Result answer) const {
  answer.text = vault.Unmask(answer.text);
  if (!answer.message.empty()) {
    json restored = json::parse(vault.UnmaskJson(answer.message.dump()), nullptr, false);
    answer.message = restored.is_discarded() ? json{{"role", "assistant"}, {"content", answer.text}}
                                             : std::move(restored);
  }
  return answer;
}

privacy::AuditRecord Gateway::AuditRecordFor(const Call& call) const {
  privacy::AuditRecord record;
  record.request_id = call.in.request_id;
  record.time_ms = UnixMillis();
  record.user_id = call.in.user_id;
  record.policy_name = parts_.policy->name();
  record.policy_version = parts_.policy->version();
  record.reasons = call.report.reasons;
  if (!call.report.fallback.empty()) record.reasons.push_back("fallback: " + call.report.fallback);
  record.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - call.start)
          .count();
  return record;
}

Status Gateway::WriteAudit(const Call& call) {
  privacy::AuditRecord record = AuditRecordFor(call);
  record.status = call.status;
  if (!call.images.empty()) {
    record.media_json = ImageAuditJson(call.images, !call.sent.empty()).dump();
  }
  if (call.sent.empty()) {  // nothing left the device
    record.route = privacy::AuditRoute::kLocal;
    return parts_.audit->Append(record).status();
  }
  // Every cloud attempt already has its row (AppendSending, before its bytes left), completed
  // when it ended; report a completion that failed.
  return call.audit_error;
}

Expected<int64_t> Gateway::AppendSending(const Call& call) {
  privacy::AuditRecord record = AuditRecordFor(call);
  record.route =
      call.decided == Route::kHybrid ? privacy::AuditRoute::kHybrid : privacy::AuditRoute::kCloud;
  record.destination = call.sent.back().first;
  record.payload = call.sent.back().second;
  if (record.payload.empty()) record.payload = "(backend did not report its request body)";
  // The budget was charged once, for the first attempt; retries on other backends send the
  // same text and are not charged again.
  record.privacy_cost = call.sent.size() == 1 ? call.report.privacy_cost : 0.0;
  if (!call.images.empty()) record.media_json = ImageAuditJson(call.images, true).dump();
  record.status = "sending";
  return parts_.audit->Append(record);
}

}  // namespace ptmo::offload
