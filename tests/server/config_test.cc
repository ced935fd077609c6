#include "server/config.h"

#include <gtest/gtest.h>

namespace ptmo::server {
namespace {

const char* kEdge = R"(
[server]
role = "edge"
port = 9000
max_concurrency = 8

[[api_keys]]
user = "alice"
sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

[local]
model = "models/edge.gguf"
threads = 2

[[cloud]]
name = "groq"
base_url = "https://api.groq.com/openai/v1"
api_key_env = "GROQ_API_KEY"
models = ["llama-3.1-8b-instant"]
max_idle_connections = 4
idle_connection_timeout_s = 2.5

[gateway]
mask = "surrogate"
private = "hybrid"

[privacy]
epsilon = 3.0
window_s = 3600
)";

TEST(NodeConfig, ParsesAnEdgeConfig) {
  auto c = ParseNodeConfig(kEdge, "/etc/ptmo", "edge.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->role, "edge");
  EXPECT_EQ(c->http.port, 9000);
  EXPECT_EQ(c->http.max_concurrency, 8);
  ASSERT_EQ(c->http.api_keys.size(), 1u);
  EXPECT_EQ(c->http.api_keys[0].user_id, "alice");
  EXPECT_EQ(c->local.model_path, "/etc/ptmo/models/edge.gguf");  // relative to the file
  ASSERT_EQ(c->clouds.size(), 1u);
  EXPECT_EQ(c->clouds[0].api_key_env, "GROQ_API_KEY");
  EXPECT_EQ(c->clouds[0].max_idle_connections, 4);
  EXPECT_EQ(c->clouds[0].idle_connection_timeout_s, 2.5);
  EXPECT_EQ(c->http.max_body_bytes, size_t(12) << 20);  // the default fits an 8 MiB image
  EXPECT_EQ(c->gateway.mask_mode, privacy::MaskMode::kSurrogate);
  EXPECT_EQ(c->routes.for_private, offload::Route::kHybrid);
  EXPECT_EQ(c->budget.epsilon_per_window, 3.0);
  EXPECT_EQ(c->budget_db, "/etc/ptmo/ptmo-budget.db");
}

struct BadCase {
  std::string toml;
  std::string expect;  // in the message
};

TEST(NodeConfig, NamesWhatIsWrong) {
  const std::string local = "[local]\nmodel = \"m.gguf\"\n";
  std::vector<BadCase> cases = {
      {"[server]\nrole = \"fog\"\n" + local, "server.role"},
      {"[server]\nport = \"80\"\n" + local, "server.port: expected an integer"},
      {"[server]\nport = 70000\n" + local, "server.port"},
      {"[server]\nprot = 80\n" + local, "server.prot: unknown key"},
      {"[srever]\n" + local, "unknown section [srever]"},
      {"[server]\n", "local.model: required"},
      {local + "[gateway]\nmask = \"blur\"\n", "gateway.mask"},
      {local + "[gateway]\npolicy = \"learned\"\n", "gateway.policy_file: required"},
      {local + "[gateway]\npublic = \"moon\"\n", "gateway.public"},
      {local + "[privacy]\nepsilon = 0\n", "privacy.epsilon"},
      {local + "[[api_keys]]\nuser = \"a\"\nsha256 = \"abc\"\n", "api_keys[0].sha256"},
      {local + "[[cloud]]\nname = \"x\"\nmodels = [\"m\"]\n", "cloud[0].base_url: required"},
      {local + "[server]\nrole = \"cloud\"\n[[cloud]]\nbase_url = \"http://x\"\nmodels = "
               "[\"m\"]\n",
       "takes no [[cloud]]"},
      {"this is = = not toml", "bad.toml:1"},
  };
  for (const BadCase& c : cases) {
    auto r = ParseNodeConfig(c.toml, "/tmp", "bad.toml");
    ASSERT_FALSE(r.ok()) << c.toml;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos)
        << "got: " << r.status().message() << "\nfor:\n"
        << c.toml;
  }
}

TEST(NodeConfig, MissingFileIsNotFound) {
  auto r = LoadNodeConfig("/nonexistent/ptmo.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/ptmo.toml"), std::string::npos);
}

}  // namespace
}  // namespace ptmo::server
