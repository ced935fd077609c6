// The edge gateway: analyze -> decide -> execute -> account, for every request.
//
//   analyze  every text the request carries (messages, tool-call arguments, tool
//            definitions) with the privacy guard; a failure answers locally (fail closed)
//   decide   a RoutePolicy picks local / cloud / hybrid from the analysis and the user's
//            remaining privacy budget; the gateway then enforces: budget exhausted, no cloud
//            or failed analysis -> local; PRIVATE text never goes whole (cloud -> hybrid)
//   execute  local: the on-device model sees the original request.
//            cloud: every detected span is replaced by the conversation vault's pseudonym,
//            the masked request goes to the first cloud backend, and the answer (streamed or
//            not, tool-call arguments included) is restored before the caller sees it.
//            hybrid: each message loses its PRIVATE parts (privacy::Decompose), the rest is
//            masked and sent; the local model answers the original request at the same time;
//            the answer is the restored cloud answer, a blank line, then the local answer.
//   account  the privacy cost of exactly what was sent (privacy/budget/privacy_cost.h) is
//            charged to the user's ledger before it is sent (a refused charge -> local), and
//            an audit row records the bytes sent, the decision, reasons, latency and cost.
// A cloud error before any text reached the caller falls back to the local model and says
// so in PrivacyReport::fallback.
// Images (image_url parts) are checked and decided by offload/image_gate.h before the text:
// a bad image refuses the request (400); PUBLIC images go as they are, SEMI_SENSITIVE ones
// only redacted, PRIVATE ones never. The request's level is the highest of its texts and
// images; a request whose images are all withheld is answered locally (text-only model), and
// the uploaded images' risk adds to the privacy cost (docs/budget-and-audit.md).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "backend/backend.h"
#include "offload/conversation_vaults.h"
#include "offload/image_gate.h"
#include "offload/route_policy.h"
#include "offload/service.h"
#include "privacy/analyzer.h"
#include "privacy/audit/audit_log.h"
#include "privacy/budget/budget_ledger.h"
#include "privacy/decomposer.h"
#include "privacy/vault/vault.h"

namespace ptmo::offload {

struct GatewayOptions {
  // The model id callers name to let the gateway choose ("auto" routing). Naming the local
  // model's id instead forces the local route.
  std::string model_id = "ptmo";
  privacy::MaskMode mask_mode = privacy::MaskMode::kPlaceholder;
  privacy::DecomposeStrategy decompose = privacy::DecomposeStrategy::kEntity;
  std::string hybrid_separator = "\n\n";
  ConversationVaultsOptions vaults;
  // Money per 1k tokens for the audit log's cost column (cloud only).
  double cloud_usd_per_1k_prompt_tokens = 0.0;
  double cloud_usd_per_1k_completion_tokens = 0.0;
  // Image content parts: size limit, analysis and redaction options (offload/image_gate.h).
  ImageGateOptions images;
};

struct GatewayParts {
  std::shared_ptr<const privacy::Analyzer> analyzer;
  std::shared_ptr<backend::Backend> local;
  std::vector<std::shared_ptr<backend::Backend>> clouds;  // tried in order; may be empty
  std::shared_ptr<privacy::BudgetLedger> ledger;
  std::shared_ptr<privacy::AuditLog> audit;
  std::shared_ptr<const RoutePolicy> policy;
  // The image privacy guard (shared, thread-safe). Optional: without it, requests carrying
  // images are refused (400).
  std::shared_ptr<const privacy::vision::ImageAnalyzer> images;
};

class Gateway : public Service {
 public:
  // kInvalidArgument naming the missing part (everything but `clouds` is required) or a bad
  // option.
  static Expected<std::unique_ptr<Gateway>> Create(GatewayOptions options, GatewayParts parts);

  std::vector<std::string> models() const override;
  Expected<ServiceResponse> Handle(const ServiceRequest& request,
                                   const backend::DeltaCallback& on_delta,
                                   const backend::CancelToken* cancel) override;
  const privacy::Analyzer* analyzer() const override { return parts_.analyzer.get(); }

  const ConversationVaults& vaults() const { return vaults_; }

 private:
  Gateway(GatewayOptions options, GatewayParts parts);
  struct Call;
  Expected<backend::Result> RunLocal(Call& call);
  // The cloud and hybrid routes: prepare what is sent, charge for it, send, restore. Falls
  // back to RunLocal (with report.fallback saying why) when a step before sending fails.
  Expected<backend::Result> RunRemote(Call& call);
  // RunRemote's steps. The bool ones return false after setting report.fallback.
  struct Outgoing;
  // Hybrid: removes each PRIVATE text's PRIVATE parts from what is sent.
  bool KeepPrivatePartsLocal(Call& call, Outgoing& out);
  // Pseudonymizes every detected span of what is sent (in `vault`) and joins the texts.
  bool MaskOutgoing(Call& call, privacy::Vault& vault, Outgoing& out);
  // Prices exactly the text (and images) that will leave and charges the user's budget.
  bool ChargeOutgoing(Call& call, const Outgoing& out);
  // Tries the cloud backends in order, each attempt audited write-ahead; streams the
  // restored answer to the caller.
  Expected<backend::Result> SendToClouds(Call& call, privacy::Vault& vault,
                                         const backend::Request& sent);
  // Completes an attempt's "sending" audit record with its outcome.
  void CompleteAttempt(Call& call, int64_t audit_id, const Expected<backend::Result>& result);
  backend::Result RestoreAnswer(const privacy::Vault& vault, backend::Result answer) const;
  // The fields every audit row of `call` shares (who, policy, reasons, latency so far).
  privacy::AuditRecord AuditRecordFor(const Call& call) const;
  // Records a request that sent nothing; cloud attempts have their own rows (AppendSending).
  Status WriteAudit(const Call& call);
  // Appends the audit record of the cloud attempt in call.sent.back() with status "sending",
  // before its bytes leave (write-ahead); the attempt completes it.
  Expected<int64_t> AppendSending(const Call& call);

  GatewayOptions options_;
  GatewayParts parts_;
  ConversationVaults vaults_;
  std::unique_ptr<ImageGate> image_gate_;  // null without parts_.images
  std::mutex last_route_mu_;
  std::unordered_map<std::string, int> last_route_;  // user id -> last route used
};

}  // namespace ptmo::offload
