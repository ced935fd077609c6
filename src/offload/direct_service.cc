#include <memory>

#include "offload/service.h"

namespace ptmo::offload {
namespace {

class DirectService : public Service {
 public:
  DirectService(std::shared_ptr<backend::Backend> backend,
                std::shared_ptr<const privacy::Analyzer> analyzer)
      : backend_(std::move(backend)), analyzer_(std::move(analyzer)) {}

  std::vector<std::string> models() const override { return backend_->models(); }

  Expected<ServiceResponse> Handle(const ServiceRequest& request,
                                   const backend::DeltaCallback& on_delta,
                                   const backend::CancelToken* cancel) override {
    for (const backend::Message& m : request.request.messages) {
      if (!m.images.empty()) {
        return InvalidArgument("this node's model '" + backend_->name() + "' takes no images");
      }
    }
    PTMO_ASSIGN_OR_RETURN(backend::Result result,
                          backend_->Generate(request.request, on_delta, cancel));
    return ServiceResponse{std::move(result), std::nullopt};
  }

  const privacy::Analyzer* analyzer() const override { return analyzer_.get(); }

 private:
  std::shared_ptr<backend::Backend> backend_;
  std::shared_ptr<const privacy::Analyzer> analyzer_;
};

}  // namespace

std::unique_ptr<Service> MakeDirectService(std::shared_ptr<backend::Backend> backend,
                                           std::shared_ptr<const privacy::Analyzer> analyzer) {
  return std::make_unique<DirectService>(std::move(backend), std::move(analyzer));
}

}  // namespace ptmo::offload
